package engine

import (
	"cmp"
	"context"
	"slices"
)

// The batched check. A store lookup that finds a generation (CachedGeneration) suggests that
// the run is a copy of that generation's workflow, or a chain shifted along its own history:
// the next fingerprints it asks are likely those of that workflow's current generations
// written about when the found one was. prefetch asks the store for the cache's answer to a
// window of them around the found one (fetchBefore before it and fetchWindow in all, by seq)
// with one batched lookup (GenerationStore.CachedGenerations: per fingerprint the latest
// completed generation, whole) and keeps the answers as hits. When the run asks past the
// window, its next store lookup fetches the next one. So a run pays for the part of the
// workflow it uses, in a store call or two per window: not for the whole workflow (a small
// graph sharing three nodes with a 10,000-node one used to check all 10,000), nor for every
// generation sharing a fingerprint, nor a second read for the hits' outputs. Each candidate
// is fetched once per index state, whatever the order of the asks. A store that checks
// candidates (CandidateChecker) is given the window's candidates themselves: it confirms those
// that are the latest with their fingerprint (from its index alone) and reads only their
// outputs, so a process holding the workflow's state from a state record (the command line)
// does not read each hit's generation whole again; only the fingerprints of the others go to
// CachedGenerations.

const (
	fetchWindow = 512
	fetchBefore = 64
)

// candidates is a workflow's current generations batched lookups take their windows from:
// completed ones with a fingerprint (one per fingerprint), by seq; checked marks those a
// lookup has taken.
type candidates struct {
	gens    []*Generation
	checked []bool
}

func newCandidates(current map[string]*Generation) *candidates {
	seen := make(map[string]bool, len(current))
	gens := make([]*Generation, 0, len(current))
	for _, g := range current {
		if g.Status == GenCompleted && g.InputFingerprint != "" && !seen[g.InputFingerprint] {
			seen[g.InputFingerprint] = true
			gens = append(gens, g)
		}
	}
	slices.SortFunc(gens, func(a, b *Generation) int { return cmp.Compare(a.Seq, b.Seq) })
	return &candidates{gens: gens, checked: make([]bool, len(gens))}
}

// prefetch fetches the window of found's workflow's current generations around found. When
// the store fails, only the answers memory gave are kept: the rest are looked up one by one.
func (r *cacheRun) prefetch(ctx context.Context, found *Generation) {
	if cands := r.prefetchCurrent(ctx, found); cands == nil || !cands.holds(found) {
		r.prefetchRun(ctx, found) // an older generation: the generations its run wrote with it
	}
}

// prefetchCurrent is prefetch's window of found's workflow's current generations; it returns
// them (nil when the hits do not hold or the state cannot be read).
func (r *cacheRun) prefetchCurrent(ctx context.Context, found *Generation) *candidates {
	idx := &r.s.cacheIdx
	reset, cands, ok := idx.candidatesOf(found.WorkflowID)
	if !ok {
		return nil
	}
	if cands == nil {
		// Which fingerprints to fetch is all it takes from the state: the one a plan
		// reads will do (a state record's, without outputs, when the process holds no
		// whole one), not every node's whole generation.
		st, err := r.s.current.forPlan(ctx, r.s.store, found.WorkflowID, 0, false)
		if err != nil {
			return nil
		}
		if cands = idx.addCandidates(reset, found.WorkflowID, newCandidates(st.Current)); cands == nil {
			return nil
		}
	}
	checker, _ := r.s.store.(CandidateChecker)
	reset, hits, ask, check, ok := idx.claimWindow(cands, found, checker != nil)
	if !ok {
		return cands
	}
	if len(check) > 0 {
		ask = append(ask, checkCandidates(ctx, checker, check, hits)...)
	}
	if len(ask) > 0 {
		got, err := r.s.store.CachedGenerations(ctx, ask)
		if err != nil {
			got = nil
		}
		for fp, g := range got {
			if g.Status == GenCompleted && g.InputFingerprint == fp {
				hits[fp] = &g
			}
		}
	}
	idx.keepFetched(reset, hits)
	return cands
}

// CacheCandidate names a completed generation the process holds (perhaps without its outputs:
// a state record's) that may be the cache's answer for its fingerprint.
type CacheCandidate struct {
	Fingerprint, ID string
	Seq             int64
}

