package cli_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/internal/fakes"
	"github.com/flowbench/flowbench/storage"
)

type providersList struct {
	Providers []struct {
		Name        string   `json:"name"`
		Kind        string   `json:"kind"`
		URLs        []string `json:"urls"`
		Concurrency int      `json:"concurrency"`
		APIKeyEnv   string   `json:"api_key_env"`
		Status      string   `json:"status"`
	} `json:"providers"`
}

type providerTest struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	URLs []struct {
		URL    string   `json:"url"`
		OK     bool     `json:"ok"`
		Models []string `json:"models"`
		Error  string   `json:"error"`
	} `json:"urls"`
	Error string `json:"error"`
}

func TestProvidersFreshHomeHasOllamaOnly(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	var l providersList
	h.json(&l, "providers", "--json")
	if len(l.Providers) != 1 {
		t.Fatalf("fresh home providers = %+v, want only ollama", l.Providers)
	}
	p := l.Providers[0]
	if p.Name != "ollama" || p.Kind != "openai" || !reflect.DeepEqual(p.URLs, []string{"http://127.0.0.1:11434"}) ||
		p.Concurrency != 4 || p.Status == "" {
		t.Fatalf("default provider = %+v", p)
	}
}

func TestProvidersSetTestRemove(t *testing.T) {
	t.Parallel()
	const secret = "sk-flowbench-secret-123"
	fake := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{APIKey: secret}))
	defer fake.Close()
	fake2 := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{APIKey: secret, Models: []string{"other"}}))
	defer fake2.Close()
	h := newHome(t)
	env := []string{"FAKE_OPENAI_KEY=" + secret}
	run := func(args ...string) result {
		t.Helper()
		return runCLI(t, env, append(args, "--home", h.dir)...)
	}

	if r := run("providers", "set", "gpus", "--kind", "openai", "--url", fake.URL, "--url", fake2.URL+"/",
		"--concurrency", "2", "--api-key-env", "FAKE_OPENAI_KEY"); r.code != 0 {
		t.Fatalf("set: %s", r)
	}
	var l providersList
	r := run("providers", "--json")
	decodeOne(t, r, &l)
	if len(l.Providers) != 2 || l.Providers[0].Name != "gpus" {
		t.Fatalf("providers after set = %+v", l.Providers)
	}
	g := l.Providers[0]
	if !reflect.DeepEqual(g.URLs, []string{fake.URL, fake2.URL}) || g.Concurrency != 2 || g.APIKeyEnv != "FAKE_OPENAI_KEY" || g.Status != "ok" {
		t.Fatalf("gpus = %+v, want both URLs, concurrency 2, status ok", g)
	}

	var res providerTest
	r = run("providers", "test", "gpus", "--json")
	if r.code != 0 {
		t.Fatalf("test: %s", r)
	}
	decodeOne(t, r, &res)
	if !res.OK || len(res.URLs) != 2 || !reflect.DeepEqual(res.URLs[1].Models, []string{"other"}) ||
		len(res.URLs[0].Models) != len(fakes.DefaultOpenAIModels) {
		t.Fatalf("test result = %+v", res)
	}
	if r := run("providers", "test", "gpus"); r.code != 0 || !strings.Contains(r.stdout, fake.URL+"  ok") ||
		!strings.Contains(r.stdout, "fake-image") {
		t.Fatalf("human test output:\n%s", r)
	}

	// Without the variable the test says which one is missing.
	r = runCLI(t, nil, "providers", "test", "gpus", "--json", "--home", h.dir)
	if r.code != 1 || !strings.Contains(r.stdout, "FAKE_OPENAI_KEY") {
		t.Fatalf("test without the key variable:\n%s", r)
	}
	// The key itself is nowhere in the data home.
	_ = filepath.WalkDir(h.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(p); bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds the API key in clear", p)
			}
		}
		return nil
	})

	// Changing one thing keeps the rest.
	if r := run("providers", "set", "gpus", "--concurrency", "3"); r.code != 0 {
		t.Fatalf("set concurrency: %s", r)
	}
	decodeOne(t, run("providers", "--json"), &l)
	if g := l.Providers[0]; g.Concurrency != 3 || len(g.URLs) != 2 || g.Kind != "openai" {
		t.Fatalf("after changing the concurrency: %+v", g)
	}

	if r := run("providers", "remove", "gpus"); r.code != 0 {
		t.Fatalf("remove: %s", r)
	}
	decodeOne(t, run("providers", "--json"), &l)
	if len(l.Providers) != 1 || l.Providers[0].Name != "ollama" {
		t.Fatalf("after remove: %+v", l.Providers)
	}
}

