package engine

import "time"

// Position is where a node sits on the canvas. It never affects a run.
type Position struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Node is one block of a graph. ID is stable across versions and keys generations.
type Node struct {
	ID       string         `json:"id"`
	Type     string         `json:"type"`
	Label    string         `json:"label,omitempty"`
	Params   map[string]any `json:"params,omitempty"`
	Position *Position      `json:"position,omitempty"`
	ParentID string         `json:"parentId,omitempty"`
}

// Edge connects an output handle of one node to an input handle of another.
type Edge struct {
	ID           string `json:"id,omitempty"`
	Source       string `json:"source"`
	SourceHandle string `json:"sourceHandle"`
	Target       string `json:"target"`
	TargetHandle string `json:"targetHandle"`
}

// Input types a workflow may declare (SPEC §3).
const (
	TypeString  = "string"
	TypeNumber  = "number"
	TypeInteger = "integer"
	TypeBoolean = "boolean"
	TypeObject  = "object"
	TypeArray   = "array"
	TypeImage   = "image"
	TypeAudio   = "audio"
	TypeVideo   = "video"
	TypeFile    = "file"
	TypeAny     = "any"
)

// InputTypes lists the declarable flow input types in display order.
var InputTypes = []string{TypeString, TypeNumber, TypeInteger, TypeBoolean, TypeObject, TypeArray, TypeImage, TypeAudio, TypeVideo, TypeFile}

// IsMediaType reports whether values of type t are asset references.
func IsMediaType(t string) bool {
	return t == TypeImage || t == TypeAudio || t == TypeVideo || t == TypeFile
}

// InputDecl declares one typed flow input.
type InputDecl struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Default     any    `json:"default,omitempty"`
}

// Graph is the runnable content of a version: declared inputs, nodes and edges.
type Graph struct {
	Inputs []InputDecl `json:"inputs"`
	Nodes  []Node      `json:"nodes"`
	Edges  []Edge      `json:"edges"`
}

// Workflow is a named container of immutable versions.
type Workflow struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Description      string    `json:"description"`
	Tags             []string  `json:"tags"`
	CurrentVersionID string    `json:"current_version_id"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// WorkflowSummary is a workflow with what a dashboard card shows.
type WorkflowSummary struct {
	Workflow
	Versions      int        `json:"versions"`
	LastRunStatus RunStatus  `json:"last_run_status,omitempty"`
	LastRunAt     *time.Time `json:"last_run_at,omitempty"`
}

// Version is an immutable snapshot of a workflow's graph and declared inputs.
type Version struct {
	ID          string    `json:"id"`
	WorkflowID  string    `json:"workflow_id"`
	Seq         int       `json:"seq"`
	Label       string    `json:"label"`
	Notes       string    `json:"notes"`
	ParentID    string    `json:"parent_id"`
	Graph       Graph     `json:"graph"`
	ContentHash string    `json:"content_hash"`
	CreatedAt   time.Time `json:"created_at"`
}

// RunStatus is the lifecycle state of a run (SPEC §5).
type RunStatus string

const (
	RunQueued      RunStatus = "queued"
	RunRunning     RunStatus = "running"
	RunPaused      RunStatus = "paused"
	RunCompleted   RunStatus = "completed"
	RunFailed      RunStatus = "failed"
	RunCancelled   RunStatus = "cancelled"
	RunInterrupted RunStatus = "interrupted"
)

// Finished reports whether the run will not change any more by itself.
func (s RunStatus) Finished() bool {
	return s == RunCompleted || s == RunFailed || s == RunCancelled || s == RunInterrupted
}

// RunMode says whether a run executes everything or starts from a block.
type RunMode string

const (
	ModeFull      RunMode = "full"
	ModeFromBlock RunMode = "from_block"
	// ModeChanged runs what changed and what depends on it (SPEC §14).
	ModeChanged RunMode = "changed"
)

// NodeStatus is what a run did, or is doing, with one node (SPEC §8).
type NodeStatus string

// Node statuses inside a run result (SPEC §8).
const (
	NodePending   NodeStatus = "pending"
	NodeRunning   NodeStatus = "running"
	NodeExecuted  NodeStatus = "executed"
	NodeReused    NodeStatus = "reused"
	NodeSkipped   NodeStatus = "skipped"
	NodeUntouched NodeStatus = "untouched"
	NodeFailed    NodeStatus = "failed"
	NodeCancelled NodeStatus = "cancelled"
	NodePaused    NodeStatus = "paused"
)

// NodeRecord is what a run did with one node.
type NodeRecord struct {
	Status       NodeStatus `json:"status"`
	Reasons      []string   `json:"reasons"`
	GenerationID string     `json:"generation_id"`
	DurationMS   int64      `json:"duration_ms"`
	Error        string     `json:"error"`
}

// Snapshot is the persisted execution state of a run, updated as it goes, so a paused or
// interrupted run can be resumed or built on after a restart.
type Snapshot struct {
	Nodes map[string]NodeRecord `json:"nodes"`
	// Reused are the nodes the run fed an earlier generation of, with nothing more to say
	// (status reused, no reasons): a run from the end of a large graph has thousands, so
	// they are kept as a list, not as records. Records merges them in.
	Reused    []ReusedNode        `json:"reused,omitempty"`
	Approvals map[string]Approval `json:"approvals,omitempty"`
	// Encoded, when set, is this snapshot as the store encodes it, worked out ahead by the
	// store (SnapshotEncoder) while the run's last generations were committed. Only the run's
	// end record carries it; the store writes it in place of encoding the snapshot again.
	Encoded any `json:"-"`
}

// SnapshotEncoder is a store that encodes a run's snapshot ahead of writing the run
// (Snapshot.Encoded).
type SnapshotEncoder interface {
	EncodeSnapshot(s Snapshot) any
}

// ReusedNode is a node a run fed the generation GenerationID of.
type ReusedNode struct {
	NodeID       string `json:"node_id"`
	GenerationID string `json:"generation_id"`
}

// Records is every node's record: Nodes, and a record for each of Reused. Without Reused it
// is Nodes itself.
func (s Snapshot) Records() map[string]NodeRecord {
	if len(s.Reused) == 0 {
		return s.Nodes
	}
	out := make(map[string]NodeRecord, len(s.Nodes)+len(s.Reused))
	for _, r := range s.Reused {
		out[r.NodeID] = NodeRecord{Status: NodeReused, Reasons: []string{}, GenerationID: r.GenerationID}
	}
	for id, rec := range s.Nodes {
		out[id] = rec
	}
	return out
}

// Approval is a pending or recorded decision of a control.approval node.
type Approval struct {
	Message  string `json:"message"`
	Value    any    `json:"value,omitempty"`
	Decided  bool   `json:"decided"`
	Approved bool   `json:"approved"`
	// Edited is true when the reviewer replaced the value.
	Edited bool `json:"edited,omitempty"`
}

// Run is one execution of a pinned version.
type Run struct {
	ID           string         `json:"id"`
	WorkflowID   string         `json:"workflow_id"`
	VersionID    string         `json:"version_id"`
	VersionLabel string         `json:"version_label"`
	Number       int            `json:"number"`
	Status       RunStatus      `json:"status"`
	Mode         RunMode        `json:"mode"`
	FromNode     string         `json:"from_node,omitempty"`
	Inputs       map[string]any `json:"inputs"`
	Label        string         `json:"label"`
	Error        string         `json:"error"`
	Outputs      map[string]any `json:"outputs"`
	Snapshot     Snapshot       `json:"snapshot"`
	Owner        string         `json:"owner"`
	// ParentRunID and ParentNodeID name the run and flow.subworkflow node that started this
	// run as a child (SPEC §15); empty for a run someone started.
	ParentRunID  string     `json:"parent_run_id,omitempty"`
	ParentNodeID string     `json:"parent_node_id,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	StartedAt    *time.Time `json:"started_at,omitempty"`
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
}

