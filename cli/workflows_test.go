package cli_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// update rewrites the golden files from the runs: `go test ./cli -update -run Golden`.
var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the runs (their inputs kept)")

// writeGolden writes a golden file: the inputs it was run with and the outputs the run gave.
func writeGolden(tb testing.TB, path string, inputs, outputs map[string]any) {
	tb.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"inputs": inputs, "outputs": outputs}); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestExamplesMatchGoldens runs every example of testdata/ that has a golden file, each in a
// fresh home, and compares the outputs (-update rewrites the goldens instead); the run object
// must have the exact SPEC §8 shape.
func TestExamplesMatchGoldens(t *testing.T) {
	t.Parallel()
	goldens, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.json"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no golden files (%v)", err)
	}
	for _, golden := range goldens {
		name := strings.TrimSuffix(filepath.Base(golden), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var want struct {
				Inputs  map[string]any `json:"inputs"`
				Outputs map[string]any `json:"outputs"`
			}
			data, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("%s: %v", golden, err)
			}
			inputs, _ := json.Marshal(want.Inputs)
			h := newHome(t)
			imp := h.importFile(filepath.Join("..", "testdata", name+".json"))
			if !imp.Created || imp.VersionLabel != "v1" {
				t.Fatalf("import: %+v", imp)
			}
			run := h.runJSON(0, imp.WorkflowID, "--inputs", writeFile(t, "inputs.json", string(inputs)))
			if run.Status != "completed" || run.Mode != "full" || run.Error != "" {
				t.Fatalf("run: %s %s %q", run.Status, run.Mode, run.Error)
			}
			if run.WorkflowID != imp.WorkflowID || run.VersionID != imp.VersionID || run.VersionLabel != "v1" || run.RunID == "" {
				t.Errorf("run names %s %s %s, want workflow %s version %s v1", run.WorkflowID, run.VersionID, run.VersionLabel, imp.WorkflowID, imp.VersionID)
			}
			if *update {
				writeGolden(t, golden, want.Inputs, run.Outputs)
			} else if !jsonEqual(run.Outputs, want.Outputs) {
				t.Errorf("outputs = %s\nwant      %s", toJSON(run.Outputs), toJSON(want.Outputs))
			}
			for id, n := range run.Nodes {
				switch n.Status {
				case "executed":
					if n.GenerationID == "" {
						t.Errorf("node %s executed without a generation id", id)
					}
				case "skipped":
				default:
					t.Errorf("node %s is %s in a full run (%s)", id, n.Status, n.Error)
				}
			}
		})
	}
}

// TestExamplesImport imports every example file, golden or not: they are valid workflows.
func TestExamplesImport(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "*.json"))
	h := newHome(t)
	for _, f := range files {
		if imp := h.importFile(f); !imp.Created || imp.VersionLabel != "v1" {
			t.Errorf("%s: %+v", f, imp)
		}
	}
	var list listOut
	h.json(&list, "list", "--json")
	if len(list.Workflows) != len(files) {
		t.Errorf("list has %d workflows, want %d", len(list.Workflows), len(files))
	}
}

// TestHomeFlagAndEnv: --home before or after the subcommand, --home=DIR, and FLOWBENCH_HOME
// all name the same data home; the flag wins over the variable.
func TestHomeFlagAndEnv(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	other := filepath.Join(t.TempDir(), "other")
	file := chainFile(t, "Homed")
	for _, args := range [][]string{
		{"--home", dir, "import", file, "--json"},
		{"import", file, "--json", "--home", dir},
		{"import", "--home=" + dir, file, "--json"},
	} {
		if r := runCLI(t, nil, args...); r.code != 0 {
			t.Fatalf("want exit 0:\n%s", r)
		}
	}
	if r := runCLI(t, []string{"FLOWBENCH_HOME=" + dir}, "import", file, "--json"); r.code != 0 {
		t.Fatalf("want exit 0:\n%s", r)
	}
	count := func(env []string, args ...string) int {
		t.Helper()
		r := runCLI(t, env, args...)
		if r.code != 0 {
			t.Fatalf("want exit 0:\n%s", r)
		}
		var list listOut
		decodeOne(t, r, &list)
		return len(list.Workflows)
	}
	if n := count(nil, "--home", dir, "list", "--json"); n != 4 {
		t.Errorf("--home before: %d workflows, want 4", n)
	}
	if n := count(nil, "list", "--json", "--home", dir); n != 4 {
		t.Errorf("--home after: %d workflows, want 4", n)
	}
	if n := count([]string{"FLOWBENCH_HOME=" + dir}, "list", "--json"); n != 4 {
		t.Errorf("FLOWBENCH_HOME: %d workflows, want 4", n)
	}
	if n := count([]string{"FLOWBENCH_HOME=" + dir}, "list", "--json", "--home", other); n != 0 {
		t.Errorf("--home over FLOWBENCH_HOME: %d workflows, want 0 (the flag wins)", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "flowbench.db")); err != nil {
		t.Errorf("the home has no database: %v", err)
	}
}

