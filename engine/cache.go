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

// cacheMemo is one run's view of the cache: the executor's Cache hook. A fingerprint it has
// not seen costs one store lookup; when that finds a generation, the current generations of
// the workflow it belongs to (usually held in memory by the current cache) are checked with
// one batched check (GenerationStore.RepeatedFingerprints), and those that are the only
// completed generation with their fingerprint are kept (where several share one, lookups stay
// one by one). The next nodes of a graph copied from
// that workflow then hit in memory, as cheaply as a reuse inside one workflow. The answers
// are the store's, as of the moment asked: the same generation a lookup per node would find.
type cacheMemo struct {
	s       *Service
	mu      sync.Mutex
	hits    map[string]*Generation // fingerprint -> the latest completed generation with it
	fetched map[string]bool        // workflows whose current generations were checked
}

func (s *Service) newCacheMemo() *cacheMemo {
	return &cacheMemo{s: s, hits: map[string]*Generation{}, fetched: map[string]bool{}}
}

// lookup is the executor's Cache hook: the generation the store finds, or nil.
func (m *cacheMemo) lookup(ctx context.Context, fingerprint string) (*Generation, error) {
	m.mu.Lock()
	g := m.hits[fingerprint]
	m.mu.Unlock()
	if g != nil {
		return g, nil
	}
	found, err := m.s.store.CachedGeneration(ctx, fingerprint)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m.prefetch(ctx, found.WorkflowID)
	return &found, nil
}

// prefetch keeps, once per workflow, those of its current generations that are the latest
// completed generation with their fingerprint. A failure keeps nothing: lookups go on one by
// one.
func (m *cacheMemo) prefetch(ctx context.Context, workflowID string) {
	m.mu.Lock()
	if m.fetched[workflowID] {
		m.mu.Unlock()
		return
	}
	m.fetched[workflowID] = true
	m.mu.Unlock()
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
