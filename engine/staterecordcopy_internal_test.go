package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestPropertyStateRecordCopiesKeptEntries: a state read from a record, then changed by the
// commits of runs (some nodes replaced, some new, some failed, picks among the kept ones), is
// written as a record that copies the kept generations' entries from the record it was read
// from (encodeStateOn with its base) and decodes to exactly what encoding every entry gives:
// same generations, ids, runs, versions, picks, order keys, hashes, files and failed nodes.
// Some states replace the generations of so many runs that the base's table is mostly dead
// ids: the record then gets a table of its own.
func TestPropertyStateRecordCopiesKeptEntries(t *testing.T) {
	for seed := range int64(120) {
		rng := rand.New(rand.NewPCG(uint64(seed), 11))
		n := 1 + rng.IntN(80)
		if seed%8 == 0 {
			n = 600 + rng.IntN(900) // new entries written in parallel
		}
		runs := 1 + rng.IntN(40)
		prev := NewCurrentState(int64(n))
		seq := int64(0)
		newGen := func(node string, run int) Generation {
			seq++
			g := gen(fmt.Sprintf("g%d-%d", seed, seq), node, GenCompleted, seq)
			g.RunID, g.VersionID = fmt.Sprintf("run%d", run), fmt.Sprintf("v%d", rng.IntN(3))
			g.ConfigHash, g.InputFingerprint = fmt.Sprintf("cfg%d", rng.IntN(5)), fmt.Sprintf("fp%d", seq)
			g.CreatedAt = time.UnixMilli(1e12 + seq)
			g.Outputs = map[string]any{}
			for h := range rng.IntN(4) {
				if rng.IntN(3) == 0 {
					g.Outputs[fmt.Sprintf("h%d", h)] = AssetRef{Asset: fmt.Sprintf("sha%d", rng.IntN(1000)), Mime: "image/png"}
				} else {
					g.Outputs[fmt.Sprintf("h%d", h)] = rng.IntN(100)
				}
			}
			return g
		}
		for i := range n {
			g := newGen(fmt.Sprintf("n%d", i), rng.IntN(runs))
			g.Selected = rng.IntN(10) == 0
			remember(&g)
			prev.Offer(&g)
		}
		for i := range rng.IntN(20) {
			prev.Failed[fmt.Sprintf("failed%d", i)] = true
		}
		read, base, err := decodeStateBase(string(encodeState("w", prev)), "w", nil)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		read.Epoch = int64(n)
		c := newCurrentCache(2)
		c.keep("w", read, true, read.Epoch, base)
		epoch := read.Epoch
		// Runs: each replaces a share of the nodes (all of them now and then), adds nodes,
		// fails some.
		unchanged := map[string]bool{}
		for id := range read.Current {
			unchanged[id] = true
		}
		for r := range 1 + rng.IntN(3) {
			share := rng.IntN(3) // none, some, all
			var batch []Generation
			for i := range n + rng.IntN(5) {
				node := fmt.Sprintf("n%d", i)
				switch {
				case share == 2, share == 1 && rng.IntN(2) == 0:
					g := newGen(node, runs+r)
					if rng.IntN(15) == 0 {
						g.Status = GenFailed
					} else if cur := read.Current[node]; cur == nil || !cur.Selected {
						delete(unchanged, node) // a pick stays current
					}
					batch = append(batch, g)
				}
			}
			for len(batch) > 0 {
				k := min(len(batch), 1+rng.IntN(300))
				epoch += int64(k)
				c.committed(batch[:k], map[string]int64{"w": epoch})
				batch = batch[k:]
			}
		}
		e := c.entries["w"]
		e.settle()
		if e.epoch != epoch || e.base != base {
			t.Fatalf("seed %d: entry at epoch %d (base kept %v), want %d", seed, e.epoch, e.base == base, epoch)
		}
		st := CurrentState{Current: e.current, Failed: e.failed, Epoch: e.epoch}
		kept, ok := base.copyOf(st)
		if !ok || kept.n != len(unchanged) {
			t.Fatalf("seed %d: %d entries copied (%v), want the %d unchanged", seed, kept.n, ok, len(unchanged))
		}
		fast, copied := encodeStateOn("w", st, base)
		if len(fast) != cap(fast) {
			t.Fatalf("seed %d: record of %d bytes in %d allocated", seed, len(fast), cap(fast))
		}
		got, err := decodeState(fast, "w", nil)
		if err != nil {
			t.Fatalf("seed %d: the copying record does not decode: %v", seed, err)
		}
		want, err := decodeState(encodeState("w", st), "w", nil)
		if err != nil {
			t.Fatal(err)
		}
		sameDecoded(t, seed, got, want)
		// Every unchanged entry is copied, or none when the record gets a table of its own.
		if copied != len(unchanged) && copied != 0 {
			t.Fatalf("seed %d: %d entries copied, want %d or none", seed, copied, len(unchanged))
		}
		// The process's own write: a base nothing was copied from is let go.
		if epoch == read.Epoch { // nothing committed: nothing to write
			continue
		}
		c.slack = 0
		saved := &savingGens{}
		c.keepRecord(context.Background(), saved, "w")
		if saved.n != 1 || (e.base == nil) != (copied == 0) {
			t.Fatalf("seed %d: %d records saved, base kept %v after %d copied", seed, saved.n, e.base != nil, copied)
		}
	}
}

