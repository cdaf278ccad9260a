package engine_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestDraftPatchSavesChecksPlansAndRunsTheGraph: the editor's draft sent as a patch of v1 is
// autosaved as the graph it describes, checked, planned and run as that graph: the run saves
// it as v2, which a second run of the same patch runs again.
func TestDraftPatchSavesChecksPlansAndRunsTheGraph(t *testing.T) {
	t.Parallel()
	for _, store := range draftStores {
		t.Run(store, func(t *testing.T) {
			ctx := context.Background()
			reg, _ := testRegistry(t)
			svc := draftService(t, reg, store)
			imp := draftWorkflow(t, svc)
			want := draftGraph(int64(7))
			p := engine.GraphPatch{BaseVersionID: imp.VersionID, Changed: []engine.Node{want.Nodes[0]}}

			if err := svc.SaveDraftPatch(ctx, imp.WorkflowID, p); err != nil {
				t.Fatal(err)
			}
			g, base, ok, err := svc.Draft(ctx, imp.WorkflowID)
			if err != nil || !ok || base != imp.VersionID || g.Nodes[0].Params["value"] != int64(7) || len(g.Nodes) != 2 || len(g.Edges) != 1 {
				t.Fatalf("draft %+v based on %q (%v %v), want the k=7 graph on v1", g, base, ok, err)
			}
			if probs, err := svc.CheckGraphPatch(ctx, imp.WorkflowID, p); err != nil || len(probs) != 0 {
				t.Fatalf("check: %v %v, want no problems", probs, err)
			}
			bad := p
			bad.Changed = []engine.Node{{ID: "c", Type: "t.nope"}}
			if probs, err := svc.CheckGraphPatch(ctx, imp.WorkflowID, bad); err != nil || len(probs) != 1 || probs[0].NodeID != "c" {
				t.Fatalf("check of an unknown type: %v %v, want its problem", probs, err)
			}
			plan, err := svc.PlanGraphPatch(ctx, imp.WorkflowID, p, "out", nil)
			if err != nil || len(plan.Nodes) != 2 {
				t.Fatalf("plan %+v: %v", plan, err)
			}
			st, err := svc.RunDraftPatch(ctx, engine.RunRequest{Workflow: imp.WorkflowID}, p)
			if err != nil {
				t.Fatal(err)
			}
			if st.Saved.ID == "" || st.Saved.ContentHash != engine.ContentHash(want) {
				t.Fatalf("saved %+v, want the patched graph as a new version", st.Saved)
			}
			if r := waitRun(t, svc, st.Runs[0].ID); r.Status != engine.RunCompleted || r.Outputs["r"] != int64(7) {
				t.Fatalf("run %s %v, want r = 7", r.Status, r.Outputs)
			}
			again, err := svc.StartBatchPatch(ctx, engine.RunRequest{Workflow: imp.WorkflowID}, p, []map[string]any{{}, {}})
			if err != nil || again.Saved.ID != "" || len(again.Runs) != 2 || again.Runs[0].VersionID != st.Saved.ID {
				t.Fatalf("batch of the same patch: %+v %v, want two runs of the saved version", again, err)
			}
			for _, r := range again.Runs {
				waitRun(t, svc, r.ID)
			}

			// Save version: the patch committed as the current version, the draft dropped
			next := draftGraph(int64(8))
			if err := svc.SaveDraftPatch(ctx, imp.WorkflowID, p); err != nil { // an older autosave
				t.Fatal(err)
			}
			v, err := svc.CommitDraftPatch(ctx, imp.WorkflowID, engine.GraphPatch{BaseVersionID: st.Saved.ID, Changed: []engine.Node{next.Nodes[0]}}, "saved")
			if err != nil || v.ContentHash != engine.ContentHash(next) || v.Notes != "saved" {
				t.Fatalf("commit: %+v %v, want the k=8 graph as a version", v, err)
			}
			if w, err := svc.ResolveWorkflow(ctx, imp.WorkflowID); err != nil || w.CurrentVersionID != v.ID {
				t.Fatalf("current %q %v, want %s", w.CurrentVersionID, err, v.ID)
			}
			if _, _, ok, err := svc.Draft(ctx, imp.WorkflowID); ok || err != nil {
				t.Fatalf("draft kept after the commit (%v %v)", ok, err)
			}
			bad.BaseVersionID = v.ID
			if _, err := svc.CommitDraftPatch(ctx, imp.WorkflowID, bad, ""); !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("commit of a graph with an unknown type: %v, want invalid", err)
			}
		})
	}
}

