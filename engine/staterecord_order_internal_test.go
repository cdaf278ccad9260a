package engine

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestStateRecordInWriteOrder: a state record lists its generations by seq (the order they
// were written, about the graph's for a run's generations), whatever the map's order, and
// reads back whole; a plan reading the decoded generations in graph order then reads memory
// in order (writeOrder).
func TestStateRecordInWriteOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for seed := range 40 {
		n := 1 + rng.IntN(3000)
		st := NewCurrentState(int64(n))
		// Seqs far apart (sorted), about consecutive (placed by offset: a run's), with gaps,
		// or some repeated (sorted).
		mode, from := seed%4, rng.Int64N(1<<40)-1<<39
		for i := range n {
			g := gen(fmt.Sprintf("g%d", i), fmt.Sprintf("n%d", i), GenCompleted, int64(i))
			g.RunID, g.VersionID = fmt.Sprintf("run%d", rng.IntN(3)), "v1"
			switch mode {
			case 0:
				g.Seq = rng.Int64N(1 << 40)
				if rng.IntN(4) == 0 {
					g.Seq = -g.Seq
				}
			case 1:
				g.Seq = from + int64(i)
			case 2:
				g.Seq = from + int64(i)*int64(1+rng.IntN(4))
			case 3:
				g.Seq = from + rng.Int64N(int64(n))
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

// TestSortBySeq: sortBySeq orders generations by seq whatever their spread (placed by offset
// or sorted), keeping every one.
func TestSortBySeq(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for round := range 300 {
		n := rng.IntN(200)
		gens := make([]*Generation, n)
		base := rng.Int64N(1<<62) - 1<<61
		for i := range gens {
			var seq int64
			switch round % 5 {
			case 0:
				seq = base + int64(i)
			case 1:
				seq = base + rng.Int64N(int64(4*n+1))
			case 2:
				seq = base + rng.Int64N(int64(3*n+1))*int64(1+rng.IntN(2))
			case 3:
				seq = rng.Int64() - rng.Int64()
			default:
				seq = []int64{math.MinInt64, math.MaxInt64, 0, -1, 1}[rng.IntN(5)]
			}
			gens[i] = &Generation{ID: fmt.Sprint(i), Seq: seq}
		}
		rng.Shuffle(n, func(i, j int) { gens[i], gens[j] = gens[j], gens[i] })
		want := slices.Clone(gens)
		slices.SortStableFunc(want, func(a, b *Generation) int { return cmp.Compare(a.Seq, b.Seq) })
		got := slices.Clone(gens)
		sortBySeq(got)
		seen := map[*Generation]bool{}
		for i := range got {
			seen[got[i]] = true
			if got[i].Seq != want[i].Seq {
				t.Fatalf("round %d: at %d seq %d, want %d", round, i, got[i].Seq, want[i].Seq)
			}
		}
		if len(seen) != n {
			t.Fatalf("round %d: %d of %d generations kept", round, len(seen), n)
		}
	}
}
