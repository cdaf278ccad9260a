package storetest

// The cross-workflow cache's store contract (SPEC §14): lookups by input fingerprint, the
// batched check of the latest, an index that follows writes and deletions, and the generation clock.

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

var cacheTests = []test{
	{"CachedGenerationAcrossWorkflows", testCachedGeneration},
	{"CachedGenerations", testCachedGenerations},
	{"CacheFollowsWritesAndDeletions", testCacheFollowsWrites},
	{"CacheLatestByTimeNotWriteOrder", testCacheLatestByTime},
	{"CacheCandidates", testCacheCandidates},
	{"GenerationClock", testGenerationClock},
	{"RunFingerprints", testRunFingerprints},
}

// testCachedGeneration: the cache finds the latest completed generation with a fingerprint in
// any workflow; a failed one never; an unknown fingerprint is ErrNotFound.
func testCachedGeneration(t *testing.T, s engine.Store) {
	_, va := mkWorkflow(t, s, "A")
	_, vb := mkWorkflow(t, s, "B")
	ra, rb := mkRun(t, s, va, at(1), ""), mkRun(t, s, vb, at(1), "")
	old := mkGen(ra, "x", engine.GenCompleted, at(2))
	newer := mkGen(rb, "y", engine.GenCompleted, at(3))
	failed := mkGen(ra, "x", engine.GenFailed, at(4))
	other := mkGen(ra, "z", engine.GenCompleted, at(5))
	for _, g := range []*engine.Generation{&old, &newer, &failed} {
		g.InputFingerprint = "fp-shared"
	}
	other.InputFingerprint = "fp-other"
	save(t, s, old, newer, failed, other)
	g, err := s.CachedGeneration(ctx(), "fp-shared")
	must(t, "CachedGeneration", err)
	if g.ID != newer.ID || g.WorkflowID != vb.WorkflowID || g.Status != engine.GenCompleted || g.Outputs["value"] != "y" {
		t.Errorf("CachedGeneration = %+v, want %s (the latest completed, of workflow B)", g, newer.ID)
	}
	_, err = s.CachedGeneration(ctx(), "fp-none")
	wantErr(t, "CachedGeneration of an unknown fingerprint", err, engine.ErrNotFound)
	_, err = s.CachedGeneration(ctx(), "")
	wantErr(t, "CachedGeneration of no fingerprint", err, engine.ErrNotFound)
}

// testCachedGenerations: the batched cache check names, for each fingerprint a completed
// generation has, the latest one (failed ones do not count), across workflows, also past one
// query's worth of fingerprints; it agrees with CachedGeneration.
func testCachedGenerations(t *testing.T, s engine.Store) {
	_, va := mkWorkflow(t, s, "A")
	_, vb := mkWorkflow(t, s, "B")
	ra, rb := mkRun(t, s, va, at(1), ""), mkRun(t, s, vb, at(1), "")
	var gens []engine.Generation
	fp := func(i int) string { return fmt.Sprintf("fp-%04d", i) }
	var all []string
	want := map[string]string{}
	for i := range 1200 {
		g := mkGen(ra, fmt.Sprint("n", i), engine.GenCompleted, at(2))
		g.InputFingerprint = fp(i)
		gens = append(gens, g)
		all = append(all, fp(i))
		want[fp(i)] = g.ID
		switch {
		case i%100 == 7: // a later completed generation, in another workflow
			o := mkGen(rb, fmt.Sprint("m", i), engine.GenCompleted, at(3))
			o.InputFingerprint = fp(i)
			gens = append(gens, o)
			want[fp(i)] = o.ID
		case i%100 == 8: // a later failed one does not count
			o := mkGen(rb, fmt.Sprint("m", i), engine.GenFailed, at(3))
			o.InputFingerprint = fp(i)
			gens = append(gens, o)
		case i%100 == 9: // an earlier completed one is not the latest
			o := mkGen(rb, fmt.Sprint("m", i), engine.GenCompleted, at(1))
			o.InputFingerprint = fp(i)
			gens = append(gens, o)
		}
	}
	save(t, s, gens...)
	got, err := latestIDs(t, s, append(all, "fp-none", "", fp(7)))
	must(t, "CachedGenerations", err)
	if !maps.Equal(got, want) {
		for f, id := range want {
			if got[f] != id {
				t.Errorf("CachedGenerations names %q for %s, want %s", got[f], f, id)
			}
		}
		t.Fatalf("CachedGenerations: %d answers, want %d", len(got), len(want))
	}
	for _, i := range []int{7, 8, 9, 10} {
		if g, err := s.CachedGeneration(ctx(), fp(i)); err != nil || g.ID != want[fp(i)] {
			t.Errorf("CachedGeneration(%s) = %s, %v: want %s, as the batched check", fp(i), g.ID, err, want[fp(i)])
		}
	}
	if got, err := latestIDs(t, s, nil); err != nil || len(got) != 0 {
		t.Errorf("CachedGenerations(nil) = %v, %v; want none", got, err)
	}
}

