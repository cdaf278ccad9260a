package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// subflowFiles writes a child "Doubler" (y = x * 2) and a "Parent" running it on its input n,
// pinned by name and label as a person writes a file by hand.
func subflowFiles(t *testing.T) (child, parent string) {
	t.Helper()
	child = writeWorkflow(t, "Doubler", []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("double", "math.expr", params{"expression": "a * 2"}), nd("out", "io.output", params{"name": "y"})},
		[]engine.Edge{ed("in", "x", "double", "a"), ed("double", "result", "out", "value")})
	parent = writeWorkflow(t, "Parent", []engine.InputDecl{{Name: "n", Type: engine.TypeInteger, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("sub", engine.TypeSubworkflow, params{"workflow": "Doubler", "version": "v1"}),
			nd("out", "io.output", params{"name": "result"})},
		[]engine.Edge{ed("in", "n", "sub", "x"), ed("sub", "y", "out", "value")})
	return child, parent
}

func TestSubworkflowCLI(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	childFile, parentFile := subflowFiles(t)
	h.importFile(childFile)
	h.importFile(parentFile)

	var run struct {
		Status  string                     `json:"status"`
		Outputs map[string]any             `json:"outputs"`
		Nodes   map[string]json.RawMessage `json:"nodes"`
	}
	h.json(&run, "run", "Parent", "--input", "n=21", "--json")
	if run.Status != "completed" || run.Outputs["result"] != float64(42) {
		t.Fatalf("run = %+v, want result 42", run)
	}
	var runs struct {
		Runs []struct {
			WorkflowID  string `json:"workflow_id"`
			ParentRunID string `json:"parent_run_id"`
		} `json:"runs"`
	}
	h.json(&runs, "runs", "Doubler", "--json")
	if len(runs.Runs) != 1 || runs.Runs[0].ParentRunID == "" {
		t.Errorf("child runs = %+v, want one", runs.Runs)
	}

	var plan struct {
		Nodes    map[string]engine.PlanNode `json:"nodes"`
		Children map[string]struct {
			WorkflowName string                     `json:"workflow_name"`
			Nodes        map[string]engine.PlanNode `json:"nodes"`
		} `json:"children"`
	}
	h.json(&plan, "plan", "Parent", "--from", "in", "--input", "n=5", "--json")
	if plan.Nodes["sub"].Action != "rerun" || plan.Children["sub"].WorkflowName != "Doubler" || plan.Children["sub"].Nodes["double"].Action != "rerun" {
		t.Errorf("plan = %+v, want sub rerun with the child's plan under it", plan)
	}
	if r := h.ok("plan", "Parent", "--from", "in", "--input", "n=5"); !strings.Contains(r.stdout, `child run of "Doubler" v1`) {
		t.Errorf("plan text does not show the child's plan:\n%s", r.stdout)
	}

	if r := h.ok("export", "Parent"); !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, `"sub"`) {
		t.Errorf("plain export stderr = %q, want a warning naming sub", r.stderr)
	}
	bundle := filepath.Join(t.TempDir(), "parent.bundle.json")
	if r := h.ok("export", "Parent", "--bundle", "-o", bundle); strings.Contains(r.stderr, "warning") {
		t.Errorf("bundle export warns: %q", r.stderr)
	}

	other := newHome(t)
	res := other.importFile(bundle)
	if !res.Created {
		t.Fatalf("bundle import: %+v", res)
	}
	other.json(&run, "run", "Parent", "--input", "n=4", "--json")
	if run.Status != "completed" || run.Outputs["result"] != float64(8) {
		t.Errorf("run of the imported bundle = %+v, want 8", run)
	}
	other.importFile(bundle)
	var list struct {
		Workflows []struct {
			Name string `json:"name"`
		} `json:"workflows"`
	}
	other.json(&list, "list", "--json")
	names := map[string]int{}
	for _, w := range list.Workflows {
		names[w.Name]++
	}
	if names["Doubler"] != 1 || names["Parent"] != 2 {
		t.Errorf("after importing the bundle twice: %v, want Doubler once (reused), Parent twice", names)
	}
}

func TestSubworkflowCLIRefusesMissingChild(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	_, parentFile := subflowFiles(t)
	h.refused([]string{`"sub"`, "Doubler"}, "import", parentFile)
}

