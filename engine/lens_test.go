package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestSweepLabelsNameWhatVaries: a sweep's labels lead with the input that varies, name it
// even at its default value, and leave out inputs common to every run of the batch.
func TestSweepLabelsNameWhatVaries(t *testing.T) {
	decls := []engine.InputDecl{
		{Name: "topic", Type: "string", Default: "owls"},
		{Name: "count", Type: "integer", Default: 3},
		{Name: "seed", Type: "integer", Default: 1},
	}
	sets := []map[string]any{
		{"topic": "owls", "count": 3, "seed": 1},
		{"topic": "owls", "count": 3, "seed": 2},
		{"topic": "owls", "count": 3, "seed": 3},
	}
	got := engine.SweepLabels(decls, sets)
	want := []string{"seed=1", "seed=2", "seed=3"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("run %d: label %q, want %q", i+1, got[i], want[i])
		}
	}
	// two inputs vary: the one with more distinct values comes first
	sets = []map[string]any{
		{"topic": "owls", "count": 3, "seed": 1},
		{"topic": "owls", "count": 4, "seed": 2},
		{"topic": "owls", "count": 3, "seed": 3},
	}
	got = engine.SweepLabels(decls, sets)
	if got[1] != "seed=2 count=4" || got[0] != "seed=1 count=3" {
		t.Errorf("labels %q", got)
	}
	// nothing varies: every run is numbered
	got = engine.SweepLabels(decls, []map[string]any{{"seed": 1}, {"seed": 1}})
	if got[0] != "" || got[1] != "" {
		t.Errorf("identical runs labelled %q", got)
	}
}

// TestBatchLabelsAndRunGenerations: runs enqueued as one batch are labelled by what differs
// between them, and RunGenerations gives each run's own generation of every node it ran.
func TestBatchLabelsAndRunGenerations(t *testing.T) {
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	imp := importGraph(t, svc, "sweep", engine.Graph{
		Inputs: []engine.InputDecl{{Name: "topic", Type: "string", Default: "owls"}, {Name: "seed", Type: "integer", Default: 1}},
		Nodes: []engine.Node{
			node("in", "flow.inputs", nil),
			node("k", "t.const", map[string]any{"value": 5}),
			node("out", "io.output", map[string]any{"name": "seed"}),
		},
		Edges: []engine.Edge{edge("in", "seed", "out", "value")},
	})
	var sets []map[string]any
	for seed := 1; seed <= 3; seed++ {
		sets = append(sets, map[string]any{"topic": "owls", "seed": seed})
	}
	st, err := svc.StartBatch(ctx, engine.RunRequest{Workflow: imp.WorkflowID}, sets)
	if err != nil {
		t.Fatal(err)
	}
	var runs []engine.Run
	for _, r := range st.Runs {
		done, err := svc.Wait(ctx, r.ID)
		if err != nil || done.Status != engine.RunCompleted {
			t.Fatalf("run: %v %v", done.Status, err)
		}
		runs = append(runs, done)
	}
	for i, r := range runs {
		if want := []string{"seed=1", "seed=2", "seed=3"}[i]; r.Label != want {
			t.Errorf("run %d labelled %q, want %q", i+1, r.Label, want)
		}
		gens, err := svc.RunGenerations(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out, ok := gens["out"]
		if !ok || out.RunID != r.ID || out.ID != r.Snapshot.Records()["out"].GenerationID {
			t.Fatalf("run %d: generation of out %+v", i+1, out)
		}
		if v, _ := engine.ToFloat(out.Outputs["value"]); v != float64(i+1) {
			t.Errorf("run %d: out shows %v, want %d", i+1, out.Outputs["value"], i+1)
		}
	}
	// a single run keeps its usual label; the default-valued one is numbered
	single := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"seed": 1}})
	if single.Label != "Run #4" {
		t.Errorf("single run labelled %q", single.Label)
	}
	// a run from a block: the reused node shows the generation it fed downstream
	from := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "k"})
	gens, err := svc.RunGenerations(ctx, from.ID)
	if err != nil {
		t.Fatal(err)
	}
	if gens["k"].RunID != from.ID {
		t.Errorf("target k shows generation of run %s", gens["k"].RunID)
	}
	fromOut := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, From: "out"})
	rec := fromOut.Snapshot.Records()["in"]
	gens, err = svc.RunGenerations(ctx, fromOut.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != engine.NodeReused || gens["in"].ID != rec.GenerationID || gens["in"].RunID == fromOut.ID {
		t.Errorf("reused in: record %+v, generation %+v", rec, gens["in"])
	}
	if _, err := svc.RunGenerations(ctx, "no-such-run"); err == nil {
		t.Error("an unknown run gave generations")
	}
}

// TestMediaMessagesReadRight: messages about media inputs say "an image file", "an audio
// file", "a video file" — never "a image".
func TestMediaMessagesReadRight(t *testing.T) {
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 1)
	g := engine.Graph{Inputs: []engine.InputDecl{{Name: "pic", Type: engine.TypeImage, Required: true}, {Name: "clip", Type: engine.TypeAudio}, {Name: "film", Type: engine.TypeVideo}}}
	probs := svc.CheckGraphInputs(g, map[string]any{"pic": "@/tmp/x.png", "clip": "@/tmp/x.wav", "film": "@/tmp/x.mp4"})
	want := map[string]string{"pic": "choose an image file", "clip": "choose an audio file", "film": "choose a video file"}
	for _, p := range probs {
		if w, ok := want[p.Input]; ok && !strings.Contains(p.Message, w) {
			t.Errorf("%s: %q, want %q", p.Input, p.Message, w)
		}
		delete(want, p.Input)
	}
	if len(want) > 0 {
		t.Errorf("no message for %v: %+v", want, probs)
	}
	if _, err := engine.ValidateInputs(g.Inputs, map[string]any{"pic": 5}, nil); err == nil || !strings.Contains(err.Error(), "want an image file") {
		t.Errorf("a number for an image: %v", err)
	}
	if engine.Article("image") != "an image" || engine.Article("video") != "a video" {
		t.Error("Article")
	}
}
