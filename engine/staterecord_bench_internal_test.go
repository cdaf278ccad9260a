package engine

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chainState is the current state of an n-node chain after a full run: ids as the engine
// makes them, every generation with its memo, as a run's commits leave them.
func chainState(n int) CurrentState {
	st := NewCurrentState(int64(n))
	for i := range n {
		g := gen(fmt.Sprintf("01a24c7a-%04x-7d92-848a-17c77d820c17", i), fmt.Sprintf("n%d", i), GenCompleted, int64(i))
		g.RunID, g.VersionID = "01a24c7a-4026-7ec4-a4bb-aa947399ad9a", "01a24c7a-3f3f-768a-851c-65a0d41885b2"
		g.ConfigHash, g.InputFingerprint = fmt.Sprintf("cfg%029d", i%7), fmt.Sprintf("fp%030d", i)
		g.CreatedAt = time.UnixMilli(int64(1.7e12 + i))
		g.Outputs = map[string]any{"result": int64(i)}
		st.Offer(&g)
		remember(&g)
	}
	return st
}

// BenchmarkEncodeState writes the state record of a 10,000-node chain after a full run (ids
// as the engine makes them, every generation with its memo, as a run's commits leave them).
func BenchmarkEncodeState(b *testing.B) {
	const nodes = 10000
	st := chainState(nodes)
	b.ReportAllocs()
	for b.Loop() {
		if rec := encodeState("01a24c79-9448-77e4-9d37-daf956ae03c0", st); len(rec) < nodes*100 {
			b.Fatalf("record of %d bytes", len(rec))
		}
	}
}

// TestEncodeStateSizesExactly: encodeState allocates the record it writes to the byte (no
// growth, no spare room) for states of any shape — long and short ids, large and negative
// numbers, generations with and without memos, file reads, failed nodes, few generations and
// enough to be written in parallel — and the record decodes to the state it was written from.
func TestEncodeStateSizesExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for seed := range 200 {
		n := rng.IntN(300)
		if seed%10 == 0 {
			n = 600 + rng.IntN(1500) // written in parallel (forEachParallel)
		}
		st := NewCurrentState(int64(n))
		for i := range n {
			g := gen(strings.Repeat("g", rng.IntN(200))+strconv.Itoa(i), fmt.Sprintf("n%d", i), GenCompleted, rng.Int64()>>rng.IntN(64))
			g.RunID, g.VersionID = fmt.Sprintf("run%d", rng.IntN(1+rng.IntN(200))), fmt.Sprintf("v%d", rng.IntN(3))
			g.Seq = rng.Int64() >> rng.IntN(64)
			if rng.IntN(2) == 0 {
				g.Seq = -g.Seq
			}
			g.ConfigHash, g.InputFingerprint = strings.Repeat("c", rng.IntN(150)), strings.Repeat("f", rng.IntN(40))
			g.Outputs = map[string]any{}
			for h := range rng.IntN(4) {
				if rng.IntN(3) == 0 {
					g.Outputs[fmt.Sprintf("h%d", h)] = AssetRef{Asset: strings.Repeat("a", 1+rng.IntN(140)), Mime: "image/png"}
				} else {
					g.Outputs[fmt.Sprintf("h%d", h)] = rng.IntN(100)
				}
			}
			if rng.IntN(2) == 0 {
				remember(&g)
			}
			st.Offer(&g)
		}
		for i := range rng.IntN(200) {
			st.Failed[fmt.Sprintf("failed%d", i)] = true
		}
		rec := encodeState("w", st)
		if len(rec) != cap(rec) {
			t.Fatalf("seed %d: record of %d bytes in %d allocated", seed, len(rec), cap(rec))
		}
		back, err := decodeState(rec, "w", nil)
		if err != nil || len(back.Current) != len(st.Current) || len(back.Failed) != len(st.Failed) {
			t.Fatalf("seed %d: decoded %d generations, %d failed (%v); want %d, %d", seed, len(back.Current), len(back.Failed), err, len(st.Current), len(st.Failed))
		}
		for id, g := range st.Current {
			b := back.Current[id]
			if b == nil || b.ID != g.ID || b.Seq != g.Seq || b.CreatedAt.UnixMilli() != g.CreatedAt.UnixMilli() || b.RunID != g.RunID || b.ConfigHash != g.ConfigHash {
				t.Fatalf("seed %d: %s decoded as %+v, want %+v", seed, id, b, g)
			}
		}
	}
}
