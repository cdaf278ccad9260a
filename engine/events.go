package engine

import (
	"slices"
	"sync"
	"time"
)

// EventType says what an Event is about (SPEC §10).
type EventType string

// Event types sent to the window (SPEC §10).
const (
	EventRun      EventType = "run"
	EventNode     EventType = "node"
	EventProgress EventType = "progress"
	EventStream   EventType = "stream"
	EventLog      EventType = "log"
)

// Event is one notification about a run. Every event names its workflow and run.
type Event struct {
	Type          EventType `json:"type"`
	WorkflowID    string    `json:"workflow_id"`
	RunID         string    `json:"run_id"`
	NodeID        string    `json:"node_id,omitempty"`
	Status        string    `json:"status,omitempty"`
	QueuePosition int       `json:"queue_position,omitempty"`
	Label         string    `json:"label,omitempty"`
	VersionLabel  string    `json:"version_label,omitempty"`
	GenerationID  string    `json:"generation_id,omitempty"`
	DurationMS    int64     `json:"duration_ms,omitempty"`
	Reasons       []string  `json:"reasons,omitempty"`
	Preview       string    `json:"preview,omitempty"`
	Progress      float64   `json:"progress,omitempty"`
	Text          string    `json:"text,omitempty"`
	Error         string    `json:"error,omitempty"`
	Done          int       `json:"done,omitempty"`
	Total         int       `json:"total,omitempty"`
	Time          int64     `json:"time"`
}

// Bus fans events out to subscribers, synchronously and in order: Emit returns after every
// subscriber has had the event, and events reach each subscriber one at a time in the order
// their Emit calls took the bus. The engine emits a run's events in causal order — "queued",
// then "running", then its nodes' events, then its end ("completed", "failed", "cancelled" or
// "paused"); a node's "running", then its progress, stream and log events, then its final
// status — so every subscriber sees each run's events in that order (SPEC §10).
//
// The bus neither batches nor coalesces: subscribers get every event. The one place events
// are batched and progress and stream coalesced is the window's edge (bridge.go in package
// main), which keeps this order.
type Bus struct {
	// deliverMu delivers one event at a time, so subscribers see events in one order.
	deliverMu sync.Mutex
	mu        sync.Mutex
	subs      map[int]func(Event)
	next      int
	// snapshot is the subscribers as a slice, rebuilt when they change (nil: rebuild).
	snapshot []func(Event)
}

// NewBus returns a bus with no subscribers.
func NewBus() *Bus {
	return &Bus{subs: map[int]func(Event){}}
}

// Subscribe registers fn for every event; the returned func unsubscribes. fn is called with
// the bus held: it must return quickly and must not emit.
func (b *Bus) Subscribe(fn func(Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next
	b.next++
	b.subs[id] = fn
	b.snapshot = nil
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
		b.snapshot = nil
	}
}

// Emit delivers e to every subscriber before it returns (Time set to now if zero).
func (b *Bus) Emit(e Event) {
	if e.Time == 0 {
		e.Time = time.Now().UnixMilli()
	}
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	for _, s := range b.subscribers() {
		s(e)
	}
}

func (b *Bus) subscribers() []func(Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.snapshot == nil {
		ids := make([]int, 0, len(b.subs))
		for id := range b.subs {
			ids = append(ids, id)
		}
		slices.Sort(ids) // subscribers are called in the order they subscribed
		b.snapshot = make([]func(Event), 0, len(ids))
		for _, id := range ids {
			b.snapshot = append(b.snapshot, b.subs[id])
		}
	}
	return b.snapshot
}
