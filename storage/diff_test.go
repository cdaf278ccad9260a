package storage_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/google/uuid"
)

// TestDiffRunsReadsStoredGraphs: a run diff over the SQLite store reads the two versions'
// graphs as stored JSON (engine.VersionJSONReader) and gives the graph diff DiffGraphs gives
// on the decoded graphs: params changed, added and removed, a type and a parent changed,
// nodes and edges added and removed, params equal in another key order left out.
func TestDiffRunsReadsStoredGraphs(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	pos := &engine.Position{X: 1, Y: 2}
	g1 := engine.Graph{
		Nodes: []engine.Node{
			{ID: "a", Type: "math.expr", Params: map[string]any{"expression": "a + 1", "x": 1.0}, Position: pos},
			{ID: "b", Type: "math.expr", Params: map[string]any{"expression": "a"}},
			{ID: "c", Type: "text.template", Params: map[string]any{"template": "hi", "keep": map[string]any{"p": 1.0, "q": "r"}}},
			{ID: "g", Type: "control.map"},
			{ID: "k", Type: "math.expr", ParentID: "g"},
			{ID: "gone", Type: "math.expr"},
			{ID: "same", Type: "math.expr", Params: map[string]any{"expression": "1"}, Label: "one"},
		},
		Edges: []engine.Edge{{Source: "a", SourceHandle: "result", Target: "b", TargetHandle: "a"}, {Source: "gone", SourceHandle: "result", Target: "c", TargetHandle: "x"}},
	}
	g2 := engine.Graph{
		Nodes: []engine.Node{
			{ID: "a", Type: "math.expr", Params: map[string]any{"expression": "a + 2", "y": "new"}, Position: &engine.Position{X: 9, Y: 9}},
			{ID: "b", Type: "text.template", Params: map[string]any{"expression": "a"}},
			{ID: "c", Type: "text.template", Params: map[string]any{"keep": map[string]any{"q": "r", "p": 1.0}, "template": "hi"}},
			{ID: "g", Type: "control.map"},
			{ID: "k", Type: "math.expr"},
			{ID: "new", Type: "math.expr", Params: map[string]any{"expression": "2"}},
			{ID: "same", Type: "math.expr", Params: map[string]any{"expression": "1"}, Label: "renamed"},
		},
		Edges: []engine.Edge{{Source: "a", SourceHandle: "result", Target: "b", TargetHandle: "a"}, {Source: "new", SourceHandle: "result", Target: "c", TargetHandle: "x"}},
	}
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{ID: uuid.NewString(), Name: "two versions"}, engine.Version{ID: uuid.NewString(), Graph: g1, ContentHash: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := s.AddVersion(ctx, engine.Version{ID: uuid.NewString(), WorkflowID: w.ID, Graph: g2, ContentHash: "h2"}, true)
	if err != nil {
		t.Fatal(err)
	}
	var ids [2]string
	for k, v := range []engine.Version{v1, v2} {
		r, err := s.CreateRun(ctx, engine.Run{ID: uuid.NewString(), WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunCompleted, Mode: engine.ModeFull,
			Inputs: map[string]any{}, CreatedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		ids[k] = r.ID
	}
	svc, err := engine.NewService(engine.Config{Store: s, Registry: engine.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	d, err := svc.DiffRuns(ctx, ids[0], ids[1])
	if err != nil {
		t.Fatal(err)
	}
	// as JSON: numbers read back from the store are not float64s
	got, _ := json.Marshal(d.Graph)
	want, _ := json.Marshal(engine.DiffGraphs(g1, g2))
	if string(got) != string(want) {
		t.Errorf("graph diff from stored JSON\n got %s\nwant %s", got, want)
	}
	if _, ok := d.Graph.NodesChanged["c"]; ok {
		t.Errorf("node c's params are equal (keys in another order) but listed as changed: %v", d.Graph.NodesChanged["c"])
	}
	for _, id := range []string{"a", "b", "k"} {
		if _, ok := d.Graph.NodesChanged[id]; !ok {
			t.Errorf("node %s changed but is not listed: %+v", id, d.Graph.NodesChanged)
		}
	}
	if len(d.Nodes) != 8 || d.Nodes["gone"].B != nil || d.Nodes["new"].A != nil {
		t.Errorf("nodes of both versions: %+v", d.Nodes)
	}
}
