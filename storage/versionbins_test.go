package storage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestVersionBins: a large version read once gets a binary form; read again from it, and from
// a damaged one (replaced), it is the version the text gives; a small one gets none; the form
// goes with its workflow; a form under a version's name that is another's is not taken.
func TestVersionBins(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := engine.Graph{Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Default: int64(1)}}}
	for i := range 2000 {
		big.Nodes = append(big.Nodes, engine.Node{ID: fmt.Sprintf("n%d", i), Type: "math.expr",
			Params:   map[string]any{"expression": "a + 1", "n": int64(i), "f": 0.5, "l": []any{"é", nil, true}},
			Position: &engine.Position{X: float64(i), Y: -1.25}})
		if i > 0 {
			big.Edges = append(big.Edges, engine.Edge{Source: fmt.Sprintf("n%d", i-1), SourceHandle: "result", Target: fmt.Sprintf("n%d", i), TargetHandle: "a"})
		}
	}
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "big"}, engine.Version{Graph: big, ContentHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	_, small, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "small"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "t"}}}, ContentHash: "s"})
	if err != nil {
		t.Fatal(err)
	}
	fromText := func(id string) engine.Version {
		t.Helper()
		want, text, err := s.GetVersionJSON(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := engine.DecodeGraph(text, &want.Graph); err != nil {
			t.Fatal(err)
		}
		return want
	}
	bins := func() int {
		s.aside.Wait() // the cache files written after what they follow
		files, _ := filepath.Glob(filepath.Join(s.home, "cache", "versions", "*"))
		return len(files)
	}
	want := fromText(v.ID)
	for _, step := range []string{"from the text", "from the binary form", "from a damaged form"} {
		if step == "from a damaged form" {
			s.aside.Wait()
			if err := os.WriteFile(s.versionBinPath(v.ID), []byte(v.ID+"\nFBgraph1 cut short"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.GetVersion(ctx, v.ID)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the version differs from the one its text gives", step)
		}
		if bins() != 1 {
			t.Fatalf("%s: %d binary forms, want 1", step, bins())
		}
	}
	if data, err := readCacheFile(s, s.versionBinPath(v.ID)); err != nil || len(data) < 1000 {
		t.Fatalf("the damaged form was not replaced: %d bytes, %v", len(data), err)
	}
	// A first line changed (another content hash or creation time, checksum not made right),
	// or of the earlier form (the id alone): not taken, written again.
	good, _ := readCacheFile(s, s.versionBinPath(v.ID))
	head, bin, _ := bytes.Cut(good, []byte{'\n'})
	fields := strings.Split(string(head), "\t")
	if len(fields) != 4 || fields[1] != want.ContentHash || fields[2] != fmt.Sprint(want.CreatedAt.UnixMilli()) {
		t.Fatalf("first line %q", head)
	}
	for _, bad := range []string{
		strings.Join([]string{fields[0], "other", fields[2], fields[3]}, "\t"),
		strings.Join([]string{fields[0], fields[1], "1", fields[3]}, "\t"),
		fields[0],
	} {
		if err := os.WriteFile(s.versionBinPath(v.ID), append([]byte(bad+"\n"), bin...), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetVersion(ctx, v.ID); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("first line %q: %v, or the version differs from its text's", bad, err)
		}
		if again, _ := readCacheFile(s, s.versionBinPath(v.ID)); !bytes.HasPrefix(again, append(head, '\n')) {
			t.Fatalf("first line %q: the form was not written again", bad)
		}
	}
	// Another version's form under this id's name is not this version's.
	other, err := s.AddVersion(ctx, engine.Version{WorkflowID: w.ID, Graph: big, ContentHash: "h2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := readCacheFile(s, s.versionBinPath(v.ID))
	if err := os.WriteFile(s.versionBinPath(other.ID), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetVersion(ctx, other.ID); err != nil || !reflect.DeepEqual(got, fromText(other.ID)) {
		t.Fatalf("a form of another version was taken: %v", err)
	}
	if got, err := s.GetVersion(ctx, small.ID); err != nil || !reflect.DeepEqual(got, fromText(small.ID)) || bins() != 2 {
		t.Fatalf("small version: %v, %d binary forms", err, bins())
	}
	if err := s.DeleteWorkflow(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if bins() != 0 {
		t.Fatalf("the binary form outlived its workflow")
	}
}

// TestVersionBinAtSave: a large version gets its binary form when it is stored (created with
// its workflow, or added), before any read, and it is the version its text gives; a small
// one gets none.
func TestVersionBinAtSave(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := engine.Graph{}
	for i := range 1500 {
		big.Nodes = append(big.Nodes, engine.Node{ID: fmt.Sprintf("n%d", i), Type: "math.expr",
			Params: map[string]any{"expression": "a + 1", "n": int64(i), "f": 0.5}, Position: &engine.Position{X: float64(i)}})
	}
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "big"}, engine.Version{Graph: big, ContentHash: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	big.Nodes[7].Params = map[string]any{"expression": "a + 2"}
	v2, err := s.AddVersion(ctx, engine.Version{WorkflowID: w.ID, Graph: big, ContentHash: "h2", ParentID: v1.ID}, true)
	if err != nil {
		t.Fatal(err)
	}
	_, small, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "small"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "t"}}}, ContentHash: "s"})
	if err != nil {
		t.Fatal(err)
	}
	s.aside.Wait() // the cache files are written after the rows
	for _, saved := range []engine.Version{v1, v2} {
		var fromBin engine.Version
		if !s.readVersionBin(saved.ID, &fromBin) {
			t.Fatalf("version %s: no binary form after saving it", saved.Label)
		}
		want, text, err := s.GetVersionJSON(ctx, saved.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := engine.DecodeGraph(text, &want.Graph); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromBin.Graph, want.Graph) || fromBin.ContentHash != want.ContentHash || !fromBin.CreatedAt.Equal(want.CreatedAt) {
			t.Fatalf("version %s: the binary form is not the version its text gives", saved.Label)
		}
		if !reflect.DeepEqual(saved.Graph, want.Graph) {
			t.Fatalf("version %s: the saved version's graph is not the one its text gives", saved.Label)
		}
	}
	if _, err := os.Stat(s.versionBinPath(small.ID)); !os.IsNotExist(err) {
		t.Fatalf("a small version got a binary form: %v", err)
	}
}

// readCacheFile reads a cache file once the writes begun aside have ended.
func readCacheFile(s *Store, path string) ([]byte, error) {
	s.aside.Wait()
	return os.ReadFile(path)
}
