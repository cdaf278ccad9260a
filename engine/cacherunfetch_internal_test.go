package engine

import "testing"

// TestRunWindowsGrowFromASecondFind: a run's first generation found by a store lookup fetches
// nothing (hits scattered over many old runs stay single lookups); its second fetches a
// window of 64 around it, later ones windows of 128, 256, then 512; a generation inside a
// window fetched is not fetched again; a reset of the hits forgets the windows.
func TestRunWindowsGrowFromASecondFind(t *testing.T) {
	c := &cacheIndex{valid: true}
	claim := func(run string, seq int64) (int64, int64, bool) {
		t.Helper()
		reset, after, upTo, ok := c.claimRunWindow(run, seq)
		if ok {
			c.keepFetched(reset, nil)
		}
		return after, upTo, ok
	}
	if _, _, ok := claim("a", 1000); ok {
		t.Fatal("the run's first find fetched a window")
	}
	if _, _, ok := claim("b", 5000); ok {
		t.Fatal("another run's first find fetched a window")
	}
	want := []struct{ seq, after, upTo int64 }{
		{2000, 2000 - 16 - 1, 2000 - 16 - 1 + 64},
		{3000, 3000 - 32 - 1, 3000 - 32 - 1 + 128},
		{4000, 4000 - 64 - 1, 4000 - 64 - 1 + 256},
		{6000, 6000 - 64 - 1, 6000 - 64 - 1 + 512},
		{7000, 7000 - 64 - 1, 7000 - 64 - 1 + 512},
	}
	for _, w := range want {
		after, upTo, ok := claim("a", w.seq)
		if !ok || after != w.after || upTo != w.upTo {
			t.Fatalf("find at %d: window (%d, %d] fetched %v, want (%d, %d]", w.seq, after, upTo, ok, w.after, w.upTo)
		}
		if _, _, ok := claim("a", w.seq+10); ok {
			t.Fatalf("find at %d, inside the window just fetched, fetched again", w.seq+10)
		}
	}
	if c.fetching != 0 {
		t.Fatalf("%d batched checks left open", c.fetching)
	}
	c.reset++
	if _, _, ok := claim("a", 2010); ok {
		t.Fatal("after a reset, the run's first find fetched a window")
	}
	if _, _, ok := claim("a", 2010); !ok {
		t.Fatal("after a reset, the run's second find fetched nothing")
	}
}
