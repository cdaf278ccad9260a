package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RunRequest asks for a run of a workflow.
type RunRequest struct {
	Workflow string
	// Version is an id or label; "" means current.
	Version string
	// Inputs are flow input values (text forms are coerced); Partial marks a run-from-block
	// given only the changed values.
	Inputs map[string]any
	// From, when set, runs from this block (SPEC §7).
	From string
	// Changed runs what changed and what depends on it (SPEC §14); not with From.
	Changed bool
	// Draft, when set, is the editor's graph, run in place of Version (RunDraft, StartBatch).
	Draft *Graph
}

// preparedRun is a validated run that has not been queued yet (a batch validates every line
// before queuing any).
type preparedRun struct {
	run  Run
	exec Execution
	// labelled: label was worked out over the run's whole batch (labelBatch); "" numbers it
	labelled bool
	label    string
}

// labelBatch labels the runs of one batch by what differs between them (SweepLabels). A
// batch of one keeps the label of a single run.
func labelBatch(batch []preparedRun) {
	if len(batch) < 2 {
		return
	}
	sets := make([]map[string]any, len(batch))
	for i := range batch {
		sets[i] = batch[i].run.Inputs
	}
	labels := SweepLabels(batch[0].exec.Version.Graph.Inputs, sets)
	for i := range batch {
		batch[i].labelled, batch[i].label = true, labels[i]
	}
}

// StartRun validates and queues a run; it returns at once with the run queued or started.
// Refused input writes nothing. A req.Draft runs as RunDraft runs it.
func (s *Service) StartRun(ctx context.Context, req RunRequest) (Run, error) {
	st, err := s.start(ctx, req, []map[string]any{req.Inputs}, false)
	if err != nil {
		return Run{}, err
	}
	return st.Runs[0], nil
}

// prepare validates a run of version v of w (its inputs, or its plan from a block) without
// writing anything; req.Workflow and req.Version are not read.
func (s *Service) prepare(ctx context.Context, w Workflow, v Version, req RunRequest) (preparedRun, error) {
	if err := s.checkSubflows(ctx, w, v); err != nil {
		return preparedRun{}, err
	}
	run := Run{ID: NewID(), WorkflowID: w.ID, VersionID: v.ID, VersionLabel: v.Label, Status: RunQueued, Mode: ModeFull,
		Owner: s.owner, CreatedAt: s.now().UTC(), Outputs: map[string]any{}, Snapshot: Snapshot{Nodes: map[string]NodeRecord{}}}
	x := Execution{Version: v}
	if req.From != "" && req.Changed {
		return preparedRun{}, Invalid(Problem{NodeID: req.From, Message: "a changed run has no start block: choose a run from a block or a changed run"})
	}
	if req.From != "" || req.Changed {
		if req.From != "" && !hasNode(v.Graph, req.From) {
			in := v.Label
			if in == "" {
				in = "draft" // the editor's graph, not saved as a version yet (RunDraft)
			}
			return preparedRun{}, Invalid(Problem{NodeID: req.From, Message: fmt.Sprintf("workflow %q %s has no node %q", w.Name, in, req.From)})
		}
		plan, inputs, current, err := s.planFor(ctx, w, v, req.From, req.Inputs, false)
		if err != nil {
			return preparedRun{}, err
		}
		run.Mode, run.FromNode, run.Inputs = ModeFromBlock, req.From, inputs
		if req.Changed {
			run.Mode = ModeChanged
		}
		// the facts the plan was made with: a draft's version, not stored yet, is not cached
		x.Plan, x.Current, x.facts = &plan, current, plan.facts
		x.bodyPrior = s.bodyPrior(w.ID, current)
		// A changed run asks the cache about the nodes that rerun on their own account (they
		// are never cut off early). A run from a block never asks about its target, and the
		// nodes after it mostly end in early cutoff (a run from the last node: its output
		// node does), which asks nothing: warming for it would read the known set for nothing.
		if req.Changed && plan.Rerun > 0 && s.cacheOn(ctx) {
			s.warmCache()
		}
	} else {
		inputs, err := ValidateInputs(v.Graph.Inputs, req.Inputs, s.mediaResolver(ctx))
		if err != nil {
			return preparedRun{}, err
		}
		run.Inputs = inputs
	}
	x.Run = run
	return preparedRun{run: run, exec: x}, nil
}

