package engine

import "context"

// The batched check of a found generation's own run. prefetch's window is the found
// generation's workflow's current generations; when the found one is not among them (an
// older generation: the user put back a value the workflow had some runs ago, and the
// nodes after it find the generations that run wrote), every next node's lookup missed
// memory and cost a store lookup of its own (~0.25 ms each on the command line: 1.3 s for the
// 5,000 nodes after an edit undone in a 10,000-node chain). prefetchRun asks the store for the
// fingerprints of the completed generations that run wrote about when it wrote the found one
// (a window of seq around it, fetchBefore before and fetchWindow in all) and the cache's
// answer for them in one batched lookup (CachedGenerations: per fingerprint the latest
// completed generation, whole), kept as hits like prefetch's; a window is fetched once per
// index state (runWindows). The answers are the store's: a fingerprint whose latest
// generation is another's gets that one; a generation written meanwhile (dirty) drops its
// answer, as with prefetch.

// RunFingerprintLister lists the input fingerprints of the completed generations of run runID
// with a seq in (after, upTo] (one each; order not kept). A store without it leaves such
// lookups one by one.
type RunFingerprintLister interface {
	RunFingerprints(ctx context.Context, runID string, after, upTo int64) ([]string, error)
}

// seqSpan is a range of seq (from, to] a run's window covered.
type seqSpan struct{ from, to int64 }

// prefetchRun fetches the window of found's run around found, unless fetched already.
func (r *cacheRun) prefetchRun(ctx context.Context, found *Generation) {
	lister, ok := r.s.store.(RunFingerprintLister)
	if !ok || found.RunID == "" || found.Seq <= 0 {
		return
	}
	idx := &r.s.cacheIdx
	after := max(0, found.Seq-fetchBefore-1)
	upTo := after + fetchWindow
	reset, ok := idx.claimRunWindow(found.RunID, found.Seq, after, upTo)
	if !ok {
		return
	}
	hits := map[string]*Generation{}
	defer func() { idx.keepFetched(reset, hits) }()
	fps, err := lister.RunFingerprints(ctx, found.RunID, after, upTo)
	if err != nil || len(fps) == 0 {
		return
	}
	got, err := r.s.store.CachedGenerations(ctx, fps)
	if err != nil {
		return
	}
	for fp, g := range got {
		if g.Status == GenCompleted && g.InputFingerprint == fp {
			hits[fp] = &g
		}
	}
}

// claimRunWindow starts a batched lookup (ended by keepFetched when ok) of run runID's window
// (after, upTo] around seq, unless a window of that run fetched at this index state holds
// seq already.
func (c *cacheIndex) claimRunWindow(runID string, seq, after, upTo int64) (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid {
		return 0, false
	}
	if c.runWindows == nil || c.runReset != c.reset {
		c.runWindows, c.runReset = map[string][]seqSpan{}, c.reset
	}
	for _, w := range c.runWindows[runID] {
		if seq > w.from && seq <= w.to {
			return 0, false
		}
	}
	c.runWindows[runID] = append(c.runWindows[runID], seqSpan{after, upTo})
	c.fetching++
	return c.reset, true
}

// holds reports whether found is one of cands (a current generation of its workflow).
func (cands *candidates) holds(found *Generation) bool {
	for lo, hi := 0, len(cands.gens); lo < hi; {
		m := (lo + hi) / 2
		switch g := cands.gens[m]; {
		case g.Seq == found.Seq:
			return g.ID == found.ID
		case g.Seq < found.Seq:
			lo = m + 1
		default:
			hi = m
		}
	}
	return false
}
