// The dashboard and whole workflows from the window: list, open, create, rename, duplicate,
// delete, import and export.

package main

import (
	"fmt"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/flowbench/flowbench/engine"
)

// ListWorkflows returns the dashboard cards.
func (a *App) ListWorkflows() ([]WorkflowCard, error) {
	ws, err := a.svc.ListWorkflows(a.ctx)
	if err != nil {
		return nil, err
	}
	out := make([]WorkflowCard, 0, len(ws))
	for _, w := range ws {
		c := WorkflowCard{ID: w.ID, Name: w.Name, Description: w.Description, Versions: w.Versions, CurrentVersionID: w.CurrentVersionID,
			LastRunStatus: string(w.LastRunStatus), UpdatedAt: ts(w.UpdatedAt)}
		if w.LastRunAt != nil {
			c.LastRunAt = ts(*w.LastRunAt)
		}
		out = append(out, c)
	}
	return out, nil
}

// OpenWorkflow returns everything the editor needs for one workflow.
func (a *App) OpenWorkflow(id string) (WorkflowDetail, error) {
	if err := checkID("workflow", id); err != nil {
		return WorkflowDetail{}, err
	}
	e, err := a.svc.OpenForEditing(a.ctx, id)
	if err != nil {
		return WorkflowDetail{}, err
	}
	d := WorkflowDetail{Workflow: e.Workflow, Versions: versionHeads(e.Versions), Current: e.Current, Draft: e.Draft,
		DraftBaseID: e.DraftBaseID, RunCap: a.svc.RunCap(), NodeTypeCount: len(a.svc.Registry().Types())}
	if e.Base.ID != e.Current.ID {
		d.Base = &e.Base
	}
	return d, nil
}

// WorkflowMeta returns a workflow and its versions without graphs: what the window lists
// after a run or a save (the version menu, the header), without the current version's graph
// OpenWorkflow sends (megabytes for a large workflow).
func (a *App) WorkflowMeta(id string) (WorkflowMeta, error) {
	if err := checkID("workflow", id); err != nil {
		return WorkflowMeta{}, err
	}
	w, vs, err := a.svc.Versions(a.ctx, id)
	if err != nil {
		return WorkflowMeta{}, err
	}
	return WorkflowMeta{Workflow: w, Versions: versionHeads(vs)}, nil
}

// GetVersion returns a version of a workflow whole, with its graph (the window's version
// lists come without graphs).
func (a *App) GetVersion(workflowID, versionID string) (engine.Version, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Version{}, err
	}
	if err := checkID("version", versionID); err != nil {
		return engine.Version{}, err
	}
	v, err := a.svc.GetVersion(a.ctx, versionID)
	if err == nil && v.WorkflowID != workflowID {
		err = fmt.Errorf("version %s is not a version of workflow %s: %w", versionID, workflowID, engine.ErrNotFound)
	}
	return v, err
}

// CreateWorkflow makes an empty workflow.
func (a *App) CreateWorkflow(name string) (engine.Workflow, error) {
	w, _, err := a.svc.CreateWorkflow(a.ctx, name)
	return w, err
}

// RenameWorkflow renames a workflow.
func (a *App) RenameWorkflow(id, name string) (engine.Workflow, error) {
	if err := checkID("workflow", id); err != nil {
		return engine.Workflow{}, err
	}
	return a.svc.RenameWorkflow(a.ctx, id, name)
}

// DuplicateWorkflow copies a workflow with its versions.
func (a *App) DuplicateWorkflow(id string) (engine.Workflow, error) {
	if err := checkID("workflow", id); err != nil {
		return engine.Workflow{}, err
	}
	return a.svc.DuplicateWorkflow(a.ctx, id)
}

// DeleteWorkflow removes a workflow and everything it ran.
func (a *App) DeleteWorkflow(id string) error {
	if err := checkID("workflow", id); err != nil {
		return err
	}
	return a.svc.DeleteWorkflow(a.ctx, id)
}

// ImportJSON imports workflow text (any SPEC §3 shape); into "" creates a workflow.
func (a *App) ImportJSON(text, into string) (engine.ImportResult, error) {
	if len(text) > 64<<20 {
		return engine.ImportResult{}, fmt.Errorf("file is larger than 64 MB: %w", engine.ErrInvalid)
	}
	return a.svc.Import(a.ctx, []byte(text), into)
}

// ImportDialog asks for a workflow file and imports it. An empty result means the user cancelled.
func (a *App) ImportDialog() (engine.ImportResult, error) {
	path, err := runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{Title: "Import workflow",
		Filters: []runtime.FileFilter{{DisplayName: "Workflow (*.json)", Pattern: "*.json"}}})
	if err != nil || path == "" {
		return engine.ImportResult{}, err
	}
	data, err := engine.ReadFile(a.ctx, path, 64<<20)
	if err != nil {
		return engine.ImportResult{}, err
	}
	return a.svc.Import(a.ctx, data, "")
}

// ExportJSON renders a version (or, with bundle, every version) as JSON text.
func (a *App) ExportJSON(id, versionID string, bundle bool) (string, error) {
	if err := checkID("workflow", id); err != nil {
		return "", err
	}
	data, err := a.svc.Export(a.ctx, id, versionID, bundle)
	return string(data), err
}

// ExportDialog asks where to save and writes the export; it returns the path ("" if cancelled).
func (a *App) ExportDialog(id, versionID string, bundle bool) (string, error) {
	text, err := a.ExportJSON(id, versionID, bundle)
	if err != nil {
		return "", err
	}
	w, err := a.svc.ResolveWorkflow(a.ctx, id)
	if err != nil {
		return "", err
	}
	suffix := ".json"
	if bundle {
		suffix = ".bundle.json"
	}
	path, err := runtime.SaveFileDialog(a.ctx, runtime.SaveDialogOptions{Title: "Export workflow",
		DefaultFilename: safeFileName(w.Name) + suffix})
	if err != nil || path == "" {
		return "", err
	}
	if err := engine.WriteFileAtomic(path, []byte(text+"\n")); err != nil {
		return "", err
	}
	return path, nil
}

func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 {
			return '-'
		}
		return r
	}, s)
	if s == "" {
		return "workflow"
	}
	return s
}
