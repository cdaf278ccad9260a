package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// cliTimeout bounds one command, so a hang fails its test instead of stalling the suite
// (generous: the race detector and a loaded CI machine slow a process start a lot).
const cliTimeout = 3 * time.Minute

// result is what one CLI process did.
type result struct {
	args   []string
	code   int
	stdout string
	stderr string
}

func (r result) String() string {
	return "flowbench " + strings.Join(r.args, " ") + "\n  exit " + itoa(r.code) +
		"\n  stdout: " + clip(r.stdout) + "\n  stderr: " + clip(r.stderr)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// cliCommand builds a CLI process: the test binary with FLOWBENCH_CLI_MAIN=1 and env on top.
func cliCommand(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	// Under -race a process sleeps a second at exit waiting for late reports; the tests run
	// hundreds of processes. A race found in a child still makes it exit 66, failing the test.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(append(os.Environ(), "FLOWBENCH_CLI_MAIN=1", "GORACE="+gorace), env...)
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// runCLI runs one command to its end.
func runCLI(t testing.TB, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := cliCommand(ctx, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{args: args, stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.code = ee.ExitCode()
	default:
		t.Fatalf("%s\n  did not finish: %v", r, err)
	}
	return r
}

// home is a data home folder the commands of one test share.
type home struct {
	t   testing.TB
	dir string
}

func newHome(t testing.TB) *home {
	t.Helper()
	return &home{t: t, dir: filepath.Join(t.TempDir(), "home")}
}

// run runs a command with --home after its arguments.
func (h *home) run(args ...string) result {
	h.t.Helper()
	return runCLI(h.t, nil, append(args, "--home", h.dir)...)
}

// ok runs a command that must exit 0.
func (h *home) ok(args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.code != 0 {
		h.t.Fatalf("want exit 0:\n%s", r)
	}
	return r
}

// json runs a command that must exit with code and decodes its one JSON object into v.
func (h *home) jsonCode(code int, v any, args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.code != code {
		h.t.Fatalf("want exit %d:\n%s", code, r)
	}
	decodeOne(h.t, r, v)
	return r
}

// json runs a command that must exit 0 and decodes its one JSON object into v.
func (h *home) json(v any, args ...string) result {
	h.t.Helper()
	return h.jsonCode(0, v, args...)
}

// refused runs a command that must exit 2 with a message on stderr holding every want.
func (h *home) refused(want []string, args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.code != 2 {
		h.t.Fatalf("want exit 2 (refused):\n%s", r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			h.t.Errorf("stderr does not name %q:\n%s", w, r)
		}
	}
	if strings.TrimSpace(r.stdout) != "" {
		h.t.Errorf("a refused command printed on stdout:\n%s", r)
	}
	return r
}

// decodeOne checks stdout holds exactly one JSON object and decodes it.
func decodeOne(t testing.TB, r result, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		t.Fatalf("stdout holds more than one JSON value\n%s", r)
	}
}

// decodeLines decodes JSON Lines.
func decodeLines(t testing.TB, r result) []map[string]json.RawMessage {
	t.Helper()
	var out []map[string]json.RawMessage
	for i, line := range strings.Split(strings.TrimRight(r.stdout, "\n"), "\n") {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not a JSON object: %v\n%s", i+1, err, r)
		}
		out = append(out, m)
	}
	return out
}

// wantKeys checks an object has exactly the keys of a SPEC §8 shape.
func wantKeys(t testing.TB, what string, obj map[string]json.RawMessage, keys ...string) {
	t.Helper()
	got := make([]string, 0, len(obj))
	for k := range obj {
		got = append(got, k)
	}
	sort.Strings(got)
	want := append([]string(nil), keys...)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s keys = %v, want %v", what, got, want)
	}
}

