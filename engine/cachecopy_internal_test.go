package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPropertyCachedCopyHashesAsRemembered checks the fast path of a cache hit against the
// slow one: the output hashes a hit hands downstream (knownOutHashes of its source) and the
// memo its copy is given (copyMemo) hold each output's HashValue and the copy's
// PriorFileSHA, as remember works them out from the copy alone; the copy's memo is its own;
// and a source whose memo does not hold every hash (none, a partial generation's, one not
// filled in yet) hands none, leaving them to be worked out.
func TestPropertyCachedCopyHashesAsRemembered(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 15))
	x := &Execution{Run: Run{ID: "run", WorkflowID: "b", VersionID: "v"}, Current: map[string]*Generation{}}
	for seed := range 300 {
		outs := map[string]any{}
		for i := range r.IntN(5) {
			var v any = randomValue(r, 0)
			if r.IntN(4) == 0 {
				v = AssetRef{Asset: fmt.Sprintf("sha%d", r.IntN(3)), Mime: "image/png"}
			}
			outs[fmt.Sprintf("h%d", i)] = v
		}
		src := &Generation{ID: "src", WorkflowID: "a", NodeID: "n", Status: GenCompleted, Outputs: outs, InputFingerprint: "fp"}
		switch r.IntN(4) {
		case 0: // no memo: nothing handed, the copy has none
		case 1:
			rememberHashed(src)
		case 2:
			rememberAll([]*Generation{src})
		case 3: // a memo with the handles only, hashes not filled in
			slab := make([]handleHash, len(outs))
			rememberInto(src, &genMemo{}, &slab, false)
		}
		handed := knownOutHashes(src)
		whole := src.memo != nil && len(outs) > 0 && src.memo.outHash[0].hash != ""
		if (handed != nil) != (whole || (src.memo != nil && len(outs) == 0)) {
			t.Fatalf("seed %d: handed %v for memo %+v", seed, handed, src.memo)
		}
		cp := cachedCopy(x, "n", src, "copy")
		cp.memo = copyMemo(src) // as the executor gives it
		if handed == nil {
			if cp.memo != nil {
				t.Fatalf("seed %d: the copy has a memo its source could not give", seed)
			}
			continue
		}
		if cp.memo == nil || cp.memo == src.memo {
			t.Fatalf("seed %d: copy memo %p, source's %p", seed, cp.memo, src.memo)
		}
		slow := Generation{ID: "copy", Outputs: cp.Outputs}
		remember(&slow)
		if !sameHashes(cp.memo.outHash, slow.memo.outHash) || !sameHashes(handed, slow.memo.outHash) {
			t.Fatalf("seed %d: copy hashes %v, handed %v, remember gives %v", seed, cp.memo.outHash, handed, slow.memo.outHash)
		}
		if got, want := fileSHAOf(cp), PriorFileSHA(*cp); got != want || !cp.memo.fileKnown {
			t.Fatalf("seed %d: copy file %q (known %v), want %q", seed, got, cp.memo.fileKnown, want)
		}
		kept := cp.memo
		rememberAll([]*Generation{cp})
		if cp.memo != kept {
			t.Fatalf("seed %d: the commit hashed the copy again", seed)
		}
	}
	partial := &Generation{ID: "p", Status: GenCompleted, memo: &genMemo{outHash: []handleHash{{"result", "h"}},
		load: func(context.Context, string) (Generation, error) { return Generation{}, nil }}}
	if knownOutHashes(partial) != nil {
		t.Fatal("a partial generation handed its hashes without its outputs")
	}
}
