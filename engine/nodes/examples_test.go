package nodes_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/internal/fakes"
)

// The gallery's AI examples (storyboard, podcast clip) run end to end against the strict
// fake servers, on the providers they name, with the models they name.
var aiExampleModels = []string{"llama3.2", "sd_xl_base_1.0.safetensors", "whisper-1", "tts-1"}

// runExample imports testdata/name into a service whose providers all point at fake, runs it
// with inputs and returns the run and the store.
func runExample(t *testing.T, name string, fake string, providers []string, inputs func(engine.Store) map[string]any) engine.Run {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := sharedRegistry()
	if err != nil {
		t.Fatal(err)
	}
	store := newStore(t)
	ctx := context.Background()
	for _, p := range providers {
		if err := store.PutProvider(ctx, engine.Provider{Name: p, Kind: engine.ProviderOpenAI, URLs: []string{fake}}); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := engine.NewService(engine.Config{Store: store, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	res, err := svc.Import(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	run, err := svc.StartRun(ctx, engine.RunRequest{Workflow: res.WorkflowID, Inputs: inputs(store)})
	if err != nil {
		t.Fatal(err)
	}
	if run, err = svc.Wait(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	if run.Status != engine.RunCompleted {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	return run
}

func TestAIExamplesValidate(t *testing.T) {
	t.Parallel()
	reg, err := sharedRegistry()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"storyboard.json", "podcast-clip.json"} {
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
		// the gallery ships the same file
		gallery, err := os.ReadFile(filepath.Join("..", "..", "frontend", "src", "examples", name))
		if err != nil || string(gallery) != string(data) {
			t.Errorf("frontend/src/examples/%s differs from testdata/%s (%v)", name, name, err)
		}
	}
}

func TestStoryboardExampleRuns(t *testing.T) {
	t.Parallel()
	fake := fakes.NewOpenAI(fakes.OpenAIOptions{Models: aiExampleModels,
		ChatJSON: `{"scenes":["a lighthouse in a storm","a bottle on the rocks","the keeper reads by lamplight","a ship answers the light"]}`})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	run := runExample(t, "storyboard.json", srv.URL, []string{"ollama", "images"}, func(engine.Store) map[string]any {
		return map[string]any{"story": "A lighthouse keeper finds a message in a bottle", "seed": 7}
	})
	if scenes, _ := run.Outputs["scenes"].([]any); len(scenes) != 4 {
		t.Fatalf("scenes = %v", run.Outputs["scenes"])
	}
	if ref, ok := engine.AsAssetRef(run.Outputs["board"]); !ok || ref.Mime != "image/png" {
		t.Fatalf("board = %v", run.Outputs["board"])
	}
	chat := fake.LastRequest("/v1/chat/completions")
	if !strings.Contains(toJSONText(chat["messages"]), "A lighthouse keeper finds a message in a bottle") {
		t.Fatalf("the story did not reach the chat model: %v", chat["messages"])
	}
	img := fake.LastRequest("/v1/images/generations")
	if toJSONText(img["seed"]) != "7" || img["model"] != "sd_xl_base_1.0.safetensors" {
		t.Fatalf("image request = %v", img)
	}
}

func TestPodcastClipExampleRuns(t *testing.T) {
	t.Parallel()
	fake := fakes.NewOpenAI(fakes.OpenAIOptions{Models: aiExampleModels})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	run := runExample(t, "podcast-clip.json", srv.URL, []string{"speech", "ollama"}, func(st engine.Store) map[string]any {
		ref, err := st.PutAsset(context.Background(), fakes.FakeWAV(1.5, 22050), "audio/wav", "episode.wav")
		if err != nil {
			t.Fatal(err)
		}
		return map[string]any{"episode": ref}
	})
	for _, out := range []string{"transcript", "recap", "recap_audio", "waveform"} {
		if run.Outputs[out] == nil {
			t.Fatalf("output %s missing: %v", out, run.Outputs)
		}
	}
	if ref, ok := engine.AsAssetRef(run.Outputs["recap_audio"]); !ok || ref.Mime != "audio/mpeg" {
		t.Fatalf("recap_audio = %v", run.Outputs["recap_audio"])
	}
	if recap, _ := run.Outputs["recap"].(string); !strings.Contains(recap, "three spoken sentences") {
		t.Fatalf("recap = %q: the transcript prompt did not reach the chat model", recap)
	}
}