// TestDraftPatchNamesABaseTheBackendDoesNotKnow: a patch of a version that does not exist, or
// is another workflow's, is refused naming the version and saying what to do; nothing is saved.
func TestDraftPatchNamesABaseTheBackendDoesNotKnow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	imp := draftWorkflow(t, svc)
	other := importGraph(t, svc, "Other", draftGraph(int64(5)))
	for _, baseID := range []string{"no-such-version", other.VersionID} {
		err := svc.SaveDraftPatch(ctx, imp.WorkflowID, engine.GraphPatch{BaseVersionID: baseID})
		if !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), baseID) || !strings.Contains(err.Error(), "base version") {
			t.Errorf("base %s: got %v, want not found naming it", baseID, err)
		}
	}
	if err := svc.SaveDraftPatch(ctx, imp.WorkflowID, engine.GraphPatch{}); !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "whole graph") {
		t.Errorf("no base: got %v, want invalid", err)
	}
	_, err := svc.RunDraftPatch(ctx, engine.RunRequest{Workflow: imp.WorkflowID}, engine.GraphPatch{BaseVersionID: imp.VersionID, Removed: []string{"zz"}})
	if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), `"zz"`) {
		t.Errorf("removing an unknown node: got %v, want invalid naming it", err)
	}
	if _, _, ok, _ := svc.Draft(ctx, imp.WorkflowID); ok {
		t.Error("a refused patch saved a draft")
	}
	if w, vs, _ := svc.Versions(ctx, imp.WorkflowID); len(vs) != 1 || !reflect.DeepEqual(w.CurrentVersionID, imp.VersionID) {
		t.Errorf("a refused patch's run saved a version: %d versions", len(vs))
	}
}

// TestMakeSubworkflowPatch: a subworkflow made of the editor's graph given as a patch is made
// of the patched graph (the edit is in the new workflow), and a patch of another workflow's
// version is refused naming it.
func TestMakeSubworkflowPatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newSubService(t, 4, 0)
	g := engine.Graph{
		Nodes: []engine.Node{node("c", "t.const", map[string]any{"value": 41}), node("a", "t.add", map[string]any{"k": 1}),
			node("b", "t.add", map[string]any{"k": 2}), node("out", "io.output", map[string]any{"name": "result"})},
		Edges: []engine.Edge{edge("c", "out", "a", "a"), edge("a", "out", "b", "a"), edge("b", "out", "out", "value")},
	}
	w := importGraph(t, svc, "Flat", g)
	edited := engine.GraphPatch{BaseVersionID: w.VersionID, Changed: []engine.Node{node("a", "t.add", map[string]any{"k": 5})}}
	made, err := svc.MakeSubworkflowPatch(ctx, w.WorkflowID, edited, []string{"a", "b"}, "Adders")
	if err != nil {
		t.Fatal(err)
	}
	child, err := svc.GetVersion(ctx, made.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	var k any
	for _, n := range child.Graph.Nodes {
		if n.ID == "a" {
			k = n.Params["k"]
		}
	}
	if !num(k, 5) {
		t.Errorf("the new workflow's a has k = %v, want the edit's 5", k)
	}
	ids := map[string]bool{}
	for _, n := range made.Graph.Nodes {
		ids[n.ID] = true
	}
	if len(ids) != 3 || !ids["c"] || !ids["out"] || !ids[made.NodeID] {
		t.Errorf("parent nodes %v, want c, out and %s", ids, made.NodeID)
	}
	other := importGraph(t, svc, "Other", g)
	edited.BaseVersionID = other.VersionID
	if _, err := svc.MakeSubworkflowPatch(ctx, w.WorkflowID, edited, []string{"a"}, "X"); !errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), other.VersionID) {
		t.Errorf("a patch of another workflow's version: %v, want not found naming it", err)
	}
}
