package cli_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

var (
	diffKeys      = []string{"a", "b", "version", "inputs", "graph", "nodes", "outputs"}
	graphDiffKeys = []string{"nodes_added", "nodes_removed", "nodes_changed", "edges_added", "edges_removed"}
	nodeSideKeys  = []string{"status", "reasons", "generation_id", "duration_ms"}
)

type diffOut struct {
	A       string `json:"a"`
	B       string `json:"b"`
	Version struct {
		A, B string
		Same bool
	} `json:"version"`
	Inputs  map[string]struct{ A, B any } `json:"inputs"`
	Graph   engine.GraphDiff              `json:"graph"`
	Nodes   map[string]engine.NodeDiff    `json:"nodes"`
	Outputs map[string]engine.SidePair    `json:"outputs"`
}

func TestDiffCommand(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	imp := h.importFile(chainFile(t, "Chain"))
	r1 := h.runJSON(0, "Chain", "--input", "x=1")
	r2 := h.runJSON(0, "Chain", "--input", "x=2")

	// The exact shape of SPEC §13.
	var raw map[string]json.RawMessage
	decodeOne(t, h.ok("diff", r1.RunID, r2.RunID, "--json"), &raw)
	wantKeys(t, "diff", raw, diffKeys...)
	var g map[string]json.RawMessage
	json.Unmarshal(raw["graph"], &g)
	wantKeys(t, "diff graph", g, graphDiffKeys...)
	var nodes map[string]map[string]json.RawMessage
	json.Unmarshal(raw["nodes"], &nodes)
	var side map[string]json.RawMessage
	json.Unmarshal(nodes["A"]["a"], &side)
	wantKeys(t, "diff node side", side, nodeSideKeys...)

	var d diffOut
	h.json(&d, "diff", r1.RunID, r2.RunID, "--json")
	if d.A != r1.RunID || d.B != r2.RunID || !d.Version.Same || d.Version.A != imp.VersionID {
		t.Fatalf("diff head %+v", d)
	}
	if in := d.Inputs["x"]; len(d.Inputs) != 1 || !jsonEqual(in.A, 1) || !jsonEqual(in.B, 2) {
		t.Fatalf("inputs %+v", d.Inputs)
	}
	if o := d.Outputs["result"]; o.Same || !jsonEqual(o.A, 11) || !jsonEqual(o.B, 21) {
		t.Fatalf("outputs %+v", d.Outputs)
	}
	if d.Nodes["A"].SameOutput || d.Nodes["A"].A.GenerationID != r1.Nodes["A"].GenerationID {
		t.Fatalf("node A %+v", d.Nodes["A"])
	}
	plain := h.ok("diff", r1.RunID, r2.RunID).stdout
	for _, want := range []string{"Inputs that differ", "x: 1 → 2", "result: 11 → 21", "Nodes that differ"} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain diff lacks %q:\n%s", want, plain)
		}
	}
	// What differs comes before what is the same.
	if strings.Index(plain, "Inputs that differ") > strings.Index(plain, "Same:") {
		t.Errorf("plain diff does not start with the differences:\n%s", plain)
	}

	// A second version: one param changed, one node and its edge added.
	v2 := writeWorkflow(t, "Chain",
		[]engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}, {Name: "note", Type: engine.TypeString}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("A", "math.expr", params{"expression": "a * 100"}),
			nd("B", "math.expr", params{"expression": "a + 1"}), nd("out", "io.output", params{"name": "result"}),
			nd("C", "math.expr", params{"expression": "a - 1"})},
		[]engine.Edge{ed("in", "x", "A", "a"), ed("A", "result", "B", "a"), ed("B", "result", "out", "value"), ed("A", "result", "C", "a")})
	h.importFile(v2, "--into", "Chain")
	r3 := h.runJSON(0, "Chain", "--input", "x=1")
	var dv diffOut
	h.json(&dv, "diff", r1.RunID, r3.RunID, "--json")
	if dv.Version.Same || !reflect.DeepEqual(dv.Graph.NodesAdded, []string{"C"}) || !reflect.DeepEqual(dv.Graph.EdgesAdded, []string{"A.result->C.a"}) {
		t.Fatalf("graph diff %+v", dv.Graph)
	}
	if e := dv.Graph.NodesChanged["A"]["expression"]; e.A != "a * 10" || e.B != "a * 100" {
		t.Fatalf("changed params %+v", dv.Graph.NodesChanged)
	}
	if _, ok := dv.Inputs["note"]; !ok || len(dv.Inputs) != 1 || dv.Nodes["C"].A != nil || dv.Nodes["C"].B == nil {
		t.Fatalf("diff across versions %+v", dv)
	}
	plain = h.ok("diff", r1.RunID, r3.RunID).stdout
	for _, want := range []string{"Versions differ: v1 → v2", "node added   C", `node changed A: expression "a * 10" → "a * 100"`, "edge added   A.result->C.a"} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain diff lacks %q:\n%s", want, plain)
		}
	}

	// diff --versions
	var vraw map[string]json.RawMessage
	decodeOne(t, h.ok("diff", "--versions", "Chain", "v1", "v2", "--json"), &vraw)
	wantKeys(t, "diff --versions", vraw, "graph", "inputs_added", "inputs_removed", "inputs_changed")
	var vd engine.VersionDiff
	h.json(&vd, "diff", "--versions", "Chain", "v1", "v2", "--json")
	if !reflect.DeepEqual(vd.InputsAdded, []string{"note"}) || !reflect.DeepEqual(vd.Graph.NodesAdded, []string{"C"}) {
		t.Fatalf("version diff %+v", vd)
	}
	if out := h.ok("diff", "--versions", "Chain", "v1", "v2").stdout; !strings.Contains(out, "input added    note") || !strings.Contains(out, "node added   C") {
		t.Errorf("plain version diff:\n%s", out)
	}

	// Refusals: exit 2 naming the id; nothing on stdout.
	h.refused([]string{"no-such-run"}, "diff", r1.RunID, "no-such-run", "--json")
	h.refused([]string{"ghost"}, "diff", "ghost", r1.RunID)
	h.refused([]string{r1.RunID, "twice"}, "diff", r1.RunID, r1.RunID)
	h.refused([]string{"v9"}, "diff", "--versions", "Chain", "v1", "v9")
	h.refused([]string{"v1", "twice"}, "diff", "--versions", "Chain", "v1", "v1")
	h.refused([]string{"usage"}, "diff", r1.RunID)
	h.refused([]string{"--bogus"}, "diff", r1.RunID, r2.RunID, "--bogus")
}

