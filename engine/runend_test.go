package engine_test

import (
	"context"
	"sync"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// writesStore records which store call wrote each run's end.
type writesStore struct {
	engine.Store
	mu      sync.Mutex
	alone   map[string]int // run id → ends written by UpdateRun
	withSlt map[string]int // run id → ends written by TakeSlots (with the slot's return)
	release int            // ReleaseSlot calls
	// starts: run id → starts written by UpdateRun ("alone") and by TakeSlots ("slot")
	starts map[string]map[string]int
}

// start counts a start record (s.mu held).
func (s *writesStore) start(id, how string) {
	if s.starts[id] == nil {
		s.starts[id] = map[string]int{}
	}
	s.starts[id][how]++
}

func (s *writesStore) UpdateRun(ctx context.Context, r engine.Run) error {
	s.mu.Lock()
	switch {
	case r.Status.Finished() || r.Status == engine.RunPaused:
		s.alone[r.ID]++
	case r.Status == engine.RunRunning:
		s.start(r.ID, "alone")
	}
	s.mu.Unlock()
	return s.Store.UpdateRun(ctx, r)
}

func (s *writesStore) TakeSlots(ctx context.Context, req engine.SlotRequest) ([]string, error) {
	var begun []string
	if begin := req.Begin; begin != nil {
		req.Begin = func(id string) (engine.Run, bool) {
			r, ok := begin(id)
			if ok && r.Status == engine.RunRunning && r.StartedAt != nil {
				begun = append(begun, id)
			}
			return r, ok
		}
	}
	got, err := s.Store.TakeSlots(ctx, req)
	if err == nil {
		s.mu.Lock()
		for _, r := range req.Ended {
			s.withSlt[r.ID]++
		}
		for _, id := range begun {
			s.start(id, "slot")
		}
		s.mu.Unlock()
	}
	return got, err
}

func (s *writesStore) ReleaseSlot(ctx context.Context, id string) error {
	s.mu.Lock()
	s.release++
	s.mu.Unlock()
	return s.Store.ReleaseSlot(ctx, id)
}

// TestRunEndWrittenWithItsSlot: a run's end record and the return of its slot are one write
// (issue 15: a run paid a write for its end and another for its slot), for runs that leave
// others queued and for the last one; what Wait and the events report is that record. Its
// start is written with the slot it is granted, once.
func TestRunEndWrittenWithItsSlot(t *testing.T) {
	reg, _ := testRegistry(t)
	st := &writesStore{Store: memstore.New(), alone: map[string]int{}, withSlt: map[string]int{}, starts: map[string]map[string]int{}}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	imp := importGraph(t, svc, "chain", sleepChain(1, 1))
	var mu sync.Mutex
	ends := map[string]string{}
	svc.Bus.Subscribe(func(ev engine.Event) {
		if ev.Type == engine.EventRun && (ev.Status == string(engine.RunCompleted) || ev.Status == string(engine.RunFailed)) {
			mu.Lock()
			ends[ev.RunID] = ev.Status
			mu.Unlock()
		}
	})
	var ids []string
	for range 4 {
		r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: imp.WorkflowID})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	for _, id := range ids {
		final := waitRun(t, svc, id)
		if final.Status != engine.RunCompleted {
			t.Fatalf("run %s: %s %q", id, final.Status, final.Error)
		}
		stored, err := st.GetRun(context.Background(), id)
		if err != nil || stored.Status != engine.RunCompleted || stored.FinishedAt == nil || len(stored.Snapshot.Records()) != 3 {
			t.Fatalf("stored end of %s: %+v, %v", id, stored, err)
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range ids {
		if st.withSlt[id] != 1 || st.alone[id] != 0 {
			t.Errorf("run %s: end written %d× with its slot, %d× alone; want once, with its slot", id, st.withSlt[id], st.alone[id])
		}
	}
	for _, id := range ids {
		if st.starts[id]["slot"] != 1 || st.starts[id]["alone"] != 0 {
			t.Errorf("run %s: start written %d× with its slot, %d× alone; want once, with its slot", id, st.starts[id]["slot"], st.starts[id]["alone"])
		}
	}
	if st.release != 0 {
		t.Errorf("%d slots given back alone", st.release)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ends) != len(ids) {
		t.Errorf("end events for %d of %d runs", len(ends), len(ids))
	}
}
