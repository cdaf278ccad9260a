package engine

import (
	"context"
	"sync"
	"time"
)

// EventGenerations tells the window that a workflow it follows has new generations, picks or
// deletions that this process did not make (a CLI command, another window on the same data
// home): what it shows of them should be fetched again. It names no run.
const EventGenerations = "generations"

// followEvery is how often followed workflows' generation epochs are read.
const followEvery = time.Second

// follower watches the generation epoch of the workflows open in the window. It knows the
// epoch this process accounts for: its own commits, picks and deletions move it; anything
// else that moves the store's epoch is another process's doing and is announced once.
type follower struct {
	store GenerationStore
	emit  func(Event)
	every time.Duration
	// own is held while this process changes generations and accounts for it, and while a
	// poll reads and compares an epoch: a poll never sees a change of ours half accounted.
	own sync.Mutex

	mu      sync.Mutex
	known   map[string]int64 // followed workflow → epoch accounted for
	running bool
	stop    chan struct{}
}

func newFollower(store GenerationStore, emit func(Event), every time.Duration) *follower {
	if every <= 0 {
		every = followEvery
	}
	return &follower{store: store, emit: emit, every: every, known: map[string]int64{}}
}

// follow starts following a workflow from its epoch now; following it already changes
// nothing (a change not announced yet stays to be announced).
func (f *follower) follow(ctx context.Context, workflowID string) error {
	// Held across the read and the note, so a commit of ours cannot land between them and
	// pass for another process's.
	f.own.Lock()
	defer f.own.Unlock()
	f.mu.Lock()
	_, already := f.known[workflowID]
	f.mu.Unlock()
	if already {
		return nil
	}
	epoch, err := f.store.GenerationEpoch(ctx, workflowID)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.known[workflowID] = epoch
	if !f.running {
		f.running, f.stop = true, make(chan struct{})
		go f.loop(f.stop)
	}
	return nil
}

// unfollow stops following a workflow; the poller stops with the last one.
func (f *follower) unfollow(workflowID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.known, workflowID)
	if len(f.known) == 0 && f.running {
		close(f.stop)
		f.running = false
	}
}

// close stops the poller.
func (f *follower) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.running {
		close(f.stop)
		f.running = false
	}
}

func (f *follower) loop(stop chan struct{}) {
	t := time.NewTicker(f.every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			f.poll()
		}
	}
}

// poll announces each followed workflow whose epoch moved beyond what this process did.
func (f *follower) poll() {
	f.mu.Lock()
	ids := make([]string, 0, len(f.known))
	for id := range f.known {
		ids = append(ids, id)
	}
	f.mu.Unlock()
	for _, id := range ids {
		f.own.Lock()
		epoch, err := f.store.GenerationEpoch(context.Background(), id)
		f.mu.Lock()
		known, ok := f.known[id]
		moved := err == nil && ok && epoch != known
		if moved {
			f.known[id] = epoch
		}
		f.mu.Unlock()
		f.own.Unlock()
		if moved {
			f.emit(Event{Type: EventGenerations, WorkflowID: id})
		}
	}
}

// change runs one of this process's picks or deletions of the workflow's generations (each
// moves the epoch by one) and accounts for it.
func (f *follower) change(ctx context.Context, workflowID string, fn func() error) error {
	f.own.Lock()
	defer f.own.Unlock()
	f.mu.Lock()
	known, ok := f.known[workflowID]
	f.mu.Unlock()
	if err := fn(); err != nil || !ok {
		return err
	}
	if epoch, err := f.store.GenerationEpoch(ctx, workflowID); err == nil && epoch == known+1 {
		f.mu.Lock()
		f.known[workflowID] = epoch
		f.mu.Unlock()
	}
	return nil
}

// committed accounts for this process's commit (epochs as SaveGenerations returned them).
// The committer holds f.own around the commit and this call.
func (f *follower) committed(gens []Generation, epochs map[string]int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.known) == 0 {
		return
	}
	count := map[string]int64{}
	for i := range gens {
		count[gens[i].WorkflowID]++
	}
	for wf, n := range count {
		if known, ok := f.known[wf]; ok && known == epochs[wf]-n {
			f.known[wf] = epochs[wf]
		}
	}
}
