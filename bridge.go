package main

import (
	"context"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/flowbench/flowbench/engine"
)

// windowEvents is the one window event engine events travel in: a list of engine.Event, each
// item keeping its own type ("run", "node", "progress", "stream", "log", "stale",
// "generations", "queue"). frontend/src/api/events.ts reads it.
const windowEvents = "events"

// windowEventEvery is the least time between two messages to the window: about 30 a second,
// so the window gets at most about 30 updates a second per run (SPEC §10).
const windowEventEvery = 33 * time.Millisecond

// eventBridge forwards engine events to the window. It is the one place events are batched:
// the engine's bus hands it every event, in order, at once; the window applies each message
// as it arrives (one store update per message).
//
// The contract with the window (frontend/src/api/events.ts, stores/runs.ts):
//   - Every event reaches the window, in the order the bus delivered it: within a message in
//     list order, and messages one at a time in the order they were taken. So a run's events
//     arrive in the engine's causal order (queued, running, its nodes' events, its end), and
//     the window needs no guard against a run going back to an earlier stage.
//   - But a node's "running" is left out when its next status (executed, failed, …) comes in
//     the same message with no event of that node between: the window would show it for no
//     time. A run of fast nodes sends half the node events (20,000 fewer for a 10,000-node
//     run, each encoded here and parsed and applied in the window while the run goes on).
//   - Progress and stream events are coalesced per run, node and type while no node or run
//     event of that node or run comes between them: the latest progress, the joined text. A
//     merged item stands where its newest part was emitted.
//   - A message goes out windowEventEvery after the previous one, or at once when the bridge
//     was quiet that long.
type eventBridge struct {
	ctx   context.Context
	emit  func(ctx context.Context, name string, data ...any)
	every time.Duration

	// sendMu sends one message at a time, in the order their events were taken.
	sendMu  sync.Mutex
	mu      sync.Mutex
	pending []engine.Event
	// open: the pending progress or stream item later ones of its kind merge into.
	open  map[mergeKey]int
	timer *time.Timer
	last  time.Time
}

type mergeKey struct {
	run, node string
	typ       engine.EventType
}

func newEventBridge(ctx context.Context) *eventBridge {
	return &eventBridge{ctx: ctx, emit: runtime.EventsEmit, every: windowEventEvery}
}

// forward takes one event from the bus; the message holding it goes out on a timer.
func (b *eventBridge) forward(e engine.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.add(e)
	if b.timer == nil {
		b.timer = time.AfterFunc(max(0, b.every-time.Since(b.last)), b.flush)
	}
}

// add appends e to the pending list, merging progress and stream items (mu held).
func (b *eventBridge) add(e engine.Event) {
	if b.open == nil {
		b.open = map[mergeKey]int{}
	}
	switch e.Type {
	case engine.EventProgress, engine.EventStream:
		k := mergeKey{e.RunID, e.NodeID, e.Type}
		if i, ok := b.open[k]; ok {
			if e.Type == engine.EventStream {
				e.Text = b.pending[i].Text + e.Text
			}
			b.pending[i].Type = "" // dropped: its merge stands where e does
		}
		b.open[k] = len(b.pending)
	case engine.EventNode:
		// a node starting again (a loop body, a resumed run) begins a new stream
		delete(b.open, mergeKey{e.RunID, e.NodeID, engine.EventProgress})
		delete(b.open, mergeKey{e.RunID, e.NodeID, engine.EventStream})
		k := mergeKey{e.RunID, e.NodeID, engine.EventNode} // its "running" with nothing after it
		if i, ok := b.open[k]; ok {
			b.pending[i].Type = "" // dropped: superseded at once
			delete(b.open, k)
		}
		if e.Status == string(engine.NodeRunning) {
			b.open[k] = len(b.pending)
		}
	case engine.EventRun:
		delete(b.open, mergeKey{e.RunID, "", engine.EventProgress})
	}
	if e.NodeID != "" && e.Type != engine.EventNode {
		delete(b.open, mergeKey{e.RunID, e.NodeID, engine.EventNode}) // its "running" goes first
	}
	b.pending = append(b.pending, e)
}

// flush sends the pending events as one message.
func (b *eventBridge) flush() {
	b.sendMu.Lock()
	defer b.sendMu.Unlock()
	b.mu.Lock()
	batch := make([]engine.Event, 0, len(b.pending))
	for _, e := range b.pending {
		if e.Type != "" {
			batch = append(batch, e)
		}
	}
	b.pending = b.pending[:0]
	clear(b.open)
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	b.last = time.Now()
	b.mu.Unlock()
	if len(batch) > 0 {
		b.emit(b.ctx, windowEvents, batch)
	}
}
