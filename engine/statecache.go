package engine

import (
	"context"
	"maps"
)

// recordSlack is how many generation-epoch steps a state record may lag behind the state a
// process holds before the process writes a new one: a reader then reads at most about that
// many generations after the record, and a run that executes a node or two writes nothing.
const recordSlack = 64

// forPlan returns the workflow's current state for a plan: as get, except that the
// generations may be partial (read from the store's state record: their outputs are loaded
// by withOutputs when a run feeds them on). nodes is the size of the graph planned, which
// bounds how many generations written after the record are worth reading instead of the
// whole state.
//
// In order: the entry this process holds when the store's epoch says it is still right; else
// the store's state record and the generations written after it, when they make the state
// (staterecord.go); else the store's CurrentGenerations. A state read either of the last two
// ways that the record lags by more than recordSlack is written as the new record, unless
// save is false: a run planned with it writes the record at its end (keepRecord), with what
// it executed, so it is written once per run, not twice.
func (c *currentCache) forPlan(ctx context.Context, store GenerationStore, workflowID string, nodes int, save bool) (CurrentState, error) {
	c.waitPrefetch(workflowID)
	if c.has(workflowID) {
		epoch, err := store.GenerationEpoch(ctx, workflowID)
		if err != nil {
			return CurrentState{}, err
		}
		if st, ok := c.held(workflowID, epoch, true); ok {
			if save {
				c.keepRecord(ctx, store, workflowID) // one a prefetch read, lagging
			}
			return st, nil
		}
	}
	if st, recordEpoch, base, ok := c.fromRecord(ctx, store, workflowID, int64(2*nodes)+4*recordSlack); ok {
		c.keep(workflowID, st, true, recordEpoch, base)
		if save && st.Epoch-recordEpoch > c.slack {
			c.saveRecord(ctx, store, workflowID, st, base)
		}
		return st, nil
	}
	st, err := c.read(ctx, store, workflowID)
	if err != nil {
		return CurrentState{}, err
	}
	if save {
		c.saveRecord(ctx, store, workflowID, st, nil)
	}
	return st, nil
}

// prefetch starts reading the workflow's state from its state record, as forPlan's second
// way does, while the caller does other work (a run from a block reads and decodes its version
// meanwhile: each takes milliseconds on a large graph); forPlan waits for it and takes the
// state it kept when the store's epoch is still that state's. Nothing is done when the process
// holds an entry for the workflow or a prefetch of it is under way. The graph's size is not
// known yet: the record is taken only with at most prefetchSince generations written after it
// (forPlan reads it again, with its own bound, otherwise).
func (c *currentCache) prefetch(ctx context.Context, store GenerationStore, workflowID string) {
	c.mu.Lock()
	if c.entries[workflowID] != nil || c.loading[workflowID] != nil {
		c.mu.Unlock()
		return
	}
	done := make(chan struct{})
	c.loading[workflowID] = done
	c.mu.Unlock()
	go func() {
		defer func() {
			c.mu.Lock()
			delete(c.loading, workflowID)
			c.mu.Unlock()
			close(done)
		}()
		if st, recordEpoch, base, ok := c.fromRecord(ctx, store, workflowID, prefetchSince); ok {
			c.keep(workflowID, st, true, recordEpoch, base) // the run writes the record at its end
		}
	}()
}

// prefetchSince bounds the generations a prefetch reads after a state record.
const prefetchSince = 4 * recordSlack

// waitPrefetch waits for a prefetch of the workflow's state under way.
func (c *currentCache) waitPrefetch(workflowID string) {
	c.mu.Lock()
	done := c.loading[workflowID]
	c.mu.Unlock()
	if done != nil {
		<-done
	}
}

// fromRecord is the workflow's current state from the store's state record and the
// generations written after it, with the record's epoch and the record as the base of the
// next one (stateBase); ok is false when they do not make the state (no record, one that does
// not decode, a selection or deletion since, too many generations since) or the store failed.
func (c *currentCache) fromRecord(ctx context.Context, store GenerationStore, workflowID string, maxSince int64) (st CurrentState, recordEpoch int64, base *stateBase, ok bool) {
	rec, err := store.StateRecord(ctx, workflowID, maxSince)
	if err != nil || (rec.Data == nil && rec.Text == "") || !rec.SinceRead || rec.Now-rec.Epoch != int64(len(rec.Since)) {
		return CurrentState{}, 0, nil, false
	}
	text := rec.Text
	if rec.Data != nil {
		text = string(rec.Data) // one copy; every string read shares it
	}
	st, base, err = decodeStateBase(text, workflowID, store.GetGeneration)
	if err != nil {
		return CurrentState{}, 0, nil, false
	}
	for i := range rec.Since {
		g := &rec.Since[i]
		if g.WorkflowID != workflowID {
			return CurrentState{}, 0, nil, false
		}
		if st.Offer(g) {
			remember(g)
		}
	}
	st.Epoch = rec.Now
	return st, rec.Epoch, base, true
}

