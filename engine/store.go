package engine

import (
	"context"
	"time"
)

// WorkflowStore persists workflows, their immutable versions and editor drafts.
type WorkflowStore interface {
	// CreateWorkflow stores a new workflow with its first version, which becomes current.
	// The store assigns the version's Seq and Label ("v1").
	CreateWorkflow(ctx context.Context, w Workflow, first Version) (Workflow, Version, error)
	GetWorkflow(ctx context.Context, id string) (Workflow, error)
	// FindWorkflows returns workflows whose name equals name exactly.
	FindWorkflows(ctx context.Context, name string) ([]Workflow, error)
	ListWorkflows(ctx context.Context) ([]WorkflowSummary, error)
	// UpdateWorkflow changes name, description and tags.
	UpdateWorkflow(ctx context.Context, w Workflow) error
	// DeleteWorkflow removes a workflow with its versions, runs, generations and draft.
	DeleteWorkflow(ctx context.Context, id string) error
	// AddVersion stores v as the next version of its workflow (Seq, Label assigned) and,
	// when makeCurrent, makes it current in the same transaction.
	AddVersion(ctx context.Context, v Version, makeCurrent bool) (Version, error)
	GetVersion(ctx context.Context, id string) (Version, error)
	// ListVersions returns a workflow's versions newest first.
	ListVersions(ctx context.Context, workflowID string) ([]Version, error)
	SetCurrentVersion(ctx context.Context, workflowID, versionID string) error
	// SaveDraft stores the editor's working graph of a workflow (autosave).
	SaveDraft(ctx context.Context, workflowID string, g Graph, baseVersionID string) error
	// GetDraft returns the draft and the version it was based on; ErrNotFound when none.
	GetDraft(ctx context.Context, workflowID string) (Graph, string, error)
	DeleteDraft(ctx context.Context, workflowID string) error
}

// RunStore persists runs and their snapshots.
type RunStore interface {
	// CreateRun stores a new run; the store assigns Number (1, 2, … per workflow), and a run
	// without a Label is labelled "Run #Number" in the same write.
	CreateRun(ctx context.Context, r Run) (Run, error)
	// UpdateRun replaces the mutable fields of a run: status, label, error, outputs,
	// snapshot, owner and times.
	UpdateRun(ctx context.Context, r Run) error
	GetRun(ctx context.Context, id string) (Run, error)
	// ListRuns returns runs newest first; workflowID "" means all workflows. The runs come
	// without their snapshot (Snapshot.Nodes nil): a list never carries every node record
	// of every run, GetRun has them.
	ListRuns(ctx context.Context, workflowID string, limit int) ([]Run, error)
	// ListRunsByStatus returns runs in any of the statuses in queue order: oldest first,
	// except where MoveQueued placed a queued run.
	ListRunsByStatus(ctx context.Context, statuses ...RunStatus) ([]Run, error)
	// RunInputs returns a run's flow input values (GetRun's Inputs) without the rest of the
	// run; ErrNotFound when there is no such run.
	RunInputs(ctx context.Context, id string) (map[string]any, error)
	// LatestStartedRun returns the newest run of the workflow that started (its StartedAt
	// is set and it is not queued), without its snapshot; ErrNotFound when none did. A
	// run-from-block builds on it however many newer runs are still waiting.
	LatestStartedRun(ctx context.Context, workflowID string) (Run, error)
}

