package engine_test

import (
	"reflect"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// changedPlan plans a changed run (SPEC §14) on top of the history.
func (h *history) changedPlan(tb testing.TB, given map[string]any) (engine.PlanInput, engine.Plan) {
	tb.Helper()
	in := h.planInput(tb, "", given)
	in.Changed = true
	p, err := engine.BuildPlan(in)
	if err != nil {
		tb.Fatal(err)
	}
	return in, p
}

// TestPlanChanged: a changed run reruns every node with a reason of its own (changed + that
// reason) and what depends on it (upstream_changed), and reuses the rest.
func TestPlanChanged(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	changed := engine.ReasonChanged
	cases := []struct {
		name         string
		fixture      string
		setup        func(tb testing.TB, h *history)
		want         map[string]wantNode
		rerun, reuse int
	}{
		{
			name: "nothing changed", fixture: "chain",
			setup: func(tb testing.TB, h *history) { h.run(tb, "r1", nil) },
			want: map[string]wantNode{"src": reuse("r1/src"), "m1": reuse("r1/m1"), "m2": reuse("r1/m2"),
				"m3": reuse("r1/m3"), "out": reuse("r1/out")},
			rerun: 0, reuse: 5,
		},
		{
			name: "one node edited in the middle", fixture: "chain",
			setup: func(tb testing.TB, h *history) {
				h.run(tb, "r1", nil)
				setParam(tb, &h.g, "m2", "expression", "a * 4")
			},
			want: map[string]wantNode{"src": reuse("r1/src"), "m1": reuse("r1/m1"), "m2": rerun(changed, configChg),
				"m3": rerun(upstream), "out": rerun(upstream)},
			rerun: 3, reuse: 2,
		},
		{
			name: "never ran", fixture: "chain",
			setup: func(tb testing.TB, h *history) {},
			want: map[string]wantNode{"src": rerun(changed, noPrior), "m1": rerun(changed, noPrior), "m2": rerun(changed, noPrior),
				"m3": rerun(changed, noPrior), "out": rerun(changed, noPrior)},
			rerun: 5, reuse: 0,
		},
		{
			name: "one side of a diamond edited", fixture: "diamond",
			setup: func(tb testing.TB, h *history) {
				h.run(tb, "r1", nil)
				setParam(tb, &h.g, "left", "expression", "a + 100")
			},
			want: map[string]wantNode{"src": reuse("r1/src"), "left": rerun(changed, configChg), "right": reuse("r1/right"),
				"side": reuse("r1/side"), "join": rerun(upstream), "out": rerun(upstream)},
			rerun: 3, reuse: 3,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHistory(reg, loadPlanFixture(t, c.fixture))
			c.setup(t, h)
			_, p := h.changedPlan(t, nil)
			if !p.Changed || p.From != "" {
				t.Errorf("plan changed=%v from=%q", p.Changed, p.From)
			}
			for id, w := range c.want {
				got := p.Nodes[id]
				if got.Action != w.action || !slicesEqual(got.Reasons, w.reasons) || got.SourceGenerationID != w.source {
					t.Errorf("%s: %s %v source %q, want %s %v source %q", id, got.Action, got.Reasons, got.SourceGenerationID,
						w.action, w.reasons, w.source)
				}
			}
			if len(c.want) != len(p.Nodes) || p.Rerun != c.rerun || p.Reuse != c.reuse {
				t.Errorf("plan has %d nodes, rerun %d reuse %d; want %d, %d, %d", len(p.Nodes), p.Rerun, p.Reuse, len(c.want), c.rerun, c.reuse)
			}
		})
	}
}

// TestChangedRunEqualsFullRun: after an edit, a changed run gives the outputs a full run of
// the edited graph gives, and executes only the edited node and what follows it.
func TestChangedRunEqualsFullRun(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	h := newHistory(reg, loadPlanFixture(t, "diamond"))
	h.run(t, "r1", nil)
	setParam(t, &h.g, "right", "expression", "a * 7")
	in, p := h.changedPlan(t, nil)
	res := h.exec(t, "r2", in.Inputs, &p)
	full := newHistory(reg, h.g).run(t, "f1", nil)
	if !reflect.DeepEqual(res.Outputs, full.Outputs) {
		t.Errorf("changed run outputs %v, full run %v", res.Outputs, full.Outputs)
	}
	for id, rec := range res.Nodes {
		wantExec := id == "right" || id == "join" || id == "out"
		if (rec.Status == engine.NodeExecuted) != wantExec {
			t.Errorf("%s: %s %v", id, rec.Status, rec.Reasons)
		}
	}
	for _, r := range res.Reused {
		if r.NodeID == "right" || r.NodeID == "join" {
			t.Errorf("%s reused", r.NodeID)
		}
	}
}
