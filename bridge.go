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

// eventBridge forwards engine events to the window. Node events, thousands a second when
// many runs go at once, travel as one "node" message holding a list every 25 ms; any other
// event first flushes the pending node events, so the window sees them in order.
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
	if e.Type == engine.EventNode {
		b.pending = append(b.pending, e)
		if b.timer == nil {
			b.timer = time.AfterFunc(nodeBatchEvery, b.flush)
		}
		return
	}
	b.flushLocked()
	b.emit(b.ctx, e.Type, e)
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
	b.emit(b.ctx, engine.EventNode, batch)
}
