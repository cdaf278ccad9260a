package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPropertyHandedHashesAsHashValue checks the hashes the executor works out once for a new
// generation's outputs (rememberHashed) against the slow path: each is HashValue of its
// output, the memo is the one remember gives, rememberAll keeps it, and the input fingerprint
// a node makes from hashes fed to it (nodeState.fingerprint) is InputFingerprint of its inputs.
func TestPropertyHandedHashesAsHashValue(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 15))
	for seed := range 400 {
		outs := map[string]any{}
		for i := range r.IntN(5) {
			var v any = randomValue(r, 0)
			if r.IntN(5) == 0 {
				v = AssetRef{Asset: fmt.Sprintf("sha%d", r.IntN(3)), Mime: "image/png"}
			}
			outs[fmt.Sprintf("h%d", i)] = v
		}
		fast := Generation{ID: "g", Outputs: outs}
		rememberHashed(&fast)
		slow := Generation{ID: "g", Outputs: outs}
		remember(&slow)
		if len(fast.memo.outHash) != len(outs) || !sameHashes(fast.memo.outHash, slow.memo.outHash) {
			t.Fatalf("seed %d: handed hashes %v, remember gives %v", seed, fast.memo.outHash, slow.memo.outHash)
		}
		for _, h := range fast.memo.outHash {
			if h.hash != HashValue(outs[h.handle]) {
				t.Fatalf("seed %d: hash of %s is %s, HashValue gives %s", seed, h.handle, h.hash, HashValue(outs[h.handle]))
			}
		}
		if fast.memo.fileSHA != slow.memo.fileSHA || fast.memo.fileKnown != slow.memo.fileKnown {
			t.Fatalf("seed %d: file %q/%v, remember gives %q/%v", seed, fast.memo.fileSHA, fast.memo.fileKnown, slow.memo.fileSHA, slow.memo.fileKnown)
		}
		kept := fast.memo
		other := Generation{ID: "o", Outputs: outs}
		rememberAll([]*Generation{&fast, &other})
		if fast.memo != kept || other.memo == nil || !sameHashes(other.memo.outHash, slow.memo.outHash) {
			t.Fatalf("seed %d: rememberAll replaced a handed memo or hashed the other wrong", seed)
		}

		// A node fed some of those outputs (and one more handle from a source that gave no
		// hashes, and maybe one connected without a value) fingerprints as InputFingerprint.
		st := &nodeState{inputs: map[string]any{}, connected: map[string]bool{}}
		res := nodeResult{outputs: outs, hashes: fast.memo.outHash}
		var fed []string
		for h := range outs {
			if r.IntN(3) > 0 {
				st.feed("in_"+h, res.outputs, h, res.hashes)
				fed = append(fed, "in_"+h)
			}
		}
		if r.IntN(2) == 0 {
			st.feed("plain", map[string]any{"v": randomValue(r, 0)}, "v", nil)
		}
		if r.IntN(2) == 0 {
			st.wait("waiting")
		}
		if r.IntN(3) == 0 {
			st.feed("absent", outs, "no such handle", res.hashes)
		}
		for k := range st.inputs {
			if h := st.handed(k); h != "" && h != HashValue(st.inputs[k]) {
				t.Fatalf("seed %d: handle %s handed hash %s, HashValue gives %s", seed, k, h, HashValue(st.inputs[k]))
			}
		}
		for i, k := range fed {
			if i < len(st.known) && st.handed(k) == "" {
				t.Fatalf("seed %d: %s fed with its hash, not kept", seed, k)
			}
		}
		cfg := fmt.Sprintf("cfg%d", seed)
		if got, want := st.fingerprint(cfg), InputFingerprint(cfg, st.inputs, st.connected); got != want {
			t.Fatalf("seed %d: fingerprint from handed hashes %s, InputFingerprint %s (inputs %v)", seed, got, want, st.inputs)
		}
	}
}