func TestProvidersTestReportsEachURL(t *testing.T) {
	t.Parallel()
	fake, deadURL := openAIAndDeadURL(t)
	h := newHome(t)
	h.ok("providers", "set", "pool", "--kind", "openai", "--url", fake.URL, "--url", deadURL)
	var res providerTest
	h.jsonCode(1, &res, "providers", "test", "pool", "--json")
	if res.OK || !res.URLs[0].OK || res.URLs[1].OK || !strings.Contains(res.URLs[1].Error, "connection refused") ||
		!strings.Contains(res.URLs[1].Error, deadURL) {
		t.Fatalf("test of a pool with a dead URL = %+v", res)
	}
	var l providersList
	h.json(&l, "providers", "--json")
	for _, p := range l.Providers {
		if p.Name == "pool" && p.Status != "1 of 2 URLs reachable" {
			t.Fatalf("status of a half-dead pool = %q", p.Status)
		}
	}
}

func TestProvidersBadInputIsRefused(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.refused([]string{`"midjourney"`}, "providers", "set", "x", "--kind", "midjourney", "--url", "http://127.0.0.1:1")
	h.refused([]string{`"localhost:8188"`}, "providers", "set", "x", "--kind", "comfyui", "--url", "localhost:8188")
	h.refused([]string{`"ftp://h"`}, "providers", "set", "x", "--kind", "comfyui", "--url", "ftp://h")
	h.refused([]string{"--kind"}, "providers", "set", "x", "--url", "http://h")
	h.refused([]string{"--url"}, "providers", "set", "x", "--kind", "a1111")
	h.refused([]string{"--concurrency", `"0"`}, "providers", "set", "x", "--kind", "a1111", "--url", "http://h", "--concurrency", "0")
	h.refused([]string{`"nope"`}, "providers", "test", "nope")
	h.refused([]string{`"nope"`}, "providers", "remove", "nope")
	h.refused([]string{`"frobnicate"`}, "providers", "frobnicate")
	var l providersList
	h.json(&l, "providers", "--json")
	if len(l.Providers) != 1 {
		t.Fatalf("refused commands wrote providers: %+v", l.Providers)
	}
	h.ok("providers", "set", "x", "--kind", "a1111", "--url", "http://127.0.0.1:7860")
	h.json(&l, "providers", "--json")
	if l.Providers[1].Name != "x" || l.Providers[1].Concurrency != 1 {
		t.Fatalf("a1111 provider = %+v, want concurrency 1 by default", l.Providers[1])
	}
}

func TestRunImageGenerateThroughAProvider(t *testing.T) {
	t.Parallel()
	fake, deadURL := openAIAndDeadURL(t)
	h := newHome(t)
	h.ok("providers", "set", "gpus", "--kind", "openai", "--url", deadURL, "--url", fake.URL)
	file := writeWorkflow(t, "Generate", nil,
		[]engine.Node{
			nd("gen", "image.generate", params{"provider": "gpus", "model": "fake-image", "prompt": "a red fox",
				"width": 48, "height": 48, "seed": 5}),
			nd("out", "io.output", params{"name": "seed"}),
		},
		[]engine.Edge{ed("gen", "seed", "out", "value")})
	imp := h.importFile(file)
	run := h.runJSON(0, imp.WorkflowID)
	if run.Status != "completed" || run.Outputs["seed"] != 5.0 {
		t.Fatalf("run = %+v", run)
	}
	gens := h.generations(imp.WorkflowID, "gen")
	if len(gens.Generations) != 1 {
		t.Fatalf("generations = %+v", gens)
	}
	img, ok := gens.Generations[0].Outputs["image"].(map[string]any)
	if !ok || img["mime"] != "image/png" {
		t.Fatalf("image output = %v", gens.Generations[0].Outputs["image"])
	}

	// The generation's cost records provider, URL, model, seed and duration.
	st, err := storage.Open(context.Background(), h.dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g, err := st.GetGeneration(context.Background(), gens.Generations[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"provider": "gpus", "url": fake.URL, "model": "fake-image", "seed": 5.0} {
		if !jsonEqual(g.Cost[k], want) {
			t.Errorf("cost[%s] = %v, want %v (cost %v)", k, g.Cost[k], want, g.Cost)
		}
	}
	if _, ok := g.Cost["duration_ms"]; !ok {
		t.Errorf("cost %v has no duration_ms", g.Cost)
	}
}

// openAIAndDeadURL starts a fake OpenAI server, closed when the test ends, and returns it
// with the URL of a server already closed (its connections are refused).
func openAIAndDeadURL(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	fake := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{}))
	t.Cleanup(fake.Close)
	dead := httptest.NewServer(nil)
	dead.Close()
	return fake, dead.URL
}

// TestProvidersSetRefusesCredentialsInTheURL: a URL holding a password is refused, pointing
// at the flag that names the API key's variable; nothing is saved.
func TestProvidersSetRefusesCredentialsInTheURL(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.refused([]string{"credentials", "--api-key-env"}, "providers", "set", "local", "--kind", "openai", "--url", "http://u:secret@127.0.0.1:1")
	if r := h.run("providers", "--json"); strings.Contains(r.stdout, "local") {
		t.Errorf("a refused provider was saved: %s", r.stdout)
	}
}
