package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Shared work across processes (SPEC §14). SharedWork shares an execution between the runs
// of one process; the window and a CLI batch on the same data home reach the same work
// through the data home instead: a process about to execute a deterministic node claims its
// input fingerprint in the store (WorkClaimStore), and another process about to execute the
// same work waits for the claimant's completed generation and records it as its own
// (reason shared). The claim goes when the claimant's generation is committed, when its
// execution fails or is cancelled (the waiters then execute the work themselves: never a
// failure they did not cause), or when its process dies (owner liveness, as for run slots).
// A process claims only while another live process holds run slots: a lone process pays
// nothing.

// WorkClaim is one process's claim on executing a node's work.
type WorkClaim struct {
	Fingerprint string
	NodeType    string
	Owner       string
	RunID       string
	NodeID      string
	// Token tells one claim from another of the same work (a claim taken over, or taken again).
	Token string
}

// WorkClaimStore keeps the claims on shared work of every process using the data home. A
// store that does not implement it (one process: memstore) shares work inside the process
// only.
type WorkClaimStore interface {
	// ClaimWork records c unless an owner other than c.Owner holds a claim on the same work
	// (fingerprint and node type) for a run that is running and alive(owner) says that
	// owner's process is alive. It returns the claim that holds the work: c when claimed.
	ClaimWork(ctx context.Context, c WorkClaim, alive func(owner string) bool) (WorkClaim, error)
	// ReleaseWork removes the claim c (by token) if it still holds its work.
	ReleaseWork(ctx context.Context, c WorkClaim) error
	// ClaimedWork reports on the work c claimed: gen is the completed generation with c's
	// fingerprint that c's run recorded (nil while there is none); held whether c still
	// holds the work for a running run.
	ClaimedWork(ctx context.Context, c WorkClaim) (gen *Generation, held bool, err error)
	// SlotOwners returns the owners other than owner with runs holding or ready for slots.
	SlotOwners(ctx context.Context, owner string) ([]string, error)
	// DropWorkClaims removes every claim of run runID (a run of a process that died).
	DropWorkClaims(ctx context.Context, runID string) error
}

// othersEvery is how long an answer to "does another live process hold run slots?" is kept.
const othersEvery = 100 * time.Millisecond

// claimPoll bounds the waits between two looks at a claimed execution in another process.
const (
	claimPollMin = 5 * time.Millisecond
	claimPollMax = 200 * time.Millisecond
)

// workClaims is a service's side of shared work across processes.
type workClaims struct {
	store WorkClaimStore
	owner string
	alive func(owner string) bool
	// flushed waits until the generations committed so far are written.
	flushed func(ctx context.Context) error
	ctx     context.Context
	log     *slog.Logger

	mu        sync.Mutex
	checkedAt time.Time
	others    bool
}

// newWorkClaims returns the claims of a service over store, or nil when the store keeps none
// or the service cannot tell a live process from a dead one.
func newWorkClaims(ctx context.Context, store Store, owner string, alive func(string) bool, flushed func(context.Context) error, log *slog.Logger) *workClaims {
	cs, ok := store.(WorkClaimStore)
	if !ok || alive == nil {
		return nil
	}
	return &workClaims{store: cs, owner: owner, alive: alive, flushed: flushed, ctx: ctx, log: log}
}

// othersActive reports whether another live process holds run slots on the data home (the
// answer is kept for othersEvery). Only then is work claimed.
func (w *workClaims) othersActive(ctx context.Context) bool {
	now := time.Now()
	w.mu.Lock()
	if now.Sub(w.checkedAt) < othersEvery {
		o := w.others
		w.mu.Unlock()
		return o
	}
	w.mu.Unlock()
	owners, err := w.store.SlotOwners(ctx, w.owner)
	others := false
	if err == nil {
		for _, o := range owners {
			if w.alive(o) {
				others = true
				break
			}
		}
	}
	w.mu.Lock()
	w.checkedAt, w.others = now, others
	w.mu.Unlock()
	return others
}

// await claims work c, or waits while another live process executes it. It returns the
// other process's completed generation; or release (the caller executes the work and calls
// release after its generation is committed); or neither (execute without a claim: the
// store could not be asked; sharing only ever saves work); or ctx's error when the run is
// cancelled while it waits. onWait is called once, when a wait begins.
func (w *workClaims) await(ctx context.Context, c WorkClaim, onWait func()) (gen *Generation, release func(), err error) {
	c.Owner, c.Token = w.owner, NewID()
	waited := false
	for {
		holder, err := w.store.ClaimWork(ctx, c, w.alive)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			w.log.Warn("claiming shared work", "node_id", c.NodeID, "err", err)
			return nil, nil, nil
		}
		if holder.Token == c.Token {
			return nil, func() { w.release(c) }, nil
		}
		if !waited && onWait != nil {
			onWait()
			waited = true
		}
		g, err := w.wait(ctx, holder)
		if err != nil || g != nil {
			return g, nil, err
		}
		// The claimant did not complete (failed, cancelled, gone): claim it here.
	}
}

// wait follows another process's claim until its generation is there (returned), or the
// claim no longer holds the work (nil: the work is free), or ctx ends.
func (w *workClaims) wait(ctx context.Context, holder WorkClaim) (*Generation, error) {
	pause := claimPollMin
	t := time.NewTimer(pause)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
		g, held, err := w.store.ClaimedWork(ctx, holder)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			w.log.Warn("following shared work", "node_id", holder.NodeID, "err", err)
			return nil, nil
		case g != nil && g.Status == GenCompleted && g.InputFingerprint == holder.Fingerprint:
			return g, nil
		case !held || !w.alive(holder.Owner):
			// A claim can go between the two reads of ClaimedWork just as its generation
			// lands: look once more before executing.
			if g, _, err := w.store.ClaimedWork(ctx, holder); err == nil && g != nil && g.Status == GenCompleted {
				return g, nil
			}
			return nil, nil
		}
		pause = min(pause*2, claimPollMax)
		t.Reset(pause)
	}
}

// release gives up claim c once what was committed before is written (so a waiting process
// that sees the claim go finds the generation), in the background: the run goes on.
func (w *workClaims) release(c WorkClaim) {
	go func() {
		if w.flushed != nil {
			_ = w.flushed(w.ctx)
		}
		if err := w.store.ReleaseWork(context.WithoutCancel(w.ctx), c); err != nil {
			// The claim goes with its run (ClaimWork ignores claims of runs not running).
			w.log.Warn("releasing shared work", "node_id", c.NodeID, "err", err)
		}
	}()
}
