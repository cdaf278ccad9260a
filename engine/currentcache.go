package engine

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// currentCache keeps, per workflow, the current generations a run from a block plans with,
// so a run from the end of a long graph does not read every node's generation again.
//
// An entry is valid while its epoch equals the store's (GenerationStore.GenerationEpoch):
// one small read per use tells. This process's own commits are applied as they land, with
// the epoch each commit produced, so they keep the entry valid; anything else (another
// process's runs, a selection, a deletion) changes the epoch without the entry following,
// and the next use reads the workflow's current generations again, whole.
//
// Generations are immutable, and so are the maps handed out: an entry copies its maps before
// changing them once they have been handed out.
type currentCache struct {
	mu      sync.Mutex
	entries map[string]*currentEntry
	order   []string // least recently used first
	max     int
	// slack is how far a state record may lag the state held before a new one is written
	// (recordSlack; tests lower it).
	slack int64
	// loading marks a workflow whose state record a prefetch is reading (statecache.go).
	loading map[string]chan struct{}
}

type currentEntry struct {
	epoch   int64
	current map[string]*Generation
	failed  map[string]bool
	shared  bool
	// partial: some generations were read from a state record without their outputs; only
	// plans take such an entry (forPlan), get reads the whole state again.
	partial bool
	// recordEpoch is the epoch of the state record the store holds as far as this process
	// knows (-1: none).
	recordEpoch int64
	// base is the state record current was decoded from (nil: read otherwise): the entries of
	// its generations still current are copied from it into the next record (stateBase).
	base *stateBase
	// pending are this process's generations committed while the maps were handed out, in
	// commit order, not yet offered to them: settle copies the maps and offers them at the
	// next use, so a process that never uses the entry again (a command-line run at its end)
	// does not copy a 10,000-node map to add one generation. Their Selected and memos are
	// set as they are committed: nothing writes them later.
	pending []*Generation
	// settles counts the times settle gave the entry new maps.
	settles int
}

// settle offers the entry's pending generations to copies of its maps (the caller holds
// the cache's lock).
func (e *currentEntry) settle() {
	if len(e.pending) == 0 {
		return
	}
	e.settleInto(maps.Clone(e.current), maps.Clone(e.failed))
}

// settleInto is settle with the copies of the maps given (settleAhead makes them unlocked).
func (e *currentEntry) settleInto(current map[string]*Generation, failed map[string]bool) {
	e.current, e.failed, e.shared = current, failed, false
	e.settles++
	st := CurrentState{Current: e.current, Failed: e.failed}
	for _, g := range e.pending {
		st.Offer(g)
	}
	e.pending = nil
}

// genMemo is what plans work out about a generation kept as current: the value hash of
// each output, hashed once when the generation enters the cache, and the last answer to
// "do the upstream generations feed what this one saw" with the upstream generations it was
// given for. Generations never change, so neither do the hashes.
type genMemo struct {
	outHash []handleHash
	verdict atomic.Pointer[fpVerdict]
	// For a partial generation, read from a state record (staterecord.go): load reads the
	// whole generation, kept in full once loaded; fileSHA is PriorFileSHA of it.
	load    genLoader
	full    atomic.Pointer[Generation]
	fileSHA string
	// fileKnown: fileSHA is PriorFileSHA of the generation (set by rememberInto and for a
	// partial generation; a memo without it leaves fileSHAOf to work it out).
	fileKnown bool
}

type fpVerdict struct {
	facts    *graphFacts
	upstream []*Generation
	differs  bool
}

// remember gives a generation its memo, hashing its outputs. Only for a generation no one
// else holds yet.
func remember(g *Generation) {
	slab := make([]handleHash, len(g.Outputs))
	rememberInto(g, &genMemo{}, &slab, true)
}

