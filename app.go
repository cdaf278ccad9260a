package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/flowbench/flowbench/cli"
	"github.com/flowbench/flowbench/engine"
)

// App is the one type bound to the window: thin methods over the engine service that validate
// every argument as if it came from a stranger, and the bridge of engine events to the window.
type App struct {
	ctx   context.Context
	svc   *engine.Service
	home  string
	log   *slog.Logger
	unsub func()
	// chosen are the paths the person picked or dropped: bound methods read no others.
	chosen chosenPaths
	emit   func(ctx context.Context, name string, data ...any)
	// openPath is the workflow file the window was started with ("" for none); opened holds
	// what its import gave until the window takes it (openfile.go).
	openPath string
	opened   openedFile
}

// NewApp binds a service to the window.
func NewApp(svc *engine.Service, home string, log *slog.Logger) *App {
	a := &App{svc: svc, home: home, log: log, emit: runtime.EventsEmit}
	a.ctx = engine.WithPathGuard(context.Background(), a.chosen.check)
	return a
}

func (a *App) startup(ctx context.Context) {
	// Every bound method works with this context: files it names are read only when the
	// person chose or dropped them.
	a.ctx = engine.WithPathGuard(ctx, a.chosen.check)
	a.unsub = a.svc.Bus.Subscribe(newEventBridge(ctx).forward)
	a.recoverRuns(ctx)
	runtime.OnFileDrop(ctx, a.dropped)
	a.devHooks(ctx)
	a.openAtStart(a.ctx, a.openPath)
}

// autoResumeOrphans is how many queued runs left by a process that stopped the window
// resumes by itself when it opens; with more, it asks first (OrphanedRuns).
const autoResumeOrphans = 5

// recoverRuns settles the runs of processes that are gone when the window opens: running
// ones become interrupted; a handful of queued ones are resumed here; more wait for the
// person's answer to "N queued runs from a previous session" (Resume / Cancel).
func (a *App) recoverRuns(ctx context.Context) {
	rep, err := a.svc.Recover(ctx, false)
	if err != nil {
		a.log.Error("recovering runs", "err", err)
		return
	}
	resumed := 0
	if n := len(rep.Queued); n > 0 && n <= autoResumeOrphans {
		runs, err := a.svc.ResumeOrphaned(ctx, rep.Queued...)
		if err != nil {
			a.log.Error("resuming queued runs", "err", err)
		}
		resumed = len(runs)
	}
	if len(rep.Interrupted)+len(rep.Queued) > 0 {
		a.log.Info("recovered runs", "interrupted", len(rep.Interrupted), "resumed", resumed, "waiting", len(rep.Queued)-resumed)
	}
}

func (a *App) shutdown(ctx context.Context) {
	if a.unsub != nil {
		a.unsub()
	}
}

func (a *App) beforeClose(ctx context.Context) bool { return false }

func (a *App) menuEvent(name string) { runtime.EventsEmit(a.ctx, "menu", name) }

func (a *App) quit() { runtime.Quit(a.ctx) }

var idRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,128}$`)

func checkID(kind, id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("%s id %q is malformed: %w", kind, id, engine.ErrInvalid)
	}
	return nil
}

// Version returns the build's version string.
func (a *App) Version() string { return cli.Version }

// Home returns the data folder in use.
func (a *App) Home() string { return a.home }

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
	w, vs, err := a.svc.Versions(a.ctx, id)
	if err != nil {
		return WorkflowDetail{}, err
	}
	d := WorkflowDetail{Workflow: w, Versions: vs, RunCap: a.svc.RunCap(), NodeTypeCount: len(a.svc.Registry().Types())}
	for _, v := range vs {
		if v.ID == w.CurrentVersionID {
			d.Current = v
		}
	}
	g, base, ok, err := a.svc.Draft(a.ctx, w.ID)
	if err != nil {
		return WorkflowDetail{}, err
	}
	if ok {
		d.Draft, d.DraftBaseID = &g, base
	}
	return d, nil
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
	w, err := a.svc.ResolveWorkflow(a.ctx, id)
	if err != nil {
		return engine.Workflow{}, err
	}
	return a.svc.RenameWorkflow(a.ctx, id, name, w.Description)
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

// NodeTypes returns every node type's schema: handles, params, determinism.
func (a *App) NodeTypes() []*engine.NodeType { return a.svc.Registry().Types() }

// NodeDeterministic reports whether a node of this type with these params is deterministic
// (image.noise with a seed is, without one is not), for the inspector.
func (a *App) NodeDeterministic(nodeType string, params map[string]any) (bool, error) {
	return a.svc.Registry().NodeDeterministic(nodeType, params)
}

// CheckGraph validates a draft graph and returns its problems (empty when valid).
func (a *App) CheckGraph(g engine.Graph) []engine.Problem { return a.svc.CheckGraph(g) }

// CheckInputs validates run form values against a version's inputs.
func (a *App) CheckInputs(versionID string, values map[string]any) ([]engine.Problem, error) {
	if err := checkID("version", versionID); err != nil {
		return nil, err
	}
	return a.svc.CheckInputs(a.ctx, versionID, values)
}

// CheckRunInputs validates run form values against the inputs the editor's graph declares.
func (a *App) CheckRunInputs(g engine.Graph, values map[string]any) []engine.Problem {
	return a.svc.CheckGraphInputs(g, values)
}

// SaveDraft autosaves the editor's graph.
func (a *App) SaveDraft(workflowID string, g engine.Graph, baseVersionID string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	return a.svc.SaveDraft(a.ctx, workflowID, g, baseVersionID)
}

// DiscardDraft drops the autosaved draft.
func (a *App) DiscardDraft(workflowID string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	return a.svc.DiscardDraft(a.ctx, workflowID)
}

// SaveVersion validates the graph and saves it as the new current version; the draft goes.
func (a *App) SaveVersion(workflowID string, g engine.Graph, notes string) (engine.Version, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Version{}, err
	}
	return a.svc.CommitDraft(a.ctx, workflowID, g, notes)
}

// CreateVersion clones a version (not made current).
func (a *App) CreateVersion(workflowID, fromVersionID, notes string) (engine.Version, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Version{}, err
	}
	return a.svc.CreateVersion(a.ctx, workflowID, fromVersionID, notes)
}

// UseVersion switches the current version. A draft that differs from every version is saved
// as a version first, so no edit is lost.
func (a *App) UseVersion(workflowID, versionID string) (engine.Version, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Version{}, err
	}
	if err := checkID("version", versionID); err != nil {
		return engine.Version{}, err
	}
	return a.svc.SwitchVersion(a.ctx, workflowID, versionID)
}

// NodeTimeline returns a node's generations, live ones included.
func (a *App) NodeTimeline(workflowID, nodeID string) (engine.Timeline, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Timeline{}, err
	}
	if err := checkID("node", nodeID); err != nil {
		return engine.Timeline{}, err
	}
	return a.svc.NodeTimeline(a.ctx, workflowID, nodeID)
}

// SelectGeneration picks the generation that feeds downstream ("" clears the pick).
func (a *App) SelectGeneration(workflowID, nodeID, generationID string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	if err := checkID("node", nodeID); err != nil {
		return err
	}
	if generationID != "" {
		if err := checkID("generation", generationID); err != nil {
			return err
		}
	}
	return a.svc.SelectGeneration(a.ctx, workflowID, nodeID, generationID)
}

// DeleteGeneration removes a generation (and its asset when nothing else uses it).
func (a *App) DeleteGeneration(generationID string) error {
	if err := checkID("generation", generationID); err != nil {
		return err
	}
	return a.svc.DeleteGeneration(a.ctx, generationID)
}

// PlanFrom previews a run from a node: per node rerun/reuse/untouched with reasons.
func (a *App) PlanFrom(workflowID, versionID, nodeID string, inputs map[string]any) (engine.Plan, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Plan{}, err
	}
	if err := checkID("node", nodeID); err != nil {
		return engine.Plan{}, err
	}
	return a.svc.PlanFrom(a.ctx, workflowID, versionID, nodeID, inputs)
}

// PlanGraph previews a run from a node of the editor's graph, saved or not (so unsaved edits
// show as config_changed).
func (a *App) PlanGraph(workflowID string, g engine.Graph, nodeID string, inputs map[string]any) (engine.Plan, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return engine.Plan{}, err
	}
	if err := checkID("node", nodeID); err != nil {
		return engine.Plan{}, err
	}
	return a.svc.PlanGraph(a.ctx, workflowID, g, nodeID, inputs)
}

// ImportMedia copies a local file into the asset store. kind is image, audio, video or file.
// Only a file the person dropped on the window or chose in a dialog in this session is
// read; its content must match kind.
func (a *App) ImportMedia(path, kind string) (engine.AssetRef, error) {
	if !filepath.IsAbs(path) {
		return engine.AssetRef{}, fmt.Errorf("path %q is not absolute: %w", path, engine.ErrInvalid)
	}
	switch kind {
	case engine.TypeImage, engine.TypeAudio, engine.TypeVideo, engine.TypeFile, "":
	default:
		return engine.AssetRef{}, fmt.Errorf("unknown media kind %q: %w", kind, engine.ErrInvalid)
	}
	return a.svc.ImportFile(a.ctx, path, kind)
}

// pickTitle is the file dialog's title for a media kind: "Choose an image file".
func pickTitle(kind string) string {
	if kind == "" {
		return "Choose a file"
	}
	return "Choose " + engine.Article(kind) + " file"
}

// PickMedia asks for a file of the given kind and imports it ("" asset when cancelled).
func (a *App) PickMedia(kind string) (engine.AssetRef, error) {
	path, err := runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{Title: pickTitle(kind)})
	if err != nil || path == "" {
		return engine.AssetRef{}, err
	}
	a.chosen.add(path)
	return a.ImportMedia(path, kind)
}

// PickFile asks for a file path without importing it (linked files).
func (a *App) PickFile(title string) (string, error) {
	path, err := runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{Title: title})
	if err == nil {
		a.chosen.add(path)
	}
	return path, err
}

// OpenExternal opens a link in the OS browser, never inside the app.
func (a *App) OpenExternal(url string) error {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return fmt.Errorf("only http(s) links open: %w", engine.ErrInvalid)
	}
	runtime.BrowserOpenURL(a.ctx, url)
	return nil
}

// WatchWorkflow watches the linked files of the editor's graph (a change sends a "stale"
// event) and the workflow's generations (another process's runs or picks send a
// "generations" event).
func (a *App) WatchWorkflow(workflowID string, g engine.Graph) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	if err := a.svc.FollowGenerations(a.ctx, workflowID); err != nil {
		return err
	}
	return a.svc.WatchWorkflow(a.ctx, workflowID, g)
}

// UnwatchWorkflow releases the watches of a workflow the editor closed.
func (a *App) UnwatchWorkflow(workflowID string) error {
	if err := checkID("workflow", workflowID); err != nil {
		return err
	}
	a.svc.UnwatchWorkflow(workflowID)
	a.svc.UnfollowGenerations(workflowID)
	return nil
}

// RunGenerations returns, per node, the generation a run wrote or (for a node it reused) fed
// downstream: what the canvas shows with that run in the lens.
func (a *App) RunGenerations(runID string) (map[string]engine.Generation, error) {
	if err := checkID("run", runID); err != nil {
		return nil, err
	}
	return a.svc.RunGenerations(a.ctx, runID)
}

// CurrentGenerations returns each node's current generation (selected ?? latest completed),
// what the canvas shows on the nodes, in one call.
func (a *App) CurrentGenerations(workflowID string) (map[string]engine.Generation, error) {
	if err := checkID("workflow", workflowID); err != nil {
		return nil, err
	}
	cur, err := a.svc.CurrentGenerations(a.ctx, workflowID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]engine.Generation, len(cur))
	for id, g := range cur {
		out[id] = *g
	}
	return out, nil
}