// TestImportInto: the same file again is no new version; a changed file is v2 and current.
func TestImportInto(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	file := chainFile(t, "Chain")
	first := h.importFile(file)
	if !first.Created || first.VersionLabel != "v1" {
		t.Fatalf("first import: %+v", first)
	}
	var raw map[string]json.RawMessage
	r := h.ok("import", file, "--into", first.WorkflowID, "--json")
	decodeOne(t, r, &raw)
	wantKeys(t, "import", raw, importKeys...)
	again := h.importFile(file, "--into", "Chain")
	if again.Created || again.VersionID != first.VersionID || again.VersionLabel != "v1" {
		t.Errorf("same file --into: %+v, want created false and v1", again)
	}
	if vs := h.versions("Chain"); len(vs.Versions) != 1 {
		t.Fatalf("same file --into made %d versions", len(vs.Versions))
	}

	changed := writeWorkflow(t, "Chain",
		[]engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("A", "math.expr", params{"expression": "a * 100"}),
			nd("B", "math.expr", params{"expression": "a + 1"}), nd("out", "io.output", params{"name": "result"})},
		[]engine.Edge{ed("in", "x", "A", "a"), ed("A", "result", "B", "a"), ed("B", "result", "out", "value")})
	second := h.importFile(changed, "--into", first.WorkflowID)
	if !second.Created || second.VersionLabel != "v2" || second.WorkflowID != first.WorkflowID {
		t.Fatalf("changed file --into: %+v", second)
	}
	vs := h.versions(first.WorkflowID)
	if vs.CurrentVersionID != second.VersionID || len(vs.Versions) != 2 {
		t.Fatalf("versions after v2: %+v", vs)
	}
	if vs.Versions[0].Label != "v2" || vs.Versions[1].Label != "v1" || vs.Versions[0].ParentID != first.VersionID {
		t.Errorf("versions = %+v, want v2 (parent v1) then v1", vs.Versions)
	}
	run := h.runJSON(0, "Chain", "--input", "x=2")
	if run.VersionLabel != "v2" || engine.ToText(run.Outputs["result"]) != "201" {
		t.Errorf("run of the current version: %s %v", run.VersionLabel, run.Outputs)
	}
	// A new workflow is created by a plain import, even of the same file.
	if third := h.importFile(file); !third.Created || third.WorkflowID == first.WorkflowID {
		t.Errorf("plain import of a known file: %+v", third)
	}
	// The name is now ambiguous: refused with a message, nothing written.
	h.refused([]string{"Chain"}, "import", changed, "--into", "Chain")
}

// legacyFile has no "format": inputs are inferred from {{name}} references.
const legacyFile = `{
  "name": "Legacy greeting",
  "nodes": [
    {"id": "greet", "type": "text.template", "params": {"template": "Hello {{who}} from {{a}}"}},
    {"id": "place", "type": "text.template", "params": {"template": "{{where}}"}},
    {"id": "out", "type": "io.output", "params": {"name": "greeting"}}
  ],
  "edges": [
    {"source": "place", "sourceHandle": "text", "target": "greet", "targetHandle": "a"},
    {"source": "greet", "sourceHandle": "text", "target": "out", "targetHandle": "value"}
  ]
}`

// legacySchemaFile declares its inputs as a JSON schema under input_schema.
const legacySchemaFile = `{
  "name": "Legacy counter",
  "input_schema": {"type": "object", "properties": {"count": {"type": "integer", "description": "How many"}}, "required": ["count"]},
  "nodes": [
    {"id": "double", "type": "math.expr", "params": {"expression": "inputs.count * 2"}},
    {"id": "out", "type": "io.output", "params": {"name": "doubled"}}
  ],
  "edges": [{"source": "double", "sourceHandle": "result", "target": "out", "targetHandle": "value"}]
}`

