package engine

import (
	"context"
	"sync"
)

// DefaultRunCap is how many runs may execute at once unless the setting says otherwise.
const DefaultRunCap = 4

// activeRun is a run the manager knows: queued or running in this process.
type activeRun struct {
	run    Run
	exec   Execution
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	result Result
	// stored is the run's final record once it is written (nil if writing it failed).
	stored *Run
}

// RunQueue bounds running runs by a global cap and queues the rest FIFO. Runs of the same
// workflow are never serialised by workflow; only the cap limits them.
type RunQueue struct {
	// drainMu orders starts: runs leave the queue and are marked started in FIFO order.
	drainMu sync.Mutex
	mu      sync.Mutex
	cap     int
	// paused: queued runs wait (running ones finish); SetPaused(false) starts them.
	paused  bool
	running map[string]*activeRun
	queue   []*activeRun
	known   map[string]*activeRun
	// begin marks a run started (in queue order); start then executes it on its own goroutine.
	begin func(ar *activeRun)
	start func(ctx context.Context, ar *activeRun) Result
	// queued is told the queue's new order (for position events).
	queued func(order []Run)
	// cancelled is called for a queued run cancelled before it started.
	cancelled func(r Run)
}

func newRunQueue(cap int) *RunQueue {
	if cap < 1 {
		cap = DefaultRunCap
	}
	return &RunQueue{cap: cap, running: map[string]*activeRun{}, known: map[string]*activeRun{}}
}

// Cap returns the global cap.
func (m *RunQueue) Cap() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cap
}

// SetCap changes the cap; raising it starts queued runs at once.
func (m *RunQueue) SetCap(n int) {
	if n < 1 {
		n = 1
	}
	m.mu.Lock()
	m.cap = n
	m.mu.Unlock()
	m.drain()
}

// SetPaused pauses or resumes the queue; resuming starts queued runs as slots allow.
func (m *RunQueue) SetPaused(p bool) {
	m.mu.Lock()
	changed := m.paused != p
	m.paused = p
	m.mu.Unlock()
	if changed && !p {
		m.drain()
	}
}

// Paused reports whether the queue is paused.
func (m *RunQueue) Paused() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.paused
}

// Submit queues a run; it starts at once when a slot is free.
func (m *RunQueue) Submit(parent context.Context, r Run, x Execution) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	ar := &activeRun{run: r, exec: x, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	m.mu.Lock()
	m.known[r.ID] = ar
	m.queue = append(m.queue, ar)
	m.mu.Unlock()
	m.drain()
}

func (m *RunQueue) drain() {
	m.drainMu.Lock()
	defer m.drainMu.Unlock()
	m.mu.Lock()
	var starting []*activeRun
	for !m.paused && len(m.running) < m.cap && len(m.queue) > 0 {
		ar := m.queue[0]
		m.queue = m.queue[1:]
		m.running[ar.run.ID] = ar
		starting = append(starting, ar)
	}
	order := m.queueOrderLocked()
	m.mu.Unlock()
	for _, ar := range starting {
		if m.begin != nil {
			m.begin(ar)
		}
		go m.execute(ar)
	}
	if m.queued != nil && (len(starting) > 0 || len(order) > 0) {
		m.queued(order)
	}
}

func (m *RunQueue) queueOrderLocked() []Run {
	out := make([]Run, len(m.queue))
	for i, ar := range m.queue {
		out[i] = ar.run
	}
	return out
}

func (m *RunQueue) execute(ar *activeRun) {
	res := m.start(ar.ctx, ar)
	ar.result = res
	m.mu.Lock()
	delete(m.running, ar.run.ID)
	delete(m.known, ar.run.ID)
	m.mu.Unlock()
	ar.cancel()
	close(ar.done)
	m.drain()
}

// Cancel stops a queued run (it never starts) or a running one (its context is cancelled).
// It reports false when the run is not active in this process.
func (m *RunQueue) Cancel(id string) bool {
	m.mu.Lock()
	ar, ok := m.known[id]
	if !ok {
		m.mu.Unlock()
		return false
	}
	if _, running := m.running[id]; running {
		m.mu.Unlock()
		ar.cancel()
		return true
	}
	for i, q := range m.queue {
		if q.run.ID == id {
			m.queue = append(m.queue[:i:i], m.queue[i+1:]...)
			break
		}
	}
	delete(m.known, id)
	order := m.queueOrderLocked()
	m.mu.Unlock()
	ar.cancel()
	ar.result = Result{Status: RunCancelled, Error: "cancelled before it started", Nodes: map[string]NodeRecord{}, Outputs: map[string]any{}}
	if m.cancelled != nil {
		m.cancelled(ar.run)
	}
	close(ar.done)
	if m.queued != nil {
		m.queued(order)
	}
	return true
}

// Shutdown stops the manager: queued runs leave the queue but stay queued in the store (the
// next start queues them again), running runs are cancelled. dropped is called per queued run.
func (m *RunQueue) Shutdown(dropped func(Run)) {
	m.mu.Lock()
	m.cap = 0 // nothing starts any more
	queued := m.queue
	m.queue = nil
	for _, ar := range queued {
		delete(m.known, ar.run.ID)
	}
	m.mu.Unlock()
	for _, ar := range queued {
		ar.cancel()
		ar.result = Result{Status: RunQueued, Nodes: map[string]NodeRecord{}, Outputs: map[string]any{}}
		close(ar.done)
		if dropped != nil {
			dropped(ar.run)
		}
	}
	m.CancelAll()
}

// CancelAll cancels every queued and running run.
func (m *RunQueue) CancelAll() {
	m.mu.Lock()
	ids := make([]string, 0, len(m.known))
	for id := range m.known {
		ids = append(ids, id)
	}
	m.mu.Unlock()
	for _, id := range ids {
		m.Cancel(id)
	}
}

// Wait blocks until the run ends and returns its result.
func (m *RunQueue) Wait(ctx context.Context, id string) (*activeRun, error) {
	m.mu.Lock()
	ar, ok := m.known[id]
	m.mu.Unlock()
	if !ok {
		return nil, nil
	}
	select {
	case <-ar.done:
		return ar, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// done returns a channel closed when the run ends, or nil if it is not active.
func (m *RunQueue) done(id string) <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ar, ok := m.known[id]; ok {
		return ar.done
	}
	return nil
}

// QueuePosition is the 1-based place of a queued run, 0 when not queued.
func (m *RunQueue) QueuePosition(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, ar := range m.queue {
		if ar.run.ID == id {
			return i + 1
		}
	}
	return 0
}

// Counts returns how many runs are running and queued.
func (m *RunQueue) Counts() (running, queued int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.running), len(m.queue)
}
