package cli_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestRunChanged: after an edit to B, `plan --changed` and `run --changed` rerun B (changed,
// config_changed) and what follows it (upstream_changed), and reuse the rest; the result is
// that of a full run of the edited version. --changed with --from, or plan with neither, is
// refused with exit 2.
func TestRunChanged(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(chainFile(t, "Chain"))
	first := h.runJSON(0, "Chain", "--input", "x=3")
	edited := writeWorkflow(t, "Chain",
		[]engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("A", "math.expr", params{"expression": "a * 10"}),
			nd("B", "math.expr", params{"expression": "a + 2"}), nd("out", "io.output", params{"name": "result"})},
		[]engine.Edge{ed("in", "x", "A", "a"), ed("A", "result", "B", "a"), ed("B", "result", "out", "value")})
	h.importFile(edited, "--into", "Chain")

	var plan planOut
	h.json(&plan, "plan", "Chain", "--changed", "--json")
	if b := plan.Nodes["B"]; b.Action != "rerun" || !slices.Equal(b.Reasons, []string{"changed", "config_changed"}) {
		t.Errorf("plan B = %+v, want rerun (changed, config_changed)", b)
	}
	if o := plan.Nodes["out"]; o.Action != "rerun" || !slices.Equal(o.Reasons, []string{"upstream_changed"}) {
		t.Errorf("plan out = %+v, want rerun (upstream_changed)", o)
	}
	if a := plan.Nodes["A"]; a.Action != "reuse" || a.SourceGenerationID != first.Nodes["A"].GenerationID {
		t.Errorf("plan A = %+v, want reuse of %s", a, first.Nodes["A"].GenerationID)
	}
	if plan.Rerun != 2 || plan.Reuse != 2 || plan.From != "" {
		t.Errorf("plan rerun %d reuse %d from %q, want 2, 2, \"\"", plan.Rerun, plan.Reuse, plan.From)
	}

	run := h.runJSON(0, "Chain", "--changed")
	if run.Mode != "changed" || run.Status != "completed" || engine.ToText(run.Outputs["result"]) != "32" {
		t.Errorf("run --changed: mode %s status %s outputs %v", run.Mode, run.Status, run.Outputs)
	}
	if b := run.Nodes["B"]; b.Status != "executed" || !slices.Contains(b.Reasons, "changed") {
		t.Errorf("B = %+v, want executed (changed)", b)
	}
	if a := run.Nodes["A"]; a.Status != "reused" || a.GenerationID != first.Nodes["A"].GenerationID {
		t.Errorf("A = %+v, want reused", a)
	}
	// nothing changed since: a second changed run reruns nothing
	h.json(&plan, "plan", "Chain", "--changed", "--json")
	if plan.Rerun != 0 || plan.Reuse != 4 {
		t.Errorf("plan after the changed run: rerun %d reuse %d, want 0 and 4", plan.Rerun, plan.Reuse)
	}

	h.refused([]string{"--changed", "--from"}, "run", "Chain", "--changed", "--from", "B")
	h.refused([]string{"--from", "--changed"}, "plan", "Chain")
	h.refused([]string{"--from", "--changed"}, "plan", "Chain", "--changed", "--from", "B")
}

// TestCacheSetting: the cache is on by default; a changed run of a second workflow with the
// same nodes reuses the first one's generations (reason cached) through the CLI;
// `settings set cache off` turns it off (the next such run executes), and a bad value is
// refused with exit 2.
func TestCacheSetting(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	var out settingsOut
	h.json(&out, "settings", "--json")
	if v, set, ok := out.get("cache"); !ok || set || v != "on" {
		t.Errorf("fresh home: cache = %q (set %v, listed %v), want on by default", v, set, ok)
	}
	h.importFile(chainFile(t, "One"))
	h.importFile(chainFile(t, "Two"))
	h.importFile(chainFile(t, "Three"))
	one := h.runJSON(0, "One", "--input", "x=4")
	two := h.runJSON(0, "Two", "--changed", "--input", "x=4")
	if engine.ToText(two.Outputs["result"]) != "41" {
		t.Errorf("Two: outputs %v", two.Outputs)
	}
	for _, id := range []string{"A", "B", "out"} {
		if rec := two.Nodes[id]; rec.Status != "reused" || !slices.Contains(rec.Reasons, "cached") || rec.GenerationID != one.Nodes[id].GenerationID {
			t.Errorf("Two %s = %+v, want reused (cached) of One's %s", id, rec, one.Nodes[id].GenerationID)
		}
	}
	h.refused([]string{"cache", "on or off"}, "settings", "set", "cache", "maybe")
	h.ok("settings", "set", "cache", "off")
	three := h.runJSON(0, "Three", "--changed", "--input", "x=4")
	if rec := three.Nodes["A"]; rec.Status != "executed" || slices.Contains(rec.Reasons, "cached") {
		t.Errorf("Three A with the cache off = %+v, want executed", rec)
	}
}

// TestPlanSaysCached: `plan --changed` of a copy of a workflow that ran says, node by node,
// that the cache will serve it and names the generation (--json: action reuse, reason
// cached, source_generation_id; text: the generation after the reasons); after an edit in
// the middle, the edited node reruns and what follows it "may be cached".
func TestPlanSaysCached(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(chainFile(t, "Orig"))
	first := h.runJSON(0, "Orig", "--input", "x=3")
	h.importFile(chainFile(t, "Copy"))
	var plan planOut
	h.json(&plan, "plan", "Copy", "--changed", "--input", "x=3", "--json")
	for _, id := range []string{"in", "A", "B", "out"} {
		n, want := plan.Nodes[id], first.Nodes[id].GenerationID
		if n.Action != "reuse" || !slices.Contains(n.Reasons, "cached") || n.SourceGenerationID != want {
			t.Errorf("plan %s = %+v, want reuse (cached) of %s", id, n, want)
		}
	}
	text := h.ok("plan", "Copy", "--changed", "--input", "x=3").stdout
	if !strings.Contains(text, "cached (generation "+first.Nodes["B"].GenerationID+")") {
		t.Errorf("plan text does not name B's cached generation:\n%s", text)
	}
	run := h.runJSON(0, "Copy", "--changed", "--input", "x=3")
	if b := run.Nodes["B"]; b.Status != "reused" || b.GenerationID != first.Nodes["B"].GenerationID {
		t.Errorf("run B = %+v, want what the plan said", b)
	}

	edited := writeWorkflow(t, "Copy",
		[]engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("A", "math.expr", params{"expression": "a * 10"}),
			nd("B", "math.expr", params{"expression": "a + 7"}), nd("out", "io.output", params{"name": "result"})},
		[]engine.Edge{ed("in", "x", "A", "a"), ed("A", "result", "B", "a"), ed("B", "result", "out", "value")})
	h.importFile(edited, "--into", "Copy")
	h.json(&plan, "plan", "Copy", "--changed", "--json")
	if b := plan.Nodes["B"]; b.Action != "rerun" || b.MayBeCached {
		t.Errorf("plan B after the edit = %+v, want rerun", b)
	}
	if o := plan.Nodes["out"]; o.Action != "rerun" || !o.MayBeCached {
		t.Errorf("plan out after the edit = %+v, want rerun, may be cached", o)
	}
	if text := h.ok("plan", "Copy", "--changed").stdout; !regexp.MustCompile(`(?m)^ +out +rerun +.*\(may be cached\)$`).MatchString(text) {
		t.Errorf("plan text after the edit:\n%s", text)
	}
}