// saveRecord writes st as the workflow's state record (kept by the store only while st.Epoch
// is the workflow's epoch), copying what it can from the record base st was read from (nil:
// none). A record that cannot be written is only a later reader's loss.
func (c *currentCache) saveRecord(ctx context.Context, store GenerationStore, workflowID string, st CurrentState, base *stateBase) {
	data, copied := encodeStateOn(workflowID, st, base)
	if base != nil && copied == 0 {
		c.dropBase(workflowID, base) // nothing left to copy from it: let its bytes go
	}
	if data == nil {
		return
	}
	saved, err := store.SaveStateRecord(ctx, workflowID, st.Epoch, data)
	if err != nil || !saved {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[workflowID]; e != nil && e.epoch >= st.Epoch && e.recordEpoch < st.Epoch {
		e.recordEpoch = st.Epoch
	}
}

// dropBase forgets the workflow entry's record base when it is base.
func (c *currentCache) dropBase(workflowID string, base *stateBase) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[workflowID]; e != nil && e.base == base {
		e.base = nil
	}
}

// settleAhead settles the workflow's entry (currentEntry.settle) with its maps copied
// outside the lock: a run whose nodes are all done calls it while the committer saves its last
// generations, so its end (keepRecord) no longer copies a large graph's maps on its way. The
// batches committed after it apply to the entry's own maps as they land. Nothing is done when
// the entry holds nothing pending, or when it was settled or replaced during the copy (the
// copies are then not of its maps).
func (c *currentCache) settleAhead(workflowID string) {
	c.mu.Lock()
	e := c.entries[workflowID]
	if e == nil || len(e.pending) == 0 {
		c.mu.Unlock()
		return
	}
	// Handed out (pending is only kept then): nothing writes these maps any more.
	current, failed, settles := e.current, e.failed, e.settles
	c.mu.Unlock()
	current, failed = maps.Clone(current), maps.Clone(failed)
	if settleCopied != nil {
		settleCopied()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[workflowID] == e && e.settles == settles && len(e.pending) > 0 {
		e.settleInto(current, failed)
	}
}

// settleCopied, when set (tests), is called by settleAhead between its copy and its lock.
var settleCopied func()

// keepRecord writes the state this process holds for the workflow as its state record when
// the store's record lags it by more than recordSlack (a run with a plan calls it at its
// end: what it executed then needs no reading by the next process that plans).
func (c *currentCache) keepRecord(ctx context.Context, store GenerationStore, workflowID string) {
	c.mu.Lock()
	e := c.entries[workflowID]
	if e == nil || e.epoch-e.recordEpoch <= c.slack {
		c.mu.Unlock()
		return
	}
	e.settle()
	e.shared = true // the maps are read below, unlocked: a later commit copies them first
	st, base := CurrentState{Current: e.current, Failed: e.failed, Epoch: e.epoch}, e.base
	c.mu.Unlock()
	c.saveRecord(ctx, store, workflowID, st, base)
}

// hydrate gives the plan's reused generations whose outputs the run feeds on — into a node
// that executes, or as a run output — their outputs (partial ones from a state record are
// loaded). It reports false when one cannot be loaded (deleted since the plan was made).
func hydrate(ctx context.Context, f *graphFacts, p *Plan) bool {
	need := func(i int) bool {
		pn := &p.list[i]
		if pn.Action != ActionReuse || pn.Source == nil || !pn.Source.partial() {
			return false
		}
		full := pn.Source.withOutputs(ctx)
		if full == nil {
			return true
		}
		pn.Source = full
		if p.Nodes != nil {
			p.Nodes[f.g.Nodes[i].ID] = *pn
		}
		return false
	}
	for i := range p.list {
		if t := f.types[i]; t != nil && t.RunOutput && need(i) {
			return false
		}
		if p.list[i].Action != ActionRerun {
			continue
		}
		for _, k := range f.gi.in(i) {
			if need(f.gi.src[k]) {
				return false
			}
		}
	}
	return true
}
