package main

import (
	"context"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/flowbench/flowbench/engine"
)

// nodeBatchEvery is how long node events wait to travel to the window together.
const nodeBatchEvery = 25 * time.Millisecond

// batched reports whether an event travels in the batched "node" message: the events of a
// run's nodes (status, progress, streamed text, log lines) and the run's progress, thousands
// a second when a large run or many runs go.
func batched(e engine.Event) bool {
	switch e.Type {
	case engine.EventNode, engine.EventProgress, engine.EventStream, engine.EventLog:
		return true
	}
	return false
}

// eventBridge forwards engine events to the window. Node events, with the progress, stream
// and log events between them, travel as one "node" message holding a list every 25 ms (each
// item keeps its own type; the window hands it to that type's listeners); any other event
// first flushes the pending list, so the window sees them in order. (Progress events used to
// travel alone: a node reporting progress split the batch, and a 2,000-node run sent the
// window 4,000 messages instead of a few dozen.)
type eventBridge struct {
	ctx     context.Context
	mu      sync.Mutex
	pending []engine.Event
	timer   *time.Timer
	emit    func(ctx context.Context, name string, data ...any)
}

func newEventBridge(ctx context.Context) *eventBridge {
	return &eventBridge{ctx: ctx, emit: runtime.EventsEmit}
}

func (b *eventBridge) forward(e engine.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if batched(e) {
		b.pending = append(b.pending, e)
		if b.timer == nil {
			b.timer = time.AfterFunc(nodeBatchEvery, b.flush)
		}
		return
	}
	b.flushLocked()
	b.emit(b.ctx, string(e.Type), e)
}

func (b *eventBridge) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *eventBridge) flushLocked() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	if len(b.pending) == 0 {
		return
	}
	batch := b.pending
	b.pending = nil
	b.emit(b.ctx, string(engine.EventNode), batch)
}