func TestRestoreCommand(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(chainFile(t, "Chain"))
	r1 := h.runJSON(0, "Chain", "--input", "x=1")
	h.runJSON(0, "Chain", "--input", "x=2")

	var raw map[string]json.RawMessage
	decodeOne(t, h.ok("restore", r1.RunID, "--json"), &raw)
	wantKeys(t, "restore", raw, "workflow_id", "version_id", "selected", "missing")
	var res engine.RestoreResult
	var tl struct {
		Current string `json:"current_generation_id"`
	}
	h.json(&tl, "generations", "Chain", "A", "--json")
	if tl.Current != r1.Nodes["A"].GenerationID {
		t.Fatalf("after restore A's current is %s, want run 1's %s", tl.Current, r1.Nodes["A"].GenerationID)
	}
	// A run from B builds on the restored run: its output is run 1's.
	fr := h.runJSON(0, "Chain", "--from", "B")
	if !jsonEqual(fr.Outputs["result"], r1.Outputs["result"]) {
		t.Fatalf("run --from B after restore gave %v, want %v", fr.Outputs["result"], r1.Outputs["result"])
	}
	h.json(&res, "restore", "--undo", "Chain", "--json")
	if res.Selected["A"] != "" {
		t.Fatalf("undo put back %+v", res)
	}
	h.refused([]string{"Chain", "no restore"}, "restore", "--undo", "Chain")
	h.refused([]string{"nope-42"}, "restore", "nope-42")
	h.refused([]string{"usage"}, "restore")
	if out := h.ok("restore", r1.RunID).stdout; !strings.Contains(out, "Restored run "+r1.RunID) {
		t.Errorf("plain restore: %s", out)
	}
	// The usage text lists the commands.
	usage := h.ok("help").stdout
	for _, want := range []string{"flowbench diff RUN_A RUN_B", "flowbench diff --versions WORKFLOW V1 V2", "flowbench restore RUN"} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q", want)
		}
	}
}
