package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	datahome "github.com/flowbench/flowbench/home"
)

// benchApp is an App on a new data home (closed when the benchmark ends) with g imported.
func benchApp(b *testing.B, g engine.Graph) (*App, *datahome.Home, engine.ImportResult) {
	b.Helper()
	h, imp := benchHome(b, b.TempDir(), g)
	b.Cleanup(h.Close)
	return NewApp(h.Service, "", nil), h, imp
}

// benchHome opens a data home in dir with g imported as a workflow; the caller closes it.
func benchHome(b *testing.B, dir string, g engine.Graph) (*datahome.Home, engine.ImportResult) {
	b.Helper()
	ctx := context.Background()
	h, err := datahome.Open(ctx, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	file, err := engine.ExportWorkflow(engine.Workflow{Name: "chain"}, engine.Version{Graph: g})
	if err != nil {
		b.Fatal(err)
	}
	imp, err := h.Service.Import(ctx, file, "")
	if err != nil {
		b.Fatal(err)
	}
	return h, imp
}

// twoVersions is an App whose workflow has v1 (node a: "2") and v2 (node a: "3", notes),
// current.
func twoVersions(t *testing.T, notes string) (a *App, svc *engine.Service, imp engine.ImportResult, v1, v2 engine.Version) {
	t.Helper()
	ctx := context.Background()
	a, svc = newStoredApp(ctx, t)
	imp, err := a.ImportJSON(`{"format":"flowbench.workflow/1","name":"two",
		"nodes":[{"id":"a","type":"math.expr","params":{"expression":"2"}}],"edges":[]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	if v1, err = svc.GetVersion(ctx, imp.VersionID); err != nil {
		t.Fatal(err)
	}
	g := v1.Graph
	g.Nodes = []engine.Node{{ID: "a", Type: "math.expr", Params: map[string]any{"expression": "3"}}}
	if v2, err = svc.SaveVersion(ctx, imp.WorkflowID, g, notes, "", true); err != nil {
		t.Fatal(err)
	}
	return a, svc, imp, v1, v2
}

// BenchmarkOpenWorkflow10kVersions is what the window asks after every Run of an edited draft
// (refreshMeta) and when it opens a workflow: OpenWorkflow of a 10,000-node chain with 20
// versions, and the JSON the binding sends to the window for it. It reports the detail's
// size and time (json-MB, open-ms) and, for comparison, the same with every version whole,
// as the detail carried them before (whole-json-MB, whole-ms: ListVersions and its JSON).
func BenchmarkOpenWorkflow10kVersions(b *testing.B) {
	ctx := context.Background()
	g := editorChain(10000)
	a, h, imp := benchApp(b, g)
	svc := h.Service
	for i := 1; i < 20; i++ {
		g.Nodes[5000].Params = map[string]any{"expression": fmt.Sprintf("a + %d", 100+i)}
		if _, err := svc.SaveVersion(ctx, imp.WorkflowID, g, fmt.Sprint("edit ", i), "", true); err != nil {
			b.Fatal(err)
		}
	}
	var open, whole time.Duration
	var size, wholeSize int
	for b.Loop() {
		start := time.Now()
		d, err := a.OpenWorkflow(imp.WorkflowID)
		if err != nil {
			b.Fatal(err)
		}
		data, err := json.Marshal(d)
		if err != nil || len(d.Versions) != 20 {
			b.Fatalf("%d versions, %v", len(d.Versions), err)
		}
		open, size = open+time.Since(start), len(data)
		start = time.Now()
		vs, err := h.Store.ListVersions(ctx, imp.WorkflowID)
		if err != nil {
			b.Fatal(err)
		}
		if data, err = json.Marshal(vs); err != nil {
			b.Fatal(err)
		}
		whole, wholeSize = whole+time.Since(start), len(data)
	}
	n := float64(b.N)
	b.ReportMetric(float64(size)/1e6, "json-MB")
	b.ReportMetric(float64(open.Microseconds())/1000/n, "open-ms")
	b.ReportMetric(float64(wholeSize)/1e6, "whole-json-MB")
	b.ReportMetric(float64(whole.Microseconds())/1000/n, "whole-ms")
}

// TestOpenWorkflowSendsTwoGraphsAtMost: the detail the editor opens lists versions without
// graphs; the current version comes whole, and the draft's base whole only when it is not the
// current version.
func TestOpenWorkflowSendsTwoGraphsAtMost(t *testing.T) {
	a, _, imp, v1, v2 := twoVersions(t, "v2")
	d, err := a.OpenWorkflow(imp.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Versions) != 2 || d.Versions[0].ID != v2.ID || d.Current.ID != v2.ID || len(d.Current.Graph.Nodes) != 1 || d.Base != nil {
		t.Fatalf("without a draft: versions %+v, current %s with %d nodes, base %v; want v2, v1, v2 whole, no base",
			d.Versions, d.Current.Label, len(d.Current.Graph.Nodes), d.Base)
	}
	data, _ := json.Marshal(d.Versions)
	if strings.Contains(string(data), "graph") {
		t.Errorf("the versions listed carry graphs: %s", data)
	}
	draft := v1.Graph
	draft.Nodes = []engine.Node{{ID: "a", Type: "math.expr", Params: map[string]any{"expression": "4"}}}
	if err := a.SaveDraft(imp.WorkflowID, draft, imp.VersionID); err != nil {
		t.Fatal(err)
	}
	if d, err = a.OpenWorkflow(imp.WorkflowID); err != nil {
		t.Fatal(err)
	}
	if d.Base == nil || d.Base.ID != imp.VersionID || d.Base.Graph.Nodes[0].Params["expression"] != "2" || d.DraftBaseID != imp.VersionID {
		t.Errorf("a draft edited from v1 while v2 is current: base %+v, want v1 whole", d.Base)
	}
	if _, err := a.GetVersion("someotherworkflow", imp.VersionID); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("a version asked of another workflow: %v, want not found", err)
	}
	if v, err := a.GetVersion(imp.WorkflowID, imp.VersionID); err != nil || len(v.Graph.Nodes) != 1 {
		t.Errorf("GetVersion: %d nodes, %v", len(v.Graph.Nodes), err)
	}
}

// TestWorkflowMetaListsWithoutGraphs: the meta the window asks after a run lists the
// workflow's versions newest first, without graphs; a workflow that does not exist is not found.
func TestWorkflowMetaListsWithoutGraphs(t *testing.T) {
	a, _, imp, _, v2 := twoVersions(t, "second")
	m, err := a.WorkflowMeta(imp.WorkflowID)
	if err != nil || m.Workflow.CurrentVersionID != v2.ID || len(m.Versions) != 2 || m.Versions[0].ID != v2.ID || m.Versions[0].Notes != "second" {
		t.Fatalf("meta %+v (%v), want v2 current and first", m, err)
	}
	if data, _ := json.Marshal(m); strings.Contains(string(data), `"graph"`) {
		t.Errorf("the meta carries graphs: %s", data)
	}
	if _, err := a.WorkflowMeta("01a24f28-0000-7000-8000-000000000000"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("meta of a workflow that does not exist: %v, want not found", err)
	}
}