// TestExportWarnsOfSubworkflowsWithItsFlag: a plain export of a workflow with a subworkflow
// warns that the child is left out; the engine says a bundle carries it, the command line
// names its flag.
func TestExportWarnsOfSubworkflowsWithItsFlag(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	childFile, parentFile := subflowFiles(t)
	h.importFile(childFile)
	h.importFile(parentFile)
	r := h.run("export", "Parent")
	if r.code != 0 || !strings.Contains(r.stderr, `node "sub" is a subworkflow`) || !strings.Contains(r.stderr, "--bundle") {
		t.Fatalf("export: %s", r)
	}
	v := engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "sub", Type: engine.TypeSubworkflow}}}}
	for _, w := range engine.ExportWarnings(v) {
		if strings.Contains(w, "--") {
			t.Errorf("the engine's warning speaks a flag: %q", w)
		}
	}
}

// TestDeleteCLI: delete refuses a workflow used as a subworkflow (exit 2, naming its user),
// deletes it with --anyway (the parent then fails validation naming it), refuses an unknown
// workflow, and deletes a plain one.
func TestDeleteCLI(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	childFile, parentFile := subflowFiles(t)
	h.importFile(childFile)
	h.importFile(parentFile)

	h.refused([]string{`"Doubler"`, `"Parent"`, "subworkflow", "anyway"}, "delete", "Doubler")
	h.ok("run", "Parent", "--input", "n=1") // nothing was deleted
	h.refused([]string{`"Nope"`}, "delete", "Nope")

	var del struct {
		Deleted bool   `json:"deleted"`
		Name    string `json:"name"`
	}
	h.json(&del, "delete", "Doubler", "--anyway", "--json")
	if !del.Deleted || del.Name != "Doubler" {
		t.Errorf("delete --anyway = %+v", del)
	}
	var list struct {
		Workflows []struct {
			Name string `json:"name"`
		} `json:"workflows"`
	}
	h.json(&list, "list", "--json")
	if len(list.Workflows) != 1 || list.Workflows[0].Name != "Parent" {
		t.Errorf("after delete --anyway: %+v, want only Parent", list.Workflows)
	}
	h.refused([]string{`"sub"`}, "run", "Parent", "--input", "n=1")

	if r := h.ok("delete", "Parent"); !strings.Contains(r.stdout, `deleted workflow "Parent"`) {
		t.Errorf("delete Parent: %s", r)
	}
	h.refused([]string{`"Parent"`}, "delete", "Parent")
}

// TestCancelChildRunOfAnotherProcess: `flowbench cancel CHILD_RUN_ID` while another process
// runs the child (inside its parent's run): that process cancels the child, its parent's
// subworkflow node fails saying so, and the cancel waits until the child is cancelled.
func TestCancelChildRunOfAnotherProcess(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(writeWorkflow(t, "Slow", nil,
		[]engine.Node{nd("wait", "util.delay", params{"ms": 60000}), nd("out", "io.output", params{"name": "v"})},
		[]engine.Edge{ed("wait", "value", "out", "value")}))
	h.importFile(writeWorkflow(t, "Holder", nil,
		[]engine.Node{nd("sub", engine.TypeSubworkflow, params{"workflow": "Slow", "version": "v1"})}, nil))
	_, wait := startCLI(t, h, "run", "Holder", "--json")
	var runs struct {
		Runs []struct {
			ID          string `json:"id"`
			Status      string `json:"status"`
			ParentRunID string `json:"parent_run_id"`
		} `json:"runs"`
	}
	deadline := time.Now().Add(time.Minute)
	for {
		h.json(&runs, "runs", "Slow", "--json")
		if len(runs.Runs) == 1 && runs.Runs[0].Status == "running" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child run never showed as running: %+v", runs.Runs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	id := runs.Runs[0].ID
	if r := h.ok("cancel", id); !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, "cancelled") {
		t.Fatalf("cancel of the child:\n%s", r)
	}
	ran := wait()
	if ran.code != 1 || !strings.Contains(ran.stdout, `"status":"failed"`) || !strings.Contains(ran.stdout, "was cancelled") {
		t.Fatalf("the parent's process after its child was cancelled:\n%s", ran)
	}
	h.refused([]string{id, "cancelled"}, "cancel", id)
}
