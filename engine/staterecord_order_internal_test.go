package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestStateRecordInWriteOrder: a state record lists its generations by seq (the order they
// were written, about the graph's for a run's generations), whatever the map's order, and
// reads back whole; a plan reading the decoded generations in graph order then reads memory
// in order (writeOrder).
func TestStateRecordInWriteOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for seed := range 20 {
		n := 1 + rng.IntN(3000)
		st := NewCurrentState(int64(n))
		for i := range n {
			g := gen(fmt.Sprintf("g%d", i), fmt.Sprintf("n%d", i), GenCompleted, int64(i))
			g.RunID, g.VersionID = fmt.Sprintf("run%d", rng.IntN(3)), "v1"
			g.Seq = rng.Int64N(1 << 40)
			if rng.IntN(4) == 0 {
				g.Seq = -g.Seq
			}
			g.ConfigHash, g.InputFingerprint = "c", "f"
			g.Outputs = map[string]any{"result": i}
			st.Offer(&g)
		}
		rec := encodeState("w", st)
		back, err := decodeState(rec, "w", nil)
		if err != nil || len(back.Current) != n {
			t.Fatalf("seed %d: decoded %d of %d generations: %v", seed, len(back.Current), n, err)
		}
		for id, g := range st.Current {
			if b := back.Current[id]; b == nil || b.ID != g.ID || b.Seq != g.Seq {
				t.Fatalf("seed %d: node %s decoded as %+v, want %s seq %d", seed, id, b, g.ID, g.Seq)
			}
		}
		// The entries' seqs, as the record lists them (decodeStateBase keeps its entries in order).
		_, base, err := decodeStateBase(string(rec), "w", nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for i := 1; i < len(base.gens); i++ {
			if base.gens[i].Seq < base.gens[i-1].Seq {
				t.Fatalf("seed %d: entry %d has seq %d after %d", seed, i, base.gens[i].Seq, base.gens[i-1].Seq)
			}
		}
	}
}

// TestStateRecordRefusesARepeatedNode: a record naming a node twice does not decode (the
// map of current generations would silently keep one of them).
func TestStateRecordRefusesARepeatedNode(t *testing.T) {
	for _, n := range []int{2, 3, 1000} {
		st := NewCurrentState(int64(n))
		for i := range n {
			g := gen(fmt.Sprintf("g%d", i), fmt.Sprintf("n%d", i), GenCompleted, int64(i))
			g.Seq, g.ConfigHash, g.InputFingerprint = int64(i), "c", "f"
			if i == n-1 {
				g.NodeID = "n0" // listed under its own key, written with another node's id
			}
			st.Current[fmt.Sprintf("n%d", i)] = &g
		}
		if back, err := decodeState(encodeState("w", st), "w", nil); err == nil {
			t.Errorf("%d entries, one node twice: decoded %d generations, want an error", n, len(back.Current))
		}
	}
}