// enqueue writes a prepared run and hands it to the run manager.
func (s *Service) enqueue(ctx context.Context, p preparedRun) (Run, error) {
	// A label drawn from the inputs is written with the row, so a crash right after the
	// insert leaves no unlabelled run; only "Run #n" needs the number the store assigns.
	decls := p.exec.Version.Graph.Inputs
	if p.labelled {
		p.run.Label = p.label // "" : the store names it "Run #n"
	} else if label := RunLabel(decls, p.run.Inputs, 0); label != RunLabel(nil, nil, 0) {
		p.run.Label = label
	}
	run, err := s.store.CreateRun(ctx, p.run)
	if err != nil {
		return Run{}, err
	}
	if label := RunLabel(decls, run.Inputs, run.Number); !p.labelled && label != run.Label {
		run.Label = label
		if err := s.store.UpdateRun(ctx, run); err != nil {
			return Run{}, err
		}
	}
	p.exec.Run = run
	s.runs.Submit(s.ctx, run, p.exec)
	return run, nil
}

// bodyPrior finds a loop body child's completed generations of the run that made its current
// generation, by input fingerprint: what early cutoff inside a rerun loop compares an item with.
func (s *Service) bodyPrior(workflowID string, current map[string]*Generation) func(ctx context.Context, nodeID string) map[string]*Generation {
	return func(ctx context.Context, nodeID string) map[string]*Generation {
		cur := current[nodeID]
		if cur == nil {
			return nil
		}
		gens, err := s.store.ListGenerations(ctx, workflowID, nodeID)
		if err != nil {
			return nil // no cutoff: the child reruns
		}
		out := map[string]*Generation{}
		for i := range gens { // newest first
			g := &gens[i]
			if _, seen := out[g.InputFingerprint]; !seen && g.RunID == cur.RunID && g.Status == GenCompleted && g.InputFingerprint != "" {
				out[g.InputFingerprint] = g
			}
		}
		return out
	}
}

func hasNode(g Graph, id string) bool {
	for _, n := range g.Nodes {
		if n.ID == id {
			return true
		}
	}
	return false
}

func runEvent(r Run, pos int) Event {
	return Event{Type: EventRun, WorkflowID: r.WorkflowID, RunID: r.ID, Status: string(r.Status), QueuePosition: pos,
		Label: r.Label, VersionLabel: r.VersionLabel, Error: r.Error}
}

// beginRun records a run as running; the queue calls it in queue order. A run whose start
// cannot be recorded does not execute (the queue fails it: failRun).
func (s *Service) beginRun(ar *activeRun) error {
	run := ar.exec.Run
	// The first run of a workflow that never ran keeps its generations in memory as they land,
	// for the runs from a block that follow. (Otherwise the first plan reads them.)
	if !s.current.has(run.WorkflowID) {
		if epoch, err := s.store.GenerationEpoch(context.Background(), run.WorkflowID); err == nil && epoch == 0 {
			s.current.prime(run.WorkflowID, 0)
		}
	}
	if ar.begun != nil { // written with its slot
		run = *ar.begun
	} else {
		run = s.startRecord(ar)
		if err := s.store.UpdateRun(context.Background(), run); err != nil {
			s.log.Error("marking run running", "run_id", run.ID, "err", err)
			return fmt.Errorf("recording the start of run %s: %w", run.ID, err)
		}
	}
	ar.exec.Run = run
	s.Bus.Emit(runEvent(run, 0))
	return nil
}

// startRecord is the record that starts a queued run: running, now, in this process.
func (s *Service) startRecord(ar *activeRun) Run {
	run := ar.exec.Run
	started := s.now().UTC()
	run.Status, run.StartedAt, run.Owner = RunRunning, &started, s.owner
	return run
}

// failRun records a run that could not begin as failed with err.
func (s *Service) failRun(ar *activeRun, err error) {
	stored, _ := s.finishRun(ar.exec.Run, Result{Status: RunFailed, Error: err.Error(), Nodes: map[string]NodeRecord{}, Outputs: map[string]any{}})
	ar.stored = &stored
}

