package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// GroupCommitter persists generations in batches on one goroutine and emits each node's event
// only after its generation is committed (SPEC §5 restart safety). Batching amortises the
// commit cost when many nodes finish at once.
type GroupCommitter struct {
	store GenerationStore
	emit  func(Event)
	log   *slog.Logger
	ch    chan commitItem
	// poke wakes the writer while it lingers over a batch (loop), for a barrier: the items
	// queued meanwhile wait in ch without waking it one by one.
	poke chan struct{}
	// linger is lingerBatch (tests set another).
	linger time.Duration
	// saved, when set, hears of every committed batch with the epochs it produced, before
	// the batch's events go out. The batch's slice is its to keep: flush makes a new one
	// each time and never writes it after the call.
	saved func(gens []Generation, epochs map[string]int64)
	// exclusive, when set, is held around a commit and its saved call.
	exclusive sync.Locker
	// applied, when set, hears of every committed batch after saved, in order, on the
	// goroutine that then emits the batch's events (apply): what needs not hold up the write
	// of the next batch. Sync returns once the batches before it were applied.
	applied func(gens []Generation)

	// runs writes the run records queued with the generations (subworkflows' child runs)
	// when the store cannot write them in the batch's transaction (RunBatchStore).
	runs runWriter

	mu     sync.Mutex
	failed map[string]error // run id → first write error
	// labels are the labels the store gave the runs created here, for their later updates.
	labels map[string]string
}

type commitItem struct {
	gen     Generation
	ev      Event
	barrier chan error
	runID   string
	// run, when set, is a run record to write (create: a new row) after what was queued
	// before it; report is the run that fails (its Sync reports it) when this write or the
	// generations of a child run could not be saved.
	run    *Run
	create bool
	report string
}

// runWriter writes run records.
type runWriter interface {
	CreateRun(ctx context.Context, r Run) (Run, error)
	UpdateRun(ctx context.Context, r Run) error
}

// RunBatchStore is a store that writes run records in the transaction of a batch of
// generations: the group committer writes a subworkflow's child run that way, with no
// transaction of its own and no wait for the child's generations.
type RunBatchStore interface {
	// SaveBatch commits in one transaction the runs of created (as CreateRun: each gets its
	// Number and label; returned as stored, in order), the generations (as SaveGenerations)
	// and the records of updated, in order (as UpdateRun). A run that cannot be created or
	// updated does not fail the batch: its error is in runErrs by run id. err fails it all.
	SaveBatch(ctx context.Context, created []Run, gens []Generation, updated []Run) (stored []Run, epochs map[string]int64, runErrs map[string]error, err error)
}

const maxBatch = 512

// lingerBatch is how long the writer waits for more generations before committing a
// batch that holds no barrier. A commit costs tens of microseconds whatever its size, so a
// chain finishing one node every few microseconds would otherwise commit them one by one
// and keep a core busy with it; the wait delays a node's event by at most this much.
const lingerBatch = time.Millisecond

// NewGroupCommitter starts the writer goroutine; it stops when ctx is done.
func NewGroupCommitter(ctx context.Context, store GenerationStore, emit func(Event), log *slog.Logger) *GroupCommitter {
	c := &GroupCommitter{store: store, emit: emit, log: log, ch: make(chan commitItem, 4096), poke: make(chan struct{}, 1), linger: lingerBatch,
		failed: map[string]error{}, labels: map[string]string{}}
	c.runs, _ = store.(runWriter)
	go c.loop(ctx)
	return c
}

// CommitRun queues a run record: written (create: as a new row) after everything queued
// before it, in the same transaction as a batch of generations when the store allows, its
// run event emitted once committed (for its start and its end). A failed write, or a failed
// write of the run's own generations queued before it, fails the run report (its Sync says
// so); the run's final record then says it failed saving.
func (c *GroupCommitter) CommitRun(r Run, create bool, report string) {
	c.ch <- commitItem{run: &r, create: create, report: report, runID: r.ID}
}

