package cli_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/flowbench/flowbench/engine"
)

// TestRunsNewestFirst: runs --json lists every run, newest first, in the SPEC shape.
func TestRunsNewestFirst(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	imp := h.importFile(chainFile(t, "Chain"))
	var ids []string
	for x := 1; x <= 3; x++ {
		run := h.runJSON(0, "Chain", "--input", fmt.Sprintf("x=%d", x))
		if got := engine.ToText(run.Outputs["result"]); got != fmt.Sprint(x*10+1) {
			t.Errorf("x=%d: result %s", x, got)
		}
		ids = append(ids, run.RunID)
	}
	var raw map[string][]map[string]json.RawMessage
	decodeOne(t, h.ok("runs", "--json"), &raw)
	if len(raw) != 1 || len(raw["runs"]) != 3 {
		t.Fatalf("runs = %v", raw)
	}
	for _, r := range raw["runs"] {
		wantKeys(t, "runs item", r, runsItemKeys...)
	}
	runs := h.runs()
	for i, r := range runs.Runs {
		if want := ids[len(ids)-1-i]; r.ID != want {
			t.Errorf("runs[%d] = %s, want %s (newest first)", i, r.ID, want)
		}
		if r.Status != "completed" || r.Mode != "full" || r.WorkflowID != imp.WorkflowID || r.VersionLabel != "v1" {
			t.Errorf("runs[%d] = %+v", i, r)
		}
		if want := fmt.Sprintf("x=%d", 3-i); r.Label != want {
			t.Errorf("runs[%d] label = %q, want %q", i, r.Label, want)
		}
	}
	// Filtered by workflow, by name or id.
	other := h.importFile(chainFile(t, "Other"))
	h.runJSON(0, other.WorkflowID, "--input", "x=5")
	var only runsOut
	h.json(&only, "runs", "Chain", "--json")
	if len(only.Runs) != 3 {
		t.Errorf("runs Chain lists %d runs, want 3", len(only.Runs))
	}
	if all := h.runs(); len(all.Runs) != 4 || all.Runs[0].WorkflowID != other.WorkflowID {
		t.Errorf("runs lists %d runs, newest %+v", len(all.Runs), all.Runs[0])
	}
}