// executeRun is the queue's execute hook: it executes a begun run and records the end. A
// snapshot that cannot be saved fails the run (the executor stops it): a run that goes on
// unrecorded would leave nothing to resume after a crash.
func (s *Service) executeRun(ctx context.Context, ar *activeRun) Result {
	run := ar.exec.Run
	ex := &Executor{Registry: s.reg, Assets: s.store, Committer: s.committer, Emit: s.Bus.Emit, Now: s.now, Limits: s.limits, Providers: s.providers, Settings: s.store, Child: s.runChild,
		Shared: s.shared, claims: s.claims, Checkpoint: func(nodes map[string]NodeRecord, reused []ReusedNode) error {
			r := run
			r.Snapshot = Snapshot{Nodes: nodes, Reused: reused, Approvals: ar.exec.Approvals}
			if err := s.store.UpdateRun(context.Background(), r); err != nil {
				s.log.Error("saving run snapshot", "run_id", run.ID, "err", err)
				return err
			}
			return nil
		}}
	if ar.exec.Plan != nil && s.cacheOn(ctx) {
		ex.Cache = s.newCacheRun().lookup
	}
	if enc, ok := s.store.(SnapshotEncoder); ok {
		ex.EncodeSnapshot = enc.EncodeSnapshot
	}
	// The workflow's state takes the run's generations as they are committed; while the
	// committer saves the last of them, its maps are copied for them (not at the run's end,
	// where the state record is written from them).
	ex.Drained = func() { s.current.settleAhead(run.WorkflowID) }
	res := ex.Execute(ctx, ar.exec)
	// What the run executed joins the workflow's state record, so the next process that
	// plans reads it in one piece (staterecord.go): a run with a plan holds the state it
	// planned with, a full run the one its start prefetched (runstart.go) or, for a workflow
	// that never ran, the one beginRun primed; either had this run's generations applied as
	// they landed (currentCache.committed). A run whose process holds no state, or one that
	// another process's writes made stale, writes nothing (SaveStateRecord refuses a record
	// of any epoch but the workflow's). While another run of the workflow is queued or
	// running here, the last of them writes it (a batch writes one record, not one a run).
	// The record only spares a later process reads, so the run's end does not wait for it:
	// it is written beside the end's write and after its report (Close waits for it, so a
	// command writes it before it exits).
	if !s.runs.othersOf(run.WorkflowID, run.ID) {
		s.recording.Go(func() { s.current.keepRecord(context.Background(), s.store, run.WorkflowID) })
	}
	end := s.endRecord(run, res)
	ar.end = &end
	return res
}

// endRecord is run's record at its end with res.
func (s *Service) endRecord(run Run, res Result) Run {
	done := s.now().UTC()
	run.Status, run.Error, run.Outputs, run.FinishedAt = res.Status, res.Error, res.Outputs, &done
	run.Snapshot = Snapshot{Nodes: res.Nodes, Reused: res.Reused, Approvals: res.Approvals, Encoded: res.encoded}
	if res.Status == RunPaused {
		run.FinishedAt = nil
	}
	return run
}

// endedRun is the queue's ended hook: it reports the end of a run that executed, its record
// written by the queue's slot write (written) or, when that failed, written here alone.
func (s *Service) endedRun(ar *activeRun, written bool) {
	var err error
	if !written {
		err = s.store.UpdateRun(context.Background(), *ar.end)
	}
	ar.end.Snapshot.Encoded = nil // written: the record handed out carries no encoding
	stored, _ := s.reportEnd(*ar.end, err)
	ar.stored = &stored
}

// finishRun records a run's end (endRecord) on its own and reports it (reportEnd).
func (s *Service) finishRun(run Run, res Result) (reported Run, ok bool) {
	run = s.endRecord(run, res)
	return s.reportEnd(run, s.store.UpdateRun(context.Background(), run))
}

// reportEnd reports a run's end record, err the error of writing it. When the record could
// not be written, ok is false and the run is reported (event, Wait) as failed with an error
// saying so and what it had done: the store still says it runs, and the next start of any
// process marks it interrupted.
func (s *Service) reportEnd(run Run, err error) (reported Run, ok bool) {
	if err != nil {
		s.log.Error("recording run end", "run_id", run.ID, "err", err)
		resErr := run.Error
		run.Error = fmt.Sprintf("the run's end (%s) could not be recorded: %v", run.Status, err)
		if resErr != "" {
			run.Error += "; " + resErr
		}
		done := s.now().UTC()
		if run.FinishedAt != nil {
			done = *run.FinishedAt
		}
		run.Status, run.FinishedAt = RunFailed, &done
	}
	s.Bus.Emit(runEvent(run, 0))
	s.live.forgetRun(run.ID)
	return run, err == nil
}

func (s *Service) emitQueue(order []Run) {
	for i, r := range order {
		s.Bus.Emit(runEvent(r, i+1))
	}
}

// cancelledQueued records a queued run cancelled before it started.
func (s *Service) cancelledQueued(r Run) error {
	done := s.now().UTC()
	r.Status, r.Error, r.FinishedAt = RunCancelled, "cancelled before it started", &done
	if err := s.store.UpdateRun(context.Background(), r); err != nil {
		s.log.Error("recording cancel", "run_id", r.ID, "err", err)
		return fmt.Errorf("recording the cancel of run %s: %w", r.ID, err)
	}
	s.Bus.Emit(runEvent(r, 0))
	return nil
}

