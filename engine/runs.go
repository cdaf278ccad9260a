package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
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

// Manager bounds running runs by a global cap and queues the rest FIFO. Runs of the same
// workflow are never serialised by workflow; only the cap limits them.
type Manager struct {
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
	// finished is called after a run ends.
	finished func(r Run, res Result)
}

func newManager(cap int) *Manager {
	if cap < 1 {
		cap = DefaultRunCap
	}
	return &Manager{cap: cap, running: map[string]*activeRun{}, known: map[string]*activeRun{}}
}

// Cap returns the global cap.
func (m *Manager) Cap() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cap
}

// SetCap changes the cap; raising it starts queued runs at once.
func (m *Manager) SetCap(n int) {
	if n < 1 {
		n = 1
	}
	m.mu.Lock()
	m.cap = n
	m.mu.Unlock()
	m.drain()
}

// SetPaused pauses or resumes the queue; resuming starts queued runs as slots allow.
func (m *Manager) SetPaused(p bool) {
	m.mu.Lock()
	changed := m.paused != p
	m.paused = p
	m.mu.Unlock()
	if changed && !p {
		m.drain()
	}
}

// Paused reports whether the queue is paused.
func (m *Manager) Paused() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.paused
}

// Submit queues a run; it starts at once when a slot is free.
func (m *Manager) Submit(parent context.Context, r Run, x Execution) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	ar := &activeRun{run: r, exec: x, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	m.mu.Lock()
	m.known[r.ID] = ar
	m.queue = append(m.queue, ar)
	m.mu.Unlock()
	m.drain()
}

func (m *Manager) drain() {
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

func (m *Manager) queueOrderLocked() []Run {
	out := make([]Run, len(m.queue))
	for i, ar := range m.queue {
		out[i] = ar.run
	}
	return out
}

func (m *Manager) execute(ar *activeRun) {
	res := m.start(ar.ctx, ar)
	ar.result = res
	m.mu.Lock()
	delete(m.running, ar.run.ID)
	delete(m.known, ar.run.ID)
	m.mu.Unlock()
	ar.cancel()
	if m.finished != nil {
		m.finished(ar.run, res)
	}
	close(ar.done)
	m.drain()
}

// Cancel stops a queued run (it never starts) or a running one (its context is cancelled).
// It reports false when the run is not active in this process.
func (m *Manager) Cancel(id string) bool {
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
func (m *Manager) Shutdown(dropped func(Run)) {
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
func (m *Manager) CancelAll() {
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
func (m *Manager) Wait(ctx context.Context, id string) (*activeRun, error) {
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
func (m *Manager) done(id string) <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ar, ok := m.known[id]; ok {
		return ar.done
	}
	return nil
}

// QueuePosition is the 1-based place of a queued run, 0 when not queued.
func (m *Manager) QueuePosition(id string) int {
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
func (m *Manager) Counts() (running, queued int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.running), len(m.queue)
}

// RunLabel names a run by the input values that distinguish it from the defaults
// (`prompt="red fox" seed=7`), else "Run #n".
func RunLabel(decls []InputDecl, inputs map[string]any, n int) string {
	var parts []string
	for _, d := range decls {
		v, ok := inputs[d.Name]
		if !ok || v == nil {
			continue
		}
		if d.Default != nil {
			if def, err := CoerceValue(d.Type, d.Default); err == nil && HashValue(def) == HashValue(v) {
				continue
			}
		} else if v == "" {
			continue
		}
		parts = append(parts, d.Name+"="+labelValue(v))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("Run #%d", n)
	}
	s := strings.Join(parts, " ")
	if len([]rune(s)) > 80 {
		s = string([]rune(s)[:79]) + "…"
	}
	return s
}

// SweepLabels names each run of a batch (Run ×N, a seed sweep, a --batch file) by what
// differs between the batch's runs: the inputs whose values are not the same in every run,
// the one with the most distinct values first, each named even where its value is the
// default (`seed=1`). Inputs common to all runs are left out. A run whose label would be
// empty (every run alike) gets "" and is numbered ("Run #n") when stored.
func SweepLabels(decls []InputDecl, sets []map[string]any) []string {
	type varying struct {
		name     string
		distinct int
		order    int
	}
	var vs []varying
	for i, d := range decls {
		seen := map[string]bool{}
		for _, in := range sets {
			v, ok := in[d.Name]
			if !ok || v == nil {
				seen["\x00missing"] = true
				continue
			}
			seen[HashValue(v)] = true
		}
		if len(seen) > 1 {
			vs = append(vs, varying{d.Name, len(seen), i})
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].distinct > vs[j].distinct })
	out := make([]string, len(sets))
	for i, in := range sets {
		var parts []string
		for _, v := range vs {
			if x, ok := in[v.name]; ok && x != nil {
				parts = append(parts, v.name+"="+labelValue(x))
			}
		}
		s := strings.Join(parts, " ")
		if len([]rune(s)) > 80 {
			s = string([]rune(s)[:79]) + "…"
		}
		out[i] = s
	}
	return out
}

func labelValue(v any) string {
	if ref, ok := AsAssetRef(v); ok {
		return ref.Name
	}
	switch x := v.(type) {
	case string:
		if len([]rune(x)) > 30 {
			x = string([]rune(x)[:29]) + "…"
		}
		return fmt.Sprintf("%q", x)
	case map[string]any, []any:
		s := ToText(x)
		if len(s) > 30 {
			s = s[:29] + "…"
		}
		return s
	}
	return ToText(v)
}
