package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// The cache across workflows and versions (SPEC §14): in a run from a block or a changed
// run, a deterministic node planned to rerun whose input fingerprint equals that of a
// completed generation anywhere in the data home reuses that generation (reason cached)
// instead of executing. The fingerprint covers the node's config hash, which covers its
// type and type version, so a hit is always a generation of the same node type. Full runs
// stay full. The setting "cache" (on by default) turns it off.

// SettingCache is the settings key of the cache: "on" (the default) or "off".
const SettingCache = "cache"

func checkOnOff(v string) error {
	if v != "on" && v != "off" {
		return fmt.Errorf("want on or off, got %q", v)
	}
	return nil
}

// cacheOn reports whether the data home's cache setting is on (it is unless set to off).
func (s *Service) cacheOn(ctx context.Context) bool {
	v, ok, err := s.store.GetSetting(ctx, SettingCache)
	return err != nil || !ok || v != "off"
}

// cacheIndex is the process's memory of the cache: fingerprint -> the latest completed
// generation with it, as the store answered. Its answers hold while the store's generation
// clock is the one they were read at (GenClock); this process's own commits move the clock
// on and replace the answers they make older, anything else (another process's write, any
// deletion) empties it at the next run's first lookup. A warm process then finds a graph
// copied from a workflow that ran without asking the store, as cheaply as a reuse inside
// one workflow.
type cacheIndex struct {
	mu      sync.Mutex
	clock   GenClock
	valid   bool                   // the entries hold at clock
	hits    map[string]*Generation // fingerprint -> the latest completed generation with it
	fetched map[string]bool        // workflows whose current generations were checked
}

// cacheIndexMax bounds the fingerprints the index keeps; past it, lookups go to the store.
const cacheIndexMax = 200_000

// begin starts a run's use of the index at the store's clock: the entries stay when they
// hold at it, else the index starts again, empty, at it.
func (c *cacheIndex) begin(now GenClock) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.valid && c.clock == now {
		return
	}
	c.clock, c.valid, c.hits, c.fetched = now, true, map[string]*Generation{}, map[string]bool{}
}

// committed moves the clock on by this process's generations, just saved (numbered in
// order), and lets each replace the entry of its fingerprint it is newer than. A commit not
// numbered right after the clock means another process wrote meanwhile: the index is void.
func (c *cacheIndex) committed(gens []Generation) {
	if len(gens) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid {
		return
	}
	first, last := gens[0].Seq, gens[len(gens)-1].Seq
	if first != c.clock.Writes+1 || last != c.clock.Writes+int64(len(gens)) {
		c.valid, c.hits, c.fetched = false, nil, nil
		return
	}
	c.clock.Writes = last
	if len(c.hits) == 0 {
		return
	}
	for i := range gens {
		g := &gens[i]
		if old := c.hits[g.InputFingerprint]; old != nil && g.Status == GenCompleted && laterGen(g, old) {
			cp := *g
			c.hits[g.InputFingerprint] = &cp
		}
	}
}

// laterGen reports whether a comes after b in the store's order of generations (created at,
// to the millisecond as stored, then Seq).
func laterGen(a, b *Generation) bool {
	if ma, mb := a.CreatedAt.UnixMilli(), b.CreatedAt.UnixMilli(); ma != mb {
		return ma > mb
	}
	return a.Seq > b.Seq
}

// get returns the entry of fingerprint, or nil.
func (c *cacheIndex) get(fingerprint string) *Generation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits[fingerprint]
}

// at returns the clock the entries hold at, and whether they do.
func (c *cacheIndex) at() (GenClock, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clock, c.valid
}

// keep adds answers the store gave after the index stood at clock: only if it still does (a
// commit meanwhile may have made them older).
func (c *cacheIndex) keep(clock GenClock, hits map[string]*Generation, workflowID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || c.clock != clock || len(c.hits)+len(hits) > cacheIndexMax {
		return
	}
	for fp, g := range hits {
		c.hits[fp] = g
	}
	if workflowID != "" {
		c.fetched[workflowID] = true
	}
}

// wasFetched reports whether the current generations of workflowID are in the index.
func (c *cacheIndex) wasFetched(workflowID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetched[workflowID]
}

