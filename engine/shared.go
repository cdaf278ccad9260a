package engine

import (
	"context"
	"sync"
)

// ReasonShared explains a node a run did not execute itself: another run was executing the
// same deterministic node with the same input fingerprint at the same time, and this run
// recorded that result as its own generation (SPEC §14).
const ReasonShared = "shared"

// SharedWork lets concurrent runs (of any workflows) that are about to execute a
// deterministic node with the same input fingerprint execute it once. The first run to reach
// it leads: it executes the node. The others wait for the outcome and record it as their own
// generation with reason `shared`. A lead that does not complete (its run is cancelled, or
// the node fails) lets the waiting runs execute the node themselves: one of them leads next.
// One SharedWork serves every run of a service; the zero value is not usable (NewSharedWork).
type SharedWork struct {
	mu      sync.Mutex
	flights map[string]*flight
	waiting int // runs waiting on a flight
}

// NewSharedWork returns an empty SharedWork.
func NewSharedWork() *SharedWork {
	return &SharedWork{flights: map[string]*flight{}}
}

// flight is one execution other runs wait on. outputs and ok are written once, as it lands
// (under SharedWork.mu, before done is closed).
// waiters counts the runs waiting on it until it lands, when they all stop waiting at once
// (so Waiting never counts a run that was woken but has not run again yet).
type flight struct {
	done    chan struct{} // made by the first run to wait (enlist); guarded by SharedWork.mu
	outputs map[string]any
	ok      bool
	waiters int  // guarded by SharedWork.mu
	landed  bool // guarded by SharedWork.mu
}

// join returns the flight for key and whether the caller leads it. A leader must land it.
func (s *SharedWork) join(key string) (*flight, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.flights[key]; ok {
		return f, false
	}
	f := &flight{} // done is made when a run first waits on it (seldom)
	s.flights[key] = f
	return f, true
}

// land ends a flight with its outcome: the outputs of a completed execution (ok), or
// nothing, which sends the waiters to execute the node themselves.
func (s *SharedWork) land(key string, f *flight, outputs map[string]any, ok bool) {
	s.mu.Lock()
	delete(s.flights, key)
	f.outputs, f.ok = outputs, ok
	f.landed = true
	s.waiting -= f.waiters
	f.waiters = 0
	done := f.done
	s.mu.Unlock()
	if done != nil {
		close(done)
	}
}

// landedDone is the done channel of a flight that had landed before anyone waited on it.
var landedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// enlist counts a run waiting on flight f, unless f has landed already, and returns the
// channel closed when f lands (f's outcome is set by then).
func (s *SharedWork) enlist(f *flight) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.landed {
		return landedDone
	}
	f.waiters++
	s.waiting++
	if f.done == nil {
		f.done = make(chan struct{})
	}
	return f.done
}

// leave stops counting a run that stops waiting on f before it lands (its run cancelled).
func (s *SharedWork) leave(f *flight) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !f.landed && f.waiters > 0 {
		f.waiters--
		s.waiting--
	}
}

// Waiting is how many node executions wait on another run's execution right now.
func (s *SharedWork) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

func (s *SharedWork) wait(d int) {
	s.mu.Lock()
	s.waiting += d
	s.mu.Unlock()
}

// sharable reports whether a node's execution may be shared between runs: deterministic
// for these params, and not a group or a subworkflow (their execution is their children's,
// which share on their own, and each run keeps its own children).
func sharable(t *NodeType, params map[string]any) bool {
	return !t.Container && !t.Subflow && !t.Pauses && t.IsDeterministic(params)
}

// sharedLead is a run's lead of a shared execution (awaitShared); the zero value leads none.
type sharedLead struct {
	shared  *SharedWork
	fp      string
	f       *flight
	release func() // the cross-process claim's, when this process holds one
}

// land hands the execution's outcome to the runs waiting on it (and releases the claim).
func (l sharedLead) land(outs map[string]any, ok bool) {
	l.shared.land(l.fp, l.f, outs, ok)
	if l.release != nil {
		l.release()
	}
}

// awaitShared takes part in the shared execution of a node with input fingerprint fp. It
// returns a lead when the caller must execute the node (and then call its land); or the
// outputs of another run's completed execution; or ctx's error when the run is cancelled while
// it waits. The run leading in this process also claims the work across processes
// (workClaims) while another process on the data home runs; an execution another process
// completes is handed to this process's waiting runs too.
func (ex *Executor) awaitShared(ctx context.Context, fp string, c WorkClaim, onWait func()) (outputs map[string]any, lead sharedLead, err error) {
	waited := false
	for {
		f, leads := ex.Shared.join(fp)
		if leads {
			here := sharedLead{shared: ex.Shared, fp: fp, f: f}
			if ex.claims == nil || !ex.claims.othersActive(ctx) {
				return nil, here, nil
			}
			c.Fingerprint = fp
			counted := false
			gen, release, err := ex.claims.await(ctx, c, func() {
				if !waited && onWait != nil {
					onWait()
					waited = true
				}
				ex.Shared.wait(1)
				counted = true
			})
			if counted {
				ex.Shared.wait(-1)
			}
			switch {
			case err != nil:
				here.land(nil, false)
				return nil, sharedLead{}, err
			case gen != nil:
				here.land(gen.Outputs, true)
				return gen.Outputs, sharedLead{}, nil
			}
			here.release = release // nil unless this process claimed the work
			return nil, here, nil
		}
		if !waited && onWait != nil {
			onWait()
			waited = true
		}
		done := ex.Shared.enlist(f)
		select {
		case <-done:
		case <-ctx.Done():
			ex.Shared.leave(f)
		}
		if err := ctx.Err(); err != nil {
			return nil, sharedLead{}, err
		}
		if f.ok {
			return f.outputs, sharedLead{}, nil
		}
		// The leader did not complete: execute it here, or follow whoever leads now.
	}
}