// TestGenerationsAcrossRunsAndVersions: a node's timeline lists every generation newest
// first across runs and versions; ids match what the runs reported; the config hash and
// input fingerprint are persisted (plan and early cutoff in a later process depend on them).
func TestGenerationsAcrossRunsAndVersions(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	imp := h.importFile(chainFile(t, "Chain"))
	var genA []string // A's generation per run, oldest first
	var versions []string
	for x := 1; x <= 2; x++ {
		run := h.runJSON(0, "Chain", "--input", fmt.Sprintf("x=%d", x))
		genA = append(genA, run.Nodes["A"].GenerationID)
		versions = append(versions, "v1")
	}
	changed := writeWorkflow(t, "Chain",
		[]engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("A", "math.expr", params{"expression": "a * 100"}),
			nd("B", "math.expr", params{"expression": "a + 1"}), nd("out", "io.output", params{"name": "result"})},
		[]engine.Edge{ed("in", "x", "A", "a"), ed("A", "result", "B", "a"), ed("B", "result", "out", "value")})
	h.importFile(changed, "--into", "Chain")
	run := h.runJSON(0, "Chain", "--input", "x=3")
	genA = append(genA, run.Nodes["A"].GenerationID)
	versions = append(versions, "v2")

	var raw map[string]json.RawMessage
	decodeOne(t, h.ok("generations", "Chain", "A", "--json"), &raw)
	wantKeys(t, "generations", raw, gensKeys...)
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw["generations"], &items); err != nil || len(items) == 0 {
		t.Fatalf("generations list: %v %s", err, raw["generations"])
	}
	wantKeys(t, "generation", items[0], genItemKeys...)

	tl := h.generations("Chain", "A")
	if tl.WorkflowID != imp.WorkflowID || tl.NodeID != "A" || len(tl.Generations) != 3 {
		t.Fatalf("timeline = %+v", tl)
	}
	wantOut := []float64{300, 20, 10}
	for i, g := range tl.Generations {
		j := len(genA) - 1 - i
		if g.ID != genA[j] || g.VersionLabel != versions[j] || g.Status != "completed" || g.Selected {
			t.Errorf("generations[%d] = %+v, want %s of %s", i, g, genA[j], versions[j])
		}
		if g.Outputs["result"] != wantOut[i] {
			t.Errorf("generations[%d] outputs = %v, want result %v", i, g.Outputs, wantOut[i])
		}
	}
	if tl.CurrentGenerationID != genA[2] {
		t.Errorf("current = %s, want the latest %s", tl.CurrentGenerationID, genA[2])
	}

	// The persisted config hash lets a later process see A unchanged (reused, its current
	// generation as source); the fingerprint lets B be cut off when its input is the same.
	var plan planOut
	h.json(&plan, "plan", "Chain", "--from", "B", "--json")
	if a := plan.Nodes["A"]; a.Action != "reuse" || a.SourceGenerationID != genA[2] {
		t.Errorf("plan A = %+v, want reuse of %s", a, genA[2])
	}
	rerun := h.runJSON(0, "Chain", "--from", "A")
	if b := rerun.Nodes["B"]; b.Status != "reused" || !slices.Contains(b.Reasons, "inputs_unchanged") || b.GenerationID != run.Nodes["B"].GenerationID {
		t.Errorf("B after rerunning A with the same inputs = %+v, want reused (inputs_unchanged) of %s", b, run.Nodes["B"].GenerationID)
	}
	if a := rerun.Nodes["A"]; a.Status != "executed" || a.GenerationID == genA[2] {
		t.Errorf("A as target = %+v, want a new execution", a)
	}

	// Straight from the database: every generation the runs named carries both hashes.
	db := openDB(t, h.dir)
	for _, id := range append(genA, rerun.Nodes["A"].GenerationID, run.Nodes["B"].GenerationID) {
		var cfg, fp string
		if err := db.QueryRow(`SELECT config_hash, input_fingerprint FROM generations WHERE id = ?`, id).Scan(&cfg, &fp); err != nil {
			t.Errorf("generation %s: %v", id, err)
			continue
		}
		if cfg == "" || fp == "" {
			t.Errorf("generation %s has config hash %q fingerprint %q", id, cfg, fp)
		}
	}
	var cfg1, cfg3 string
	db.QueryRow(`SELECT config_hash FROM generations WHERE id = ?`, genA[0]).Scan(&cfg1)
	db.QueryRow(`SELECT config_hash FROM generations WHERE id = ?`, genA[2]).Scan(&cfg3)
	if cfg1 == cfg3 {
		t.Errorf("A's config hash did not change between v1 (a * 10) and v2 (a * 100): %s", cfg1)
	}
}