// childCommitter is the committer of a child run's executor: its generations go through
// the parent's committer, a failed write failing the parent run too, and its Sync does not
// wait: the child's end record, queued after them, keeps the order of the writes, and the
// parent's Sync waits for them all.
type childCommitter struct {
	c      *GroupCommitter
	report string
}

func (cc childCommitter) Commit(gen Generation, ev Event) {
	cc.c.ch <- commitItem{gen: gen, ev: ev, report: cc.report}
}

func (cc childCommitter) Sync(ctx context.Context, runID string) error { return nil }

// Commit queues a generation; its event is emitted after the batch holding it commits.
func (c *GroupCommitter) Commit(gen Generation, ev Event) {
	c.ch <- commitItem{gen: gen, ev: ev}
}

// Sync waits until everything queued before the call is committed and reports the first
// write error of the run's generations.
func (c *GroupCommitter) Sync(ctx context.Context, runID string) error {
	b := make(chan error, 1)
	select {
	case c.ch <- commitItem{barrier: b, runID: runID}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select { // a writer lingering over a batch commits it now
	case c.poke <- struct{}{}:
	default: // a poke is pending already
	}
	select {
	case err := <-b:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The writer is two stages: loop takes a batch, writes it and settles what the next batch's
// write depends on (the runs it failed), then hands it to apply, which tells of it (applied,
// its events, the answers to Sync) while loop writes the next one. The write is the slower
// stage of a run's pipeline (a large run's executor waits for it at its end): what only
// tells of a batch no longer holds it up. A batch's buffer goes back to loop once applied;
// loop is at most two batches ahead.
const commitBuffers = 3

// flushed is a written batch on its way to apply.
type flushed struct {
	batch     []commitItem
	gens      []Generation
	created   []Run
	createdAt map[string]int
	runErrs   map[string]error
	err       error
	landed    int64 // its commit, for its events (ms)
	// barrierErr is what its Sync barrier (a batch's last item, if any) answers: settled
	// with the batch's write, before the next batch can fail anything.
	barrierErr error
}

func (c *GroupCommitter) loop(ctx context.Context) {
	free := make(chan []commitItem, commitBuffers)
	for range commitBuffers {
		free <- make([]commitItem, 0, maxBatch)
	}
	written := make(chan flushed, 1)
	defer close(written)
	go c.apply(written, free)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var first commitItem
		select {
		case first = <-c.ch:
		case <-ctx.Done():
			return
		}
		var batch []commitItem
		select {
		case batch = <-free:
		case <-ctx.Done():
			return
		}
		batch = append(batch[:0], first)
		barrier := first.barrier != nil
		var linger <-chan time.Time
		// The batch takes what is queued; when nothing is, the writer waits out the linger (or
		// a barrier's poke) and then takes what came meanwhile, not waking for each item: when
		// it keeps up with a run (a changed run's half of a chain), a wake-up and a hand-off
		// to a parked writer for every node cost both sides more than the write.
	fill:
		for len(batch) < maxBatch && !barrier {
			select {
			case it := <-c.ch:
				batch = append(batch, it)
				barrier = it.barrier != nil
				continue
			default:
			}
			if linger == nil {
				timer.Reset(c.linger)
				linger = timer.C
			}
			select {
			case <-c.poke:
				continue // a barrier is queued: take everything up to it
			case <-linger:
				linger = nil
				c.take(&batch)
				break fill
			case <-ctx.Done():
				break fill
			}
		}
		if linger != nil {
			timer.Stop() // since Go 1.23 a stopped timer's channel needs no draining
		}
		written <- c.flush(ctx, batch)
	}
}

// apply tells of each written batch in order, then gives its buffer back to loop.
func (c *GroupCommitter) apply(written <-chan flushed, free chan<- []commitItem) {
	for f := range written {
		c.tell(f)
		clear(f.batch) // no generation outlives its batch through the buffer
		free <- f.batch[:0]
	}
}

// take adds what is queued to batch, up to maxBatch items or a barrier.
func (c *GroupCommitter) take(batch *[]commitItem) {
	for len(*batch) < maxBatch {
		select {
		case it := <-c.ch:
			*batch = append(*batch, it)
			if it.barrier != nil {
				return
			}
		default:
			return
		}
	}
}

// flush writes a batch and records the runs it failed (a later batch's end record of such a
// run says so: settleRun); tell does the rest.
func (c *GroupCommitter) flush(ctx context.Context, batch []commitItem) flushed {
	gens := make([]Generation, 0, len(batch))
	var created, updated []Run
	createdAt := map[string]int{} // run id → its index in created
	for i, it := range batch {
		switch {
		case it.run != nil && it.create:
			createdAt[it.run.ID] = len(created)
			created = append(created, *it.run)
		case it.run != nil:
			r := c.settleRun(*it.run)
			batch[i].run = &r
			if k, ok := createdAt[r.ID]; ok {
				// Created in this batch (a short child run): its row is written once, as it
				// is now. Nothing can read it in between: it is one transaction.
				created[k] = r
				continue
			}
			updated = append(updated, r)
		case it.barrier == nil:
			gens = append(gens, it.gen)
		}
	}
	var err error
	var runErrs map[string]error
	if len(gens) > 0 || len(created) > 0 || len(updated) > 0 {
		if c.exclusive != nil {
			c.exclusive.Lock()
		}
		var epochs map[string]int64
		created, epochs, runErrs, err = c.save(context.WithoutCancel(ctx), created, gens, updated)
		if err == nil && c.saved != nil && len(gens) > 0 {
			c.saved(gens, epochs)
		}
		if c.exclusive != nil {
			c.exclusive.Unlock()
		}
		if err != nil && c.log != nil {
			c.log.Error("saving generations", "err", err, "count", len(gens))
		}
	}
	c.mu.Lock()
	fail := func(id string, e error) {
		if _, seen := c.failed[id]; id != "" && !seen {
			c.failed[id] = e
		}
	}
	for _, child := range []bool{true, false} { // a child's failure first: it names the child
		for _, it := range batch {
			if it.barrier != nil || (it.report != "") != child {
				continue
			}
			id, e := it.gen.RunID, err
			if it.run != nil {
				id, e = it.run.ID, cmp.Or(err, runErrs[it.run.ID])
			}
			if e != nil {
				fail(id, e)
				fail(it.report, fmt.Errorf("child run %s: %w", id, e))
			}
		}
	}
	for _, r := range append(created, updated...) {
		switch {
		case r.Status.Finished() || r.Status == RunPaused:
			delete(c.labels, r.ID)
			delete(c.failed, r.ID) // no Sync asks for a child run's: its report has it
		case err == nil && runErrs[r.ID] == nil && createdAt[r.ID] < len(created) && created[createdAt[r.ID]].ID == r.ID:
			c.labels[r.ID] = r.Label
		}
	}
	var barrierErr error
	if last := batch[len(batch)-1]; last.barrier != nil {
		barrierErr = c.failed[last.runID]
		delete(c.failed, last.runID)
	}
	c.mu.Unlock()
	// The batch's events happen at its commit: one clock read for all (a full run of a large
	// graph emits one a node; the bus would read the clock for each).
	return flushed{batch: batch, gens: gens, created: created, createdAt: createdAt, runErrs: runErrs, err: err,
		landed: time.Now().UnixMilli(), barrierErr: barrierErr}
}

// tell tells of a written batch: applied, then its events in order (each run's, each
// node's) and the answers to its Sync barriers, which so come after every event before them.
func (c *GroupCommitter) tell(f flushed) {
	batch, created, createdAt, runErrs, err, landed := f.batch, f.created, f.createdAt, f.runErrs, f.err, f.landed
	if err == nil && c.applied != nil && len(f.gens) > 0 {
		c.applied(f.gens)
	}
	if err != nil {
		c.recordFailedEnds(context.Background(), batch, err)
	}
	for _, it := range batch {
		if it.run != nil {
			r := *it.run
			if k, ok := createdAt[r.ID]; ok && err == nil && runErrs[r.ID] == nil {
				st := created[k] // as stored: its number and label
				if it.create {   // its start, though the row holds its end already
					st.Status, st.Error, st.FinishedAt = r.Status, r.Error, r.FinishedAt
				}
				r = st
			}
			if c.emit != nil && err == nil && runErrs[r.ID] == nil && (it.create || r.Status.Finished()) {
				c.emit(runEvent(r, 0))
			}
			continue
		}
		if it.barrier != nil {
			it.barrier <- f.barrierErr
			continue
		}
		if err != nil {
			it.ev.Error = "not saved: " + err.Error()
		}
		if c.emit != nil {
			if it.ev.Time == 0 {
				it.ev.Time = landed
			}
			c.emit(it.ev)
		}
	}
}

// settleRun is a queued run record as it is written: with the label the store gave the run
// when it was created here, and, for its end, failed when its generations could not be saved.
func (c *GroupCommitter) settleRun(r Run) Run {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Label == "" {
		r.Label = c.labels[r.ID]
	}
	if ferr := c.failed[r.ID]; ferr != nil && r.Status.Finished() && r.Status != RunFailed {
		r.Status, r.Error = RunFailed, "saving results: "+ferr.Error()
	}
	return r
}

// save writes a batch: in one transaction when the store can, else the runs created, the
// generations and the runs updated one after the other.
func (c *GroupCommitter) save(ctx context.Context, created []Run, gens []Generation, updated []Run) ([]Run, map[string]int64, map[string]error, error) {
	if len(created) == 0 && len(updated) == 0 {
		epochs, err := c.store.SaveGenerations(ctx, gens)
		return nil, epochs, nil, err
	}
	if b, ok := c.store.(RunBatchStore); ok {
		return b.SaveBatch(ctx, created, gens, updated)
	}
	runErrs := map[string]error{}
	if c.runs == nil {
		err := errors.New("this store keeps no run records")
		for _, r := range append(created, updated...) {
			runErrs[r.ID] = err
		}
	} else {
		for i, r := range created {
			stored, err := c.runs.CreateRun(ctx, r)
			if err != nil {
				runErrs[r.ID] = err
				continue
			}
			created[i] = stored
		}
	}
	SameBatchLabels(created, updated)
	var epochs map[string]int64
	if len(gens) > 0 {
		var err error
		if epochs, err = c.store.SaveGenerations(ctx, gens); err != nil {
			return created, nil, runErrs, err
		}
	}
	if c.runs != nil {
		for _, r := range updated {
			if runErrs[r.ID] == nil {
				if err := c.runs.UpdateRun(ctx, r); err != nil {
					runErrs[r.ID] = err
				}
			}
		}
	}
	return created, epochs, runErrs, nil
}

// recordFailedEnds writes, on their own, the end records of child runs whose batch could not
// be saved: failed saving results (best effort: a run whose end is not recorded is marked
// interrupted by the next start).
func (c *GroupCommitter) recordFailedEnds(ctx context.Context, batch []commitItem, err error) {
	if c.runs == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, it := range batch {
		if it.run == nil || it.create || !it.run.Status.Finished() {
			continue
		}
		r := *it.run
		r.Status, r.Error = RunFailed, "saving results: "+err.Error()
		werr := c.runs.UpdateRun(ctx, r)
		if errors.Is(werr, ErrNotFound) { // its start was in the batch too
			_, werr = c.runs.CreateRun(ctx, r)
		}
		switch {
		case werr == nil && c.emit != nil:
			c.emit(runEvent(r, 0))
		case werr != nil && c.log != nil:
			c.log.Error("recording a child run's end", "run_id", r.ID, "err", werr)
		}
	}
}

// SameBatchLabels gives an updated run without a label the one it was created with in the
// same batch.
func SameBatchLabels(created, updated []Run) {
	for i := range updated {
		if updated[i].Label != "" {
			continue
		}
		for _, c := range created {
			if c.ID == updated[i].ID {
				updated[i].Label = c.Label
			}
		}
	}
}
