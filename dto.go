package main

import (
	"time"

	"github.com/flowbench/flowbench/engine"
)

// The types the bound methods exchange with the window, and their conversions.

// FileDrop is files dropped from the OS onto the window.
type FileDrop struct {
	X     int      `json:"x"`
	Y     int      `json:"y"`
	Paths []string `json:"paths"`
}

// WorkflowCard is one dashboard card.
type WorkflowCard struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Description      string `json:"description"`
	Versions         int    `json:"versions"`
	CurrentVersionID string `json:"current_version_id"`
	LastRunStatus    string `json:"last_run_status"`
	LastRunAt        string `json:"last_run_at"`
	UpdatedAt        string `json:"updated_at"`
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// WorkflowDetail is what the editor opens: the workflow, its versions (without graphs), the
// current version, the autosaved draft if any and the version it was based on (Base, whole,
// only when it is not the current version).
type WorkflowDetail struct {
	Workflow      engine.Workflow `json:"workflow"`
	Versions      []VersionHead   `json:"versions"`
	Current       engine.Version  `json:"current"`
	Base          *engine.Version `json:"base,omitempty"`
	Draft         *engine.Graph   `json:"draft"`
	DraftBaseID   string          `json:"draft_base_id"`
	RunCap        int             `json:"run_cap"`
	NodeTypeCount int             `json:"node_type_count"`
}

// WorkflowMeta is a workflow and its versions, without graphs.
type WorkflowMeta struct {
	Workflow engine.Workflow `json:"workflow"`
	Versions []VersionHead   `json:"versions"`
}

// VersionHead is a version as the window lists it, without its graph (GetVersion has it).
type VersionHead struct {
	ID         string    `json:"id"`
	WorkflowID string    `json:"workflow_id"`
	Seq        int       `json:"seq"`
	Label      string    `json:"label"`
	Notes      string    `json:"notes"`
	ParentID   string    `json:"parent_id"`
	CreatedAt  time.Time `json:"created_at"`
}

func versionHeads(vs []engine.Version) []VersionHead {
	out := make([]VersionHead, len(vs))
	for i, v := range vs {
		out[i] = VersionHead{ID: v.ID, WorkflowID: v.WorkflowID, Seq: v.Seq, Label: v.Label, Notes: v.Notes, ParentID: v.ParentID, CreatedAt: v.CreatedAt}
	}
	return out
}

// RunInfo is a run as the window shows it.
type RunInfo struct {
	ID            string                       `json:"id"`
	WorkflowID    string                       `json:"workflow_id"`
	WorkflowName  string                       `json:"workflow_name"`
	VersionID     string                       `json:"version_id"`
	VersionLabel  string                       `json:"version_label"`
	Status        string                       `json:"status"`
	Mode          string                       `json:"mode"`
	FromNode      string                       `json:"from_node"`
	Label         string                       `json:"label"`
	Number        int                          `json:"number"`
	QueuePosition int                          `json:"queue_position"`
	Inputs        map[string]any               `json:"inputs"`
	Outputs       map[string]any               `json:"outputs"`
	Nodes         map[string]engine.NodeRecord `json:"nodes"`
	Approvals     map[string]engine.Approval   `json:"approvals"`
	Error         string                       `json:"error"`
	CreatedAt     string                       `json:"created_at"`
	StartedAt     string                       `json:"started_at"`
	FinishedAt    string                       `json:"finished_at"`
	// SavedVersion is set when starting the run saved the draft as a new version.
	SavedVersion string `json:"saved_version"`
	// ParentRunID and ParentNodeID name the run and subworkflow node of a child run.
	ParentRunID  string `json:"parent_run_id,omitempty"`
	ParentNodeID string `json:"parent_node_id,omitempty"`
}

func (a *App) runInfo(r engine.Run, names map[string]string) RunInfo {
	ri := RunInfo{ID: r.ID, WorkflowID: r.WorkflowID, VersionID: r.VersionID, VersionLabel: r.VersionLabel, Status: string(r.Status),
		Mode: string(r.Mode), FromNode: r.FromNode, Label: r.Label, Number: r.Number, QueuePosition: a.svc.QueuePosition(r.ID),
		Inputs: r.Inputs, Outputs: r.Outputs, Nodes: r.Snapshot.Records(), Approvals: r.Snapshot.Approvals, Error: r.Error, CreatedAt: ts(r.CreatedAt),
		ParentRunID: r.ParentRunID, ParentNodeID: r.ParentNodeID}
	if names != nil {
		ri.WorkflowName = names[r.WorkflowID]
	}
	if r.StartedAt != nil {
		ri.StartedAt = ts(*r.StartedAt)
	}
	if r.FinishedAt != nil {
		ri.FinishedAt = ts(*r.FinishedAt)
	}
	return ri
}

// RunRequest is what the run form sends. With Graph set (the editor's draft), or Patch (the
// draft as its edit of its base version), the run uses the version equal to it, saving a new
// version first when none is.
type RunRequest struct {
	WorkflowID string             `json:"workflow_id"`
	VersionID  string             `json:"version_id"`
	Graph      *engine.Graph      `json:"graph"`
	Patch      *engine.GraphPatch `json:"patch"`
	Inputs     map[string]any     `json:"inputs"`
	From       string             `json:"from"`
	// Changed runs what changed and what depends on it (the Run menu's "Run changed").
	Changed bool `json:"changed"`
}

func (r RunRequest) engine(inputs map[string]any) engine.RunRequest {
	return engine.RunRequest{Workflow: r.WorkflowID, Version: r.VersionID, Draft: r.Graph, Inputs: inputs, From: r.From, Changed: r.Changed}
}

// OrphanedQueue is what the window asks about when it opens: queued runs of a process that
// stopped, how many and the oldest few.
type OrphanedQueue struct {
	Count int           `json:"count"`
	Runs  []OrphanedRun `json:"runs"`
}

// OrphanedRun is one queued run of a process that stopped.
type OrphanedRun struct {
	ID           string `json:"id"`
	WorkflowID   string `json:"workflow_id"`
	WorkflowName string `json:"workflow_name"`
	VersionLabel string `json:"version_label"`
	Label        string `json:"label"`
	CreatedAt    string `json:"created_at"`
}