// openDB opens a home's database directly, read-only, as a tool would.
func openDB(t testing.TB, home string) *sql.DB {
	t.Helper()
	u := url.URL{Path: filepath.Join(home, "flowbench.db")}
	db, err := sql.Open("sqlite3", "file:"+u.EscapedPath()+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// typedFile declares one input of each scalar kind.
func typedFile(t testing.TB) string {
	return writeWorkflow(t, "Typed",
		[]engine.InputDecl{
			{Name: "count", Type: engine.TypeInteger, Required: true},
			{Name: "ratio", Type: engine.TypeNumber, Default: 0.5},
			{Name: "opts", Type: engine.TypeObject, Default: map[string]any{}},
			{Name: "flag", Type: engine.TypeBoolean, Default: false},
		},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("calc", "math.expr", params{"expression": "a * inputs.ratio"}),
			nd("out", "io.output", params{"name": "value"})},
		[]engine.Edge{ed("in", "count", "calc", "a"), ed("calc", "result", "out", "value")})
}

// TestRefusedRunInput: each bad input value is refused before anything is queued: exit 2,
// a message naming the input, and no run row left behind.
func TestRefusedRunInput(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(typedFile(t))
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"missing required input", nil, []string{"count", "missing"}},
		{"text for an integer", []string{"--input", "count=abc"}, []string{"count", "abc"}},
		{"fraction for an integer", []string{"--input", "count=1.5"}, []string{"count", "1.5"}},
		{"unknown input name", []string{"--input", "count=1", "--input", "colour=red"}, []string{"colour"}},
		{"text for a number", []string{"--input", "count=1", "--input", "ratio=half"}, []string{"ratio"}},
		{"non-object for an object", []string{"--input", "count=1", "--input", "opts=[1,2]"}, []string{"opts"}},
		{"non-boolean for a boolean", []string{"--input", "count=1", "--input", "flag=maybe"}, []string{"flag"}},
		{"inputs file with a fraction", []string{"--inputs", writeFile(t, "in.json", `{"count": 2.5}`)}, []string{"count"}},
		{"unknown workflow", nil, []string{"Nope"}},
		{"from an unknown node", []string{"--input", "count=1", "--from", "ghost"}, []string{"ghost"}},
	}
	for _, c := range cases {
		wf := "Typed"
		if c.name == "unknown workflow" {
			wf = "Nope"
		}
		r := h.refused(c.want, append([]string{"run", wf, "--json"}, c.args...)...)
		if t.Failed() {
			t.Logf("case %q: %s", c.name, r)
		}
	}
	h.refused([]string{"count"}, "plan", "Typed", "--from", "calc", "--input", "count=x", "--json")
	if runs := h.runs(); len(runs.Runs) != 0 {
		t.Errorf("refused runs left %d runs behind: %+v", len(runs.Runs), runs.Runs)
	}
	if tl := h.generations("Typed", "calc"); len(tl.Generations) != 0 {
		t.Errorf("refused runs left generations: %+v", tl.Generations)
	}
	// The same inputs, well typed, run; a default fills the omitted ratio.
	if run := h.runJSON(0, "Typed", "--input", "count=4"); engine.ToText(run.Outputs["value"]) != "2" {
		t.Errorf("count=4 × default ratio 0.5 = %v", run.Outputs["value"])
	}
}

