package engine_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// Run one failing graph again with: go test ./engine -run TestPropertyRunFromBlock \
//
//	-fromblock.seed=SEED -fromblock.graphs=1
var (
	propSeed   = flag.Int64("fromblock.seed", 20261121, "first seed of the run-from-block property test")
	propGraphs = flag.Int("fromblock.graphs", 300, "how many random graphs the property test tries")
)

// propRounds is how many edit-then-run-from-block rounds follow each graph's full run.
const propRounds = 3

// TestPropertyRunFromBlock generates random deterministic DAGs of math.expr nodes over
// integers (+ - *, %, divisions whose result is whole, comparisons), runs each in full, then
// a few times edits some expressions and the flow input and runs from a random block. Every
// tenth graph runs on the SQLite store, the others on the in-memory one; both hand reused
// values back as they read them from storage. Each time it checks that
//
//	(a) every node the run executed or reused holds the value a full run of the same version
//	    with the same inputs gives (in a fresh service), with the same Go types, so the
//	    outputs are equal too, and every output is an int64 (integers stay integers through
//	    handles, expressions, storage and reuse);
//	(b) no node but the target executed although its config and inputs were those of its
//	    current generation: its new input fingerprint differs from that generation's, or it
//	    reads the flow input as inputs.x (which the fingerprint does not cover) and x differs
//	    from what that generation saw.
//
// Every third graph also holds a flow.subworkflow node "sub" running another random graph
// (pinned to a version; some rounds edit the child and re-pin it), fed by x or an expression,
// with its outputs recorded by "o_sub": the property holds across the boundary.
func TestPropertyRunFromBlock(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	if testing.Short() && *propGraphs > 60 {
		*propGraphs = 60
	}
	for i := 0; i < *propGraphs; i++ {
		seed := *propSeed + int64(i)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			checkRunFromBlockProperty(t, reg, seed)
		})
	}
}

// propGraph is a random DAG: flow.inputs "in" (x), math.expr nodes e0…, and an io.output
// behind every expression nobody reads.
type propGraph struct {
	g       engine.Graph
	handles map[string][]string // expression node → its connected handles, in order
}

func randomPropGraph(rng *rand.Rand) propGraph {
	n := 5 + rng.Intn(36)
	pg := propGraph{handles: map[string][]string{}}
	g := engine.Graph{
		Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Default: int64(1)}},
		Nodes:  []engine.Node{node("in", "flow.inputs", nil)},
	}
	read := map[string]bool{}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("e%d", i)
		k := rng.Intn(5)
		if i == 0 && k == 0 {
			k = 1
		}
		used := map[string]bool{}
		var hs []string
		for j := 0; j < k; j++ {
			src := "in"
			if i > 0 && rng.Intn(6) > 0 {
				src = fmt.Sprintf("e%d", rng.Intn(i))
			}
			if used[src] {
				continue
			}
			used[src] = true
			h := string(rune('a' + len(hs)))
			hs = append(hs, h)
			sh := "result"
			if src == "in" {
				sh = "x"
			}
			read[src] = true
			g.Edges = append(g.Edges, edge(src, sh, id, h))
		}
		pg.handles[id] = hs
		g.Nodes = append(g.Nodes, node(id, "math.expr", map[string]any{"expression": randomExpr(rng, hs)}))
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("e%d", i)
		if !read[id] || rng.Intn(8) == 0 {
			out := "o_" + id
			g.Nodes = append(g.Nodes, node(out, "io.output", map[string]any{"name": out}))
			g.Edges = append(g.Edges, edge(id, "result", out, "value"))
		}
	}
	pg.g = g
	return pg
}