// GenerationStore persists generations, selections and the asset links of generations.
type GenerationStore interface {
	// SaveGenerations commits generations in one transaction, linking each to the assets
	// its outputs reference, and fills in each one's Seq and CreatedAt as stored (to the
	// millisecond). It returns each workflow's generation epoch after the commit.
	SaveGenerations(ctx context.Context, gens []Generation) (map[string]int64, error)
	GetGeneration(ctx context.Context, id string) (Generation, error)
	// ListGenerations returns a node's generations newest first, with Selected, VersionLabel
	// and RunLabel filled.
	ListGenerations(ctx context.Context, workflowID, nodeID string) ([]Generation, error)
	// CurrentGenerations returns, per node of the workflow, the current generation (the
	// selected one, else the latest completed one), the nodes whose every execution failed,
	// and the generation epoch, all as of one moment.
	CurrentGenerations(ctx context.Context, workflowID string) (CurrentState, error)
	// GenerationEpoch is a number that changes whenever the workflow's generations or
	// selections change: it grows by the number of generations each commit adds and by one
	// for each selection, cleared selection or deletion. Equal epochs mean equal generations.
	GenerationEpoch(ctx context.Context, workflowID string) (int64, error)
	// SaveStateRecord keeps data as the workflow's state record (staterecord.go) for epoch,
	// replacing the one it had, when epoch is still the workflow's generation epoch; it
	// reports whether it did. The record goes with its workflow.
	SaveStateRecord(ctx context.Context, workflowID string, epoch int64, data []byte) (bool, error)
	// StateRecord returns the workflow's state record with, read at one moment, the
	// workflow's epoch and, when that moved on from the record's by at most maxSince, the
	// generations of the workflow stored after the record was saved (StateRecord.Since).
	StateRecord(ctx context.Context, workflowID string, maxSince int64) (StateRecord, error)
	// SelectGeneration marks one generation of a node as selected ("" clears the selection).
	SelectGeneration(ctx context.Context, workflowID, nodeID, generationID string) error
	// DeleteGeneration removes a generation and any asset no longer referenced.
	DeleteGeneration(ctx context.Context, id string) error
	// CachedGeneration returns the latest completed generation, of any workflow, whose input
	// fingerprint is fingerprint (the cache, SPEC §14), or ErrNotFound.
	CachedGeneration(ctx context.Context, fingerprint string) (Generation, error)
	// CachedGenerations is CachedGeneration of many fingerprints in one call: for each of
	// fingerprints that a completed generation has, the one CachedGeneration returns (the
	// latest). Its cost follows the number of fingerprints, not of generations sharing them.
	CachedGenerations(ctx context.Context, fingerprints []string) (map[string]Generation, error)
	// GenerationClock tells whether any process wrote or deleted a generation of the data
	// home: see GenClock.
	GenerationClock(ctx context.Context) (GenClock, error)
}

// GenClock changes whenever a generation of the data home is written or deleted, by any
// process. Writes is the largest generation Seq: a commit of n generations onto clock c, with
// nothing else written meanwhile, numbers them c.Writes+1 … c.Writes+n. Deletions counts the
// generations ever deleted. The cache's per-process index is valid while the clock is the one
// it was filled at, moved on only by this process's own commits.
type GenClock struct {
	Writes    int64
	Deletions int64
}

// SettingsStore keeps small application settings (run cap, theme …).
type SettingsStore interface {
	GetSetting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
}

// QueueStore holds the data home's run queue for every process using it (SPEC §5, §14): one
// order of the queued runs and the slots of one run cap.
type QueueStore interface {
	// TakeSlots grants run slots to queued runs, in one transaction: it writes the records of
	// req.Ended, gives back the slots of req.Release, frees the slots of owners that are not alive and of runs no longer queued or running, records which of
	// req.Owner's queued runs are ready (its first req.Limit runs of req.Queued in queue
	// order, counting those already granted), and, unless the setting req.PausedKey is "1",
	// grants free slots under req.Cap to the ready runs of live owners in queue order. It
	// returns the runs of req.Queued that hold a slot, in queue order: granted now, or
	// earlier by another process's call.
	TakeSlots(ctx context.Context, req SlotRequest) ([]string, error)
	// ReleaseSlot gives a run's slot (or its place among the ready runs) back.
	ReleaseSlot(ctx context.Context, runID string) error
	// MoveQueued puts a queued run at a 1-based position among the queued runs (1 is
	// next); a position past the end puts it last. ErrNotFound: no such run; ErrConflict:
	// it is not queued.
	MoveQueued(ctx context.Context, runID string, pos int) error
	// QueueGate reads whether the setting pausedKey pauses the queue ("1") and how many runs
	// hold a slot: cheap enough to read several times a second.
	QueueGate(ctx context.Context, pausedKey string) (QueueGate, error)
}

// SlotRequest is one process asking for run slots (QueueStore.TakeSlots).
type SlotRequest struct {
	Owner string
	// Queued are the owner's queued runs it may start (in any order).
	Queued []string
	// Limit is how many more runs the owner may start now.
	Limit int
	// Cap is how many runs of the data home may hold a slot at once.
	Cap int
	// PausedKey names the setting that pauses the queue when "1".
	PausedKey string
	// Alive tells whether another owner's process still runs.
	Alive func(owner string) bool
	// Release are runs whose slots go back first (they ended).
	Release []string
	// Ended are the records of runs that ended (or paused), written first as UpdateRun
	// writes them: a run's end and the return of its slot are one write. A record that
	// cannot be written fails the whole call (nothing of it is applied).
	Ended []Run
	// Begin, when set, gives the record that starts a run this call returns (granted now or
	// earlier), written in the same transaction as UpdateRun writes it (false: none): a
	// run's start and its slot are one write. A record that cannot be written fails the
	// whole call.
	Begin func(runID string) (Run, bool)
}

// Store is everything the engine persists.
type Store interface {
	WorkflowStore
	RunStore
	QueueStore
	GenerationStore
	SettingsStore
	AssetStore
	ProviderStore
	Close() error
}

// Clock is injected where tests need a fixed time.
type Clock func() time.Time
