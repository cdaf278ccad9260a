package engine

import (
	"context"
	"errors"
	"fmt"
)

// PlanFrom builds the plan of a run from a block without executing it (dry run). given are
// changed flow input values, as for a run.
func (s *Service) PlanFrom(ctx context.Context, wfRef, versionRef, from string, given map[string]any) (Plan, error) {
	w, v, err := s.resolveForPlan(ctx, wfRef, versionRef)
	if err != nil {
		return Plan{}, err
	}
	defer s.current.waitPrefetch(w.ID) // a plan refused before planFor leaves nothing running
	if !hasNode(v.Graph, from) {
		return Plan{}, Invalid(Problem{NodeID: from, Message: "no such node in " + v.Label})
	}
	if err := s.checkSubflows(ctx, w, v); err != nil {
		return Plan{}, err
	}
	p, inputs, current, err := s.planFor(ctx, w, v, from, given, true)
	if err == nil {
		s.previewCache(ctx, v, inputs, current, &p)
		s.addChildPlans(ctx, v.Graph, &p)
	}
	return p, err
}

// PlanChanged builds the plan of a changed run (SPEC §14) without executing it: which nodes
// rerun on their own account (reason changed), what reruns because of them, what is reused.
func (s *Service) PlanChanged(ctx context.Context, wfRef, versionRef string, given map[string]any) (Plan, error) {
	w, v, err := s.resolveForPlan(ctx, wfRef, versionRef)
	if err != nil {
		return Plan{}, err
	}
	defer s.current.waitPrefetch(w.ID) // a plan refused before planFor leaves nothing running
	p, inputs, current, err := s.planFor(ctx, w, v, "", given, true)
	if err == nil {
		s.previewCache(ctx, v, inputs, current, &p)
	}
	return p, err
}

// resolveForPlan is resolveWorkflowVersion for a plan: the workflow's state record is read
// (prefetch) while the version is.
func (s *Service) resolveForPlan(ctx context.Context, wfRef, versionRef string) (Workflow, Version, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Workflow{}, Version{}, err
	}
	s.current.prefetch(ctx, s.store, w.ID)
	v, err := s.ResolveVersion(ctx, w, versionRef)
	if err != nil {
		s.current.waitPrefetch(w.ID) // nothing left running
	}
	return w, v, err
}

// planFor gathers what BuildPlan needs (from "" plans a changed run): the inputs of the run it builds on merged with the
// given ones, the nodes' current generations, which nodes last failed, and the inputs of the
// runs that made the current generations. A plan for a run (not dry) has its decisions in
// graph order only: Plan.Nodes is nil.
func (s *Service) planFor(ctx context.Context, w Workflow, v Version, from string, given map[string]any, dry bool) (Plan, map[string]any, map[string]*Generation, error) {
	// The version's facts and the workflow's state do not depend on each other nor on the
	// inputs: on a large graph each takes milliseconds (decoding and indexing), so the facts
	// are worked out from here while the rest is read; a plan refused meanwhile waits for them
	// (nothing left running), kept with the version for the next.
	factsDone := make(chan *graphFacts, 1)
	go func() { factsDone <- s.graphFacts(v) }()
	// The runs before this one matter to a plan only through flow inputs: their values
	// (merged into this run's) and those the nodes reading inputs saw. A graph that declares
	// none and has no node reading one plans the same without them: they are not read.
	var facts *graphFacts
	var readers map[string]bool
	if len(v.Graph.Inputs) == 0 {
		facts = <-factsDone
		readers = facts.readers()
	}
	var runs []Run
	var prev map[string]any
	if facts == nil || len(readers) > 0 {
		var err error
		if runs, prev, err = s.lastInputs(ctx, w.ID); err != nil {
			if facts == nil {
				<-factsDone
			}
			return Plan{}, nil, nil, err
		}
	}
	merged := map[string]any{}
	declared := map[string]bool{}
	for _, d := range v.Graph.Inputs {
		declared[d.Name] = true
		if val, ok := prev[d.Name]; ok {
			merged[d.Name] = val
		}
	}
	for k, val := range given {
		merged[k] = val // unknown names are refused by ValidateInputs
	}
	inputs, err := ValidateInputs(v.Graph.Inputs, merged, s.mediaResolver(ctx))
	if err != nil {
		if facts == nil {
			<-factsDone
		}
		return Plan{}, nil, nil, err
	}
	prevDeclared := map[string]any{}
	if prev != nil {
		for k, val := range prev {
			if declared[k] {
				prevDeclared[k] = val
			}
		}
	} else {
		prevDeclared = inputs // never ran: nothing changed, nothing to compare
	}
	state, err := s.current.forPlan(ctx, s.store, w.ID, len(v.Graph.Nodes), dry) // a run writes the record at its end
	if facts == nil {
		facts = <-factsDone
		readers = facts.readers()
	}
	if err != nil {
		return Plan{}, nil, nil, err
	}
	current := state.Current
	in := PlanInput{Registry: s.reg, Graph: v.Graph, From: from, Changed: from == "", Prior: current, LatestFailed: state.Failed,
		Inputs: inputs, PrevInputs: prevDeclared, FilesChanged: filesChanged(facts, current, inputs), facts: facts,
		versionID: v.ID, wiringOf: s.wiringOfVersion, together: s.together}
	in.FailedGeneration = func(nodeID string) *Generation {
		gens, err := s.store.ListGenerations(ctx, w.ID, nodeID)
		if err != nil {
			return nil // the plan still says prior_error
		}
		for i := range gens { // newest first
			if gens[i].Status == GenFailed {
				return &gens[i]
			}
		}
		return nil
	}
	if in.RunInputs, err = s.runInputs(ctx, runs, current, readers); err != nil {
		return Plan{}, nil, nil, err
	}
	plan, err := buildPlan(in, dry)
	if err != nil {
		return Plan{}, nil, nil, err
	}
	// A run feeds some reused generations' outputs on: load those read without them. One
	// deleted since the state was read (by another process) fails the plan: it is made again
	// from the whole state the store holds now.
	if !dry && !hydrate(ctx, facts, &plan) {
		if _, err := s.current.read(ctx, s.store, w.ID); err != nil {
			return Plan{}, nil, nil, err
		}
		return s.planFor(ctx, w, v, from, given, dry)
	}
	plan.WorkflowID, plan.VersionID = w.ID, v.ID
	if !dry {
		plan.facts = facts
	}
	return plan, inputs, current, nil
}