// cacheMemo is one run's view of the cache: the executor's Cache hook. Its first lookup
// reads the store's generation clock and uses the process's index from then on when that
// holds (cacheIndex). A fingerprint found nowhere in memory costs one store lookup; when that
// finds a generation, the current generations of the workflow it belongs to (usually held
// in memory by the current cache) are checked with one batched check
// (GenerationStore.RepeatedFingerprints), and those that are the only completed generation
// with their fingerprint are kept (where several share one, lookups stay one by one). The
// next nodes of a graph copied from that workflow then hit in memory, as cheaply as a reuse
// inside one workflow. The answers are the store's, as of the run's first lookup or later:
// the same generation a lookup per node would find.
type cacheMemo struct {
	s        *Service
	mu       sync.Mutex
	started  bool
	useIndex bool                   // the store's clock was read: the process index serves
	hits     map[string]*Generation // this run's answers (all of them when the index does not serve)
	fetched  map[string]bool        // workflows whose current generations this run checked
}

func (s *Service) newCacheMemo() *cacheMemo {
	return &cacheMemo{s: s, hits: map[string]*Generation{}, fetched: map[string]bool{}}
}

// lookup is the executor's Cache hook: the generation the store finds, or nil.
func (m *cacheMemo) lookup(ctx context.Context, fingerprint string) (*Generation, error) {
	m.mu.Lock()
	if !m.started {
		m.started = true
		if now, err := m.s.store.GenerationClock(ctx); err == nil {
			m.s.cacheIdx.begin(now)
			m.useIndex = true
		}
	}
	g := m.hits[fingerprint]
	useIndex := m.useIndex
	m.mu.Unlock()
	if g == nil && useIndex {
		g = m.s.cacheIdx.get(fingerprint)
	}
	if g != nil {
		return g, nil
	}
	clock, holds := m.s.cacheIdx.at()
	found, err := m.s.store.CachedGeneration(ctx, fingerprint)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if useIndex && holds {
		m.s.cacheIdx.keep(clock, map[string]*Generation{fingerprint: &found}, "")
	}
	m.prefetch(ctx, found.WorkflowID)
	return &found, nil
}

// prefetch keeps, once per workflow, those of its current generations that are the latest
// completed generation with their fingerprint. A failure keeps nothing: lookups go on one by
// one.
func (m *cacheMemo) prefetch(ctx context.Context, workflowID string) {
	m.mu.Lock()
	if m.fetched[workflowID] || (m.useIndex && m.s.cacheIdx.wasFetched(workflowID)) {
		m.mu.Unlock()
		return
	}
	m.fetched[workflowID] = true
	useIndex := m.useIndex
	m.mu.Unlock()
	clock, holds := m.s.cacheIdx.at()
	st, err := m.s.current.get(ctx, m.s.store, workflowID)
	if err != nil {
		return
	}
	byFP := make(map[string]*Generation, len(st.Current))
	fps := make([]string, 0, len(st.Current))
	for _, g := range st.Current {
		if g.Status == GenCompleted && g.InputFingerprint != "" && byFP[g.InputFingerprint] == nil {
			byFP[g.InputFingerprint] = g
			fps = append(fps, g.InputFingerprint)
		}
	}
	// A generation alone with its fingerprint is the one CachedGeneration finds; where others
	// share it, the lookup stays one by one.
	repeated, err := m.s.store.RepeatedFingerprints(ctx, fps)
	if err != nil {
		return
	}
	for _, fp := range repeated {
		delete(byFP, fp)
	}
	if useIndex && holds {
		m.s.cacheIdx.keep(clock, byFP, workflowID)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for fp, g := range byFP {
		m.hits[fp] = g
	}
}

// cached returns the generation a node planned to rerun reuses from the cache, or nil: only
// in a run with a plan (never a full run), at the top level, for a deterministic node that
// neither pauses nor holds a loop body, and never for the target of a run from a block,
// which the user asked to execute (SPEC §7: it always reruns).
func (ex *Executor) cached(ctx context.Context, x *Execution, sc *scope, st *nodeState, fp string, params map[string]any) *Generation {
	if ex.Cache == nil || x.Plan == nil || sc.group != "" || slices.Contains(st.plan.Reasons, ReasonTarget) ||
		st.typ.Container || st.typ.Pauses || !st.typ.IsDeterministic(params) {
		return nil
	}
	g, err := ex.Cache(ctx, fp)
	if err != nil || g == nil || g.Status != GenCompleted || g.InputFingerprint != fp {
		return nil // a failed lookup executes the node: the cache only ever saves work
	}
	return g
}
