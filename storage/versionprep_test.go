package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestPrepareVersionWritesNothingUntilAdded: a prepared version is no version (no row, no
// cache file, the workflow's current version unchanged) and shares nothing with the caller's
// graph; added, it is what AddVersion gives: the version a reader reads, current, with its
// cache file; a prepared version given up writes nothing.
func TestPrepareVersionWritesNothingUntilAdded(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := func(k int) engine.Graph {
		var g engine.Graph
		for i := range 1500 {
			g.Nodes = append(g.Nodes, engine.Node{ID: fmt.Sprintf("n%d", i), Type: "math.expr",
				Params: map[string]any{"expression": fmt.Sprintf("a + %d", k), "f": 0.5, "l": []any{"é", nil, true}}})
			if i > 0 {
				g.Edges = append(g.Edges, engine.Edge{Source: fmt.Sprintf("n%d", i-1), SourceHandle: "result", Target: fmt.Sprintf("n%d", i), TargetHandle: "a"})
			}
		}
		return g
	}
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "big"}, engine.Version{Graph: big(1), ContentHash: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	notStored := func(step, id string) {
		t.Helper()
		if _, err := s.GetVersion(ctx, id); !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("%s: the version reads (%v), want not found", step, err)
		}
		if _, err := os.Stat(s.versionBinPath(id)); !os.IsNotExist(err) {
			t.Errorf("%s: its cache file is there (%v)", step, err)
		}
		if got, _ := s.GetWorkflow(ctx, w.ID); got.CurrentVersionID != v1.ID {
			t.Errorf("%s: current version %s, want v1", step, got.CurrentVersionID)
		}
	}
	droppedID := engine.NewID()
	if _, err := s.PrepareVersion(engine.Version{ID: droppedID, WorkflowID: w.ID, Graph: big(2), ContentHash: "h2"}); err != nil {
		t.Fatal(err)
	}
	g := big(3)
	id := engine.NewID()
	p, err := s.PrepareVersion(engine.Version{ID: id, WorkflowID: w.ID, Notes: "n", ParentID: v1.ID, Graph: g, ContentHash: "h3"})
	if err != nil {
		t.Fatal(err)
	}
	notStored("prepared", id)
	g.Nodes[0].Params["expression"] = "changed after it was prepared"
	g.Nodes[1].ID = "renamed"
	v, err := p.Add(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != id || v.Label != "v2" || v.Seq != 2 || v.Notes != "n" || v.ParentID != v1.ID || v.ContentHash != "h3" || v.CreatedAt.IsZero() {
		t.Errorf("added %+v, want v2 with the id, notes, parent and hash given", v)
	}
	if want := big(3); !reflect.DeepEqual(v.Graph, want) {
		t.Error("the added version's graph is not the one prepared: it shares the caller's")
	}
	read, err := s.GetVersion(ctx, id) // from its cache file
	if err != nil || !reflect.DeepEqual(read, v) {
		t.Errorf("read back %+v (%v), want what Add returned", read.Label, err)
	}
	var fromBin engine.Version
	s.aside.Wait() // the cache file is written after the row
	if !s.readVersionBin(id, &fromBin) || !reflect.DeepEqual(fromBin.Graph, v.Graph) {
		t.Error("the added version has no cache file of its graph")
	}
	if got, _ := s.GetWorkflow(ctx, w.ID); got.CurrentVersionID != id {
		t.Error("the added version is not current")
	}
	if _, err := p.Add(ctx, true); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("adding it twice: %v, want a conflict", err)
	}
	if vs, _ := s.ListVersions(ctx, w.ID); len(vs) != 2 {
		t.Errorf("%d versions, want v1 and v2 (the version given up is none)", len(vs))
	}
	if _, err := s.GetVersion(ctx, droppedID); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("the version given up reads (%v)", err)
	}
	if _, err := os.Stat(s.versionBinPath(droppedID)); !os.IsNotExist(err) {
		t.Errorf("the version given up has a cache file (%v)", err)
	}
	if _, err := s.PrepareVersion(engine.Version{WorkflowID: w.ID, Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Params: map[string]any{"x": make(chan int)}}}}}); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("a graph that does not encode: %v, want ErrInvalid", err)
	}
}
