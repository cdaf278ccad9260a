package engine_test

import (
	"context"
	"slices"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestPlanReasonsNameTheCause: a node whose own params changed says config_changed, as the
// target too and after it failed; a node reused because of a pick says selected.
func TestPlanReasonsNameTheCause(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := libRegistry(t)

	t.Run("edited target", func(t *testing.T) {
		t.Parallel()
		svc := newService(t, reg, 4)
		imp := importFixture(t, svc, "chain")
		runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
		g := versionGraph(t, svc, imp.WorkflowID)
		setParam(t, &g, "m2", "expression", "a * 4")
		p, err := svc.PlanGraph(ctx, imp.WorkflowID, g, "m2", nil)
		if err != nil || !slices.Equal(p.Nodes["m2"].Reasons, []string{target, configChg}) {
			t.Errorf("m2: %+v %v, want target and config_changed", p.Nodes["m2"], err)
		}
	})

	t.Run("failed target fixed", func(t *testing.T) {
		t.Parallel()
		svc := newService(t, reg, 4)
		imp := importFixture(t, svc, "chain")
		g := versionGraph(t, svc, imp.WorkflowID)
		setParam(t, &g, "m2", "expression", "a % 0")
		if _, err := svc.SaveVersion(ctx, imp.WorkflowID, g, "broken", "", true); err != nil {
			t.Fatal(err)
		}
		if r := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID}); r.Status != engine.RunFailed {
			t.Fatalf("broken run: %s", r.Status)
		}
		// Unchanged, it only failed before.
		p, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "m2", nil)
		if err != nil || !slices.Equal(p.Nodes["m2"].Reasons, []string{target, priorError}) {
			t.Errorf("m2 unchanged: %+v %v, want target and prior_error", p.Nodes["m2"], err)
		}
		setParam(t, &g, "m2", "expression", "a * 3")
		if _, err := svc.SaveVersion(ctx, imp.WorkflowID, g, "fixed", "", true); err != nil {
			t.Fatal(err)
		}
		want := []string{target, priorError, configChg}
		p, err = svc.PlanFrom(ctx, imp.WorkflowID, "", "m2", nil)
		if err != nil || !slices.Equal(p.Nodes["m2"].Reasons, want) {
			t.Errorf("m2 fixed: %+v %v, want %v", p.Nodes["m2"], err, want)
		}
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "m2"})
		if rec := run.Snapshot.Records()["m2"]; run.Status != engine.RunCompleted || !slices.Equal(rec.Reasons, want) {
			t.Errorf("run from m2: %s, m2 %+v, want %v", run.Status, rec, want)
		}
	})

	t.Run("picked generation", func(t *testing.T) {
		t.Parallel()
		svc := newService(t, reg, 4)
		imp := importFixture(t, svc, "random")
		r1 := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
		runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
		pick := r1.Snapshot.Records()["dice"].GenerationID
		if err := svc.SelectGeneration(ctx, imp.WorkflowID, "dice", pick); err != nil {
			t.Fatal(err)
		}
		p, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "add", nil)
		if pn := p.Nodes["dice"]; err != nil || pn.Action != engine.ActionReuse || !slices.Equal(pn.Reasons, []string{engine.ReasonSelected}) {
			t.Errorf("dice: %+v %v, want reused: selected", pn, err)
		}
		if pn := p.Nodes["seeded"]; pn.Action != engine.ActionReuse || len(pn.Reasons) != 0 {
			t.Errorf("seeded (not picked): %+v, want reused with no reason", pn)
		}
		run := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "add"})
		if rec := run.Snapshot.Records()["dice"]; rec.Status != engine.NodeReused || rec.GenerationID != pick ||
			!slices.Equal(rec.Reasons, []string{engine.ReasonSelected}) {
			t.Errorf("run from add: dice %+v", rec)
		}
	})
}

// TestNodeDeterminismFollowsParams: image.noise and util.random are deterministic with a
// seed and not without one; the answer is the node's, not its type's.
func TestNodeDeterminismFollowsParams(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	for _, tc := range []struct {
		typ    string
		params map[string]any
		want   bool
	}{
		{"image.noise", map[string]any{"seed": int64(3), "width": int64(64)}, true},
		{"image.noise", map[string]any{"seed": "{{seed}}"}, true},
		{"image.noise", map[string]any{"width": int64(64)}, false},
		{"image.noise", map[string]any{"seed": ""}, false},
		{"util.random", map[string]any{"seed": int64(7)}, true},
		{"util.random", nil, false},
		{"math.expr", map[string]any{"expression": "a + 1"}, true},
		{"math.expr", map[string]any{"expression": "now().Unix()"}, false},
		{"http.request", nil, false},
	} {
		got, err := reg.NodeDeterministic(tc.typ, tc.params)
		if err != nil || got != tc.want {
			t.Errorf("%s %v: %v %v, want %v", tc.typ, tc.params, got, err, tc.want)
		}
	}
	if _, err := reg.NodeDeterministic("no.such", nil); err == nil {
		t.Error("an unknown type has an answer")
	}
}