// TestLegacyImport: the pre-format shape imports as v1, runs, and importing it again into
// the same workflow creates no v2.
func TestLegacyImport(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	file := writeFile(t, "legacy.json", legacyFile)
	imp := h.importFile(file)
	if !imp.Created || imp.VersionLabel != "v1" {
		t.Fatalf("legacy import: %+v", imp)
	}
	again := h.importFile(file, "--into", imp.WorkflowID)
	if again.Created || again.VersionID != imp.VersionID {
		t.Errorf("legacy file imported twice --into: %+v", again)
	}
	if vs := h.versions(imp.WorkflowID); len(vs.Versions) != 1 {
		t.Errorf("legacy file imported twice made %d versions", len(vs.Versions))
	}
	// The inferred inputs are declared: both names are accepted, an unknown one is not.
	run := h.runJSON(0, imp.WorkflowID, "--input", "who=Ada", "--input", "where=Paris")
	if got := run.Outputs["greeting"]; got != "Hello Ada from Paris" {
		t.Errorf("legacy run greeting = %v", got)
	}
	h.refused([]string{"nobody"}, "run", imp.WorkflowID, "--input", "nobody=1")

	schema := h.importFile(writeFile(t, "schema.json", legacySchemaFile))
	if !schema.Created || schema.VersionLabel != "v1" {
		t.Fatalf("input_schema import: %+v", schema)
	}
	if run := h.runJSON(0, schema.WorkflowID, "--input", "count=21"); engine.ToText(run.Outputs["doubled"]) != "42" {
		t.Errorf("input_schema run: %v", run.Outputs)
	}
	h.refused([]string{"count"}, "run", schema.WorkflowID, "--input", "count=abc")
	h.refused([]string{"count"}, "run", schema.WorkflowID)
}

