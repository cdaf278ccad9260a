package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// GroupCommitter persists generations in batches on one goroutine and emits each node's event
// only after its generation is committed (SPEC §5 restart safety). Batching amortises the
// commit cost when many nodes finish at once.
type GroupCommitter struct {
	store GenerationStore
	emit  func(Event)
	log   *slog.Logger
	ch    chan commitItem
	// saved, when set, hears of every committed batch with the epochs it produced, before
	// the batch's events go out.
	saved func(gens []Generation, epochs map[string]int64)
	// exclusive, when set, is held around a commit and its saved call.
	exclusive sync.Locker

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

// lingerBatch is how long the writer waits for more generations before committing a
// batch that holds no barrier. A commit costs tens of microseconds whatever its size, so a
// chain finishing one node every few microseconds would otherwise commit them one by one
// and keep a core busy with it; the wait delays a node's event by at most this much.
const lingerBatch = time.Millisecond

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
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var first commitItem
		select {
		case first = <-c.ch:
		case <-ctx.Done():
			return
		}
		batch = append(batch[:0], first)
		barrier := first.barrier != nil
		var linger <-chan time.Time
	fill:
		for len(batch) < maxBatch && !barrier {
			select {
			case it := <-c.ch:
				batch = append(batch, it)
				barrier = it.barrier != nil
				continue
			default:
			}
			if linger == nil {
				timer.Reset(lingerBatch)
				linger = timer.C
			}
			select {
			case it := <-c.ch:
				batch = append(batch, it)
				barrier = it.barrier != nil
			case <-linger:
				linger = nil
				break fill
			case <-ctx.Done():
				break fill
			}
		}
		if linger != nil {
			timer.Stop() // since Go 1.23 a stopped timer's channel needs no draining
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
		if c.exclusive != nil {
			c.exclusive.Lock()
		}
		var epochs map[string]int64
		epochs, err = c.store.SaveGenerations(context.WithoutCancel(ctx), gens)
		if err == nil && c.saved != nil {
			c.saved(gens, epochs)
		}
		if c.exclusive != nil {
			c.exclusive.Unlock()
		}
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