// TestFailedRunExits1: a node error fails the run: exit 1, status failed, the error names
// the node, and the failed generation is kept.
func TestFailedRunExits1(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(writeWorkflow(t, "Parse",
		[]engine.InputDecl{{Name: "text", Type: engine.TypeString, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("parse", "json.parse", nil), nd("out", "io.output", params{"name": "value"})},
		[]engine.Edge{ed("in", "text", "parse", "text"), ed("parse", "value", "out", "value")}))
	run := h.runJSON(1, "Parse", "--input", "text={not json")
	if run.Status != "failed" || !strings.Contains(run.Error, "parse") {
		t.Errorf("failed run: %s %q", run.Status, run.Error)
	}
	p := run.Nodes["parse"]
	if p.Status != "failed" || p.Error == "" || p.GenerationID == "" {
		t.Errorf("parse = %+v, want failed with an error and a generation", p)
	}
	if o := run.Nodes["out"]; o.Status == "executed" {
		t.Errorf("out after a failed parse = %+v", o)
	}
	tl := h.generations("Parse", "parse")
	if len(tl.Generations) != 1 || tl.Generations[0].Status != "failed" || tl.Generations[0].ID != p.GenerationID {
		t.Errorf("failed generation not kept: %+v", tl)
	}
	if r := h.run("run", "Parse", "--input", "text={not json"); r.code != 1 || !strings.Contains(r.stdout+r.stderr, "parse") {
		t.Errorf("human output of a failed run:\n%s", r)
	}
	if runs := h.runs(); len(runs.Runs) != 2 || runs.Runs[0].Status != "failed" {
		t.Errorf("runs = %+v", runs.Runs)
	}
}

// TestRunFromSelectedGeneration is issue 4 through the CLI: with three generations of A, the
// oldest one selected feeds a run from A's child, and plan explains it in the SPEC shape.
func TestRunFromSelectedGeneration(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	imp := h.importFile(chainFile(t, "Chain"))
	var first runOut
	for x := 1; x <= 3; x++ {
		run := h.runJSON(0, "Chain", "--input", fmt.Sprintf("x=%d", x))
		if x == 1 {
			first = run
		}
	}
	tl := h.generations("Chain", "A")
	if len(tl.Generations) != 3 || tl.Generations[2].ID != first.Nodes["A"].GenerationID {
		t.Fatalf("A's timeline = %+v", tl)
	}
	oldest := tl.Generations[2].ID
	h.ok("select", "Chain", "A", oldest)
	tl = h.generations("Chain", "A")
	if tl.CurrentGenerationID != oldest || !tl.Generations[2].Selected || tl.Generations[0].Selected {
		t.Fatalf("after select: %+v", tl)
	}

	var raw map[string]json.RawMessage
	decodeOne(t, h.ok("plan", "Chain", "--from", "B", "--json"), &raw)
	wantKeys(t, "plan", raw, planKeys...)
	var rawNodes map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw["nodes"], &rawNodes); err != nil {
		t.Fatal(err)
	}
	for id, n := range rawNodes {
		// SPEC §14 (cache): a rerun node the cache may serve once what it depends on has
		// executed says so; the key is there only then
		if v, ok := n["may_be_cached"]; ok && string(v) != "true" {
			t.Errorf("plan node %s: may_be_cached %s", id, v)
		}
		delete(n, "may_be_cached")
		wantKeys(t, "plan node "+id, n, planNodeKeys...)
		checkReasons(t, "plan node "+id, n["reasons"])
	}
	var plan planOut
	h.json(&plan, "plan", "Chain", "--from", "B", "--json")
	if plan.WorkflowID != imp.WorkflowID || plan.VersionID != imp.VersionID || plan.From != "B" {
		t.Errorf("plan head = %+v", plan)
	}
	if a := plan.Nodes["A"]; a.Action != "reuse" || a.SourceGenerationID != oldest {
		t.Errorf("plan A = %+v, want reuse of the selected %s", a, oldest)
	}
	if b := plan.Nodes["B"]; b.Action != "rerun" || !slices.Contains(b.Reasons, "target") {
		t.Errorf("plan B = %+v, want rerun (target)", b)
	}
	if o := plan.Nodes["out"]; o.Action != "rerun" || !slices.Contains(o.Reasons, "downstream_of_target") {
		t.Errorf("plan out = %+v, want rerun (downstream_of_target)", o)
	}
	rerun, reuse := 0, 0
	for _, n := range plan.Nodes {
		switch n.Action {
		case "rerun":
			rerun++
		case "reuse":
			reuse++
		}
	}
	if plan.Rerun != rerun || plan.Reuse != reuse || rerun != 2 {
		t.Errorf("plan counts rerun %d reuse %d, nodes say %d and %d", plan.Rerun, plan.Reuse, rerun, reuse)
	}

	run := h.runJSON(0, "Chain", "--from", "B")
	if run.Mode != "from_block" || run.Status != "completed" {
		t.Fatalf("run --from B: %s %s %s", run.Mode, run.Status, run.Error)
	}
	// The oldest generation of A (x=1 → 10) feeds B: 11, not 31 from the latest run.
	if got := engine.ToText(run.Outputs["result"]); got != "11" {
		t.Errorf("run --from B result = %s, want 11 (from the selected generation)", got)
	}
	if a := run.Nodes["A"]; a.Status != "reused" || a.GenerationID != oldest {
		t.Errorf("A in the run = %+v, want reused %s", a, oldest)
	}
	if b := run.Nodes["B"]; b.Status != "executed" || !slices.Contains(b.Reasons, "target") {
		t.Errorf("B in the run = %+v", b)
	}
	// Clearing the selection makes the latest generation current again.
	h.ok("select", "Chain", "A", "none")
	if run := h.runJSON(0, "Chain", "--from", "B"); engine.ToText(run.Outputs["result"]) != "31" {
		t.Errorf("after clearing the selection result = %v, want 31", run.Outputs["result"])
	}
	h.refused([]string{"no-such-generation"}, "select", "Chain", "A", "no-such-generation")
}

