package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestPropertyStateRecordSplitDecode: a record decoded in two halves at once (decodeStateSplit
// with a small split size) reads back exactly as decoded in one pass: the same generations,
// memos, failed nodes, entry starts and table refs, each generation in the map the base's own;
// and a damaged record (a byte changed, its checksum made right again; a node repeated in the
// second half; an entry cut short) is refused by both or read alike by both.
func TestPropertyStateRecordSplitDecode(t *testing.T) {
	const whole = 1 << 30 // never split
	for seed := range int64(200) {
		rng := rand.New(rand.NewPCG(uint64(seed), 17))
		n := rng.IntN(120)
		st := NewCurrentState(int64(n))
		for i := range n {
			g := gen(fmt.Sprintf("g%d-%d", seed, i), fmt.Sprintf("n%d", i), GenCompleted, int64(i+1))
			g.RunID, g.VersionID = fmt.Sprintf("run%d", rng.IntN(4)), fmt.Sprintf("v%d", rng.IntN(2))
			g.ConfigHash, g.InputFingerprint = fmt.Sprintf("cfg%d", rng.IntN(5)), fmt.Sprintf("fp%d", i)
			g.CreatedAt = time.UnixMilli(1e12 + int64(rng.IntN(1000)))
			g.Selected = rng.IntN(7) == 0
			g.Outputs = map[string]any{}
			for h := range rng.IntN(4) {
				g.Outputs[fmt.Sprintf("h%d", h)] = rng.IntN(100)
			}
			remember(&g)
			st.Offer(&g)
		}
		for i := range rng.IntN(5) {
			st.Failed[fmt.Sprintf("failed%d", i)] = true
		}
		rec := encodeState("w", st)
		splitAt := 2 + rng.IntN(8)
		same(t, seed, "intact", string(rec), splitAt, whole)
		if n == 0 {
			continue
		}
		// Damaged: a byte of the entries changed (the checksum right again), so the halves'
		// reads may disagree with what the skip found.
		body := rec[:len(rec)-4]
		for range 8 {
			bad := slices.Clone(body)
			at := len(stateMagic) + rng.IntN(len(bad)-len(stateMagic))
			bad[at] ^= byte(1 + rng.IntN(255))
			same(t, seed, fmt.Sprintf("byte %d changed", at), string(recrc(bad)), splitAt, whole)
		}
		// A node of the first half repeated in the second.
		if n >= 4 {
			twice := NewCurrentState(int64(n))
			var gens []*Generation
			for _, g := range st.Current {
				gens = append(gens, g)
			}
			sortBySeq(gens)
			for i, g := range gens {
				c := *g
				if i == len(gens)-1 {
					c.NodeID = gens[0].NodeID
				}
				twice.Current[fmt.Sprintf("k%d", i)] = &c
			}
			same(t, seed, "a node twice", string(encodeState("w", twice)), 2, whole)
		}
	}
}

// same decodes rec split and whole and fails unless both refuse it or both read it alike.
func same(t *testing.T, seed int64, what, rec string, splitMin, whole int) {
	t.Helper()
	got, gotBase, gotErr := decodeStateSplit(rec, "w", nil, splitMin)
	want, wantBase, wantErr := decodeStateSplit(rec, "w", nil, whole)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("seed %d, %s: split decode err %v, whole %v", seed, what, gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	sameDecoded(t, seed, got, want)
	if !slices.Equal(gotBase.starts, wantBase.starts) || !slices.Equal(gotBase.refs, wantBase.refs) || !slices.Equal(gotBase.table, wantBase.table) {
		t.Fatalf("seed %d, %s: the split base's starts, refs or table differ", seed, what)
	}
	for i := range gotBase.gens {
		g := &gotBase.gens[i]
		if got.Current[g.NodeID] != g || g.memo == nil || g.memo.load != nil {
			t.Fatalf("seed %d, %s: entry %d is not the map's generation of %s", seed, what, i, g.NodeID)
		}
	}
}
