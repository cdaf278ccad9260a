package engine

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"testing"
)

// TestPropertyBuildPlanMatchesOracle compares buildPlan with buildPlanOracle (the planner as
// it was, planoracle_internal_test.go) on random graphs (chains and DAGs of plain nodes,
// nodes reading the flow input, loop groups with children, nodes of unknown types) and
// random histories (no prior, completed, failed, selected, made by one run or another, of
// this version or another, configs and fingerprints equal or not, latest executions failed,
// files changed, flow inputs changed), planned as a changed run, from a random block and
// from a missing one, with and without the decisions by node id: every decision (action,
// reasons, source, the prior a rerun keeps) and both counts must be equal.
func TestPropertyBuildPlanMatchesOracle(t *testing.T) {
	t.Parallel()
	reg := oracleRegistry()
	rounds := 3000
	if testing.Short() {
		rounds = 600
	}
	for seed := int64(1); seed <= int64(rounds); seed++ {
		rng := rand.New(rand.NewSource(seed))
		in := randomPlanInput(rng, reg)
		nodeMap := rng.Intn(2) == 0
		want, werr := buildPlanOracle(in, nodeMap)
		got, gerr := buildPlan(in, nodeMap)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("seed %d: error %v, oracle %v", seed, gerr, werr)
		}
		if !reflect.DeepEqual(got, want) {
			for i := range want.list {
				if i < len(got.list) && !reflect.DeepEqual(got.list[i], want.list[i]) {
					t.Errorf("seed %d node %s: got %+v, oracle %+v", seed, in.Graph.Nodes[i].ID, got.list[i], want.list[i])
				}
			}
			t.Fatalf("seed %d: plan differs from the oracle's (rerun %d/%d reuse %d/%d)", seed, got.Rerun, want.Rerun, got.Reuse, want.Reuse)
		}
	}
}

func oracleRegistry() *Registry {
	reg := NewRegistry()
	run := func(context.Context, *NodeInput) (map[string]any, error) { return nil, nil }
	reg.MustRegister(NodeType{Type: "t.plain", Inputs: []Handle{{Name: "a", Type: "any"}, {Name: "b", Type: "any"}},
		Outputs: []Handle{{Name: "result", Type: "any"}}, Params: []ParamSpec{{Name: "v", Kind: ParamString}}, Deterministic: true, Run: run})
	reg.MustRegister(NodeType{Type: "t.group", Inputs: []Handle{{Name: "a", Type: "any"}}, Outputs: []Handle{{Name: "result", Type: "any"}},
		Params: []ParamSpec{{Name: "v", Kind: ParamString}}, Container: true, Deterministic: true, Run: run})
	return reg
}

