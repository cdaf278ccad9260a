package storetest

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// testCacheCandidates: a store that checks candidates (engine.CandidateChecker) confirms
// exactly those that CachedGenerations names, with the outputs it gives them, whether the
// latest is indexed or written after the index's mark, older by time or written later, and
// after the latest is deleted; a candidate with another id or seq, or an unknown fingerprint,
// is left out.
func testCacheCandidates(t *testing.T, s engine.Store) {
	checker, ok := s.(engine.CandidateChecker)
	if !ok {
		t.Skip("the store does not check candidates")
	}
	_, va := mkWorkflow(t, s, "A")
	_, vb := mkWorkflow(t, s, "B")
	ra, rb := mkRun(t, s, va, at(1), ""), mkRun(t, s, vb, at(1), "")
	var all []engine.Generation
	write := func(gens ...engine.Generation) {
		t.Helper()
		if _, err := s.SaveGenerations(ctx(), gens); err != nil {
			t.Fatalf("SaveGenerations: %v", err)
		}
		all = append(all, gens...)
	}
	// Four generations of each of 40 fingerprints in two workflows, in an order that is not
	// their order by time; a failed one with each fingerprint, never a candidate's answer.
	const fps = 40
	for round, sec := range []int{20, 40, 10, 30} {
		var gens []engine.Generation
		for i := range fps {
			r := ra
			if (i+round)%2 == 1 {
				r = rb
			}
			g := mkGen(r, fmt.Sprint("n", i), engine.GenCompleted, at(sec))
			g.InputFingerprint, g.Outputs = fmt.Sprintf("%032x", i), map[string]any{"v": float64(round*100 + i), "s": "x"}
			gens = append(gens, g)
		}
		failed := mkGen(ra, "f", engine.GenFailed, at(50))
		failed.InputFingerprint = gens[round].InputFingerprint
		write(append(gens, failed)...)
		if round == 1 {
			if _, err := s.CachedGeneration(ctx(), gens[0].InputFingerprint); err != nil { // a store may index here
				t.Fatal(err)
			}
		}
	}
	check := func(what string) {
		t.Helper()
		var fpList []string
		for i := range fps {
			fpList = append(fpList, fmt.Sprintf("%032x", i))
		}
		latest, err := s.CachedGenerations(ctx(), fpList)
		must(t, "CachedGenerations", err)
		confirmedAll := 0
		for k := range 4 { // the k+1-th generation of each fingerprint (in write order) as candidates
			var cands []engine.CacheCandidate
			var gens []engine.Generation
			for _, g := range all {
				if g.Status == engine.GenCompleted && countFP(gens, g.InputFingerprint) == k {
					cands = append(cands, engine.CacheCandidate{Fingerprint: g.InputFingerprint, ID: g.ID, Seq: g.Seq})
				}
				gens = append(gens, g)
			}
			cands = append(cands, engine.CacheCandidate{Fingerprint: "0123456789abcdef0123456789abcdef", ID: "nope", Seq: 1})
			got, err := checker.CandidateOutputs(ctx(), cands)
			must(t, "CandidateOutputs", err)
			confirmedAll += len(got)
			for _, c := range cands {
				l, has := latest[c.Fingerprint]
				o, confirmed := got[c.Fingerprint]
				switch {
				case has && l.ID == c.ID && !confirmed:
					t.Errorf("%s, candidates %d: %s (%s) is the latest, not confirmed", what, k, c.ID, c.Fingerprint)
				case (!has || l.ID != c.ID) && confirmed:
					t.Errorf("%s, candidates %d: %s (%s) confirmed; the latest is %q", what, k, c.ID, c.Fingerprint, l.ID)
				case confirmed && !reflect.DeepEqual(o, l.Outputs):
					t.Errorf("%s, candidates %d: %s outputs %v, CachedGenerations gives %v", what, k, c.ID, o, l.Outputs)
				}
			}
			wrong := []engine.CacheCandidate{{Fingerprint: cands[0].Fingerprint, ID: "other", Seq: cands[0].Seq},
				{Fingerprint: cands[1].Fingerprint, ID: cands[1].ID, Seq: cands[1].Seq + 100000}}
			got, err = checker.CandidateOutputs(ctx(), wrong)
			must(t, "CandidateOutputs", err)
			if len(got) != 0 {
				t.Errorf("%s: candidates with another id or seq confirmed: %v", what, got)
			}
		}
		if confirmedAll != fps {
			t.Errorf("%s: %d candidates confirmed in all, want %d (each fingerprint's latest once)", what, confirmedAll, fps)
		}
	}
	check("four rounds")
	for i := range 300 { // past any number of writes a store lets go unindexed
		g := mkGen(ra, fmt.Sprint("m", i), engine.GenCompleted, at(5))
		g.InputFingerprint = fmt.Sprintf("%032x", i%fps)
		write(g)
	}
	check("300 older ones written after them")
	latest, err := s.CachedGenerations(ctx(), []string{fmt.Sprintf("%032x", 3)})
	must(t, "CachedGenerations", err)
	must(t, "DeleteGeneration", s.DeleteGeneration(ctx(), latest[fmt.Sprintf("%032x", 3)].ID))
	for i, g := range all {
		if g.ID == latest[fmt.Sprintf("%032x", 3)].ID {
			all = append(all[:i], all[i+1:]...)
			break
		}
	}
	check("the latest of one deleted")
}

func countFP(gens []engine.Generation, fp string) int {
	n := 0
	for _, g := range gens {
		if g.Status == engine.GenCompleted && g.InputFingerprint == fp {
			n++
		}
	}
	return n
}