// Wait blocks until a run is finished or paused and returns its stored record with the
// per-node result. A run of this process returns the record it wrote, without reading it back.
func (s *Service) Wait(ctx context.Context, runID string) (Run, error) {
	ar, err := s.runs.Wait(ctx, runID)
	if err != nil {
		return Run{}, err
	}
	if ar != nil && ar.stored != nil {
		r := *ar.stored
		// as the store keeps them: to the millisecond
		r.CreatedAt = r.CreatedAt.Truncate(time.Millisecond)
		r.StartedAt, r.FinishedAt = truncMS(r.StartedAt), truncMS(r.FinishedAt)
		return r, nil
	}
	return s.store.GetRun(ctx, runID)
}

func truncMS(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	ms := t.Truncate(time.Millisecond)
	return &ms
}

// ErrCancelRequested: the run belongs to another live process, which was asked to cancel it;
// its stored status changes when that process has stopped it (WaitFinished).
var ErrCancelRequested = errors.New("cancel requested from the process running it")

// Cancel stops a queued or running run: one of this process at once; one of another live
// process by asking it (ErrCancelRequested); a paused one, or one whose process is gone, by
// recording the cancel. A run that does not exist or has finished is refused, naming it.
func (s *Service) Cancel(ctx context.Context, runID string) error {
	if s.cancelChild(runID) {
		return nil
	}
	if ok, err := s.runs.Cancel(runID); ok {
		return err
	}
	r, err := s.store.GetRun(ctx, runID)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("run %q does not exist: %w", runID, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if r.Status.Finished() {
		return fmt.Errorf("run %s is already %s: %w", runID, r.Status, ErrConflict)
	}
	if r.Status != RunPaused && r.Owner != s.owner && s.OwnerAlive(r.Owner) && s.reqCancel != nil {
		if err := s.reqCancel(r.Owner, r.ID); err != nil {
			return fmt.Errorf("asking the process running %s to cancel it: %w", runID, err)
		}
		return ErrCancelRequested
	}
	// A paused run, or one owned by a process that is gone: record the cancel.
	done := s.now().UTC()
	r.Status, r.Error, r.FinishedAt = RunCancelled, "cancelled", &done
	if err := s.store.UpdateRun(ctx, r); err != nil {
		return err
	}
	s.Bus.Emit(runEvent(r, 0))
	return nil
}

// WaitFinished waits until a run's stored record is finished (or paused), reading the store
// every poll; a run of this process is waited for directly.
func (s *Service) WaitFinished(ctx context.Context, runID string, poll time.Duration) (Run, error) {
	if s.runs.done(runID) != nil {
		return s.Wait(ctx, runID)
	}
	for {
		r, err := s.store.GetRun(ctx, runID)
		if err != nil || r.Status.Finished() || r.Status == RunPaused {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// GetRun returns one run with its queue position (0 when not queued here).
func (s *Service) GetRun(ctx context.Context, runID string) (Run, int, error) {
	r, err := s.store.GetRun(ctx, runID)
	return r, s.runs.QueuePosition(runID), err
}

// Runs lists runs newest first; wfRef "" lists every workflow's.
func (s *Service) Runs(ctx context.Context, wfRef string, limit int) ([]Run, error) {
	id := ""
	if wfRef != "" {
		w, err := s.ResolveWorkflow(ctx, wfRef)
		if err != nil {
			return nil, err
		}
		id = w.ID
	}
	return s.store.ListRuns(ctx, id, limit)
}

// QueuePosition is the 1-based place of a queued run in this process, 0 otherwise.
func (s *Service) QueuePosition(runID string) int { return s.runs.QueuePosition(runID) }

// checkTypesKnown refuses a version that uses a node type this build does not have or holds
// a param that cannot run (checked once per version; versions never change).
func (s *Service) checkTypesKnown(v Version) error {
	if v.ID != "" && s.versions.knownTypes(v.ID) {
		return nil
	}
	if d := s.diskFacts(v); d != nil && d.paramsOK { // this build checked it before
		s.versions.setKnownTypes(v.ID)
		return nil
	}
	var probs []Problem
	declared := make(map[string]InputDecl, len(v.Graph.Inputs))
	for _, in := range v.Graph.Inputs {
		declared[in.Name] = in
	}
	for _, n := range v.Graph.Nodes {
		t, ok := s.reg.Get(n.Type)
		if !ok {
			probs = append(probs, Problem{NodeID: n.ID, Message: fmt.Sprintf("unknown node type %q (made by a newer build?)", n.Type)})
			continue
		}
		// A version saved by a build that did not check params yet may hold one that cannot
		// run (SPEC §4): refuse the run before any upstream work, naming node and param.
		probs = append(probs, validateParams(n, t, declared)...)
	}
	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	s.versions.setKnownTypes(v.ID)
	s.saveDiskFacts(v) // when this process planned the version already
	return nil
}
