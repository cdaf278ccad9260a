package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestDraftsCheckedFromTheirBase: the service's ways in for an edited draft (CheckGraph,
// SaveVersion, RunDraft, SwitchVersion's save of the draft), which validate and hash it from
// the version it was edited from, refuse exactly what ValidateGraph refuses, with the same
// problems, and save a version whose content hash is the whole draft's, edit after edit (a
// param changed, made invalid or made to read an undeclared input, a node moved, added or
// removed, an edge rewired or added as a cycle, an input dropped), with the library's node
// types.
func TestDraftsCheckedFromTheirBase(t *testing.T) {
	ctx := context.Background()
	reg := libRegistry(t)
	svc := newService(t, reg, 2)
	g := bigChain(40)
	g.Inputs = []engine.InputDecl{{Name: "k", Type: engine.TypeInteger, Default: int64(2)}}
	wf := importGraph(t, svc, "drafts", g).WorkflowID
	r := rand.New(rand.NewPCG(4, 2))
	saved := 0
	for step := range 300 {
		d := chainEdit(r, g)
		want := engine.ValidateGraph(reg, d)
		if want == nil {
			g = d // an invalid edit is fixed before the next
		}
		wantProbs := []engine.Problem{}
		var ve *engine.ValidationError
		if errors.As(want, &ve) {
			wantProbs = ve.Problems
		}
		if got := svc.CheckGraph(d); !reflect.DeepEqual(got, wantProbs) {
			t.Fatalf("step %d: CheckGraph = %v, want %v", step, got, wantProbs)
		}
		var v engine.Version
		var err error
		switch step % 3 {
		case 0:
			v, err = svc.SaveVersion(ctx, wf, d, fmt.Sprint("step ", step), "", true)
		case 1:
			var st engine.Started
			draft := d
			st, err = svc.RunDraft(ctx, engine.RunRequest{Workflow: wf, Draft: &draft})
			if err == nil {
				if _, err := svc.Wait(ctx, st.Runs[0].ID); err != nil {
					t.Fatal(err)
				}
				v = st.Saved
			}
		default:
			if err := svc.SaveDraft(ctx, wf, d, ""); err != nil {
				t.Fatal(err)
			}
			cur, _ := svc.ResolveWorkflow(ctx, wf)
			if _, err := svc.SwitchVersion(ctx, wf, cur.CurrentVersionID); err != nil {
				t.Fatal(err)
			}
			// a valid draft is saved as a version (or found to be one) and dropped
			if _, _, kept, err := svc.Draft(ctx, wf); err != nil || kept != (want != nil) {
				t.Fatalf("step %d: the draft kept %v (%v), invalid: %v", step, kept, err, want)
			}
			continue
		}
		if !reflect.DeepEqual(err, want) {
			t.Fatalf("step %d: refused with %v, want %v", step, err, want)
		}
		if err == nil && v.ID != "" {
			saved++
			if v.ContentHash != engine.ContentHash(d) {
				t.Fatalf("step %d: saved with hash %s, want %s", step, v.ContentHash, engine.ContentHash(d))
			}
		}
	}
	if saved < 50 {
		t.Errorf("only %d drafts saved", saved)
	}
}

// chainEdit is chain g edited once: a node's expression changed (valid, invalid, reading an
// input declared or not), a node moved, added or removed, an edge rewired (maybe into a
// cycle), the input dropped or declared again. g is not changed.
func chainEdit(r *rand.Rand, g engine.Graph) engine.Graph {
	e := engine.Graph{Inputs: slices.Clone(g.Inputs), Nodes: slices.Clone(g.Nodes), Edges: slices.Clone(g.Edges)}
	n := len(e.Nodes) - 1 // the last is the output
	i := r.IntN(n)
	switch r.IntN(8) {
	case 0, 1, 2:
		e.Nodes[i].Params = map[string]any{"expression": []string{"a + 1", "a * 2", "a +", "a + k", "a + {{k}}", "{{nope}}", "a + inputs.k"}[r.IntN(7)]}
	case 3:
		e.Nodes[i].Position = &engine.Position{X: float64(r.IntN(900)), Y: 1.5}
	case 4:
		e.Nodes = slices.Insert(e.Nodes, i, engine.Node{ID: fmt.Sprintf("x%d", r.IntN(1000)), Type: "math.expr", Params: map[string]any{"expression": "1"}})
	case 5:
		if n > 3 {
			id := e.Nodes[i].ID
			e.Nodes = slices.Delete(e.Nodes, i, i+1)
			e.Edges = slices.DeleteFunc(e.Edges, func(e engine.Edge) bool { return e.Source == id || e.Target == id })
		}
	case 6:
		if len(e.Edges) > 0 {
			k := r.IntN(len(e.Edges))
			e.Edges[k].Source = e.Nodes[r.IntN(len(e.Nodes))].ID
		}
	default:
		if len(e.Inputs) > 0 {
			e.Inputs = nil
		} else {
			e.Inputs = []engine.InputDecl{{Name: "k", Type: engine.TypeInteger}}
		}
	}
	return e
}
