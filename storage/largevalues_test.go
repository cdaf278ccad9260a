package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestLargeValuesGoToTheAssetStore: an output over 64 KB of JSON is stored as an asset file,
// not in the database row; reads give the value back unchanged; the file goes with the last
// row that names it.
func TestLargeValuesGoToTheAssetStore(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	s := open(t, home)
	defer s.Close()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "big"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "llm", Type: "text.template"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a long answer é \"quoted\" ", 8000) // ~200 KB
	rows := make([]any, 3000)
	for i := range rows {
		rows[i] = map[string]any{"i": int64(i), "name": "row"}
	}
	outputs := map[string]any{"text": long, "rows": rows, "small": "kept inline", "n": int64(3), "half": 0.5}
	g := engine.Generation{ID: "0193f2a4-5b6c-7d8e-9f01-23456789abcd", WorkflowID: w.ID, NodeID: "llm", RunID: r.ID,
		VersionID: v.ID, Status: engine.GenCompleted, Outputs: outputs}
	if _, err := s.SaveGenerations(ctx, []engine.Generation{g}); err != nil {
		t.Fatal(err)
	}
	r.Status, r.Outputs = engine.RunCompleted, map[string]any{"answer": long}
	if err := s.UpdateRun(ctx, r); err != nil {
		t.Fatal(err)
	}

	db := rawDB(t, home)
	var rowOutputs string
	if err := db.QueryRow(`SELECT outputs FROM generations WHERE id = ?`, g.ID).Scan(&rowOutputs); err != nil {
		t.Fatal(err)
	}
	if len(rowOutputs) > 1000 || !strings.Contains(rowOutputs, "kept inline") {
		t.Errorf("the generation row holds %d bytes of outputs: %.200s", len(rowOutputs), rowOutputs)
	}
	var runOutputs string
	if err := db.QueryRow(`SELECT outputs FROM runs WHERE id = ?`, r.ID).Scan(&runOutputs); err != nil || len(runOutputs) > 1000 {
		t.Errorf("the run row holds %d bytes of outputs (%v)", len(runOutputs), err)
	}

	got, err := s.GetGeneration(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Outputs, outputs) {
		t.Errorf("outputs came back different (text %d bytes, rows %T)", len(engine.ToText(got.Outputs["text"])), got.Outputs["rows"])
	}
	cur, err := s.CurrentGenerations(ctx, w.ID)
	if err != nil || cur.Current["llm"].Outputs["text"] != long {
		t.Errorf("current generation lost its large value: %v", err)
	}
	gotRun, err := s.GetRun(ctx, r.ID)
	if err != nil || gotRun.Outputs["answer"] != long {
		t.Errorf("run output lost its large value: %v", err)
	}
	listed, err := s.ListRuns(ctx, w.ID, 1)
	if err != nil || len(listed) != 1 || listed[0].Outputs["answer"] != long {
		t.Errorf("listed run lost its large value: %v", err)
	}

	files := func() int {
		n := 0
		_ = filepath.WalkDir(filepath.Join(home, "assets"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	if n := files(); n != 2 { // the text (shared by the generation and the run) and the rows
		t.Fatalf("%d asset files, want 2", n)
	}
	if err := s.DeleteGeneration(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if n := files(); n != 1 { // the run still names the text
		t.Errorf("%d asset files after deleting the generation, want 1 (the run's)", n)
	}
}

// TestOutputsThatLookLikeStoredValues: a node's own output shaped like a stored-value
// reference comes back as it was (it is escaped, not followed); a stored value whose file is
// gone leaves its reference and the other outputs readable.
func TestOutputsThatLookLikeStoredValues(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	s := open(t, home)
	defer s.Close()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "tricky"}, engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "n", Type: "json.parse"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sha := strings.Repeat("ab", 32)
	lookalikes := map[string]any{
		"ref":     map[string]any{"$flowbench_large_value": sha},
		"escaped": map[string]any{"$flowbench_escaped_value": "x"},
		"both":    map[string]any{"$flowbench_large_value": sha, "other": int64(1)},
		"plain":   "text",
	}
	big := strings.Repeat("z", 70<<10)
	g1 := engine.Generation{ID: "0193f2a4-5b6c-7d8e-9f01-000000000001", WorkflowID: w.ID, NodeID: "n", VersionID: v.ID,
		Status: engine.GenCompleted, Outputs: lookalikes}
	g2 := engine.Generation{ID: "0193f2a4-5b6c-7d8e-9f01-000000000002", WorkflowID: w.ID, NodeID: "n", VersionID: v.ID,
		Status: engine.GenCompleted, Outputs: map[string]any{"big": big, "small": int64(1)}}
	if _, err := s.SaveGenerations(ctx, []engine.Generation{g1, g2}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetGeneration(ctx, g1.ID)
	if err != nil || !reflect.DeepEqual(got.Outputs, lookalikes) {
		t.Errorf("look-alike outputs came back as %v (%v)", got.Outputs, err)
	}

	// remove the big value's file by hand: the read goes on
	var ref string
	if err := rawDB(t, home).QueryRow(`SELECT json_extract(outputs, '$.big."$flowbench_large_value"') FROM generations WHERE id = ?`, g2.ID).Scan(&ref); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(home, "assets", ref[:2], ref)); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetGeneration(ctx, g2.ID)
	if err != nil || got.Outputs["small"] != int64(1) {
		t.Fatalf("a lost file made the generation unreadable: %v %v", got.Outputs, err)
	}
	if cur, err := s.CurrentGenerations(ctx, w.ID); err != nil || cur.Current["n"] == nil {
		t.Errorf("a lost file made the workflow's current generations unreadable: %v", err)
	}
}
