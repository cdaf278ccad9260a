package storage_test

import (
	"context"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// BenchmarkTakeSlots is the queue's steady state under cap 4 with 200 runs waiting: each op
// a running run ends and gives its slot back, and the next queued run takes it (one
// TakeSlots, as a drain after a run's end does). CPU per take, on one goroutine.
func BenchmarkTakeSlots(b *testing.B) {
	ctx := context.Background()
	s := open(b, b.TempDir())
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "bench"}, engine.Version{})
	if err != nil {
		b.Fatal(err)
	}
	const owner, waiting, cap = "me", 200, 4
	var queue []engine.Run
	add := func() {
		r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunQueued, Owner: owner})
		if err != nil {
			b.Fatal(err)
		}
		queue = append(queue, r)
	}
	ids := func() []string {
		out := make([]string, len(queue))
		for i, r := range queue {
			out[i] = r.ID
		}
		return out
	}
	for range waiting + cap {
		add()
	}
	var running []engine.Run
	start := func(got []string) {
		for _, id := range got {
			for i, r := range queue {
				if r.ID == id {
					r.Status = engine.RunRunning
					if err := s.UpdateRun(ctx, r); err != nil {
						b.Fatal(err)
					}
					running = append(running, r)
					queue = append(queue[:i:i], queue[i+1:]...)
					break
				}
			}
		}
	}
	got, err := s.TakeSlots(ctx, engine.SlotRequest{Owner: owner, Queued: ids(), Limit: cap, Cap: cap})
	if err != nil || len(got) != cap {
		b.Fatalf("first take: %v, %v", got, err)
	}
	start(got)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		done := running[0]
		running = running[1:]
		done.Status = engine.RunCompleted
		if err := s.UpdateRun(ctx, done); err != nil {
			b.Fatal(err)
		}
		add()
		q := ids()
		b.StartTimer()
		got, err := s.TakeSlots(ctx, engine.SlotRequest{Owner: owner, Queued: q, Limit: cap - len(running), Cap: cap,
			PausedKey: engine.SettingQueuePaused, Release: []string{done.ID}})
		if err != nil || len(got) != 1 {
			b.Fatalf("take: %v, %v", got, err)
		}
		b.StopTimer()
		start(got)
		b.StartTimer()
	}
}
