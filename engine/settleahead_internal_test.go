package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestPropertySettleAhead: a workflow's state settled ahead (settleAhead, as a run whose nodes
// are done does while its last generations are committed) is the state settled at its next
// use, whatever comes between: batches committed while the maps are handed out or not, uses
// (held), records written (keepRecord), settles ahead racing with commits. Maps handed out
// before never change.
func TestPropertySettleAhead(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 31))
		ref, got := newCurrentCache(2), newCurrentCache(2)
		ref.slack, got.slack = 0, 0
		ref.prime("w", 0)
		got.prime("w", 0)
		epoch, seq := int64(0), int64(0)
		type handed struct {
			m    map[string]*Generation
			want map[string]string
		}
		var out []handed
		snapshot := func(m map[string]*Generation) map[string]string {
			s := map[string]string{}
			for id, g := range m {
				s[id] = g.ID
			}
			return s
		}
		for step := range 60 {
			switch op := rng.IntN(5); op {
			case 0, 1: // a batch, committed to both (each keeps its own copy)
				n := 1 + rng.IntN(40)
				batch := make([]Generation, n)
				for i := range batch {
					seq++
					batch[i] = gen(fmt.Sprintf("g%d", seq), fmt.Sprintf("n%d", rng.IntN(30)), GenCompleted, seq)
					if rng.IntN(8) == 0 {
						batch[i].Status = GenFailed
					}
				}
				epoch += int64(n)
				again := append([]Generation(nil), batch...)
				if op == 1 { // racing with a settle ahead
					var wg sync.WaitGroup
					wg.Go(func() { got.settleAhead("w") })
					got.committed(again, map[string]int64{"w": epoch})
					wg.Wait()
				} else {
					got.committed(again, map[string]int64{"w": epoch})
				}
				ref.committed(batch, map[string]int64{"w": epoch})
			case 2:
				got.settleAhead("w")
			case 3: // a use: both settled, the maps handed out
				a, ok1 := ref.held("w", epoch, false)
				b, ok2 := got.held("w", epoch, false)
				if !ok1 || !ok2 {
					t.Fatalf("seed %d step %d: held %v %v", seed, step, ok1, ok2)
				}
				sa, sb := snapshot(a.Current), snapshot(b.Current)
				if fmt.Sprint(sa) != fmt.Sprint(sb) || fmt.Sprint(a.Failed) != fmt.Sprint(b.Failed) {
					t.Fatalf("seed %d step %d: settled ahead %v / %v, at use %v / %v", seed, step, sb, b.Failed, sa, a.Failed)
				}
				out = append(out, handed{b.Current, sb})
			case 4:
				ref.keepRecord(ctx, &savingGens{}, "w")
				got.keepRecord(ctx, &savingGens{}, "w")
			}
		}
		for _, h := range out {
			if fmt.Sprint(snapshot(h.m)) != fmt.Sprint(h.want) {
				t.Fatalf("seed %d: a map handed out changed", seed)
			}
		}
	}
}

// TestSettleAheadAfterASettle: a settle ahead whose entry was settled while it copied the maps
// (a plan used it, then a batch was committed) drops its copies: installed, they would lose
// the generations the settle took.
func TestSettleAheadAfterASettle(t *testing.T) {
	c := newCurrentCache(2)
	c.prime("w", 0)
	commit := func(epoch int64, gs ...Generation) { c.committed(gs, map[string]int64{"w": epoch}) }
	commit(1, gen("a1", "a", GenCompleted, 1))
	c.held("w", 1, false)
	commit(2, gen("b1", "b", GenCompleted, 2)) // pending
	settleCopied = func() {
		c.held("w", 2, false)                      // settled: b1 joins new maps
		commit(3, gen("c1", "c", GenCompleted, 3)) // pending again
	}
	defer func() { settleCopied = nil }()
	c.settleAhead("w")
	settleCopied = nil
	st, ok := c.held("w", 3, false)
	if !ok || st.Current["a"] == nil || st.Current["b"] == nil || st.Current["c"] == nil {
		t.Fatalf("state after a settle ahead that raced a settle: %v (held %v)", st.Current, ok)
	}
}
