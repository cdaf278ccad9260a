package nodes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/internal/fakes"
)

func TestImageGenerateOpenAIEdit(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	params := map[string]any{"provider": "local", "model": "fake-image", "prompt": "the same, at night", "width": 48.0, "height": 40.0,
		"seed": 5.0}
	out, in, err := e.run(t, "image.generate", params, map[string]any{"image": startImage(t, e.store)})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(assetBytes(t, e.store, out["image"])))
	if err != nil || img.Bounds().Dx() != 48 || img.Bounds().Dy() != 40 {
		t.Fatalf("edit output is not a 48×40 PNG: %v", err)
	}
	req := e.fake.LastRequest("/v1/images/edits")
	if req["prompt"] != "the same, at night" || req["model"] != "fake-image" || req["size"] != "48x40" ||
		req["response_format"] != "b64_json" || req["image_format"] != "png" || req["n"] != "1" {
		t.Fatalf("edit request = %v", req)
	}
	if e.fake.Calls("/v1/images/generations") != 0 {
		t.Fatal("an image-to-image job went to /v1/images/generations")
	}
	checkCost(t, in.Cost, map[string]any{"provider": "local", "url": e.url, "model": "fake-image", "seed": 5.0})
}

// a1111Env is a fake Automatic1111 server behind provider "sd".
func a1111Env(t *testing.T, opts fakes.A1111Options) (*aiEnv, *fakes.A1111, string) {
	t.Helper()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	fake := fakes.NewA1111(opts)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	e.setProvider(t, engine.Provider{Name: "sd", Kind: engine.ProviderA1111, URLs: []string{srv.URL}, Concurrency: 1})
	return e, fake, srv.URL
}

func TestImageGenerateA1111ProgressReachesTheNode(t *testing.T) {
	t.Parallel()
	fake := fakes.NewA1111(fakes.A1111Options{Polls: 3}) // the job ends after three progress polls
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	reg, err := sharedRegistry()
	if err != nil {
		t.Fatal(err)
	}
	store := newStore(t)
	ctx := context.Background()
	if err := store.PutProvider(ctx, engine.Provider{Name: "sd", Kind: engine.ProviderA1111, URLs: []string{srv.URL}}); err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: store, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	var mu sync.Mutex
	var got []float64
	t.Cleanup(svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventProgress && e.NodeID == "gen" {
			mu.Lock()
			got = append(got, e.Progress)
			mu.Unlock()
		}
	}))
	wf, err := json.Marshal(engine.WorkflowFile{Format: engine.FormatWorkflow, Name: "a1111 progress", Nodes: []engine.Node{
		{ID: "gen", Type: "image.generate", Params: map[string]any{"provider": "sd", "model": "sd_xl_base_1.0", "prompt": "a castle",
			"width": 64, "height": 64, "steps": 8, "seed": 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	imp, err := svc.Import(ctx, wf, "")
	if err != nil {
		t.Fatal(err)
	}
	run, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	if run, err = svc.Wait(ctx, run.ID); err != nil || run.Status != engine.RunCompleted {
		t.Fatalf("run %s: %s (%v)", run.Status, run.Error, err)
	}
	mu.Lock()
	defer mu.Unlock()
	steps := 0
	for _, p := range got {
		if p > 0 && p < 1 {
			steps++
		}
	}
	if steps == 0 {
		t.Fatalf("progress events %v: none of the server's steps reached the node", got)
	}
	if fake.Calls("/sdapi/v1/progress") < 3 {
		t.Fatalf("progress polled %d times", fake.Calls("/sdapi/v1/progress"))
	}
}

func TestImageGenerateA1111CancelInterrupts(t *testing.T) {
	t.Parallel()
	e, fake, _ := a1111Env(t, fakes.A1111Options{Polls: 1 << 30}) // never finishes by itself
	ctx, cancel := context.WithCancel(context.Background())
	in := nodeInput(map[string]any{"provider": "sd", "model": "sd_xl_base_1.0", "prompt": "x", "width": 64.0, "height": 64.0}, nil)
	in.Assets, in.Providers = e.store, e.provs
	done := make(chan error, 1)
	go func() {
		_, err := nodeType(t, "image.generate").Run(ctx, in)
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for fake.Calls("/sdapi/v1/progress") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the job's progress was never asked for")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("image.generate did not stop on cancel")
	}
	if n := fake.Calls("/sdapi/v1/interrupt"); n != 1 {
		t.Fatalf("interrupts = %d, want the server job interrupted once", n)
	}
}

func TestImageGenerateTimeouts(t *testing.T) {
	t.Parallel()
	t.Run("openai", func(t *testing.T) {
		t.Parallel()
		e := newAIEnv(t, fakes.OpenAIOptions{Delay: time.Minute})
		_, _, err := e.run(t, "image.generate", map[string]any{"provider": "local", "model": "fake-image", "prompt": "x",
			"width": 8.0, "height": 8.0, "timeout_ms": 200.0}, nil)
		for _, w := range []string{"image.generate: ", e.url, "did not finish the job within 200ms (param timeout_ms)", "abandoned"} {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Fatalf("error %v does not say %q", err, w)
			}
		}
	})
	t.Run("a1111", func(t *testing.T) {
		t.Parallel()
		e, fake, url := a1111Env(t, fakes.A1111Options{Polls: 1 << 30})
		_, _, err := e.run(t, "image.generate", map[string]any{"provider": "sd", "model": "sd_xl_base_1.0", "prompt": "x",
			"width": 64.0, "height": 64.0, "timeout_ms": 300.0}, nil)
		for _, w := range []string{"image.generate: ", url, "within 300ms (param timeout_ms)", "interrupted"} {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Fatalf("error %v does not say %q", err, w)
			}
		}
		if fake.Calls("/sdapi/v1/interrupt") != 1 {
			t.Fatalf("interrupts = %d, want 1", fake.Calls("/sdapi/v1/interrupt"))
		}
	})
}