// randomExpr combines the handles, a small integer and maybe the flow input (as inputs.x or
// {{x}}) two at a time with + - *, a remainder or a comparison, clamped so values stay
// small, and sometimes ends with a division whose result is whole (a float64 in expr-lang,
// which must reach the next node as an integer). Every operand is an integer, so % works
// only if integers stay integers.
func randomExpr(rng *rand.Rand, handles []string) string {
	terms := append([]string{}, handles...)
	terms = append(terms, fmt.Sprint(rng.Intn(19)-9))
	switch rng.Intn(6) {
	case 0:
		terms = append(terms, "inputs.x")
	case 1:
		terms = append(terms, "({{x}})")
	case 2:
		terms = append(terms, fmt.Sprintf("inputs.x %% %d", 2+rng.Intn(4)))
	}
	rng.Shuffle(len(terms), func(i, j int) { terms[i], terms[j] = terms[j], terms[i] })
	clamp := func(e string) string { return fmt.Sprintf("min(max(%s, -1000), 1000)", e) }
	expr := terms[0]
	for _, r := range terms[1:] {
		l := clamp(expr)
		k := 2 + rng.Intn(6)
		switch rng.Intn(8) {
		case 0:
			expr = fmt.Sprintf("%s + %s", l, r)
		case 1:
			expr = fmt.Sprintf("%s - %s", l, r)
		case 2:
			expr = fmt.Sprintf("%s * %s", l, r)
		case 3:
			expr = fmt.Sprintf("%s %% %d + %s", l, k, r)
		case 4:
			expr = fmt.Sprintf("(%s %% 2 == 0 ? %s : %s)", l, l, r)
		case 5:
			expr = fmt.Sprintf("(%s > %s ? %s : %s)", l, r, l, r)
		case 6:
			expr = fmt.Sprintf("(%s / %d == %s ? 1 : 0)", l, k, r)
		default:
			expr = fmt.Sprintf("(%s <= %s ? %s - %s : %s %% %d)", l, r, l, r, r, k)
		}
	}
	if rng.Intn(3) == 0 {
		// A whole result of /, a float64 in expr-lang, crosses the handle as an integer.
		k := 2 + rng.Intn(6)
		expr = fmt.Sprintf("(%s * %d) / %d", clamp(expr), k, k)
	}
	return clamp(expr)
}

// propX is a value for the integer input x as a caller may give it: an integer, a whole
// float (a JSON number from the window), or text (the command line). Each is an int64 in the run.
func propX(rng *rand.Rand) (given any, want int64) {
	want = int64(rng.Intn(11) - 5)
	switch rng.Intn(3) {
	case 0:
		return float64(want), want
	case 1:
		return fmt.Sprint(want), want
	}
	return want, want
}

func cloneGraph(g engine.Graph) engine.Graph {
	data, _ := json.Marshal(g)
	var out engine.Graph
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return out
}