// TestVersionsCreateUseExportBundle: version create clones without switching, version use
// switches, versions list newest first, and a bundle round trip keeps every version.
func TestVersionsCreateUseExportBundle(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	v1 := h.importFile(chainFile(t, "Versioned"))
	var created map[string]string
	h.json(&created, "version", "create", "Versioned", "--notes", "try a bigger factor", "--json")
	if created["version_label"] != "v2" || created["version_id"] == "" || len(created) != 2 {
		t.Fatalf("version create: %v", created)
	}
	vs := h.versions("Versioned")
	if vs.CurrentVersionID != v1.VersionID {
		t.Errorf("version create switched current to %s", vs.CurrentVersionID)
	}
	if len(vs.Versions) != 2 || vs.Versions[0].Label != "v2" || vs.Versions[0].Notes != "try a bigger factor" ||
		vs.Versions[0].ParentID != v1.VersionID || vs.Versions[1].Label != "v1" {
		t.Errorf("versions = %+v", vs.Versions)
	}
	var raw map[string]json.RawMessage
	decodeOne(t, h.ok("versions", "Versioned", "--json"), &raw)
	wantKeys(t, "versions", raw, versionsKeys...)
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw["versions"], &items); err != nil || len(items) != 2 {
		t.Fatalf("versions list: %v", err)
	}
	wantKeys(t, "version", items[0], versionKeys...)

	// A clone from v1 with notes, then v3 is made current.
	h.json(&created, "version", "create", v1.WorkflowID, "--from", "v1", "--notes", "third", "--json")
	if created["version_label"] != "v3" {
		t.Fatalf("version create --from v1: %v", created)
	}
	h.ok("version", "use", "Versioned", "v3")
	if run := h.runJSON(0, "Versioned", "--input", "x=1"); run.VersionLabel != "v3" {
		t.Errorf("run after version use v3 ran %s", run.VersionLabel)
	}
	if run := h.runJSON(0, "Versioned", "--version", "v2", "--input", "x=1"); run.VersionLabel != "v2" {
		t.Errorf("run --version v2 ran %s", run.VersionLabel)
	}
	// Switching to a version of another workflow, or to none, is refused.
	other := h.importFile(chainFile(t, "Other"))
	h.refused([]string{other.VersionID}, "version", "use", "Versioned", other.VersionID)
	h.refused([]string{"v9"}, "version", "use", "Versioned", "v9")

	before := h.versions("Versioned")
	bundle := filepath.Join(t.TempDir(), "versioned.bundle.json")
	h.ok("export", "Versioned", "--bundle", "-o", bundle)
	data, err := os.ReadFile(bundle)
	if err != nil || !strings.Contains(string(data), engine.FormatBundle) {
		t.Fatalf("bundle file: %v %.200s", err, data)
	}
	back := h.importFile(bundle)
	if !back.Created || back.WorkflowID == v1.WorkflowID || back.VersionLabel != "v3" {
		t.Fatalf("bundle import: %+v (want a new workflow with current v3)", back)
	}
	after := h.versions(back.WorkflowID)
	if len(after.Versions) != len(before.Versions) {
		t.Fatalf("bundle kept %d of %d versions", len(after.Versions), len(before.Versions))
	}
	label := func(vs versionsOut, id string) string {
		for _, v := range vs.Versions {
			if v.ID == id {
				return v.Label
			}
		}
		return ""
	}
	for i := range before.Versions {
		b, a := before.Versions[i], after.Versions[i]
		if a.Label != b.Label || a.Notes != b.Notes || label(after, a.ParentID) != label(before, b.ParentID) {
			t.Errorf("version %d after the round trip = %+v, want label %s notes %q parent %s", i, a, b.Label, b.Notes, label(before, b.ParentID))
		}
	}
	if label(after, after.CurrentVersionID) != label(before, before.CurrentVersionID) {
		t.Errorf("current after the round trip is %s, want %s", label(after, after.CurrentVersionID), label(before, before.CurrentVersionID))
	}
	// A single version exports as a workflow file that imports as v1 with the same graph.
	single := h.ok("export", v1.WorkflowID, "--version", "v1")
	var wf engine.WorkflowFile
	if err := json.Unmarshal([]byte(single.stdout), &wf); err != nil || wf.Format != engine.FormatWorkflow || len(wf.Nodes) != 4 {
		t.Fatalf("export --version v1: %v %+v", err, wf)
	}
	// v3 is a clone of v1, so v1's file equals the copy's current version: no v4.
	if again := h.importFile(writeFile(t, "v1.json", single.stdout), "--into", back.WorkflowID); again.Created || again.VersionLabel != "v3" {
		t.Errorf("v1 exported and imported into the bundle copy (current v3 = v1): %+v", again)
	}
}

// TestListJSON checks the list shape and counts.
func TestListJSON(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	var empty listOut
	h.json(&empty, "list", "--json")
	if empty.Workflows == nil || len(empty.Workflows) != 0 {
		t.Errorf("empty list = %+v, want an empty array", empty)
	}
	a := h.importFile(chainFile(t, "Alpha"))
	h.ok("version", "create", "Alpha")
	b := h.importFile(chainFile(t, "Beta"))
	var raw map[string][]map[string]json.RawMessage
	decodeOne(t, h.ok("list", "--json"), &raw)
	if len(raw) != 1 || len(raw["workflows"]) != 2 {
		t.Fatalf("list = %v", raw)
	}
	for _, w := range raw["workflows"] {
		wantKeys(t, "list item", w, listKeys...)
	}
	var list listOut
	h.json(&list, "list", "--json")
	got := map[string]int{}
	for _, w := range list.Workflows {
		got[w.Name] = w.Versions
		switch w.ID {
		case a.WorkflowID:
			if w.CurrentVersionID != a.VersionID {
				t.Errorf("Alpha current = %s, want %s", w.CurrentVersionID, a.VersionID)
			}
		case b.WorkflowID:
			if w.CurrentVersionID != b.VersionID {
				t.Errorf("Beta current = %s, want %s", w.CurrentVersionID, b.VersionID)
			}
		default:
			t.Errorf("unknown workflow %+v", w)
		}
	}
	if got["Alpha"] != 2 || got["Beta"] != 1 {
		t.Errorf("version counts = %v, want Alpha 2, Beta 1", got)
	}
	// the plain list counts in words: "1 version", "2 versions"
	plain := h.ok("list").stdout
	for _, want := range []string{a.WorkflowID + "  Alpha — 2 versions\n", b.WorkflowID + "  Beta — 1 version\n"} {
		if !strings.Contains(plain, want) {
			t.Errorf("list = %q, want a line %q", plain, want)
		}
	}
}