// lastInputs are the flow input values of the workflow's latest run that started (nil if
// none did: a run cancelled while queued never ran, nothing builds on it), with the recent
// runs it looked at, newest first. Usually the latest run is the one, so it is fetched alone
// first; behind a long queue (a batch, or runs of a process that died) the store finds the
// latest started run itself, however many newer runs never started.
func (s *Service) lastInputs(ctx context.Context, workflowID string) ([]Run, map[string]any, error) {
	var runs []Run
	for _, limit := range []int{1, 50} {
		var err error
		runs, err = s.store.ListRuns(ctx, workflowID, limit)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, nil, err
		}
		for _, r := range runs {
			if started(r) {
				return runs, inputsOf(r), nil
			}
		}
		if len(runs) < limit {
			return runs, nil, nil
		}
	}
	r, err := s.store.LatestStartedRun(ctx, workflowID)
	switch {
	case errors.Is(err, ErrNotFound):
		return runs, nil, nil
	case err != nil:
		return nil, nil, err
	}
	return append(runs, r), inputsOf(r), nil
}

// started reports whether a run began executing: a run cancelled while queued never did.
func started(r Run) bool { return r.Status != RunQueued && r.StartedAt != nil }

func inputsOf(r Run) map[string]any {
	if r.Inputs == nil {
		return map[string]any{}
	}
	return r.Inputs
}

// runInputs maps the runs that made the current generations of the nodes reading flow inputs
// to their input values, so the planner compares such a node with what it saw itself. The
// other nodes' config does not depend on inputs. A run that is gone is left out.
func (s *Service) runInputs(ctx context.Context, recent []Run, current map[string]*Generation, readers map[string]bool) (map[string]map[string]any, error) {
	out := make(map[string]map[string]any, len(recent))
	for _, r := range recent {
		out[r.ID] = r.Inputs
	}
	gone := map[string]bool{}
	for id := range readers {
		g, ok := current[id]
		if !ok || g.RunID == "" || gone[g.RunID] {
			continue
		}
		if _, ok := out[g.RunID]; ok {
			continue
		}
		inputs, err := s.store.RunInputs(ctx, g.RunID) // not the whole run: its snapshot may hold every node
		switch {
		case errors.Is(err, ErrNotFound):
			gone[g.RunID] = true
		case err != nil:
			return nil, fmt.Errorf("loading run %s: %w", g.RunID, err)
		default:
			out[g.RunID] = inputs
		}
	}
	return out, nil
}

// filesChanged reports nodes whose linked file differs from what their prior generation read
// (compared by content hash, so it holds across restarts, not only while a watch runs). A
// path may name flow inputs ({{dir}}/a.png): it is resolved with the new run's values.
func filesChanged(f *graphFacts, current map[string]*Generation, inputs map[string]any) map[string]bool {
	var out map[string]bool
	for _, i := range f.linking {
		n, t := &f.g.Nodes[i], f.types[i]
		prior, ok := current[n.ID]
		if !ok {
			continue
		}
		params, err := ResolveNodeParams(t, n.Params, inputs)
		if err != nil {
			continue
		}
		path := LinkedPath(t, params)
		if path == "" {
			continue
		}
		if sha := PriorFileSHA(*prior); sha != "" && FileSHA(path) != sha {
			if out == nil {
				out = map[string]bool{}
			}
			out[n.ID] = true
		}
	}
	return out
}

// PlanGraph previews a run from a block of the editor's graph, saved or not: the version
// with the same content when there is one, else the unsaved graph itself (version_id "").
// With from "" it previews a changed run of that graph (as PlanChanged does a version's).
// An invalid graph cannot be planned and is refused with its problems.
func (s *Service) PlanGraph(ctx context.Context, wfRef string, g Graph, from string, given map[string]any) (Plan, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Plan{}, err
	}
	g = NormalizeGraph(g)
	if err := s.validateGraph(ctx, w.ID, g); err != nil {
		return Plan{}, err
	}
	if from != "" && !hasNode(g, from) {
		return Plan{}, Invalid(Problem{NodeID: from, Message: "no such node in the graph"})
	}
	// the version equal to the graph found by its hash, no version read but that one
	v := Version{WorkflowID: w.ID, Label: "draft", Graph: g, ContentHash: normalizedHash(g)}
	if sv, found, err := s.versionWithHash(ctx, w, v.ContentHash); err == nil && found {
		v = sv
	}
	p, inputs, current, err := s.planFor(ctx, w, v, from, given, true)
	if err == nil {
		s.previewCache(ctx, v, inputs, current, &p)
		if from != "" {
			s.addChildPlans(ctx, v.Graph, &p) // as PlanFrom; PlanChanged adds none
		}
	}
	return p, err
}
