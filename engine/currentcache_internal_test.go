package engine

import (
	"context"
	"testing"
	"time"
)

// fakeGens is a GenerationStore that only answers what the current-generation cache asks.
type fakeGens struct {
	GenerationStore
	epoch int64
	state CurrentState
	reads int
}

func (f *fakeGens) GenerationEpoch(context.Context, string) (int64, error) { return f.epoch, nil }

func (f *fakeGens) CurrentGenerations(context.Context, string) (CurrentState, error) {
	f.reads++
	return f.state, nil
}

func gen(id, node string, status GenStatus, ms int64) Generation {
	return Generation{ID: id, WorkflowID: "w", NodeID: node, Status: status, CreatedAt: time.UnixMilli(ms), Seq: ms,
		Outputs: map[string]any{"result": float64(ms)}}
}

// TestCurrentCacheEpochs: a commit is applied only to an entry that was at the epoch right
// before it; an entry that missed a change is read again whole; maps handed out never change.
func TestCurrentCacheEpochs(t *testing.T) {
	ctx := context.Background()
	c := newCurrentCache(2)
	store := &fakeGens{}
	c.prime("w", 0)
	first := []Generation{gen("a1", "a", GenCompleted, 1), gen("b1", "b", GenFailed, 1)}
	c.committed(first, map[string]int64{"w": 2})
	store.epoch = 2
	st, err := c.get(ctx, store, "w")
	if err != nil || store.reads != 0 || st.Current["a"].ID != "a1" || !st.Failed["b"] || st.Current["a"].memo == nil {
		t.Fatalf("after the first commit: %+v %v (%d reads)", st, err, store.reads)
	}
	handedOut := st.Current

	// Two more of this process's commits land in order; a later one replaces, an older-stamped
	// one does not; a completed generation clears "failed".
	c.committed([]Generation{gen("a2", "a", GenCompleted, 5), gen("b2", "b", GenCompleted, 5)}, map[string]int64{"w": 4})
	c.committed([]Generation{gen("a0", "a", GenCompleted, 3)}, map[string]int64{"w": 5})
	store.epoch = 5
	st, _ = c.get(ctx, store, "w")
	if store.reads != 0 || st.Current["a"].ID != "a2" || st.Current["b"].ID != "b2" || st.Failed["b"] {
		t.Errorf("after more commits: a=%s b=%v failed=%v (%d reads)", st.Current["a"].ID, st.Current["b"], st.Failed, store.reads)
	}
	if handedOut["a"].ID != "a1" || len(handedOut) != 1 {
		t.Errorf("a map handed out changed: %v", handedOut)
	}

	// Another process commits (epoch 6); this process's next commit (7) cannot follow on.
	c.committed([]Generation{gen("a3", "a", GenCompleted, 9)}, map[string]int64{"w": 7})
	store.epoch = 7
	store.state = CurrentState{Current: map[string]*Generation{"a": {ID: "a3", NodeID: "a"}, "b": {ID: "x", NodeID: "b"}},
		Failed: map[string]bool{}, Epoch: 7}
	st, _ = c.get(ctx, store, "w")
	if store.reads != 1 || st.Current["b"].ID != "x" {
		t.Errorf("after a missed change: b=%s (%d reads), want the store's x in 1 read", st.Current["b"].ID, store.reads)
	}
	// A commit the reload already holds is not applied twice.
	c.committed([]Generation{gen("a3", "a", GenCompleted, 9)}, map[string]int64{"w": 7})
	if st, _ = c.get(ctx, store, "w"); store.reads != 1 || st.Epoch != 7 {
		t.Errorf("a commit the entry has moved it: epoch %d, %d reads", st.Epoch, store.reads)
	}

	// A selected generation stays current whatever lands after it.
	sel := &Generation{ID: "pick", NodeID: "a", Status: GenCompleted, Selected: true}
	store.epoch++
	store.state = CurrentState{Current: map[string]*Generation{"a": sel}, Failed: map[string]bool{}, Epoch: store.epoch}
	_, _ = c.get(ctx, store, "w")
	c.committed([]Generation{gen("a4", "a", GenCompleted, 20)}, map[string]int64{"w": store.epoch + 1})
	store.epoch++
	if st, _ = c.get(ctx, store, "w"); st.Current["a"].ID != "pick" {
		t.Errorf("a pick was replaced by %s", st.Current["a"].ID)
	}

	// Two generations of one millisecond: the one stored later wins, as in the store, whatever
	// their sub-millisecond times say.
	base := time.UnixMilli(100)
	early := Generation{ID: "e", WorkflowID: "z", NodeID: "n", Status: GenCompleted, CreatedAt: base.Add(900 * time.Microsecond), Seq: 1}
	late := Generation{ID: "l", WorkflowID: "z", NodeID: "n", Status: GenCompleted, CreatedAt: base.Add(100 * time.Microsecond), Seq: 2}
	if !late.newerThan(&early) || early.newerThan(&late) {
		t.Error("within a millisecond the later Seq is the newer")
	}

	// At most max workflows are kept.
	c.prime("x", 0)
	c.prime("y", 0)
	if _, ok := c.entries["w"]; ok || len(c.entries) != 2 {
		t.Errorf("entries %v, want the two most recent", c.order)
	}
}
