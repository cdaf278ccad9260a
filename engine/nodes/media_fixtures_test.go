package nodes_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// mediaFixtures are the example workflows of the media family.
var mediaFixtures = []string{"image-pipeline.json", "media-files.json", "video-contact-sheet.json"}

func TestMediaFixturesValidate(t *testing.T) {
	t.Parallel()
	reg, err := sharedRegistry()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range mediaFixtures {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		pf, err := engine.ParseFile(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := engine.ValidateGraph(reg, engine.NormalizeGraph(pf.Workflow.Graph())); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// runFixture imports a workflow file (edited by tweak, if given) into a service over an
// in-memory store and runs it to the end.
func runFixture(t *testing.T, name string, inputs map[string]any, tweak func(*engine.WorkflowFile)) (engine.Run, engine.Store) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if tweak != nil {
		var f engine.WorkflowFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		tweak(&f)
		if data, err = json.Marshal(f); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := sharedRegistry()
	if err != nil {
		t.Fatal(err)
	}
	store := newStore(t)
	svc, err := engine.NewService(engine.Config{Store: store, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	ctx := context.Background()
	res, err := svc.Import(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	run, err := svc.StartRun(ctx, engine.RunRequest{Workflow: res.WorkflowID, Inputs: inputs})
	if err != nil {
		t.Fatal(err)
	}
	run, err = svc.Wait(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != engine.RunCompleted {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	return run, store
}

func TestImagePipelineFixture(t *testing.T) {
	t.Parallel()
	// The fixture asks for 2048×2048 (see BenchmarkImagePipeline); 256 keeps the test quick
	// and exercises the same wiring.
	run, store := runFixture(t, "image-pipeline.json", map[string]any{"seed": 3}, func(f *engine.WorkflowFile) {
		for _, n := range f.Nodes {
			if n.ID == "noise" {
				n.Params["width"], n.Params["height"] = 256, 256
			}
		}
	})
	grid := assetImage(t, store, run.Outputs["grid"])
	if got := size(grid); got != [2]int{2*256 + 4, 256} {
		t.Fatalf("grid is %v, want 516×256", got)
	}
}

func TestMediaFilesFixture(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := writeFile(t, dir, "notes.txt", []byte("hello\n"))
	run, _ := runFixture(t, "media-files.json", map[string]any{"path": src, "folder": dir}, nil)
	saved, _ := run.Outputs["saved"].(string)
	got, err := os.ReadFile(saved)
	if err != nil {
		t.Fatalf("saved = %v: %v", run.Outputs["saved"], err)
	}
	if want := "# Copy (6 bytes)\n\nhello\n"; string(got) != want {
		t.Fatalf("copy = %q, want %q", got, want)
	}
	if run.Outputs["size"] != int64(6) {
		t.Fatalf("size = %v", run.Outputs["size"])
	}
}