func checkRunFromBlockProperty(t *testing.T, reg *engine.Registry, seed int64) {
	ctx := context.Background()
	rng := rand.New(rand.NewSource(seed))
	pg := randomPropGraph(rng)
	g := pg.g
	var story []string
	fail := func(format string, args ...any) {
		t.Helper()
		graph, _ := json.MarshalIndent(g, "", " ")
		t.Fatalf("seed %d: %s\nsteps:\n  %s\ngraph of the current version:\n%s\nrerun with -fromblock.seed=%d -fromblock.graphs=1",
			seed, fmt.Sprintf(format, args...), strings.Join(story, "\n  "), graph, seed)
	}

	svc := newService(t, reg, 2)
	if seed%10 == 0 {
		svc = serviceAt(t, t.TempDir(), engine.Config{RunCap: 2}) // read back from SQLite
	}
	ref := newService(t, reg, 2) // full runs only: history never matters there

	// A subworkflow: g pins "child"; each service's copy pins its own child version.
	var sub *propSub
	if seed%3 == 0 {
		sub = &propSub{pg: randomPropGraph(rng)}
		sub.pin[0] = importGraph(t, svc, "child", sub.pg.g)
		sub.pin[1] = importGraph(t, ref, "child", sub.pg.g)
		g = addPropSub(rng, g, pg.handles, sub.pg.g)
	}
	imp := importGraph(t, svc, "prop", sub.graph(g, 0))
	refImp := importGraph(t, ref, "prop", sub.graph(g, 1))
	givenX, x := propX(rng)
	first := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"x": givenX}})
	story = append(story, fmt.Sprintf("full run with x=%#v: %s %s", givenX, first.Status, first.Error))
	if first.Status != engine.RunCompleted {
		fail("full run failed")
	}

	for round := 1; round <= propRounds; round++ {
		// Edit some expressions and save a new current version.
		edits := rng.Intn(4)
		if edits > 0 {
			g = cloneGraph(g)
			for e := 0; e < edits; e++ {
				i := 1 + rng.Intn(len(pg.handles)) // an expression: they come right after "in"

				id := g.Nodes[i].ID
				expr := randomExpr(rng, pg.handles[id])
				g.Nodes[i].Params = map[string]any{"expression": expr}
				story = append(story, fmt.Sprintf("round %d: %s := %s", round, id, expr))
			}
		}
		if sub != nil && rng.Intn(3) == 0 {
			// a new child version, and the parent re-pinned to it
			cg := cloneGraph(sub.pg.g)
			i := 1 + rng.Intn(len(sub.pg.handles))
			expr := randomExpr(rng, sub.pg.handles[cg.Nodes[i].ID])
			cg.Nodes[i].Params = map[string]any{"expression": expr}
			sub.pg.g = cg
			story = append(story, fmt.Sprintf("round %d: child %s := %s, re-pinned", round, cg.Nodes[i].ID, expr))
			for k, s := range []*engine.Service{svc, ref} {
				v, err := s.SaveVersion(ctx, sub.pin[k].WorkflowID, cg, "edit", "", true)
				if err != nil {
					fail("saving child version: %v", err)
				}
				sub.pin[k].VersionID = v.ID
			}
			edits++
		}
		if edits > 0 {
			for k, w := range []struct {
				svc *engine.Service
				id  string
			}{{svc, imp.WorkflowID}, {ref, refImp.WorkflowID}} {
				if _, err := w.svc.SaveVersion(ctx, w.id, sub.graph(g, k), fmt.Sprintf("round %d", round), "", true); err != nil {
					fail("saving version: %v", err)
				}
			}
		}
		var given map[string]any
		if rng.Intn(2) == 0 {
			givenX, x = propX(rng)
			given = map[string]any{"x": givenX}
		}
		from := g.Nodes[rng.Intn(len(g.Nodes))].ID
		story = append(story, fmt.Sprintf("round %d: run from %s with %v", round, from, given))

		state, err := svc.Store().CurrentGenerations(ctx, imp.WorkflowID)
		if err != nil {
			fail("%v", err)
		}
		before := state.Current
		// A full run with the same values goes at the same time (cap 2): nodes both runs are
		// about to execute with the same inputs execute once (shared), which must not change
		// a value either run holds (c).
		started, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID, From: from, Inputs: given})
		if err != nil {
			fail("run from %s: %v", from, err)
		}
		twin, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"x": x}})
		if err != nil {
			fail("concurrent full run: %v", err)
		}
		run, err := svc.Wait(ctx, started.ID)
		if err != nil {
			fail("%v", err)
		}
		if run.Status != engine.RunCompleted {
			fail("run from %s: %s %s", from, run.Status, run.Error)
		}
		if run.Inputs["x"] != x {
			fail("run from %s had x=%#v, want %#v", from, run.Inputs["x"], x)
		}

		// (a) every value the run used equals the full run's.
		full := runAndWait(t, ref, engine.RunRequest{Workflow: refImp.WorkflowID, Inputs: map[string]any{"x": x}})
		if full.Status != engine.RunCompleted {
			fail("reference full run: %s %s", full.Status, full.Error)
		}
		wantOutputs := map[string]any{}
		for id, rec := range run.Snapshot.Records() {
			switch rec.Status {
			case engine.NodeUntouched:
				continue
			case engine.NodeExecuted, engine.NodeReused:
			default:
				fail("node %s is %s in a run from %s", id, rec.Status, from)
			}
			got := generationOutputs(t, svc, rec.GenerationID)
			want := generationOutputs(t, ref, full.Snapshot.Records()[id].GenerationID)
			if !reflect.DeepEqual(got, want) {
				fail("round %d: node %s (%s %v) holds %v, a full run gives %v", round, id, rec.Status, rec.Reasons, got, want)
			}
			if strings.HasPrefix(id, "o_") {
				wantOutputs[id] = full.Outputs[id]
			}
		}
		if !reflect.DeepEqual(run.Outputs, wantOutputs) {
			fail("round %d: outputs %v, a full run gives %v for the same outputs", round, run.Outputs, wantOutputs)
		}
		for id, v := range run.Outputs {
			if _, ok := v.(int64); !ok {
				fail("round %d: output %s is %#v, want an int64", round, id, v)
			}
		}

		// (c) the full run that went at the same time holds the full run's values, shared or not.
		twinRun, err := svc.Wait(ctx, twin.ID)
		if err != nil || twinRun.Status != engine.RunCompleted {
			fail("round %d: concurrent full run: %v %s %s", round, err, twinRun.Status, twinRun.Error)
		}
		for id, rec := range twinRun.Snapshot.Records() {
			if rec.Status != engine.NodeExecuted {
				fail("round %d: node %s is %s in the concurrent full run", round, id, rec.Status)
			}
			got := generationOutputs(t, svc, rec.GenerationID)
			want := generationOutputs(t, ref, full.Snapshot.Records()[id].GenerationID)
			if !reflect.DeepEqual(got, want) {
				fail("round %d: concurrent full run: node %s (%v) holds %v, a full run gives %v", round, id, rec.Reasons, got, want)
			}
		}
		if !reflect.DeepEqual(twinRun.Outputs, full.Outputs) {
			fail("round %d: concurrent full run: outputs %v, a full run gives %v", round, twinRun.Outputs, full.Outputs)
		}

		// (b) nothing executed that had nothing new to see.
		for id, rec := range run.Snapshot.Records() {
			if rec.Status != engine.NodeExecuted || id == from {
				continue
			}
			cur, ok := before[id]
			if !ok {
				continue
			}
			gen, err := svc.Store().GetGeneration(ctx, rec.GenerationID)
			if err != nil {
				fail("%v", err)
			}
			if gen.InputFingerprint != cur.InputFingerprint {
				continue
			}
			if readsInputsX(g, id) {
				prev, err := svc.Store().GetRun(ctx, cur.RunID)
				if err != nil {
					fail("%v", err)
				}
				if prev.Inputs["x"] != x {
					continue
				}
			}
			fail("round %d: %s executed (%v) with the fingerprint of its current generation %s", round, id, rec.Reasons, cur.ID)
		}
	}
}