// randomPlanInput makes a random graph, a random history of it and a plan request.
func randomPlanInput(rng *rand.Rand, reg *Registry) PlanInput {
	var g Graph
	g.Inputs = []InputDecl{{Name: "x", Type: TypeInteger, Default: int64(1)}}
	n := 1 + rng.Intn(40)
	var top []string
	params := func() map[string]any {
		switch rng.Intn(4) {
		case 0:
			return map[string]any{"v": "{{x}}"}
		case 1:
			return map[string]any{"v": "y"}
		}
		return map[string]any{"v": "x"}
	}
	for i := range n {
		id := fmt.Sprintf("n%d", i)
		typ := "t.plain"
		switch rng.Intn(12) {
		case 0:
			typ = "t.group"
		case 1:
			typ = "t.unknown"
		}
		g.Nodes = append(g.Nodes, Node{ID: id, Type: typ, Params: params()})
		// A chain most of the time, sometimes a DAG edge to an earlier node, on a or b.
		if len(top) > 0 && rng.Intn(8) > 0 {
			src := top[len(top)-1]
			if rng.Intn(3) == 0 {
				src = top[rng.Intn(len(top))]
			}
			h := "a"
			if typ == "t.plain" && rng.Intn(4) == 0 {
				h = "b"
			}
			g.Edges = append(g.Edges, Edge{Source: src, SourceHandle: "result", Target: id, TargetHandle: h})
			if rng.Intn(6) == 0 { // a second edge to a
				g.Edges = append(g.Edges, Edge{Source: top[rng.Intn(len(top))], SourceHandle: "result", Target: id, TargetHandle: "a"})
			}
		}
		top = append(top, id)
		if typ == "t.group" {
			for c := range 1 + rng.Intn(3) {
				cid := fmt.Sprintf("%s_c%d", id, c)
				g.Nodes = append(g.Nodes, Node{ID: cid, Type: "t.plain", ParentID: id, Params: params()})
				if c > 0 {
					g.Edges = append(g.Edges, Edge{Source: fmt.Sprintf("%s_c%d", id, c-1), SourceHandle: "result", Target: cid, TargetHandle: "a"})
				}
			}
		}
	}
	inputs := map[string]any{"x": int64(1 + rng.Intn(2))}
	prev := map[string]any{"x": int64(1 + rng.Intn(2))}
	if rng.Intn(5) == 0 {
		prev = map[string]any{}
	}
	runInputs := map[string]map[string]any{}
	for _, r := range []string{"r1", "r2"} {
		if rng.Intn(3) > 0 {
			runInputs[r] = map[string]any{"x": int64(1 + rng.Intn(2))}
		}
	}
	f := newGraphFacts(reg, g)
	prior := map[string]*Generation{}
	failed := map[string]bool{}
	files := map[string]bool{}
	failedGens := map[string]*Generation{}
	runs := []string{"r1", "r1", "r1", "r2", ""}
	for i, nd := range g.Nodes {
		if rng.Intn(10) == 0 {
			failed[nd.ID] = true
			if rng.Intn(2) == 0 {
				failedGens[nd.ID] = &Generation{ID: "f-" + nd.ID, NodeID: nd.ID, RunID: runs[rng.Intn(len(runs))], Status: GenFailed, ConfigHash: configHashOf(reg, g, i, inputs, rng)}
			}
		}
		if rng.Intn(12) == 0 {
			files[nd.ID] = true
		}
		if rng.Intn(8) == 0 {
			continue // no prior
		}
		gen := &Generation{ID: "g-" + nd.ID, NodeID: nd.ID, RunID: runs[rng.Intn(len(runs))], VersionID: []string{"v1", "v2"}[rng.Intn(2)],
			Status: GenCompleted, ConfigHash: configHashOf(reg, g, i, inputs, rng), Outputs: map[string]any{"result": int64(rng.Intn(3))},
			Selected: rng.Intn(8) == 0}
		if rng.Intn(10) == 0 {
			gen.Status = GenFailed
		}
		prior[nd.ID] = gen
	}
	// Fingerprints: right (as fed by the upstream priors) or wrong.
	for i, nd := range g.Nodes {
		gen := prior[nd.ID]
		if gen == nil {
			continue
		}
		if rng.Intn(3) == 0 {
			gen.InputFingerprint = fmt.Sprintf("%032x", rng.Int63())
			continue
		}
		vals, connected := map[string]any{}, map[string]bool{}
		for _, e := range g.Edges {
			if e.Target != g.Nodes[i].ID {
				continue
			}
			connected[e.TargetHandle] = true
			if src := prior[e.Source]; src != nil {
				if v, ok := src.Outputs[e.SourceHandle]; ok {
					vals[e.TargetHandle] = v
				}
			}
		}
		gen.InputFingerprint = InputFingerprint(gen.ConfigHash, vals, connected)
	}
	in := PlanInput{Registry: reg, Graph: g, Prior: prior, LatestFailed: failed, Inputs: inputs, PrevInputs: prev,
		FilesChanged: files, RunInputs: runInputs, facts: f, versionID: []string{"", "v1", "v2"}[rng.Intn(3)]}
	if rng.Intn(2) == 0 {
		in.FailedGeneration = func(id string) *Generation { return failedGens[id] }
	}
	if rng.Intn(2) == 0 {
		wiring := f.wiringHash()
		in.wiringOf = func(v string) string {
			if v == "v1" {
				return wiring
			}
			return ""
		}
	}
	switch k := rng.Intn(10); {
	case k < 5:
		in.Changed = true
	case k == 5:
		in.From = "missing"
	default:
		in.From = g.Nodes[rng.Intn(len(g.Nodes))].ID
	}
	return in
}

// configHashOf is node i's config hash as a generation would hold it: as now (the flow
// input as given, or another value) or of settings since edited.
func configHashOf(reg *Registry, g Graph, i int, inputs map[string]any, rng *rand.Rand) string {
	t, ok := reg.Get(g.Nodes[i].Type)
	if !ok || rng.Intn(4) == 0 {
		return fmt.Sprintf("edited-%d", rng.Intn(3))
	}
	vals := inputs
	if rng.Intn(3) == 0 {
		vals = map[string]any{"x": int64(1 + rng.Intn(2))}
	}
	params, err := ResolveNodeParams(t, g.Nodes[i].Params, vals)
	if err != nil {
		return "unresolved"
	}
	return ConfigHash(t, NodeConfig(t, g.Nodes[i], params, vals, g, ""))
}
