package engine

import (
	"context"
	"maps"
	"sync"
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
}

type currentEntry struct {
	epoch   int64
	current map[string]*Generation
	failed  map[string]bool
	shared  bool
	// hashes remembers the output value hashes of the current generations.
	hashes *outputHashes
}

// cachedState is a workflow's current state with the hashes remembered for it.
type cachedState struct {
	CurrentState
	hashes *outputHashes
}

// outputHashes remembers the value hash of a generation's output by handle (generations
// never change). Safe for concurrent use; a nil one remembers nothing.
type outputHashes struct{ m sync.Map }

type outputKey struct {
	g      *Generation
	handle string
}

func (h *outputHashes) get(g *Generation, handle string) (string, bool) {
	if h == nil {
		return "", false
	}
	v, ok := h.m.Load(outputKey{g, handle})
	if !ok {
		return "", false
	}
	return v.(string), true
}

func (h *outputHashes) put(g *Generation, handle, sum string) {
	if h != nil {
		h.m.Store(outputKey{g, handle}, sum)
	}
}

// drop forgets a generation that is no longer current.
func (h *outputHashes) drop(g *Generation) {
	for k := range g.Outputs {
		h.m.Delete(outputKey{g, k})
	}
}

func newCurrentCache(max int) *currentCache {
	return &currentCache{entries: map[string]*currentEntry{}, max: max}
}

// get returns the workflow's current state, from the entry when the store's epoch says it is
// still right, else read from the store (and kept). The maps are shared: read only.
func (c *currentCache) get(ctx context.Context, store GenerationStore, workflowID string) (cachedState, error) {
	epoch, err := store.GenerationEpoch(ctx, workflowID)
	if err != nil {
		return cachedState{}, err
	}
	c.mu.Lock()
	if e := c.entries[workflowID]; e != nil && e.epoch == epoch {
		e.shared = true
		c.touch(workflowID)
		st := cachedState{CurrentState{Current: e.current, Failed: e.failed, Epoch: e.epoch}, e.hashes}
		c.mu.Unlock()
		return st, nil
	}
	c.mu.Unlock()
	st, err := store.CurrentGenerations(ctx, workflowID)
	if err != nil {
		return cachedState{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// A commit applied meanwhile may have moved the entry past what was read: keep the later.
	e := c.entries[workflowID]
	if e == nil || e.epoch < st.Epoch {
		e = &currentEntry{epoch: st.Epoch, current: st.Current, failed: st.Failed, shared: true, hashes: &outputHashes{}}
		c.entries[workflowID] = e
		c.touch(workflowID)
	}
	if e.epoch == st.Epoch {
		return cachedState{st, e.hashes}, nil
	}
	return cachedState{st, nil}, nil
}

// prime starts an entry for a workflow with no generations at all (a new one), so the
// generations of its first run are kept as they land.
func (c *currentCache) prime(workflowID string, epoch int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[workflowID]; !ok {
		c.entries[workflowID] = &currentEntry{epoch: epoch, current: map[string]*Generation{}, failed: map[string]bool{},
			hashes: &outputHashes{}}
		c.touch(workflowID)
	}
}

// committed applies a batch of this process's generations, just saved; epochs are the
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
		if e.shared {
			e.current, e.failed, e.shared = maps.Clone(e.current), maps.Clone(e.failed), false
		}
		for i := range gens {
			if gens[i].WorkflowID == wf {
				e.apply(gens[i])
			}
		}
		e.epoch = after
	}
}

// apply updates the entry with one new generation: current = selected ?? latest completed.
func (e *currentEntry) apply(g Generation) {
	cur := e.current[g.NodeID]
	switch g.Status {
	case GenCompleted:
		if cur == nil || (!cur.Selected && g.newerThan(cur)) {
			g.Selected = false
			e.current[g.NodeID] = &g
			delete(e.failed, g.NodeID)
			if cur != nil {
				e.hashes.drop(cur)
			}
		}
	case GenFailed:
		if cur == nil {
			e.failed[g.NodeID] = true
		}
	}
}

// forget drops a workflow's entry (a deleted workflow).
func (c *currentCache) forget(workflowID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, workflowID)
	c.order = deleteString(c.order, workflowID)
}

// touch marks an entry most recently used, dropping the least recently used beyond max.
// c.mu is held.
func (c *currentCache) touch(workflowID string) {
	c.order = append(deleteString(c.order, workflowID), workflowID)
	for len(c.order) > c.max {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}

func deleteString(s []string, x string) []string {
	for i, v := range s {
		if v == x {
			return append(s[:i], s[i+1:]...)
		}
	}
	return s
}
