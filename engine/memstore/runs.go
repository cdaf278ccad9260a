package memstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

func newerRun(a, b *runRec) bool {
	if !a.r.CreatedAt.Equal(b.r.CreatedAt) {
		return a.r.CreatedAt.After(b.r.CreatedAt)
	}
	return a.seq > b.seq
}

// CreateRun stores a new run of a version of its workflow and assigns its Number.
func (s *Store) CreateRun(ctx context.Context, r engine.Run) (engine.Run, error) {
	inputs, err := encode("run inputs", r.Inputs)
	if err != nil {
		return engine.Run{}, err
	}
	outputs, err := encode("run outputs", r.Outputs)
	if err != nil {
		return engine.Run{}, err
	}
	snapshot, err := encode("run snapshot", r.Snapshot)
	if err != nil {
		return engine.Run{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.workflows[r.WorkflowID] == nil {
		return engine.Run{}, fmt.Errorf("creating run of workflow %s: %w", r.WorkflowID, engine.ErrNotFound)
	}
	if v := s.versions[r.VersionID]; v == nil || v.v.WorkflowID != r.WorkflowID {
		return engine.Run{}, fmt.Errorf("creating run: version %q is not a version of workflow %s: %w", r.VersionID, r.WorkflowID, engine.ErrInvalid)
	}
	if r.ID == "" {
		r.ID = uuid.NewString()
	}
	if s.runs[r.ID] != nil {
		return engine.Run{}, fmt.Errorf("creating run %s: %w", r.ID, engine.ErrConflict)
	}
	number := 0
	for _, o := range s.runs {
		if o.r.WorkflowID == r.WorkflowID && o.r.Number > number {
			number = o.r.Number
		}
	}
	r.Number = number + 1
	if r.Label == "" {
		r.Label = engine.NumberedLabel(r.Number)
	}
	if r.Status == "" {
		r.Status = engine.RunQueued
	}
	if r.Mode == "" {
		r.Mode = engine.ModeFull
	}
	r.CreatedAt = msOr(r.CreatedAt, time.Now())
	r.StartedAt, r.FinishedAt = msPtr(r.StartedAt), msPtr(r.FinishedAt)
	rec := &runRec{seq: s.nextSeq(), rank: r.CreatedAt.UnixMilli() * 1000, r: r, inputs: inputs, outputs: outputs, snapshot: snapshot}
	rec.refs = runRefs(rec)
	rec.r.Inputs, rec.r.Outputs, rec.r.Snapshot = nil, nil, engine.Snapshot{}
	s.runs[r.ID] = rec
	s.linked(rec.refs)
	return s.runLocked(rec), nil
}

// runRefs lists the assets a run's inputs and outputs refer to.
func runRefs(rec *runRec) []string {
	refs := append(engine.AssetRefs(decode[map[string]any](rec.inputs)), engine.AssetRefs(decode[map[string]any](rec.outputs))...)
	slices.Sort(refs)
	return slices.Compact(refs)
}

func (s *Store) runLocked(rec *runRec) engine.Run {
	r := rec.r
	r.Inputs = decode[map[string]any](rec.inputs)
	r.Outputs = decode[map[string]any](rec.outputs)
	r.Snapshot = decode[engine.Snapshot](rec.snapshot)
	r.StartedAt, r.FinishedAt = msPtr(r.StartedAt), msPtr(r.FinishedAt)
	if v := s.versions[r.VersionID]; v != nil {
		r.VersionLabel = v.v.Label
	}
	return r
}

// UpdateRun replaces status, label, error, outputs, snapshot, owner and times of a run.
func (s *Store) UpdateRun(ctx context.Context, r engine.Run) error {
	e, err := encodeRunUpdate(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runs[r.ID] == nil {
		return fmt.Errorf("updating run %s: %w", r.ID, engine.ErrNotFound)
	}
	s.updateRunLocked(r, e)
	return nil
}

// encodedRun is what UpdateRun stores of a run's outputs and snapshot.
type encodedRun struct{ outputs, snapshot []byte }

func encodeRunUpdate(r engine.Run) (encodedRun, error) {
	outputs, err := encode("run outputs", r.Outputs)
	if err != nil {
		return encodedRun{}, err
	}
	snapshot, err := encode("run snapshot", r.Snapshot)
	if err != nil {
		return encodedRun{}, err
	}
	return encodedRun{outputs: outputs, snapshot: snapshot}, nil
}

// updateRunLocked writes an existing run's mutable fields (s.mu held).
func (s *Store) updateRunLocked(r engine.Run, e encodedRun) {
	rec := s.runs[r.ID]
	rec.r.Status, rec.r.Label, rec.r.Error, rec.r.Owner = r.Status, r.Label, r.Error, r.Owner
	rec.r.StartedAt, rec.r.FinishedAt = msPtr(r.StartedAt), msPtr(r.FinishedAt)
	rec.outputs, rec.snapshot = e.outputs, e.snapshot
	// Links only grow: inputs never change and outputs only appear.
	refs := runRefs(rec)
	rec.refs = slices.Compact(slices.Sorted(slices.Values(append(refs, rec.refs...))))
	s.linked(refs)
}

// GetRun returns one run.
func (s *Store) GetRun(ctx context.Context, id string) (engine.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.runs[id]
	if rec == nil {
		return engine.Run{}, fmt.Errorf("getting run %s: %w", id, engine.ErrNotFound)
	}
	return s.runLocked(rec), nil
}

// ListRuns returns runs newest first without their snapshots; workflowID "" means all
// workflows, limit <= 0 no limit.
func (s *Store) ListRuns(ctx context.Context, workflowID string, limit int) ([]engine.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var recs []*runRec
	for _, r := range s.runs {
		if workflowID == "" || r.r.WorkflowID == workflowID {
			recs = append(recs, r)
		}
	}
	sort.Slice(recs, func(i, j int) bool { return newerRun(recs[i], recs[j]) })
	if limit > 0 && len(recs) > limit {
		recs = recs[:limit]
	}
	out := make([]engine.Run, len(recs))
	for i, r := range recs {
		out[i] = s.runLocked(r)
		out[i].Snapshot = engine.Snapshot{} // lists leave snapshots out
	}
	return out, nil
}

// LatestStartedRun returns the newest run of the workflow that started, without its snapshot.
func (s *Store) LatestStartedRun(ctx context.Context, workflowID string) (engine.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *runRec
	for _, r := range s.runs {
		if r.r.WorkflowID != workflowID || r.r.StartedAt == nil || r.r.Status == engine.RunQueued {
			continue
		}
		if best == nil || newerRun(r, best) {
			best = r
		}
	}
	if best == nil {
		return engine.Run{}, fmt.Errorf("latest started run of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	out := s.runLocked(best)
	out.Snapshot = engine.Snapshot{}
	return out, nil
}

// ListRunsByStatus returns the runs in any of the statuses in queue order (oldest first
// unless moved).
func (s *Store) ListRunsByStatus(ctx context.Context, statuses ...engine.RunStatus) ([]engine.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var recs []*runRec
	for _, r := range s.runs {
		if slices.Contains(statuses, r.r.Status) {
			recs = append(recs, r)
		}
	}
	sortQueue(recs)
	out := make([]engine.Run, len(recs))
	for i, r := range recs {
		out[i] = s.runLocked(r)
	}
	return out, nil
}