// GenStatus is the state of a generation.
type GenStatus string

const (
	GenRunning   GenStatus = "running"
	GenCompleted GenStatus = "completed"
	GenFailed    GenStatus = "failed"
)

// Generation is the record of one node execution: what it produced and what it saw.
type Generation struct {
	ID               string         `json:"id"`
	WorkflowID       string         `json:"workflow_id"`
	NodeID           string         `json:"node_id"`
	RunID            string         `json:"run_id"`
	VersionID        string         `json:"version_id"`
	VersionLabel     string         `json:"version_label"`
	RunLabel         string         `json:"run_label"`
	Status           GenStatus      `json:"status"`
	Outputs          map[string]any `json:"outputs"`
	Error            string         `json:"error"`
	DurationMS       int64          `json:"duration_ms"`
	Cost             map[string]any `json:"cost,omitempty"`
	ConfigHash       string         `json:"config_hash"`
	InputFingerprint string         `json:"input_fingerprint"`
	CreatedAt        time.Time      `json:"created_at"`
	Selected         bool           `json:"selected"`
	// Seq is the store's insertion number: with CreatedAt (kept to the millisecond) it orders
	// generations; the later of two made in the same millisecond is the one stored last.
	Seq int64 `json:"-"`
	// memo holds what plans work out about a generation kept as current in memory.
	memo *genMemo
}

// newerThan reports whether g was made after o as the stores order generations: CreatedAt
// to the millisecond (what they keep), then Seq.
func (g *Generation) newerThan(o *Generation) bool {
	if a, b := g.CreatedAt.UnixMilli(), o.CreatedAt.UnixMilli(); a != b {
		return a > b
	}
	return g.Seq > o.Seq
}

// CurrentState is what a run from a block needs to know of a workflow's generations, read
// at one moment.
type CurrentState struct {
	// Current maps node id → the node's current generation: selected ?? latest completed.
	Current map[string]*Generation
	// Failed marks nodes that have generations but no current one: each execution failed.
	Failed map[string]bool
	// Epoch is the workflow's generation epoch at that moment (GenerationStore).
	Epoch int64
}

// AssetRef is how a media value refers to a file in the asset store.
type AssetRef struct {
	Asset string `json:"asset"`
	Mime  string `json:"mime"`
	Name  string `json:"name"`
}
