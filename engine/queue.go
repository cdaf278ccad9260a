package engine

import (
	"context"
	"sort"
	"sync"
)

// DefaultRunCap is how many runs may execute at once unless the setting says otherwise.
const DefaultRunCap = 4

// activeRun is a run the queue knows: queued or running in this process.
type activeRun struct {
	run    Run
	exec   Execution
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	result Result
	// stored is the run's final record as written, or as reported when writing it failed
	// (then its status is failed and its error says so).
	stored *Run
	// end is the record of the run's end still to write (execute sets it): the drain after
	// the run writes it with the return of its slot, in one write (SlotRequest.Ended).
	end *Run
	// ending: the run has executed and waits for that drain; it is no longer running.
	ending bool
	// dequeued: the run left the queue (started, cancelled or shut down).
	dequeued bool
	// begun is the record that started the run, written with its slot (SlotRequest.Begin).
	begun *Run
}

// runHooks are what the queue asks of the service along a run's life. Each writes the run's
// state to the store and reports a write that failed, so the run does not go on as if it had
// been recorded.
type runHooks struct {
	// announce tells the window a run entered the queue.
	announce func(r Run)
	// slots writes the end records of ended and gives back the slots of the runs in released
	// (in the same write) and grants run slots (SPEC §5: one cap per data home) to queued
	// runs of this process (none when queued is empty) while it runs running of them under
	// its own cap localCap (0: none); it returns the granted ids and whether it wrote the
	// ends and gave the released slots back.
	// begin, when set, gives the record that starts a granted run, written in the same
	// write (begun reports that it was).
	slots func(queued []string, running, localCap int, released []string, ended []Run, begin func(id string) (Run, bool)) (granted []string, gaveBack, begun bool, err error)
	// started is the record that starts ar (status running), for slots' begin.
	started func(ar *activeRun) Run
	// begin records a run as running (called in queue order, before it executes), or only
	// reports it when its slot write wrote the record (ar.begun).
	begin func(ar *activeRun) error
	// execute runs a begun run and leaves the record of its end in ar.end (or, written
	// already, in ar.stored).
	execute func(ctx context.Context, ar *activeRun) Result
	// ended reports a run's end once its record is written (written: by slots, with its
	// slot's return); when it is not, ended writes it alone. It sets ar.stored.
	ended func(ar *activeRun, written bool)
	// failed records a run that could not begin as failed with err.
	failed func(ar *activeRun, err error)
	// release gives a run's slot back once it no longer runs.
	release func(id string)
	// cancelled records a queued run cancelled before it started.
	cancelled func(r Run) error
	// order is told the queue's new order (for position events).
	order func(order []Run)
}

// RunQueue owns the run lifecycle of this process: a run is submitted (queued and announced),
// waits in FIFO order for a slot under the cap, begins, executes, and records its end, or is
// cancelled while it waits. Runs of the same workflow are never serialised by workflow; only
// the cap limits them. Close waits for every run it accepted.
type RunQueue struct {
	// drainMu orders starts: runs leave the queue and are marked started in FIFO order.
	drainMu sync.Mutex
	mu      sync.Mutex
	// cap, when > 0, bounds the runs this process runs at once (run --max-concurrent); the
	// data home's cap bounds them all (hooks.slots).
	cap int
	// paused: queued runs wait (running ones finish); SetPaused(false) starts them.
	paused  bool
	closed  bool
	running map[string]*activeRun
	queue   []*activeRun
	known   map[string]*activeRun
	// released are runs that ended whose slots the next drain gives back (with its take).
	released []string
	// ending are runs that executed whose end records the next drain writes (with the
	// return of their slots); they stay known (Wait) until then.
	ending []*activeRun
	hooks  runHooks
	// wg counts the runs accepted and not yet ended.
	wg sync.WaitGroup
}

func newRunQueue(hooks runHooks) *RunQueue {
	return &RunQueue{running: map[string]*activeRun{}, known: map[string]*activeRun{}, hooks: hooks}
}