// The --json shapes of SPEC §8.
var (
	runKeys        = []string{"run_id", "workflow_id", "version_id", "version_label", "status", "mode", "outputs", "nodes", "error"}
	nodeRecordKeys = []string{"status", "reasons", "generation_id", "duration_ms", "error"}
	importKeys     = []string{"workflow_id", "version_id", "version_label", "created"}
	planKeys       = []string{"workflow_id", "version_id", "from", "nodes", "rerun", "reuse"}
	planNodeKeys   = []string{"action", "reasons", "source_generation_id"}
	listKeys       = []string{"id", "name", "versions", "current_version_id"}
	versionsKeys   = []string{"workflow_id", "current_version_id", "versions"}
	versionKeys    = []string{"id", "label", "notes", "parent_id", "created_at"}
	runsItemKeys   = []string{"id", "workflow_id", "version_id", "version_label", "status", "mode", "label", "created_at"}
	gensKeys       = []string{"workflow_id", "node_id", "current_generation_id", "generations"}
	genItemKeys    = []string{"id", "run_id", "version_id", "version_label", "status", "outputs", "error", "created_at", "selected", "cost"}
)

// specReasons are the reason words of SPEC §7/§8.
var specReasons = []string{"target", "downstream_of_target", "inputs_unchanged", "no_prior_result", "prior_error",
	"config_changed", "file_changed", "upstream_changed", "input_changed", "loop_restart",
	"selected",                    // a reuse of the picked generation says so (issue 11)
	"changed", "shared", "cached"} // SPEC §14

// checkReasons checks a reasons value is a list of SPEC words.
func checkReasons(t testing.TB, what string, raw json.RawMessage) {
	t.Helper()
	var reasons []string
	if err := json.Unmarshal(raw, &reasons); err != nil || reasons == nil {
		t.Errorf("%s: reasons = %s, want a list", what, raw)
	}
	for _, r := range reasons {
		if !slices.Contains(specReasons, r) {
			t.Errorf("%s: reason %q is not one of SPEC §7's words", what, r)
		}
	}
}

// checkRunShape checks a `run --json` object against SPEC §8, key by key.
func checkRunShape(t testing.TB, raw []byte) {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatalf("run output: %v", err)
	}
	wantKeys(t, "run", obj, runKeys...)
	var nodes map[string]map[string]json.RawMessage
	if err := json.Unmarshal(obj["nodes"], &nodes); err != nil {
		t.Fatalf("run nodes: %v", err)
	}
	for id, n := range nodes {
		wantKeys(t, "node "+id, n, nodeRecordKeys...)
		checkReasons(t, "node "+id, n["reasons"])
	}
	var outs map[string]any
	if err := json.Unmarshal(obj["outputs"], &outs); err != nil || outs == nil {
		t.Errorf("run outputs = %s, want an object", obj["outputs"])
	}
}

type importOut struct {
	WorkflowID   string `json:"workflow_id"`
	VersionID    string `json:"version_id"`
	VersionLabel string `json:"version_label"`
	Created      bool   `json:"created"`
}

type nodeOut struct {
	Status       string   `json:"status"`
	Reasons      []string `json:"reasons"`
	GenerationID string   `json:"generation_id"`
	DurationMS   int64    `json:"duration_ms"`
	Error        string   `json:"error"`
}

type runOut struct {
	RunID        string             `json:"run_id"`
	WorkflowID   string             `json:"workflow_id"`
	VersionID    string             `json:"version_id"`
	VersionLabel string             `json:"version_label"`
	Status       string             `json:"status"`
	Mode         string             `json:"mode"`
	Outputs      map[string]any     `json:"outputs"`
	Nodes        map[string]nodeOut `json:"nodes"`
	Error        string             `json:"error"`
}

type planNodeOut struct {
	Action             string   `json:"action"`
	Reasons            []string `json:"reasons"`
	SourceGenerationID string   `json:"source_generation_id"`
	MayBeCached        bool     `json:"may_be_cached"`
}

type planOut struct {
	WorkflowID string                 `json:"workflow_id"`
	VersionID  string                 `json:"version_id"`
	From       string                 `json:"from"`
	Nodes      map[string]planNodeOut `json:"nodes"`
	Rerun      int                    `json:"rerun"`
	Reuse      int                    `json:"reuse"`
}

type listOut struct {
	Workflows []struct {
		ID               string `json:"id"`
		Name             string `json:"name"`
		Versions         int    `json:"versions"`
		CurrentVersionID string `json:"current_version_id"`
	} `json:"workflows"`
}

type versionOut struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	Notes     string `json:"notes"`
	ParentID  string `json:"parent_id"`
	CreatedAt string `json:"created_at"`
}

type versionsOut struct {
	WorkflowID       string       `json:"workflow_id"`
	CurrentVersionID string       `json:"current_version_id"`
	Versions         []versionOut `json:"versions"`
}