// CandidateChecker is a store's batched check of candidates: for each that is the latest
// completed generation with its fingerprint (the one CachedGenerations names), its outputs;
// the others are left out. It answers as CachedGenerations would, reading only the outputs
// of the generations the process holds, not each whole generation with its labels again. A
// store without it is asked CachedGenerations.
type CandidateChecker interface {
	CandidateOutputs(ctx context.Context, cands []CacheCandidate) (map[string]map[string]any, error)
}

// checkCandidates adds to hits the candidates the store confirms as the latest with their
// fingerprints, each whole (a partial one with the outputs read); it returns the fingerprints
// of the others, for CachedGenerations (all of them when the check fails).
func checkCandidates(ctx context.Context, checker CandidateChecker, check []*Generation, hits map[string]*Generation) (ask []string) {
	list := make([]CacheCandidate, len(check))
	for i, g := range check {
		list[i] = CacheCandidate{Fingerprint: g.InputFingerprint, ID: g.ID, Seq: g.Seq}
	}
	outs, err := checker.CandidateOutputs(ctx, list)
	for _, g := range check {
		o, ok := outs[g.InputFingerprint]
		switch {
		case err != nil || !ok:
			ask = append(ask, g.InputFingerprint)
		case g.partial():
			whole := *g
			whole.memo, whole.Outputs = nil, o
			hits[g.InputFingerprint] = &whole
		default:
			hits[g.InputFingerprint] = g
		}
	}
	return ask
}

// candidatesOf returns the workflow's candidates (nil: not gathered yet) and the hits' reset
// count; ok is false when the hits do not hold.
func (c *cacheIndex) candidatesOf(workflowID string) (uint64, *candidates, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid {
		return 0, nil, false
	}
	return c.reset, c.fetched[workflowID], true
}

// addCandidates keeps cands as the workflow's unless the hits were reset since reset (nil)
// or another run gathered them meanwhile (theirs).
func (c *cacheIndex) addCandidates(reset uint64, workflowID string, cands *candidates) *candidates {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || c.reset != reset {
		return nil
	}
	if have := c.fetched[workflowID]; have != nil {
		return have
	}
	c.fetched[workflowID] = cands
	return cands
}

// claimWindow starts a batched lookup (ended by keepFetched when ok) of the candidates around
// found not fetched yet, marking them fetched. A whole candidate (with its outputs: the
// process holds the workflow's state whole, as the window does after running it) whose
// fingerprint known counts as that of exactly one completed generation is that generation,
// the store's answer: it comes back in hits, asked nothing. The others come back in check
// (when the store can check candidates: byCandidate) or as fingerprints in ask. ok is false,
// with nothing started, when the hits do not hold or the window has nothing left to fetch.
func (c *cacheIndex) claimWindow(cands *candidates, found *Generation, byCandidate bool) (reset uint64, hits map[string]*Generation, ask []string, check []*Generation, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || c.fetched[found.WorkflowID] != cands {
		return 0, nil, nil, nil, false
	}
	pos, _ := slices.BinarySearchFunc(cands.gens, found.Seq, func(g *Generation, seq int64) int { return cmp.Compare(g.Seq, seq) })
	from := max(0, pos-fetchBefore)
	to := min(len(cands.gens), from+fetchWindow)
	hits = map[string]*Generation{}
	for i := from; i < to; i++ {
		if cands.checked[i] {
			continue
		}
		cands.checked[i] = true
		g := cands.gens[i]
		switch k, ok := FingerprintKey(g.InputFingerprint); {
		case ok && c.known != nil && !g.partial() && c.known.single(k):
			hits[g.InputFingerprint] = g
		case byCandidate:
			check = append(check, g)
		default:
			ask = append(ask, g.InputFingerprint)
		}
	}
	if len(hits)+len(ask)+len(check) == 0 {
		return 0, nil, nil, nil, false
	}
	c.fetching++
	return c.reset, hits, ask, check, true
}

// keepFetched keeps the answers of a batched lookup started (claimWindow) at reset: those whose
// fingerprint no generation was written with since. It ends the check.
func (c *cacheIndex) keepFetched(reset uint64, hits map[string]*Generation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetching--
	defer func() {
		if c.fetching == 0 {
			c.dirty = nil
		}
	}()
	if !c.valid || c.reset != reset || len(c.hits)+len(hits) > cacheIndexMax {
		return
	}
	for fp, g := range hits {
		if !c.dirty[fp] {
			c.hits[fp] = g
		}
	}
}