// SetCap bounds the runs of this process alone (0: only the data home's cap); raising it
// starts queued runs at once.
func (m *RunQueue) SetCap(n int) {
	if n < 0 {
		n = 0
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

// Submit accepts a run written to the store as queued: it is announced, queued, and starts
// when a slot is free. This is the one way a run enters execution (new, resumed after an
// approval, or queued again after a restart).
func (m *RunQueue) Submit(parent context.Context, r Run, x Execution) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	ar := &activeRun{run: r, exec: x, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	m.wg.Add(1)
	if m.hooks.announce != nil {
		m.hooks.announce(r)
	}
	m.mu.Lock()
	m.known[r.ID] = ar
	m.queue = append(m.queue, ar)
	m.mu.Unlock()
	m.drain()
}

// drain starts queued runs as the cap and the slots of the data home allow.
func (m *RunQueue) drain() {
	m.drainMu.Lock()
	defer m.drainMu.Unlock()
	m.mu.Lock()
	stopped := m.paused || m.closed || (m.cap > 0 && len(m.running) >= m.cap)
	running, localCap := len(m.running), m.cap
	ids := make([]string, len(m.queue))
	byID := make(map[string]*activeRun, len(m.queue))
	for i, ar := range m.queue {
		ids[i] = ar.run.ID
		byID[ar.run.ID] = ar
	}
	released, ending := m.released, m.ending
	m.released, m.ending = nil, nil
	m.mu.Unlock()
	if stopped {
		ids = nil
	}
	ended := make([]Run, 0, len(ending))
	for _, ar := range ending {
		ended = append(ended, *ar.end)
	}
	// The runs granted start with their record written in the slot write, unless they left
	// the queue meanwhile (a cancel: its record is written after this write, and wins).
	begins := map[string]Run{}
	var begin func(id string) (Run, bool)
	if m.hooks.started != nil && len(ids) > 0 {
		begin = func(id string) (Run, bool) {
			ar := byID[id]
			if ar == nil {
				return Run{}, false
			}
			m.mu.Lock()
			gone := ar.dequeued
			m.mu.Unlock()
			if gone {
				return Run{}, false
			}
			r := m.hooks.started(ar)
			begins[id] = r
			return r, true
		}
	}
	var granted []string
	gaveBack, begun := false, false
	if m.hooks.slots != nil && (len(ids) > 0 || len(released) > 0 || len(ended) > 0) {
		// On an error the runs stay queued: the next drain (a run's end, the poll) asks again;
		// the ends are written one by one and the slots given back one by one below.
		granted, gaveBack, begun, _ = m.hooks.slots(ids, running, localCap, released, ended, begin)
	}
	for _, ar := range ending {
		if m.hooks.ended != nil {
			m.hooks.ended(ar, gaveBack)
		}
	}
	if !gaveBack && m.hooks.release != nil {
		for _, id := range released {
			m.hooks.release(id)
		}
	}
	m.mu.Lock()
	for _, ar := range ending {
		delete(m.known, ar.run.ID)
	}
	m.mu.Unlock()
	for _, ar := range ending {
		close(ar.done)
		m.wg.Done()
	}
	ok := make(map[string]bool, len(granted))
	for _, id := range granted {
		ok[id] = true
	}
	m.mu.Lock()
	var starting []*activeRun
	kept := m.queue[:0:0]
	for _, ar := range m.queue {
		if ok[ar.run.ID] && !m.closed {
			m.running[ar.run.ID] = ar
			ar.dequeued = true
			if r, wrote := begins[ar.run.ID]; wrote && begun {
				ar.begun = &r
			}
			starting = append(starting, ar)
		} else {
			kept = append(kept, ar)
		}
	}
	m.queue = kept
	order := m.queueOrderLocked()
	m.mu.Unlock()
	for _, ar := range starting {
		if m.hooks.begin != nil {
			if err := m.hooks.begin(ar); err != nil {
				go m.fail(ar, err)
				continue
			}
		}
		go m.execute(ar)
	}
	if m.hooks.order != nil && (len(starting) > 0 || len(order) > 0) {
		m.hooks.order(order)
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
	m.end(ar, m.hooks.execute(ar.ctx, ar))
}

// fail ends a run that could not begin.
func (m *RunQueue) fail(ar *activeRun, err error) {
	if m.hooks.failed != nil {
		m.hooks.failed(ar, err)
	}
	m.end(ar, Result{Status: RunFailed, Error: err.Error(), Nodes: map[string]NodeRecord{}, Outputs: map[string]any{}})
}

func (m *RunQueue) end(ar *activeRun, res Result) {
	ar.result = res
	m.mu.Lock()
	m.released = append(m.released, ar.run.ID) // given back by the drain below
	delete(m.running, ar.run.ID)
	pending := ar.end != nil && ar.stored == nil
	if pending {
		ar.ending = true
		m.ending = append(m.ending, ar) // its end is written by the drain below
	} else {
		delete(m.known, ar.run.ID)
	}
	m.mu.Unlock()
	ar.cancel()
	if !pending {
		close(ar.done)
		m.wg.Done()
	}
	m.drain()
}

// Cancel stops a queued run (it never starts) or a running one (its context is cancelled).
// It reports false when the run is not active in this process, and the error of recording
// the cancel of a queued run (the run is out of the queue either way).
func (m *RunQueue) Cancel(id string) (bool, error) {
	m.mu.Lock()
	ar, ok := m.known[id]
	if !ok {
		m.mu.Unlock()
		return false, nil
	}
	if _, running := m.running[id]; running || ar.ending {
		m.mu.Unlock()
		ar.cancel()
		return true, nil
	}
	for i, q := range m.queue {
		if q.run.ID == id {
			m.queue = append(m.queue[:i:i], m.queue[i+1:]...)
			break
		}
	}
	ar.dequeued = true
	delete(m.known, id)
	order := m.queueOrderLocked()
	m.mu.Unlock()
	ar.cancel()
	ar.result = Result{Status: RunCancelled, Error: "cancelled before it started", Nodes: map[string]NodeRecord{}, Outputs: map[string]any{}}
	var err error
	if m.hooks.cancelled != nil {
		err = m.hooks.cancelled(ar.run)
	}
	if m.hooks.release != nil {
		m.hooks.release(id) // a slot granted to it by another process meanwhile
	}
	close(ar.done)
	m.wg.Done()
	if m.hooks.order != nil {
		m.hooks.order(order)
	}
	return true, err
}

// Shutdown stops the queue and waits for every run it accepted: queued runs leave the queue
// but stay queued in the store (the next start queues them again), running runs are
// cancelled and record their end.
func (m *RunQueue) Shutdown() {
	m.drainMu.Lock() // no start is half done
	m.mu.Lock()
	m.closed = true
	queued := m.queue
	m.queue = nil
	for _, ar := range queued {
		delete(m.known, ar.run.ID)
		ar.dequeued = true
	}
	running := make([]*activeRun, 0, len(m.running))
	for _, ar := range m.running {
		running = append(running, ar)
	}
	m.mu.Unlock()
	m.drainMu.Unlock()
	for _, ar := range queued {
		ar.cancel()
		ar.result = Result{Status: RunQueued, Nodes: map[string]NodeRecord{}, Outputs: map[string]any{}}
		if m.hooks.release != nil {
			m.hooks.release(ar.run.ID)
		}
		close(ar.done)
		m.wg.Done()
	}
	for _, ar := range running {
		ar.cancel()
	}
	m.wg.Wait()
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
		_, _ = m.Cancel(id) // a failed cancel record of a queued run: recovery settles it
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

// reorder sorts this process's queue as order (the data home's queue order) lists its runs,
// and tells the new positions.
func (m *RunQueue) reorder(order []string) {
	at := make(map[string]int, len(order))
	for i, id := range order {
		at[id] = i
	}
	m.mu.Lock()
	sort.SliceStable(m.queue, func(i, j int) bool { return at[m.queue[i].run.ID] < at[m.queue[j].run.ID] })
	runs := m.queueOrderLocked()
	m.mu.Unlock()
	if m.hooks.order != nil {
		m.hooks.order(runs)
	}
}

// othersOf reports whether a run of the workflow other than id is queued or running in this
// process.
func (m *RunQueue) othersOf(workflowID, id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ar := range m.queue {
		if ar.run.WorkflowID == workflowID && ar.run.ID != id {
			return true
		}
	}
	for rid, ar := range m.running {
		if ar.run.WorkflowID == workflowID && rid != id {
			return true
		}
	}
	return false
}

// waiting reports how many runs wait in this process's queue.
func (m *RunQueue) waiting() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.queue)
}