// testCacheFollowsWrites: lookups interleaved with writes and deletions always answer from
// what the store holds at that moment: a generation written after a lookup is found by the
// next one, also hundreds of generations later; a deleted one is no longer named, neither
// when it was the last written nor with its workflow; the batched check agrees.
func testCacheFollowsWrites(t *testing.T, s engine.Store) {
	_, va := mkWorkflow(t, s, "A")
	wb, vb := mkWorkflow(t, s, "B")
	ra, rb := mkRun(t, s, va, at(1), ""), mkRun(t, s, vb, at(1), "")
	withFP := func(g engine.Generation, fp string) engine.Generation { g.InputFingerprint = fp; return g }
	cached := func(fp string) string {
		t.Helper()
		g, err := s.CachedGeneration(ctx(), fp)
		if errors.Is(err, engine.ErrNotFound) {
			return ""
		}
		must(t, "CachedGeneration", err)
		return g.ID
	}
	// agrees checks the batched check against a lookup of each fingerprint.
	agrees := func(what string, fps ...string) {
		t.Helper()
		got, err := latestIDs(t, s, fps)
		must(t, "CachedGenerations", err)
		want := map[string]string{}
		for _, fp := range fps {
			if id := cached(fp); id != "" {
				want[fp] = id
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: CachedGenerations = %v, lookups say %v", what, got, want)
		}
	}
	first := withFP(mkGen(ra, "x", engine.GenCompleted, at(2)), "fp-x")
	save(t, s, first)
	if got := cached("fp-x"); got != first.ID {
		t.Fatalf("after the first write: %q, want %s", got, first.ID)
	}
	second := withFP(mkGen(rb, "x", engine.GenCompleted, at(3)), "fp-x")
	save(t, s, second)
	if got := cached("fp-x"); got != second.ID {
		t.Errorf("after a second write: %q, want %s", got, second.ID)
	}
	// Many generations later (past any batching of an index), one more of fp-x.
	var many []engine.Generation
	for i := range 600 {
		many = append(many, withFP(mkGen(ra, fmt.Sprint("n", i), engine.GenCompleted, at(4)), fmt.Sprintf("fp-many-%d", i%300)))
	}
	save(t, s, many[:300]...)
	agrees("after 300", "fp-x", "fp-many-1")
	save(t, s, many[300:]...)
	third := withFP(mkGen(ra, "x", engine.GenCompleted, at(5)), "fp-x")
	failed := withFP(mkGen(rb, "x", engine.GenFailed, at(6)), "fp-x")
	save(t, s, third, failed)
	if got := cached("fp-x"); got != third.ID {
		t.Errorf("after 600 more: %q, want %s", got, third.ID)
	}
	agrees("after 600", "fp-x", "fp-many-1", "fp-many-299", "fp-none")
	// The last generation written goes; the one written next (in its place) is found.
	must(t, "DeleteGeneration", s.DeleteGeneration(ctx(), failed.ID))
	must(t, "DeleteGeneration", s.DeleteGeneration(ctx(), third.ID))
	if got := cached("fp-x"); got != second.ID {
		t.Errorf("after deleting the latest: %q, want %s", got, second.ID)
	}
	fresh := withFP(mkGen(rb, "y", engine.GenCompleted, at(7)), "fp-y")
	save(t, s, fresh)
	if got := cached("fp-y"); got != fresh.ID {
		t.Errorf("a generation written after a deletion: %q, want %s", got, fresh.ID)
	}
	// B goes with its generations: fp-x is A's first again, fp-y is gone.
	must(t, "DeleteWorkflow", s.DeleteWorkflow(ctx(), wb.ID))
	if got := cached("fp-x"); got != first.ID {
		t.Errorf("after deleting workflow B: %q, want %s (of A)", got, first.ID)
	}
	if got := cached("fp-y"); got != "" {
		t.Errorf("fp-y after deleting workflow B: %q, want none", got)
	}
	agrees("after deleting workflow B", "fp-x", "fp-y", "fp-many-1")
	after := withFP(mkGen(ra, "x", engine.GenCompleted, at(8)), "fp-x")
	save(t, s, after)
	if got := cached("fp-x"); got != after.ID {
		t.Errorf("after a write following the deletion: %q, want %s", got, after.ID)
	}
}

// testGenerationClock: a commit of n generations onto the clock numbers them right after its
// Writes; a deletion (also with a workflow) counts; a selection or a run changes nothing.
func testGenerationClock(t *testing.T, s engine.Store) {
	clock := func() engine.GenClock {
		t.Helper()
		c, err := s.GenerationClock(ctx())
		must(t, "GenerationClock", err)
		return c
	}
	w, va := mkWorkflow(t, s, "A")
	_, vb := mkWorkflow(t, s, "B")
	ra := mkRun(t, s, va, at(1), "")
	c0 := clock()
	gens := []engine.Generation{mkGen(ra, "x", engine.GenCompleted, at(2)), mkGen(ra, "y", engine.GenFailed, at(2)), mkGen(ra, "z", engine.GenCompleted, at(2))}
	save(t, s, gens...)
	for i, g := range gens {
		if g.Seq != c0.Writes+int64(i)+1 {
			t.Errorf("generation %d numbered %d on clock %+v, want %d", i, g.Seq, c0, c0.Writes+int64(i)+1)
		}
	}
	c1 := clock()
	if c1 != (engine.GenClock{Writes: c0.Writes + 3, Deletions: c0.Deletions}) {
		t.Errorf("clock after 3 writes = %+v, was %+v", c1, c0)
	}
	mkRun(t, s, vb, at(3), "")
	must(t, "SelectGeneration", s.SelectGeneration(ctx(), w.ID, "x", gens[0].ID))
	if c := clock(); c != c1 {
		t.Errorf("clock after a run and a selection = %+v, want %+v", c, c1)
	}
	must(t, "DeleteGeneration", s.DeleteGeneration(ctx(), gens[2].ID))
	c2 := clock()
	if c2 == c1 || c2.Deletions != c1.Deletions+1 {
		t.Errorf("clock after a deletion = %+v, was %+v", c2, c1)
	}
	batch := []engine.Generation{mkGen(ra, "z", engine.GenCompleted, at(4))}
	save(t, s, batch...)
	if c, more := clock(), batch[0]; more.Seq != c2.Writes+1 || c.Writes != more.Seq || c == c1 {
		t.Errorf("after a write following a deletion: seq %d, clock %+v (was %+v)", more.Seq, c, c2)
	}
	must(t, "DeleteWorkflow", s.DeleteWorkflow(ctx(), w.ID))
	if c := clock(); c.Deletions <= c2.Deletions {
		t.Errorf("clock after deleting a workflow with generations = %+v, was %+v", c, c2)
	}
}

// testCacheLatestByTime: "the latest" is by creation time (then write order), also when the
// generation written last is older than one written before it, and whether or not the store
// has indexed either: the lookup and the batched check agree on it.
func testCacheLatestByTime(t *testing.T, s engine.Store) {
	_, va := mkWorkflow(t, s, "A")
	ra := mkRun(t, s, va, at(1), "")
	withFP := func(g engine.Generation) engine.Generation { g.InputFingerprint = "fp-t"; return g }
	check := func(what, want string) {
		t.Helper()
		g, err := s.CachedGeneration(ctx(), "fp-t")
		must(t, "CachedGeneration", err)
		got, err := latestIDs(t, s, []string{"fp-t"})
		must(t, "CachedGenerations", err)
		if g.ID != want || got["fp-t"] != want {
			t.Errorf("%s: CachedGeneration %s, CachedGenerations %s; want %s", what, g.ID, got["fp-t"], want)
		}
	}
	newer := withFP(mkGen(ra, "a", engine.GenCompleted, at(30)))
	save(t, s, newer)
	check("one generation", newer.ID)
	older := withFP(mkGen(ra, "b", engine.GenCompleted, at(10)))
	save(t, s, older)
	check("an older one written after it", newer.ID)
	for i := range 300 { // past any number of writes a store lets go unindexed
		save(t, s, withFP(mkGen(ra, fmt.Sprint("c", i), engine.GenCompleted, at(20))))
	}
	check("300 older ones written after it", newer.ID)
	newest := withFP(mkGen(ra, "d", engine.GenCompleted, at(40)))
	save(t, s, newest)
	check("a newer one", newest.ID)
}

// latestIDs is CachedGenerations as fingerprint -> generation id, each answer checked to be
// a completed generation with its fingerprint.
func latestIDs(t *testing.T, s engine.Store, fps []string) (map[string]string, error) {
	t.Helper()
	got, err := s.CachedGenerations(ctx(), fps)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]string, len(got))
	for fp, g := range got {
		if g.InputFingerprint != fp || g.Status != engine.GenCompleted || g.WorkflowID == "" {
			t.Errorf("CachedGenerations answers %s with %+v", fp, g)
		}
		ids[fp] = g.ID
	}
	return ids, nil
}

