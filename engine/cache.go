package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// cacheLookup is the executor's Cache hook: the generation the store finds, or nil.
func (s *Service) cacheLookup(ctx context.Context, fingerprint string) (*Generation, error) {
	g, err := s.store.CachedGeneration(ctx, fingerprint)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &g, nil
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
