package engine

import (
	"context"
	"slices"
)

// What the cache will do, said before running (SPEC §14, §7 dry run). A node planned to rerun
// whose inputs all come from generations the plan already knows (reused ones, or ones it
// found in the cache) has an input fingerprint that can be worked out before running. When
// the cache is on and a completed generation has that fingerprint, the run will reuse it:
// the dry plan says so (action reuse, reason cached, source_generation_id naming it), as
// the run's record will. One reading its inputs only from known generations and rerunning
// only for what is upstream may instead find its inputs unchanged (reason inputs_unchanged,
// SPEC §7 early cutoff), as the run will. A node the cache might serve but whose
// fingerprint depends on nodes that will execute is marked may_be_cached.

// previewCache completes a dry plan p of version v (flow input values inputs, current
// generations current) with what the cache and early cutoff will do.
func (s *Service) previewCache(ctx context.Context, v Version, inputs map[string]any, current map[string]*Generation, p *Plan) {
	if p.Nodes == nil || !s.cacheOn(ctx) {
		return
	}
	f := s.graphFacts(v)
	if f.orderErr != nil {
		return
	}
	g := v.Graph
	// The preview asks the cache as the run will (cacheRun.lookup): memory answers what it
	// can, and a hit brings its workflow's results in with one batched check, instead of a
	// store lookup a node.
	cache := s.newCacheRun()
	// known is the generation node i will feed downstream, when the plan knows it.
	known := make([]*Generation, len(g.Nodes))
	for _, i := range f.order {
		n := &g.Nodes[i]
		pn, ok := p.Nodes[n.ID]
		if !ok {
			continue
		}
		if pn.Action == ActionReuse {
			known[i] = pn.Source
			continue
		}
		t := f.types[i]
		if pn.Action != ActionRerun || n.ParentID != "" || t == nil || t.Container || t.Pauses {
			continue
		}
		params, err := ResolveNodeParams(t, n.Params, inputs)
		if err != nil || !t.IsDeterministic(params) {
			continue
		}
		target := slices.Contains(pn.Reasons, ReasonTarget)
		fp, ok := knownFingerprint(f, i, known, ConfigHash(t, NodeConfig(t, *n, params, inputs, g, "")))
		if !ok {
			if !target {
				pn.MayBeCached = true
				p.Nodes[n.ID] = pn
			}
			continue
		}
		var src *Generation
		reason := ""
		if prior := current[n.ID]; prior != nil && cutoffEligible(pn.Reasons) && prior.Status == GenCompleted && prior.InputFingerprint == fp {
			src, reason = prior, ReasonInputsUnchanged
		} else if !target {
			if c, err := cache.lookup(ctx, fp); err == nil && c != nil && c.Status == GenCompleted {
				src, reason = c, ReasonCached
			}
		}
		if src == nil {
			continue
		}
		known[i] = src
		p.Nodes[n.ID] = PlanNode{Action: ActionReuse, Reasons: append(slices.Clone(pn.Reasons), reason), SourceGenerationID: src.ID, Source: src}
		p.Rerun--
		p.Reuse++
	}
}

// knownFingerprint is node i's input fingerprint (with config hash cfg) when every node
// feeding it has a known generation, as the executor will work it out (a later edge to a
// handle wins); ok is false when one does not.
func knownFingerprint(f *graphFacts, i int, known []*Generation, cfg string) (string, bool) {
	var seen []handleHash
	for _, k := range f.gi.in(i) {
		s := f.gi.src[k]
		if f.g.Nodes[s].ParentID != "" {
			continue // a loop body's result edge, internal to the group
		}
		src := known[s]
		if src == nil {
			return "", false
		}
		e := &f.g.Edges[k]
		sum, ok := src.outputHash(e.SourceHandle)
		if !ok {
			continue
		}
		if j := slices.IndexFunc(seen, func(x handleHash) bool { return x.handle == e.TargetHandle }); j >= 0 {
			seen[j].hash = sum
		} else {
			seen = append(seen, handleHash{e.TargetHandle, sum})
		}
	}
	return fingerprintOf(cfg, seen), true
}