// TestRefusedImports: an invalid file is refused with exit 2, a message naming the problem,
// and no workflow or version written.
func TestRefusedImports(t *testing.T) {
	t.Parallel()
	in := []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}}
	cases := []struct {
		name string
		file func(t *testing.T) string
		want []string
	}{
		{"undeclared input", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("greet", "text.template", params{"template": "hi {{nobody}}"}), nd("out", "io.output", params{"name": "o"})},
				[]engine.Edge{ed("greet", "text", "out", "value")})
		}, []string{"greet", "nobody"}},
		{"cycle", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("p", "math.expr", params{"expression": "a + 1"}), nd("q", "math.expr", params{"expression": "a + 1"})},
				[]engine.Edge{ed("p", "result", "q", "a"), ed("q", "result", "p", "a")})
		}, []string{"cycle"}},
		{"missing handle", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("in", "flow.inputs", nil), nd("out", "io.output", params{"name": "o"})},
				[]engine.Edge{ed("in", "x", "out", "nope")})
		}, []string{"out", "nope"}},
		{"edge from a missing input handle", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("in", "flow.inputs", nil), nd("out", "io.output", params{"name": "o"})},
				[]engine.Edge{ed("in", "y", "out", "value")})
		}, []string{"in", "y"}},
		{"unknown node type", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in, []engine.Node{nd("mystery", "no.such.type", nil)}, nil)
		}, []string{"mystery", "no.such.type"}},
		// Params are checked on import (SPEC §4), not when a run reaches the node.
		{"expression that does not compile", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("in", "flow.inputs", nil), nd("calc", "math.expr", params{"expression": "int(a) %% 2 +"}), nd("out", "io.output", params{"name": "o"})},
				[]engine.Edge{ed("in", "x", "calc", "a"), ed("calc", "result", "out", "value")})
		}, []string{`node "calc" param "expression"`, "int(a) %% 2 +"}},
		{"condition that does not compile", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("in", "flow.inputs", nil), nd("gate", "control.if", params{"condition": "value >"})},
				[]engine.Edge{ed("in", "x", "gate", "value")})
		}, []string{`node "gate" param "condition"`}},
		{"empty output name", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("in", "flow.inputs", nil), nd("out", "io.output", params{"name": " "})},
				[]engine.Edge{ed("in", "x", "out", "value")})
		}, []string{`node "out" param "name"`, "required"}},
		{"regex that does not compile", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("find", "text.regex", params{"pattern": "(a"})}, nil)
		}, []string{`node "find" param "pattern"`, "missing closing )"}},
		{"JSON param that does not parse", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("get", "http.request", params{"url": "http://example.invalid/", "headers": `{"Accept": }`})}, nil)
		}, []string{`node "get" param "headers"`, "JSON"}},
		{"code that does not compile", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("js", "code.js", params{"code": "return (a;"})}, nil)
		}, []string{`node "js" param "code"`, "SyntaxError"}},
		{"unclosed template", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("greet", "text.template", params{"template": "hi {{a"})}, nil)
		}, []string{`node "greet" param "template"`, "never closed"}},
		{"choice not among the options", func(t *testing.T) string {
			return writeWorkflow(t, "Bad", in,
				[]engine.Node{nd("get", "http.request", params{"url": "http://example.invalid/", "method": "FETCH"})}, nil)
		}, []string{`node "get" param "method"`, "FETCH"}},
		{"malformed JSON", func(t *testing.T) string {
			return writeFile(t, "bad.json", "{\n  \"format\": \"flowbench.workflow/1\",\n  \"nodes\": [\n}")
		}, []string{"JSON", "line"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHome(t)
			file := c.file(t)
			h.refused(c.want, "import", file, "--json")
			var list listOut
			h.json(&list, "list", "--json")
			if len(list.Workflows) != 0 {
				t.Errorf("a refused import left %d workflows", len(list.Workflows))
			}
			// Into an existing workflow: refused the same way, no new version.
			good := h.importFile(chainFile(t, "Good"))
			h.refused(c.want, "import", file, "--into", good.WorkflowID)
			if vs := h.versions(good.WorkflowID); len(vs.Versions) != 1 || vs.CurrentVersionID != good.VersionID {
				t.Errorf("a refused import --into changed versions: %+v", vs)
			}
		})
	}
}