// savingGens is a GenerationStore that takes every state record.
type savingGens struct {
	GenerationStore
	n int
}

func (s *savingGens) SaveStateRecord(context.Context, string, int64, []byte) (bool, error) {
	s.n++
	return true, nil
}

// sameDecoded fails unless two decoded states say the same of every node.
func sameDecoded(t *testing.T, seed int64, got, want CurrentState) {
	t.Helper()
	if len(got.Current) != len(want.Current) || len(got.Failed) != len(want.Failed) {
		t.Fatalf("seed %d: %d current, %d failed; want %d, %d", seed, len(got.Current), len(got.Failed), len(want.Current), len(want.Failed))
	}
	for id := range want.Failed {
		if !got.Failed[id] {
			t.Fatalf("seed %d: %s not failed", seed, id)
		}
	}
	for id, w := range want.Current {
		g := got.Current[id]
		if g == nil || g.ID != w.ID || g.RunID != w.RunID || g.VersionID != w.VersionID || g.Selected != w.Selected ||
			g.Seq != w.Seq || !g.CreatedAt.Equal(w.CreatedAt) || g.ConfigHash != w.ConfigHash || g.InputFingerprint != w.InputFingerprint ||
			g.memo.fileSHA != w.memo.fileSHA || !sameHashes(g.memo.outHash, w.memo.outHash) {
			t.Fatalf("seed %d: node %s reads back as %+v, want %+v", seed, id, g, w)
		}
	}
}

// BenchmarkRecordAfterChangedRun is the state record a changed run of a 10,000-node chain
// writes at its end: the state read from the last record, the second half of the chain
// replaced by the run; "copy" copies the kept half's entries from the record read, "encode"
// encodes every entry.
func BenchmarkRecordAfterChangedRun(b *testing.B) {
	const nodes = 10000
	prev := NewCurrentState(nodes)
	for i := range nodes {
		g := gen(fmt.Sprintf("01a24c79-9448-77e4-9d37-%012d", i), fmt.Sprintf("n%d", i), GenCompleted, int64(i))
		g.RunID, g.VersionID = "01a24c79-9448-77e4-9d37-daf956ae03c0", "01a24c79-9448-77e4-9d37-daf956ae03c1"
		g.ConfigHash, g.InputFingerprint = "cfg0123456789abcdef0123456789abc", "fp0123456789abcdef0123456789abcd"
		remember(&g)
		prev.Offer(&g)
	}
	read, base, err := decodeStateBase(string(encodeState("w", prev)), "w", nil)
	if err != nil {
		b.Fatal(err)
	}
	st := CurrentState{Current: map[string]*Generation{}, Failed: read.Failed}
	for id, g := range read.Current {
		st.Current[id] = g
	}
	for i := nodes / 2; i < nodes; i++ {
		g := gen(fmt.Sprintf("01a24c79-9448-77e4-9d38-%012d", i), fmt.Sprintf("n%d", i), GenCompleted, int64(nodes+i))
		g.RunID, g.VersionID = "01a24c79-9448-77e4-9d37-daf956ae03c2", "01a24c79-9448-77e4-9d37-daf956ae03c3"
		g.ConfigHash, g.InputFingerprint = "cfg0123456789abcdef0123456789abc", "fp0123456789abcdef0123456789abcd"
		remember(&g)
		st.Current[g.NodeID] = &g
	}
	for _, c := range []struct {
		name string
		base *stateBase
	}{{"copy", base}, {"encode", nil}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if rec, _ := encodeStateOn("w", st, c.base); len(rec) < nodes*100 {
					b.Fatalf("record of %d bytes", len(rec))
				}
			}
		})
	}
}
