package engine_test

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// countingRuns is a memstore that counts ListRuns calls.
type countingRuns struct {
	*memstore.Store
	lists atomic.Int64
}

func (c *countingRuns) ListRuns(ctx context.Context, workflowID string, limit int) ([]engine.Run, error) {
	c.lists.Add(1)
	return c.Store.ListRuns(ctx, workflowID, limit)
}

// TestPlanWithoutInputsReadsNoRuns: the plan of a changed run of a graph that declares no flow
// input and has no node reading one does not read the runs before it (their inputs cannot
// change it); one of a graph with an input still does, and both plans explain every node.
func TestPlanWithoutInputsReadsNoRuns(t *testing.T) {
	ctx := context.Background()
	reg := libRegistry(t)
	st := &countingRuns{Store: memstore.New()}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	withInput := bigChain(20)
	withInput.Inputs = []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Default: int64(2)}} // values no node of the other chain had
	withInput.Nodes[0].Params = map[string]any{"expression": "inputs.x"}
	for _, c := range []struct {
		name  string
		g     engine.Graph
		reads bool
	}{{"no inputs", bigChain(20), false}, {"an input", withInput, true}} {
		wf := importGraph(t, svc, c.name, c.g).WorkflowID
		completedRun(t, svc, engine.RunRequest{Workflow: wf})
		saveChainEdit(t, svc, wf, c.g, 10, 7)
		before := st.lists.Load()
		p, err := svc.PlanChanged(ctx, wf, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if read := st.lists.Load() > before; read != c.reads {
			t.Fatalf("%s: runs read by the plan %v, want %v", c.name, read, c.reads)
		}
		if len(p.Nodes) != len(c.g.Nodes) || p.Rerun != 11 { // n10…n19 and the output
			t.Fatalf("%s: plan of %d nodes, %d rerun", c.name, len(p.Nodes), p.Rerun)
		}
		r := completedRun(t, svc, engine.RunRequest{Workflow: wf, Changed: true})
		if recs := r.Snapshot.Records(); recs["n19"].Status != engine.NodeExecuted || recs["n0"].Status != engine.NodeReused {
			t.Fatalf("%s: changed run: n19 %s, n0 %s", c.name, recs["n19"].Status, recs["n0"].Status)
		}
	}
}

// TestPropertyPlanWithoutInputsIgnoresRuns: for random graphs that declare no flow input and
// whose nodes read none, with random histories, BuildPlan gives the same plan whatever the
// inputs of the earlier runs were (what planFor no longer reads for such a graph).
func TestPropertyPlanWithoutInputsIgnoresRuns(t *testing.T) {
	reg := libRegistry(t)
	for seed := int64(0); seed < 40; seed++ {
		rng := rand.New(rand.NewSource(seed))
		g := bigDAG(5+rng.Intn(60), seed)
		h := newHistory(reg, g)
		h.run(t, "r1", nil)
		for round := 0; round < 3; round++ {
			i := rng.Intn(len(g.Nodes))
			if g.Nodes[i].Type == "math.expr" {
				setParam(t, &g, g.Nodes[i].ID, "expression", fmt.Sprintf("%d", rng.Intn(5)))
				h.g = g
			}
			if rng.Intn(2) == 0 {
				h.run(t, fmt.Sprintf("r%d", round+2), nil)
			}
			for _, changed := range []bool{true, false} {
				from := ""
				if !changed {
					from = g.Nodes[rng.Intn(len(g.Nodes))].ID
				}
				in := h.planInput(t, from, nil)
				in.Changed = changed
				bare, err := engine.BuildPlan(in)
				if err != nil {
					t.Fatal(err)
				}
				// earlier runs (of versions that had inputs) with values, the last one's too
				in.RunInputs = map[string]map[string]any{}
				for id := range h.runInputs {
					in.RunInputs[id] = map[string]any{"x": rng.Intn(3), "y": "s"}
				}
				in.PrevInputs = map[string]any{"x": rng.Intn(3)}
				full, err := engine.BuildPlan(in)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(bare.Nodes, full.Nodes) || bare.Rerun != full.Rerun {
					t.Fatalf("seed %d round %d changed %v: plans differ with the earlier runs' inputs", seed, round, changed)
				}
			}
		}
	}
}