// rememberInto is remember with the memo's space given: m (zero) and the front of *slab for
// the output hashes (takeHashes); without hash it lists the output handles only (the caller
// fills their hashes in before anyone reads g). Besides the hashes the memo keeps PriorFileSHA of g, so that
// writing g into a state record neither sorts nor walks its outputs again.
func rememberInto(g *Generation, m *genMemo, slab *[]handleHash, hash bool) {
	m.outHash, *slab = takeHashes(*slab, len(g.Outputs))
	m.outHash = m.outHash[:0]
	fileKey := ""
	for k, v := range g.Outputs {
		h := handleHash{handle: k}
		if hash {
			h.hash = HashValue(v)
		}
		m.outHash = append(m.outHash, h)
		if ref, ok := AsAssetRef(v); ok && (m.fileSHA == "" || k < fileKey) {
			m.fileSHA, fileKey = ref.Asset, k // the first asset in key order, as PriorFileSHA
		}
	}
	m.fileKnown = true
	g.memo = m
}

// rememberHashed is remember for a new generation its node just made (the executor's): the
// memo and, for a node of one output, its hash in one allocation.
func rememberHashed(g *Generation) {
	type memoOfOne struct {
		m   genMemo
		one [1]handleHash
	}
	mo := &memoOfOne{}
	slab := mo.one[:]
	rememberInto(g, &mo.m, &slab, false)
	for i := range mo.m.outHash {
		t := hashText(g.Outputs[mo.m.outHash[i].handle])
		mo.m.outHash[i].hash = string(t[:])
	}
}

// rememberAll is remember for generations no one else holds yet, their memos, output hashes
// and hash texts each in one allocation for all of them (a full run of a large graph commits
// one generation a node). A generation with its memo already (rememberHashed) keeps it.
func rememberAll(given []*Generation) {
	var gens []*Generation // those without a memo; given is left as it is
	for _, g := range given {
		if g.memo == nil {
			gens = append(gens, g)
		}
	}
	outs := 0
	for _, g := range gens {
		outs += len(g.Outputs)
	}
	memos := make([]genMemo, len(gens))
	slab := make([]handleHash, outs)
	text := make([]byte, 0, outs*32)
	for i, g := range gens {
		rememberInto(g, &memos[i], &slab, false)
		for _, h := range memos[i].outHash {
			t := hashText(g.Outputs[h.handle])
			text = append(text, t[:]...)
		}
	}
	all := string(text) // one string: each hash is a piece of it
	for i := range memos {
		for j := range memos[i].outHash {
			memos[i].outHash[j].hash, all = all[:32], all[32:]
		}
	}
}

// outputHash is the value hash of output handle h, remembered or worked out now.
func (g *Generation) outputHash(h string) (string, bool) {
	if g.memo != nil {
		for _, x := range g.memo.outHash {
			if x.handle == h {
				return x.hash, true
			}
		}
		return "", false
	}
	v, ok := g.Outputs[h]
	if !ok {
		return "", false
	}
	return HashValue(v), true
}

func newCurrentCache(max int) *currentCache {
	return &currentCache{entries: map[string]*currentEntry{}, max: max, slack: recordSlack, loading: map[string]chan struct{}{}}
}

// get returns the workflow's current state, from the entry when the store's epoch says it is
// still right, else read from the store (and kept). The maps are shared: read only.
func (c *currentCache) get(ctx context.Context, store GenerationStore, workflowID string) (CurrentState, error) {
	epoch, err := store.GenerationEpoch(ctx, workflowID)
	if err != nil {
		return CurrentState{}, err
	}
	if st, ok := c.held(workflowID, epoch, false); ok {
		return st, nil
	}
	return c.read(ctx, store, workflowID)
}

// held is the state of the entry this process holds for the workflow when it is at epoch
// (and whole, unless partial generations will do); the maps are shared from then on.
func (c *currentCache) held(workflowID string, epoch int64, partial bool) (CurrentState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[workflowID]
	if e == nil || e.epoch != epoch || (e.partial && !partial) {
		return CurrentState{}, false
	}
	e.settle()
	e.shared = true
	c.touch(workflowID)
	return CurrentState{Current: e.current, Failed: e.failed, Epoch: e.epoch}, true
}

// read reads the workflow's whole current state from the store and keeps it.
func (c *currentCache) read(ctx context.Context, store GenerationStore, workflowID string) (CurrentState, error) {
	st, err := store.CurrentGenerations(ctx, workflowID)
	if err != nil {
		return CurrentState{}, err
	}
	gens := make([]*Generation, 0, len(st.Current))
	for _, g := range st.Current {
		gens = append(gens, g)
	}
	forEachParallel(indexes(len(gens)), func(i int) { remember(gens[i]) })
	c.keep(workflowID, st, false, -1, nil)
	return st, nil
}

