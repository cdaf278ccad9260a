package engine

import (
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

// Bus fans events out to subscribers. Progress and stream events are coalesced per run and
// node so a subscriber gets at most about 30 of them a second per run.
type Bus struct {
	// deliverMu delivers one batch at a time, so events reach subscribers in the order they
	// were emitted (a run's "queued" never arrives after its "running").
	deliverMu sync.Mutex
	mu        sync.Mutex
	subs      map[int]func(Event)
	next      int
	pending   map[string]*Event // key run\x00node\x00type → merged event
	order     []string
	interval  time.Duration
	timer     *time.Timer
}

// NewBus returns a bus flushing coalesced events every 33 ms.
func NewBus() *Bus {
	return &Bus{subs: map[int]func(Event){}, pending: map[string]*Event{}, interval: 33 * time.Millisecond}
}

// Subscribe registers fn for every event; the returned func unsubscribes.
func (b *Bus) Subscribe(fn func(Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next
	b.next++
	b.subs[id] = fn
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}

// Emit delivers e now, or, for progress and stream, merges it into the next flush.
func (b *Bus) Emit(e Event) {
	if e.Time == 0 {
		e.Time = time.Now().UnixMilli()
	}
	if e.Type == EventProgress || e.Type == EventStream {
		b.coalesce(e)
		return
	}
	if e.Type == EventNode || e.Type == EventRun {
		b.Flush() // keep order: coalesced chunks before the status that ends them
	}
	b.deliver([]Event{e})
}

func (b *Bus) coalesce(e Event) {
	key := e.RunID + "\x00" + e.NodeID + "\x00" + string(e.Type)
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.pending[key]; ok {
		if e.Type == EventStream {
			p.Text += e.Text
		} else {
			p.Progress = e.Progress
		}
		p.Time = e.Time
		return
	}
	cp := e
	b.pending[key] = &cp
	b.order = append(b.order, key)
	if b.timer == nil {
		b.timer = time.AfterFunc(b.interval, b.Flush)
	}
}

// Flush delivers every coalesced event now.
func (b *Bus) Flush() {
	b.mu.Lock()
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	evs := make([]Event, 0, len(b.order))
	for _, k := range b.order {
		evs = append(evs, *b.pending[k])
	}
	b.order = b.order[:0]
	clear(b.pending)
	b.mu.Unlock()
	if len(evs) > 0 {
		b.deliver(evs)
	}
}

func (b *Bus) deliver(evs []Event) {
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	b.mu.Lock()
	subs := make([]func(Event), 0, len(b.subs))
	for _, s := range b.subs {
		subs = append(subs, s)
	}
	b.mu.Unlock()
	for _, e := range evs {
		for _, s := range subs {
			s(e)
		}
	}
}