// approvalFile pauses at a control.approval between the input and the output.
func approvalFile(t testing.TB) string {
	return writeWorkflow(t, "Review",
		[]engine.InputDecl{{Name: "draft", Type: engine.TypeString, Default: "first draft"}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("ok", "control.approval", params{"message": "Publish?"}),
			nd("post", "text.template", params{"template": "published: {{a}}"}), nd("out", "io.output", params{"name": "post"})},
		[]engine.Edge{ed("in", "draft", "ok", "value"), ed("ok", "value", "post", "a"), ed("post", "text", "out", "value")})
}

// TestApprovalInNewProcess is issue 5: a run pauses (exit 3) and its process ends; a new
// process approves it with an edited value and the run completes with it.
func TestApprovalInNewProcess(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(approvalFile(t))
	paused := h.runJSON(3, "Review")
	if paused.Status != "paused" || len(paused.Outputs) != 0 {
		t.Fatalf("run: %s %v", paused.Status, paused.Outputs)
	}
	if in := paused.Nodes["in"]; in.Status != "executed" || in.GenerationID == "" {
		t.Errorf("in before the pause = %+v", in)
	}
	for _, id := range []string{"post", "out"} {
		if n := paused.Nodes[id]; n.Status == "skipped" || n.Status == "executed" {
			t.Errorf("%s waits behind the approval but is %s", id, n.Status)
		}
	}
	if runs := h.runs(); len(runs.Runs) != 1 || runs.Runs[0].Status != "paused" {
		t.Fatalf("runs after the pause: %+v", runs.Runs)
	}
	// Another process (this one) sees it paused, not interrupted, and resumes it.
	final := h.runJSONCmd(0, "approve", paused.RunID, "--value", `"edited"`)
	if final.RunID != paused.RunID || final.Status != "completed" {
		t.Fatalf("approve: %s %s %q", final.RunID, final.Status, final.Error)
	}
	if got := final.Outputs["post"]; got != "published: edited" {
		t.Errorf("output after approval = %v, want the approved value", got)
	}
	if in := final.Nodes["in"]; in.GenerationID != paused.Nodes["in"].GenerationID {
		t.Errorf("in was executed again after the approval: %+v", in)
	}
	if runs := h.runs(); len(runs.Runs) != 1 || runs.Runs[0].Status != "completed" {
		t.Errorf("runs after approval: %+v", runs.Runs)
	}
	// Approving a run that is not paused is refused.
	h.refused([]string{paused.RunID, "not paused"}, "approve", paused.RunID, "--json")
	h.refused([]string{"nope"}, "approve", "nope")

	// A rejection ends the run without the output.
	again := h.runJSON(3, "Review", "--input", "draft=second")
	rejected := h.runJSONCmd(1, "approve", again.RunID, "--reject")
	if rejected.Status != "failed" || rejected.Outputs["post"] != nil || !strings.Contains(rejected.Error, "ok") {
		t.Errorf("after reject: %s %v %q", rejected.Status, rejected.Outputs, rejected.Error)
	}
}

// runJSONCmd runs any command printing a run object with --json.
func (h *home) runJSONCmd(code int, args ...string) runOut {
	h.t.Helper()
	var out runOut
	r := h.jsonCode(code, &out, append(args, "--json")...)
	checkRunShape(h.t, []byte(r.stdout))
	return out
}