// propSub is the subworkflow of a property graph: the child graph and the child's import in
// the service under test (0) and the reference (1).
type propSub struct {
	pg  propGraph
	pin [2]engine.ImportResult
}

// graph is g with its "sub" node pinned to the child of service k (g itself without sub).
func (s *propSub) graph(g engine.Graph, k int) engine.Graph {
	if s == nil {
		return g
	}
	out := cloneGraph(g)
	for i := range out.Nodes {
		if out.Nodes[i].Type == engine.TypeSubworkflow {
			out.Nodes[i].Params = map[string]any{"workflow": s.pin[k].WorkflowID, "version": s.pin[k].VersionID}
		}
	}
	return out
}

// addPropSub adds "sub" (fed x or an expression's result) and "o_sub" recording one of the
// child's outputs; when an expression with a free handle comes later, it reads sub too.
func addPropSub(rng *rand.Rand, g engine.Graph, handles map[string][]string, child engine.Graph) engine.Graph {
	var outs []string
	for _, n := range child.Nodes {
		if n.Type == "io.output" {
			outs = append(outs, engine.ToText(n.Params["name"]))
		}
	}
	out := outs[rng.Intn(len(outs))]
	n := len(handles)
	at := rng.Intn(n + 1) // sub reads e(at-1), or x when at is 0
	g.Nodes = append(g.Nodes, node("sub", engine.TypeSubworkflow, map[string]any{}), node("o_sub", "io.output", map[string]any{"name": "o_sub"}))
	if at == 0 {
		g.Edges = append(g.Edges, edge("in", "x", "sub", "x"))
	} else {
		g.Edges = append(g.Edges, edge(fmt.Sprintf("e%d", at-1), "result", "sub", "x"))
	}
	g.Edges = append(g.Edges, edge("sub", out, "o_sub", "value"))
	for i := at; i < n; i++ {
		id := fmt.Sprintf("e%d", i)
		if hs := handles[id]; len(hs) < 4 && rng.Intn(2) == 0 {
			h := string(rune('a' + len(hs)))
			handles[id] = append(hs, h)
			g.Edges = append(g.Edges, edge("sub", out, id, h))
			break
		}
	}
	return g
}

func generationOutputs(t *testing.T, svc *engine.Service, id string) map[string]any {
	t.Helper()
	if id == "" {
		return nil
	}
	g, err := svc.Store().GetGeneration(context.Background(), id)
	if err != nil {
		t.Fatalf("generation %s: %v", id, err)
	}
	return g.Outputs
}

func readsInputsX(g engine.Graph, id string) bool {
	for _, n := range g.Nodes {
		if n.ID == id {
			return strings.Contains(engine.ToText(n.Params["expression"]), "inputs.x")
		}
	}
	return false
}
