package engine

import (
	"context"
	"log/slog"
	"sync"
)

// GroupCommitter persists generations in batches on one goroutine and emits each node's event
// only after its generation is committed (SPEC §5 restart safety). Batching amortises the
// commit cost when many nodes finish at once.
type GroupCommitter struct {
	store GenerationStore
	emit  func(Event)
	log   *slog.Logger
	ch    chan commitItem

	mu     sync.Mutex
	failed map[string]error // run id → first write error
}

type commitItem struct {
	gen     Generation
	ev      Event
	barrier chan error
	runID   string
}

const maxBatch = 512

// NewGroupCommitter starts the writer goroutine; it stops when ctx is done.
func NewGroupCommitter(ctx context.Context, store GenerationStore, emit func(Event), log *slog.Logger) *GroupCommitter {
	c := &GroupCommitter{store: store, emit: emit, log: log, ch: make(chan commitItem, 4096), failed: map[string]error{}}
	go c.loop(ctx)
	return c
}

// Commit queues a generation; its event is emitted after the batch holding it commits.
func (c *GroupCommitter) Commit(gen Generation, ev Event) {
	c.ch <- commitItem{gen: gen, ev: ev}
}

// Sync waits until everything queued before the call is committed and reports the first
// write error of the run's generations.
func (c *GroupCommitter) Sync(ctx context.Context, runID string) error {
	b := make(chan error, 1)
	select {
	case c.ch <- commitItem{barrier: b, runID: runID}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-b:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *GroupCommitter) loop(ctx context.Context) {
	batch := make([]commitItem, 0, maxBatch)
	for {
		var first commitItem
		select {
		case first = <-c.ch:
		case <-ctx.Done():
			return
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case it := <-c.ch:
				batch = append(batch, it)
			default:
				break fill
			}
		}
		c.flush(ctx, batch)
	}
}

func (c *GroupCommitter) flush(ctx context.Context, batch []commitItem) {
	gens := make([]Generation, 0, len(batch))
	for _, it := range batch {
		if it.barrier == nil {
			gens = append(gens, it.gen)
		}
	}
	var err error
	if len(gens) > 0 {
		err = c.store.SaveGenerations(context.WithoutCancel(ctx), gens)
		if err != nil && c.log != nil {
			c.log.Error("saving generations", "err", err, "count", len(gens))
		}
	}
	if err != nil {
		c.mu.Lock()
		for _, g := range gens {
			if _, seen := c.failed[g.RunID]; !seen {
				c.failed[g.RunID] = err
			}
		}
		c.mu.Unlock()
	}
	for _, it := range batch {
		if it.barrier != nil {
			c.mu.Lock()
			ferr := c.failed[it.runID]
			delete(c.failed, it.runID)
			c.mu.Unlock()
			it.barrier <- ferr
			continue
		}
		if err != nil {
			it.ev.Error = "not saved: " + err.Error()
		}
		if c.emit != nil {
			c.emit(it.ev)
		}
	}
}