type runsOut struct {
	Runs []struct {
		ID           string `json:"id"`
		WorkflowID   string `json:"workflow_id"`
		VersionID    string `json:"version_id"`
		VersionLabel string `json:"version_label"`
		Status       string `json:"status"`
		Mode         string `json:"mode"`
		Label        string `json:"label"`
		CreatedAt    string `json:"created_at"`
	} `json:"runs"`
}

type genOut struct {
	ID           string         `json:"id"`
	RunID        string         `json:"run_id"`
	VersionID    string         `json:"version_id"`
	VersionLabel string         `json:"version_label"`
	Status       string         `json:"status"`
	Outputs      map[string]any `json:"outputs"`
	Error        string         `json:"error"`
	CreatedAt    string         `json:"created_at"`
	Selected     bool           `json:"selected"`
}

type gensOut struct {
	WorkflowID          string   `json:"workflow_id"`
	NodeID              string   `json:"node_id"`
	CurrentGenerationID string   `json:"current_generation_id"`
	Generations         []genOut `json:"generations"`
}

// runs lists the home's runs (all workflows).
func (h *home) runs() runsOut {
	h.t.Helper()
	var out runsOut
	h.json(&out, "runs", "--json")
	return out
}

// versions lists a workflow's versions.
func (h *home) versions(wf string) versionsOut {
	h.t.Helper()
	var out versionsOut
	h.json(&out, "versions", wf, "--json")
	return out
}

// generations lists a node's timeline.
func (h *home) generations(wf, node string) gensOut {
	h.t.Helper()
	var out gensOut
	h.json(&out, "generations", wf, node, "--json")
	return out
}

// importFile imports a file and returns the import object.
func (h *home) importFile(path string, extra ...string) importOut {
	h.t.Helper()
	var out importOut
	h.json(&out, append([]string{"import", path, "--json"}, extra...)...)
	return out
}

// runJSON runs a workflow with --json, expects exit code and checks the SPEC shape.
func (h *home) runJSON(code int, args ...string) runOut {
	h.t.Helper()
	var out runOut
	r := h.jsonCode(code, &out, append([]string{"run"}, append(args, "--json")...)...)
	checkRunShape(h.t, []byte(r.stdout))
	return out
}

// Graph builders for workflow files written by tests.

func nd(id, typ string, params map[string]any) engine.Node {
	return engine.Node{ID: id, Type: typ, Params: params}
}

func ed(src, sh, dst, th string) engine.Edge {
	return engine.Edge{Source: src, SourceHandle: sh, Target: dst, TargetHandle: th}
}

type params = map[string]any

// writeWorkflow writes a flowbench.workflow/1 file and returns its path.
func writeWorkflow(t testing.TB, name string, inputs []engine.InputDecl, nodes []engine.Node, edges []engine.Edge) string {
	t.Helper()
	data, err := json.MarshalIndent(engine.WorkflowFile{Format: engine.FormatWorkflow, Name: name, Tags: []string{},
		Inputs: inputs, Nodes: nodes, Edges: edges}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, strings.ReplaceAll(strings.ToLower(name), " ", "-")+".json", string(data))
}

// writeFile writes text into a fresh file of the test's temp dir.
func writeFile(t testing.TB, name, text string) string {
	t.Helper()
	dir, err := os.MkdirTemp(t.TempDir(), "file")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// chainFile is flow.inputs(x integer) → A (a * 10) → B (a + 1) → out ("result").
func chainFile(t testing.TB, name string) string {
	t.Helper()
	return writeWorkflow(t, name,
		[]engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("A", "math.expr", params{"expression": "a * 10"}),
			nd("B", "math.expr", params{"expression": "a + 1"}), nd("out", "io.output", params{"name": "result"})},
		[]engine.Edge{ed("in", "x", "A", "a"), ed("A", "result", "B", "a"), ed("B", "result", "out", "value")})
}

// jsonEqual compares two values as JSON documents.
func jsonEqual(a, b any) bool {
	norm := func(v any) any {
		data, err := json.Marshal(v)
		if err != nil {
			return err.Error()
		}
		var out any
		if err := json.Unmarshal(data, &out); err != nil {
			return err.Error()
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func toJSON(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}