// TestBatch: a batch with one bad line is refused whole, naming the line, with nothing
// queued; a good batch prints one run per line in input order with labels from inputs.
func TestBatch(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(writeWorkflow(t, "Seeded",
		[]engine.InputDecl{{Name: "seed", Type: engine.TypeInteger, Required: true}, {Name: "ms", Type: engine.TypeInteger, Default: 5}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("wait", "util.delay", params{"ms": "{{ms}}"}),
			nd("calc", "math.expr", params{"expression": "a * 2"}), nd("out", "io.output", params{"name": "double"})},
		[]engine.Edge{ed("in", "seed", "wait", "value"), ed("wait", "value", "calc", "a"), ed("calc", "result", "out", "value")}))

	bad := writeFile(t, "bad.jsonl", "{\"seed\": 1}\n\n{\"seed\": 2}\n{\"seed\": \"x\"}\n{\"seed\": 4}\n")
	h.refused([]string{"line 4", "seed"}, "run", "Seeded", "--batch", bad, "--json")
	notJSON := writeFile(t, "notjson.jsonl", "{\"seed\": 1}\n[1, 2]\n")
	h.refused([]string{"line 2"}, "run", "Seeded", "--batch", notJSON)
	unknown := writeFile(t, "unknown.jsonl", "{\"seed\": 1}\n{\"seed\": 2, \"colour\": \"red\"}\n")
	h.refused([]string{"line 2", "colour"}, "run", "Seeded", "--batch", unknown)
	if runs := h.runs(); len(runs.Runs) != 0 {
		t.Fatalf("a refused batch queued %d runs", len(runs.Runs))
	}

	// Later lines are faster, so they finish first; the output keeps the input order.
	var lines []string
	const n = 12
	for i := 0; i < n; i++ {
		lines = append(lines, fmt.Sprintf(`{"seed": %d, "ms": %d}`, i, 5+(n-i)*8))
	}
	lines[7] = `{"seed": 7}` // ms at its default: still named, it varies in this batch
	good := writeFile(t, "good.jsonl", strings.Join(lines, "\n")+"\n")
	r := h.run("run", "Seeded", "--batch", good, "--max-concurrent", "4", "--json")
	if r.code != 0 {
		t.Fatalf("batch: %s", r)
	}
	objs := decodeLines(t, r)
	if len(objs) != n {
		t.Fatalf("batch printed %d lines, want %d", len(objs), n)
	}
	ids := map[string]int{}
	for i, obj := range objs {
		wantKeys(t, fmt.Sprintf("batch line %d", i+1), obj, runKeys...)
		var run runOut
		raw, _ := json.Marshal(obj)
		json.Unmarshal(raw, &run)
		if run.Status != "completed" || engine.ToText(run.Outputs["double"]) != fmt.Sprint(2*i) {
			t.Errorf("line %d: %s %v, want double %d (input order)", i+1, run.Status, run.Outputs, 2*i)
		}
		ids[run.RunID] = i
	}
	runs := h.runs()
	if len(runs.Runs) != n {
		t.Fatalf("runs after the batch: %d", len(runs.Runs))
	}
	for _, r := range runs.Runs {
		i, ok := ids[r.ID]
		if !ok {
			t.Errorf("run %s was not printed", r.ID)
			continue
		}
		want := fmt.Sprintf("seed=%d ms=%d", i, 5+(n-i)*8)
		if i == 7 {
			want = "seed=7 ms=5"
		}
		if r.Label != want {
			t.Errorf("run of line %d label = %q, want %q", i+1, r.Label, want)
		}
	}
	h.refused([]string{"--max-concurrent"}, "run", "Seeded", "--batch", good, "--max-concurrent", "0")
	h.refused([]string{"--batch"}, "run", "Seeded", "--batch", good, "--input", "seed=1")
}

// TestApproveAsksForTheNodeWithItsFlag: a run paused at two approvals needs the node named;
// the engine says so in its words and the command line adds its own flag.
func TestApproveAsksForTheNodeWithItsFlag(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(writeWorkflow(t, "Gates", nil,
		[]engine.Node{nd("a", "control.approval", nil), nd("b", "control.approval", nil)}, nil))
	paused := h.runJSON(3, "Gates")
	h.refused([]string{paused.RunID, "2 approvals (a, b)", "--node"}, "approve", paused.RunID)
	if final := h.runJSONCmd(3, "approve", paused.RunID, "--node", "a"); final.Status != "paused" {
		t.Errorf("after approving a: %s, want still paused at b", final.Status)
	}
}
