package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// saveLog is a GenerationStore that records each batch it is asked to save.
type saveLog struct {
	GenerationStore
	mu      sync.Mutex
	batches [][]string // generation ids, batch by batch
	seq     int64
}

func (s *saveLog) SaveGenerations(_ context.Context, gens []Generation) (map[string]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(gens))
	for i := range gens {
		s.seq++
		gens[i].Seq = s.seq
		ids[i] = gens[i].ID
	}
	s.batches = append(s.batches, ids)
	return map[string]int64{"w": s.seq}, nil
}

// TestCommitterLingersWithoutWaking: what lands while the writer lingers over a batch waits
// in the queue and is saved with it, and a Sync wakes the writer to save it at once (the
// linger here is an hour: a writer not woken by the barrier would hang the test). Every
// generation is saved once, in order, and its event goes out after its batch is saved.
func TestCommitterLingersWithoutWaking(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &saveLog{}
	var mu sync.Mutex
	var events []string
	c := NewGroupCommitter(ctx, store, func(ev Event) {
		mu.Lock()
		events = append(events, ev.GenerationID)
		mu.Unlock()
	}, nil)
	c.linger = time.Hour
	var want []string
	for round := 0; round < 3; round++ {
		for i := 0; i < 100; i++ {
			id := fmt.Sprintf("g%d-%d", round, i)
			want = append(want, id)
			c.Commit(Generation{ID: id, WorkflowID: "w", NodeID: id, Status: GenCompleted}, Event{Type: EventNode, GenerationID: id})
		}
		done := make(chan error, 1)
		go func() { done <- c.Sync(ctx, "") }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: Sync did not wake the lingering writer", round)
		}
		mu.Lock()
		n := len(events)
		mu.Unlock()
		if n != len(want) {
			t.Fatalf("round %d: %d events after Sync, want %d", round, n, len(want))
		}
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	var saved []string
	for _, b := range store.batches {
		saved = append(saved, b...)
	}
	if fmt.Sprint(saved) != fmt.Sprint(want) || fmt.Sprint(events) != fmt.Sprint(want) {
		t.Fatalf("saved %v\nevents %v\nwant %v", saved, events, want)
	}
	if len(store.batches) > 2*3 {
		t.Fatalf("%d batches for 3 rounds of 100 queued while the writer lingered", len(store.batches))
	}
}

// failBad is a saveLog whose batches holding a generation with id "bad…" fail.
type failBad struct{ saveLog }

var errBadBatch = fmt.Errorf("batch refused")

func (s *failBad) SaveGenerations(ctx context.Context, gens []Generation) (map[string]int64, error) {
	for i := range gens {
		if len(gens[i].ID) >= 3 && gens[i].ID[:3] == "bad" {
			return nil, errBadBatch
		}
	}
	return s.saveLog.SaveGenerations(ctx, gens)
}

// TestCommitterSyncAnswersItsOwnBatches: a Sync barrier answers for what was queued before
// it, however far the writer has got since (it writes the next batches while the one holding
// the barrier is told of): a write that fails after it is not taken by it, and the run's
// next Sync reports it. Every node event goes out, in order, the failed ones saying so.
func TestCommitterSyncAnswersItsOwnBatches(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &failBad{}
	var mu sync.Mutex
	var events []string
	c := NewGroupCommitter(ctx, store, func(ev Event) {
		mu.Lock()
		events = append(events, ev.GenerationID+ev.Error)
		mu.Unlock()
	}, nil)
	var want []string
	for round := range 200 {
		ok, bad := fmt.Sprintf("ok%d", round), fmt.Sprintf("bad%d", round)
		c.Commit(Generation{ID: ok, WorkflowID: "w", NodeID: ok, RunID: "r", Status: GenCompleted}, Event{Type: EventNode, GenerationID: ok})
		first := make(chan error, 1)
		c.ch <- commitItem{barrier: first, runID: "r"}
		c.Commit(Generation{ID: bad, WorkflowID: "w", NodeID: bad, RunID: "r", Status: GenCompleted}, Event{Type: EventNode, GenerationID: bad})
		want = append(want, ok, bad+"not saved: "+errBadBatch.Error())
		select {
		case err := <-first:
			if err != nil {
				t.Fatalf("round %d: the first Sync answered %v for a batch written after it", round, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: the first Sync did not answer", round)
		}
		if err := c.Sync(ctx, "r"); err == nil {
			t.Fatalf("round %d: the second Sync answered nil; want the failed write", round)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(events) != fmt.Sprint(want) {
		t.Fatalf("events %v\nwant %v", events, want)
	}
}