// keep makes st the workflow's entry unless the entry holds a later state (a commit applied
// meanwhile) or the same one whole. recordEpoch is the store's record as st was read (-1:
// not known), base the record st was decoded from (nil: none).
func (c *currentCache) keep(workflowID string, st CurrentState, partial bool, recordEpoch int64, base *stateBase) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[workflowID]
	if e != nil && (e.epoch > st.Epoch || e.epoch == st.Epoch && (!e.partial || partial)) {
		return
	}
	if e != nil && recordEpoch < 0 {
		recordEpoch = e.recordEpoch
	}
	c.entries[workflowID] = &currentEntry{epoch: st.Epoch, current: st.Current, failed: st.Failed, shared: true,
		partial: partial, recordEpoch: recordEpoch, base: base}
	c.touch(workflowID)
}

// prime starts an entry for a workflow with no generations at all (a new one), so the
// generations of its first run are kept as they land.
func (c *currentCache) prime(workflowID string, epoch int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[workflowID]; !ok {
		c.entries[workflowID] = &currentEntry{epoch: epoch, current: map[string]*Generation{}, failed: map[string]bool{}, recordEpoch: -1}
		c.touch(workflowID)
	}
}

// has reports whether the workflow has an entry (valid or not).
func (c *currentCache) has(workflowID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.entries[workflowID]
	return ok
}

// committed applies a batch of this process's generations, just saved, and may keep gens
// itself (the committer hands it over: nothing writes it afterwards); epochs are the
// workflows' epochs the commit produced. An entry that was at the epoch right before the
// commit takes the batch; one that is behind stays behind (the next get reads it again);
// one already past it has the batch.
func (c *currentCache) committed(gens []Generation, epochs map[string]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	count := map[string]int64{}
	for i := range gens {
		if c.entries[gens[i].WorkflowID] != nil {
			count[gens[i].WorkflowID]++
		}
	}
	for wf, n := range count {
		e := c.entries[wf]
		after, ok := epochs[wf]
		if !ok || e.epoch != after-n {
			continue
		}
		// The batch's generations as the entry keeps them: in one slab (the committer's own
		// when they are all this workflow's: it hands gens over), with their memos and output
		// hashes in slabs too (a few allocations, not three a generation).
		own := gens
		if n != int64(len(gens)) {
			own = make([]Generation, 0, n)
			for i := range gens {
				if gens[i].WorkflowID == wf {
					own = append(own, gens[i])
				}
			}
		}
		e.epoch = after
		if e.shared {
			// Handed out: kept pending until the entry's next use (settle).
			all := make([]*Generation, len(own))
			for i := range own {
				own[i].Selected = false // as apply: a new generation is never a pick
				all[i] = &own[i]
			}
			e.pending = append(e.pending, all...)
			rememberAll(all)
			continue
		}
		became := make([]*Generation, 0, len(own))
		for i := range own {
			if e.apply(&own[i]) {
				became = append(became, &own[i])
			}
		}
		rememberAll(became)
	}
}

// apply updates the entry with one new generation, by the rule of current.go, and reports
// whether g became current (the entry then holds g: the caller gives it its memo before
// anyone reads it). A new generation is never a pick.
func (e *currentEntry) apply(g *Generation) bool {
	g.Selected = false
	st := CurrentState{Current: e.current, Failed: e.failed}
	return st.Offer(g)
}

// forget drops a workflow's entry (a deleted workflow).
func (c *currentCache) forget(workflowID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, workflowID)
	c.order = slices.DeleteFunc(c.order, func(id string) bool { return id == workflowID })
}

// touch marks an entry most recently used, dropping the least recently used beyond max.
// c.mu is held.
func (c *currentCache) touch(workflowID string) {
	c.order = append(slices.DeleteFunc(c.order, func(id string) bool { return id == workflowID }), workflowID)
	for len(c.order) > c.max {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}

// indexes is 0, 1, …, n-1.
func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