// testRunFingerprints: the fingerprints of a run's completed generations in a range of seq
// (engine.RunFingerprintLister), each once: not another run's, a failed one's, an empty one,
// nor one outside the range.
func testRunFingerprints(t *testing.T, s engine.Store) {
	l, ok := s.(engine.RunFingerprintLister)
	if !ok {
		t.Skip("the store lists no run's fingerprints")
	}
	_, va := mkWorkflow(t, s, "A")
	ra, rb := mkRun(t, s, va, at(1), ""), mkRun(t, s, va, at(1), "")
	var gens []engine.Generation
	add := func(r engine.Run, node string, status engine.GenStatus, fp string) {
		g := mkGen(r, node, status, at(2))
		g.InputFingerprint = fp
		gens = append(gens, g)
	}
	add(ra, "n0", engine.GenCompleted, "fp-0")
	add(ra, "n1", engine.GenCompleted, "fp-1")
	add(rb, "n2", engine.GenCompleted, "fp-b")
	add(ra, "n3", engine.GenFailed, "fp-failed")
	add(ra, "n4", engine.GenCompleted, "")
	add(ra, "n5", engine.GenCompleted, "fp-1")
	add(ra, "n6", engine.GenCompleted, "fp-6")
	save(t, s, gens...)
	seq := func(i int) int64 {
		g, err := s.GetGeneration(ctx(), gens[i].ID)
		must(t, "GetGeneration", err)
		return g.Seq
	}
	sorted := func(fps []string, err error) []string {
		must(t, "RunFingerprints", err)
		slices.Sort(fps)
		return fps
	}
	if got := sorted(l.RunFingerprints(ctx(), ra.ID, 0, math.MaxInt64)); !slices.Equal(got, []string{"fp-0", "fp-1", "fp-6"}) {
		t.Errorf("RunFingerprints of run A = %v, want fp-0 fp-1 fp-6", got)
	}
	if got := sorted(l.RunFingerprints(ctx(), ra.ID, seq(0), seq(5))); !slices.Equal(got, []string{"fp-1"}) {
		t.Errorf("RunFingerprints of run A after n0 up to n5 = %v, want fp-1", got)
	}
	if got := sorted(l.RunFingerprints(ctx(), rb.ID, seq(2), math.MaxInt64)); len(got) != 0 {
		t.Errorf("RunFingerprints of run B after its only generation = %v, want none", got)
	}
}
