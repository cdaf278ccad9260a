package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkRecordAfterFullRun is what a full run of a 10,000-node chain adds to keep the
// workflow's state record: its 10,000 generations applied to the process's entry (in commit
// batches of 500, as the group committer hands them) and the new state encoded as a record.
func BenchmarkRecordAfterFullRun(b *testing.B) {
	const nodes, batch = 10000, 500
	prev := NewCurrentState(nodes)
	for i := range nodes {
		g := gen(fmt.Sprintf("old%d", i), fmt.Sprintf("n%d", i), GenCompleted, int64(i))
		g.RunID, g.VersionID, g.ConfigHash, g.InputFingerprint = "run0", "v1", "cfg0123456789abcdef0123456789abc", "fp0123456789abcdef0123456789abcd"
		prev.Offer(&g)
		remember(&g)
	}
	runs := make([][]Generation, b.N)
	for r := range runs {
		for i := range nodes {
			g := gen(fmt.Sprintf("r%dg%d", r, i), fmt.Sprintf("n%d", i), GenCompleted, int64(nodes*(r+1)+i))
			g.RunID, g.VersionID, g.ConfigHash, g.InputFingerprint = fmt.Sprintf("run%d", r+1), "v1", "cfg0123456789abcdef0123456789abc", "fp0123456789abcdef0123456789abcd"
			g.CreatedAt = time.UnixMilli(int64(1e12 + nodes*(r+1) + i))
			runs[r] = append(runs[r], g)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for r := range b.N {
		c := newCurrentCache(2)
		c.keep("w", prev, false, -1, nil)
		c.entries["w"].shared = true // as after the plan read it
		epoch := int64(nodes)
		for i := 0; i < nodes; i += batch {
			epoch += batch
			c.committed(runs[r][i:i+batch], map[string]int64{"w": epoch})
		}
		e := c.entries["w"]
		e.settle()
		if e.epoch != epoch {
			b.Fatalf("entry at epoch %d, want %d", e.epoch, epoch)
		}
		if rec := encodeState("w", CurrentState{Current: e.current, Failed: e.failed, Epoch: e.epoch}); len(rec) < nodes*100 {
			b.Fatalf("record of %d bytes", len(rec))
		}
	}
}

// TestPropertyCommittedMemoAsRemembered: the memos a commit gives the generations that become
// current (rememberAll: hashes in one string, the file read found while listing outputs) say
// what the slow path works out from the generation alone — each output's HashValue, and
// PriorFileSHA — for outputs of any mix (several handles, media values among them), and a
// record encoded from them decodes to the same plan facts as one from plain generations.
func TestPropertyCommittedMemoAsRemembered(t *testing.T) {
	for seed := range int64(40) {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		c := newCurrentCache(2)
		c.prime("w", 0)
		// Odd seeds: the maps were handed out (a plan holds them): the batch waits as pending
		// and the next use settles it, to the same state and memos.
		handedOut := seed%2 == 1
		var before CurrentState
		if handedOut {
			before, _ = c.held("w", 0, false)
		}
		n := 1 + rng.IntN(60)
		gens := make([]Generation, n)
		plain := map[string]*Generation{}
		for i := range gens {
			outs := map[string]any{}
			for h := range rng.IntN(5) {
				key := fmt.Sprintf("h%d", rng.IntN(8))
				switch rng.IntN(4) {
				case 0:
					outs[key] = AssetRef{Asset: fmt.Sprintf("sha%d-%d", i, h), Mime: "image/png"}
				case 1:
					outs[key] = map[string]any{"asset": fmt.Sprintf("m%d-%d", i, h)}
				case 2:
					outs[key] = fmt.Sprintf("text %d", rng.IntN(3))
				default:
					outs[key] = float64(rng.IntN(1000)) + 0.5
				}
			}
			g := gen(fmt.Sprintf("g%d", i), fmt.Sprintf("n%d", rng.IntN(n)), GenCompleted, int64(i))
			g.Outputs = outs
			gens[i] = g
			cp := g
			plain[g.NodeID] = &cp // the last of each node outranks (later Seq)
		}
		c.committed(gens, map[string]int64{"w": int64(n)})
		e := c.entries["w"]
		if handedOut {
			if len(before.Current) != 0 || len(e.pending) != n {
				t.Fatalf("seed %d: handed-out map changed (%d) or %d pending, want %d", seed, len(before.Current), len(e.pending), n)
			}
			if _, ok := c.held("w", int64(n), false); !ok || len(before.Current) != 0 || len(e.pending) != 0 {
				t.Fatalf("seed %d: the next use did not settle the batch on a copy", seed)
			}
		}
		if len(e.current) != len(plain) {
			t.Fatalf("seed %d: %d current, want %d", seed, len(e.current), len(plain))
		}
		for node, g := range e.current {
			want := plain[node]
			if g.ID != want.ID || g.memo == nil {
				t.Fatalf("seed %d: node %s current %s (memo %v), want %s", seed, node, g.ID, g.memo != nil, want.ID)
			}
			if got, w := fileSHAOf(g), PriorFileSHA(*want); got != w {
				t.Fatalf("seed %d: node %s file %q, want %q", seed, node, got, w)
			}
			if len(g.memo.outHash) != len(want.Outputs) {
				t.Fatalf("seed %d: node %s %d hashes, want %d", seed, node, len(g.memo.outHash), len(want.Outputs))
			}
			for k, v := range want.Outputs {
				if got, ok := g.outputHash(k); !ok || got != HashValue(v) {
					t.Fatalf("seed %d: node %s output %s hash %q, want %q", seed, node, k, got, HashValue(v))
				}
			}
		}
		fast, err := decodeState(encodeState("w", CurrentState{Current: e.current, Failed: e.failed}), "w", nil)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := decodeState(encodeState("w", CurrentState{Current: plain, Failed: map[string]bool{}}), "w", nil)
		if err != nil {
			t.Fatal(err)
		}
		for node, g := range slow.Current {
			f := fast.Current[node]
			if f == nil || f.ID != g.ID || f.memo.fileSHA != g.memo.fileSHA || !sameHashes(f.memo.outHash, g.memo.outHash) {
				t.Fatalf("seed %d: node %s decodes differently from the committed state", seed, node)
			}
		}
	}
}

func sameHashes(a, b []handleHash) bool {
	m := map[string]string{}
	for _, h := range a {
		m[h.handle] = h.hash
	}
	if len(m) != len(b) || len(a) != len(b) {
		return false
	}
	for _, h := range b {
		if m[h.handle] != h.hash {
			return false
		}
	}
	return true
}
