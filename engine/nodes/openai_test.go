package nodes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/internal/fakes"
)

// aiEnv is a fake OpenAI-compatible server, a store with a provider "local" pointing at it
// and the resolver nodes use.
type aiEnv struct {
	fake  *fakes.OpenAI
	url   string
	store *memstore.Store
	provs *engine.Providers
	env   map[string]string
}

func newAIEnv(t *testing.T, opts fakes.OpenAIOptions) *aiEnv {
	t.Helper()
	fake := fakes.NewOpenAI(opts)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	st := newStore(t)
	e := &aiEnv{fake: fake, url: srv.URL, store: st, env: map[string]string{}}
	e.provs = engine.NewProviders(st, nil, func(k string) string { return e.env[k] })
	e.setProvider(t, engine.Provider{Name: "local", Kind: engine.ProviderOpenAI, URLs: []string{srv.URL}, Concurrency: 2})
	return e
}

func (e *aiEnv) setProvider(t *testing.T, p engine.Provider) {
	t.Helper()
	if err := e.store.PutProvider(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

func (e *aiEnv) run(t *testing.T, typ string, params, inputs map[string]any) (map[string]any, *engine.NodeInput, error) {
	t.Helper()
	in := nodeInput(params, inputs)
	in.Assets = e.store
	in.Providers = e.provs
	out, err := nodeType(t, typ).Run(context.Background(), in)
	return out, in, err
}

func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	l.Close()
	return u
}

func checkCost(t *testing.T, cost map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if cost[k] != v {
			t.Errorf("cost[%q] = %v, want %v (cost %v)", k, cost[k], v, cost)
		}
	}
	if _, ok := cost["duration_ms"].(float64); !ok {
		t.Errorf("cost %v has no duration_ms", cost)
	}
}

func TestImageGenerateOpenAIProvider(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	params := map[string]any{"provider": "local", "model": "fake-image", "width": 64.0, "height": 32.0, "seed": 42.0}
	out, in, err := e.run(t, "image.generate", params, map[string]any{"prompt": "a lighthouse at dusk"})
	if err != nil {
		t.Fatal(err)
	}
	if out["seed"] != 42.0 {
		t.Fatalf("seed output = %v, want 42", out["seed"])
	}
	data := assetBytes(t, e.store, out["image"])
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 64 || img.Bounds().Dy() != 32 {
		t.Fatalf("image output is not a 64×32 PNG: %v", err)
	}
	if ref, _ := engine.AsAssetRef(out["image"]); ref.Mime != "image/png" {
		t.Fatalf("image mime %q", ref.Mime)
	}
	req := e.fake.LastRequest("/v1/images/generations")
	if req["response_format"] != "b64_json" || req["size"] != "64x32" || req["prompt"] != "a lighthouse at dusk" {
		t.Fatalf("request sent = %v", req)
	}
	checkCost(t, in.Cost, map[string]any{"provider": "local", "url": e.url, "model": "fake-image", "seed": 42.0})

	// The same seed gives the same image; no seed picks one and outputs it.
	again, _, err := e.run(t, "image.generate", params, map[string]any{"prompt": "a lighthouse at dusk"})
	if err != nil || !bytes.Equal(assetBytes(t, e.store, again["image"]), data) {
		t.Fatalf("same seed, different image (%v)", err)
	}
	delete(params, "seed")
	random, in, err := e.run(t, "image.generate", params, map[string]any{"prompt": "a lighthouse at dusk"})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := random["seed"].(float64); !ok || in.Cost["seed"] != s {
		t.Fatalf("random seed output %v, cost seed %v", random["seed"], in.Cost["seed"])
	}
	typ := nodeType(t, "image.generate")
	if typ.IsDeterministic(params) || !typ.IsDeterministic(map[string]any{"seed": 1.0}) {
		t.Fatal("image.generate must be deterministic exactly when seeded")
	}
}

func TestImageGeneratePoolSkipsADeadURL(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	dead := deadURL(t)
	e.setProvider(t, engine.Provider{Name: "pool", Kind: engine.ProviderOpenAI, URLs: []string{dead, e.url}, Concurrency: 1})
	for range 3 {
		_, in, err := e.run(t, "image.generate",
			map[string]any{"provider": "pool", "model": "fake-image", "width": 8.0, "height": 8.0, "prompt": "x"}, nil)
		if err != nil {
			t.Fatalf("a pool with one live URL failed: %v", err)
		}
		if in.Cost["url"] != e.url {
			t.Fatalf("cost url = %v, want the live %s", in.Cost["url"], e.url)
		}
	}
	c, _ := e.provs.Resolve(context.Background(), "pool")
	if st := c.Pool.States(); st[0].SetAsideUntil.IsZero() || st[1].Jobs != 3 {
		t.Fatalf("pool states %+v: want the dead URL set aside and 3 jobs on the live one", st)
	}
}

func TestAudioSpeak(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	for format, mime := range map[string]string{"mp3": "audio/mpeg", "wav": "audio/wav"} {
		out, in, err := e.run(t, "audio.speak", map[string]any{"provider": "local", "model": "fake-tts", "format": format, "voice": "nova"},
			map[string]any{"text": "Hello from Flowbench."})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		ref, ok := engine.AsAssetRef(out["audio"])
		if !ok || ref.Mime != mime || len(assetBytes(t, e.store, out["audio"])) < 100 {
			t.Fatalf("%s: audio output %v", format, out["audio"])
		}
		if req := e.fake.LastRequest("/v1/audio/speech"); req["voice"] != "nova" || req["response_format"] != format {
			t.Fatalf("%s: request %v", format, req)
		}
		checkCost(t, in.Cost, map[string]any{"provider": "local", "model": "fake-tts"})
	}
}

func TestAudioTranscribe(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	ref, err := e.store.PutAsset(context.Background(), fakes.FakeWAV(0.2, 8000), "audio/wav", "clip.wav")
	if err != nil {
		t.Fatal(err)
	}
	audio := map[string]any{"asset": ref.Asset, "mime": ref.Mime, "name": ref.Name}
	out, in, err := e.run(t, "audio.transcribe", map[string]any{"provider": "local", "model": "fake-whisper", "language": "fr", "prompt": "Flowbench"},
		map[string]any{"audio": audio})
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := out["text"].(string); !strings.Contains(text, "wav recording") || !strings.Contains(text, "Flowbench") {
		t.Fatalf("text = %q", out["text"])
	}
	segs, _ := out["segments"].([]any)
	if len(segs) != 2 || out["language"] != "fr" {
		t.Fatalf("segments %v language %v", out["segments"], out["language"])
	}
	if s := segs[0].(map[string]any); s["start"] != 0.0 || s["end"] == nil || s["text"] == "" {
		t.Fatalf("segment %v", s)
	}
	if req := e.fake.LastRequest("/v1/audio/transcriptions"); req["response_format"] != "verbose_json" || req["filename"] != "clip.wav" {
		t.Fatalf("request %v", req)
	}
	checkCost(t, in.Cost, map[string]any{"provider": "local", "model": "fake-whisper"})

	// A non-audio input is refused before anything is sent.
	img, _ := e.store.PutAsset(context.Background(), fakes.FakePNG(4, 4, "x"), "image/png", "x.png")
	calls := e.fake.Calls("/v1/audio/transcriptions")
	_, _, err = e.run(t, "audio.transcribe", map[string]any{"provider": "local", "model": "fake-whisper"},
		map[string]any{"audio": map[string]any{"asset": img.Asset, "mime": img.Mime, "name": "x.png"}})
	if err == nil || !strings.Contains(err.Error(), "x.png") || !strings.Contains(err.Error(), "not an audio") {
		t.Fatalf("transcribing an image: %v", err)
	}
	if e.fake.Calls("/v1/audio/transcriptions") != calls {
		t.Fatal("a non-audio input was sent to the server")
	}
}

func TestLLMEmbed(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{EmbeddingDims: 6})
	out, in, err := e.run(t, "llm.embed", map[string]any{"provider": "local", "model": "fake-embed"}, map[string]any{"text": "hello world"})
	if err != nil {
		t.Fatal(err)
	}
	vec, _ := out["embedding"].([]any)
	if len(vec) != 6 || len(out["embeddings"].([]any)) != 1 {
		t.Fatalf("outputs %v", out)
	}
	if want := fakes.FakeEmbedding("hello world", 6); vec[0] != want[0] {
		t.Fatalf("embedding[0] = %v, want %v", vec[0], want[0])
	}
	checkCost(t, in.Cost, map[string]any{"provider": "local", "model": "fake-embed", "prompt_tokens": 2.0})
	out, _, err = e.run(t, "llm.embed", map[string]any{"provider": "local", "model": "fake-embed"}, map[string]any{"text": []any{"a", "b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	embs := out["embeddings"].([]any)
	if len(embs) != 3 || embs[2].([]any)[0] != fakes.FakeEmbedding("c", 6)[0] {
		t.Fatalf("embeddings of 3 texts: %v", embs)
	}
	if _, _, err := e.run(t, "llm.embed", map[string]any{"provider": "local", "model": "fake-embed"}, map[string]any{"text": []any{"a", 3.0}}); err == nil ||
		!strings.Contains(err.Error(), "item 1") {
		t.Fatalf("array with a number: %v", err)
	}
}

func TestLLMChatWithProvider(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{APIKey: "sk-test"})
	e.setProvider(t, engine.Provider{Name: "keyed", Kind: engine.ProviderOpenAI, URLs: []string{e.url}, Concurrency: 4, APIKeyEnv: "TEST_KEY"})
	params := map[string]any{"provider": "keyed", "model": "fake-chat", "prompt": "ping", "seed": 7.0}
	if _, _, err := e.run(t, "llm.chat", params, nil); err == nil || !strings.Contains(err.Error(), "TEST_KEY") {
		t.Fatalf("key variable unset: %v, want an error naming TEST_KEY", err)
	}
	e.env["TEST_KEY"] = "sk-wrong"
	if _, _, err := e.run(t, "llm.chat", params, nil); err == nil || !strings.Contains(err.Error(), "HTTP 401") ||
		!strings.Contains(err.Error(), "Incorrect API key") || !strings.Contains(err.Error(), e.url) {
		t.Fatalf("wrong key: %v, want the 401 with the server's message and URL", err)
	}
	e.env["TEST_KEY"] = "sk-test"
	out, in, err := e.run(t, "llm.chat", params, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out["text"] != "Echo: ping" {
		t.Fatalf("text = %q", out["text"])
	}
	checkCost(t, in.Cost, map[string]any{"provider": "keyed", "url": e.url, "model": "fake-chat", "seed": 7.0, "total_tokens": 3.0})
	// base_url keeps working, with or without /v1.
	for _, base := range []string{e.url, e.url + "/v1"} {
		_, in, err := e.run(t, "llm.chat", map[string]any{"base_url": base, "model": "fake-chat", "prompt": "x", "api_key": "sk-test"}, nil)
		if err != nil {
			t.Fatalf("base_url %s: %v", base, err)
		}
		if _, has := in.Cost["provider"]; has {
			t.Fatalf("base_url cost names a provider: %v", in.Cost)
		}
	}
}

func TestGenerativeNodeErrors(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	dead := deadURL(t)
	e.setProvider(t, engine.Provider{Name: "comfy", Kind: engine.ProviderComfyUI, URLs: []string{e.url}, Concurrency: 1})
	e.setProvider(t, engine.Provider{Name: "down", Kind: engine.ProviderOpenAI, URLs: []string{dead, deadURL(t)}, Concurrency: 1})
	text := map[string]any{"text": "hi"}
	cases := []struct {
		name   string
		typ    string
		params map[string]any
		inputs map[string]any
		want   []string
	}{
		{"unreachable base_url", "audio.speak", map[string]any{"base_url": dead, "model": "fake-tts"}, text,
			[]string{"audio.speak: cannot reach " + dead, "is the server running"}},
		{"every URL of a pool down", "llm.embed", map[string]any{"provider": "down", "model": "fake-embed"}, text,
			[]string{"llm.embed", `provider "down"`, dead, "connection refused"}},
		{"missing model on the server", "image.generate", map[string]any{"provider": "local", "model": "sdxl", "prompt": "x"}, nil,
			[]string{"image.generate: HTTP 404 Not Found", "The model `sdxl` does not exist", e.url + "/v1/images/generations"}},
		{"server refuses the request", "audio.speak", map[string]any{"provider": "local", "model": "fake-tts"},
			map[string]any{"text": strings.Repeat("long ", 1000)},
			[]string{"audio.speak: HTTP 400 Bad Request", "longer than 4096", e.url + "/v1/audio/speech"}},
		{"unknown provider", "llm.embed", map[string]any{"provider": "nope", "model": "m"}, text,
			[]string{`unknown provider "nope"`}},
		{"wrong kind", "audio.speak", map[string]any{"provider": "comfy", "model": "m"}, text,
			[]string{`provider "comfy" is of kind comfyui`}},
		{"no model param", "image.generate", map[string]any{"provider": "local", "prompt": "x"}, nil,
			[]string{`param "model" is required`}},
		{"empty prompt", "image.generate", map[string]any{"provider": "local", "model": "fake-image"}, nil,
			[]string{"the prompt is empty"}},
		{"bad format", "audio.speak", map[string]any{"provider": "local", "model": "fake-tts", "format": "ogg"}, text,
			[]string{`param "format"`, "ogg"}},
		{"bad base_url", "llm.embed", map[string]any{"base_url": "localhost:11434", "model": "m"}, text,
			[]string{`param "base_url"`, `"localhost:11434"`}},
		{"image-to-image with a model the server lacks", "image.generate", map[string]any{"provider": "local", "model": "sdxl", "prompt": "x"},
			map[string]any{"image": startImage(t, e.store)}, []string{"HTTP 404", "The model `sdxl` does not exist", e.url + "/v1/images/edits"}},
		{"bad timeout_ms", "image.generate", map[string]any{"provider": "local", "model": "fake-image", "prompt": "x", "timeout_ms": 0.0}, nil,
			[]string{`param "timeout_ms": 0 is not positive`}},
		{"a non-image start image", "image.generate", map[string]any{"provider": "local", "model": "fake-image", "prompt": "x"},
			map[string]any{"image": wavAsset(t, e.store)}, []string{`input "image" (clip.wav)`, "not a readable image"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.run(t, tc.typ, tc.params, tc.inputs)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func startImage(t *testing.T, st *memstore.Store) map[string]any {
	t.Helper()
	ref, err := st.PutAsset(context.Background(), fakes.FakePNG(16, 16, "start"), "image/png", "start.png")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"asset": ref.Asset, "mime": ref.Mime, "name": ref.Name}
}

func wavAsset(t *testing.T, st *memstore.Store) map[string]any {
	t.Helper()
	ref, err := st.PutAsset(context.Background(), fakes.FakeWAV(0.1, 8000), "audio/wav", "clip.wav")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"asset": ref.Asset, "mime": ref.Mime, "name": ref.Name}
}

func TestImageGenerateA1111(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	fake := fakes.NewA1111(fakes.A1111Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e.setProvider(t, engine.Provider{Name: "sd", Kind: engine.ProviderA1111, URLs: []string{srv.URL}, Concurrency: 1})
	params := map[string]any{"provider": "sd", "model": "sd_xl_base_1.0", "prompt": "a castle", "negative_prompt": "blurry",
		"width": 96.0, "height": 64.0, "steps": 12.0, "cfg": 5.5, "seed": 99.0}
	out, in, err := e.run(t, "image.generate", params, nil)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(assetBytes(t, e.store, out["image"])))
	if err != nil || img.Bounds().Dx() != 96 || img.Bounds().Dy() != 64 || out["seed"] != 99.0 {
		t.Fatalf("txt2img output %v (%v)", out, err)
	}
	req := fake.LastRequest("/sdapi/v1/txt2img")
	ov, _ := req["override_settings"].(map[string]any)
	if ov["sd_model_checkpoint"] != "sd_xl_base_1.0" || req["negative_prompt"] != "blurry" || toJSONText(req["steps"]) != "12" ||
		toJSONText(req["cfg_scale"]) != "5.5" || toJSONText(req["seed"]) != "99" {
		t.Fatalf("txt2img request %v", req)
	}
	checkCost(t, in.Cost, map[string]any{"provider": "sd", "url": srv.URL, "model": "sd_xl_base_1.0", "seed": 99.0})

	// With a start image: img2img, strength as denoising_strength.
	params["strength"] = 0.4
	if _, _, err := e.run(t, "image.generate", params, map[string]any{"image": startImage(t, e.store)}); err != nil {
		t.Fatal(err)
	}
	req = fake.LastRequest("/sdapi/v1/img2img")
	if inits, _ := req["init_images"].([]any); len(inits) != 1 || toJSONText(req["denoising_strength"]) != "0.4" {
		t.Fatalf("img2img request %v", req)
	}

	// The server's refusals reach the node error with the URL.
	params["model"] = "nope"
	if _, _, err := e.run(t, "image.generate", params, nil); err == nil || !strings.Contains(err.Error(), `checkpoint "nope" not found`) ||
		!strings.Contains(err.Error(), srv.URL+"/sdapi/v1/txt2img") {
		t.Fatalf("unknown checkpoint: %v", err)
	}
	params["model"], params["width"] = "sd_xl_base_1.0", 10.0
	if _, _, err := e.run(t, "image.generate", params, nil); err == nil || !strings.Contains(err.Error(), "HTTP 422") ||
		!strings.Contains(err.Error(), "width: ensure this value is between 64 and 8192") {
		t.Fatalf("width refused by the server: %v", err)
	}

	// providers test lists the a1111 checkpoints.
	res := e.provs.Test(context.Background(), engine.Provider{Name: "sd", Kind: engine.ProviderA1111, URLs: []string{srv.URL}}, 0)
	if !res.OK || strings.Join(res.URLs[0].Models, ",") != "sd_xl_base_1.0,v1-5-pruned-emaonly" {
		t.Fatalf("test of the a1111 provider: %+v", res)
	}
}

func toJSONText(v any) string { return engine.ToText(v) }

func TestImageGenerateComfyUIPool(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	a, b := fakes.NewComfyUI(fakes.ComfyUIOptions{}), fakes.NewComfyUI(fakes.ComfyUIOptions{Polls: 2})
	sa, sb := httptest.NewServer(a), httptest.NewServer(b)
	defer sa.Close()
	defer sb.Close()
	e.setProvider(t, engine.Provider{Name: "comfy", Kind: engine.ProviderComfyUI, URLs: []string{sa.URL, sb.URL}, Concurrency: 1})
	params := func(seed int) map[string]any {
		return map[string]any{"provider": "comfy", "model": "sd_xl_base_1.0.safetensors", "prompt": "a harbour",
			"negative_prompt": "text", "width": 40.0, "height": 24.0, "steps": 8.0, "seed": float64(seed)}
	}
	type res struct {
		out  map[string]any
		cost map[string]any
		err  error
	}
	results := make(chan res, 4)
	for i := range 4 {
		go func() {
			out, in, err := e.run(t, "image.generate", params(i), nil)
			results <- res{out, in.Cost, err}
		}()
	}
	urls := map[any]int{}
	for range 4 {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		img, err := png.Decode(bytes.NewReader(assetBytes(t, e.store, r.out["image"])))
		if err != nil || img.Bounds().Dx() != 40 || img.Bounds().Dy() != 24 {
			t.Fatalf("comfyui image: %v", err)
		}
		urls[r.cost["url"]]++
	}
	// Least busy first, ties to the least recently used URL: both servers work.
	if urls[sa.URL] == 0 || urls[sb.URL] == 0 || urls[sa.URL]+urls[sb.URL] != 4 || a.Calls("/prompt")+b.Calls("/prompt") != 4 {
		t.Fatalf("4 jobs on a pool of 2 ComfyUI URLs × 1 went %v, want both URLs used", urls)
	}
	g := a.LastPrompt()
	ks := g["3"].(map[string]any)["inputs"].(map[string]any)
	ck := g["4"].(map[string]any)["inputs"].(map[string]any)
	if ck["ckpt_name"] != "sd_xl_base_1.0.safetensors" || toJSONText(ks["steps"]) != "8" || toJSONText(ks["denoise"]) != "1" {
		t.Fatalf("graph sent: %v", g)
	}

	// Image-to-image uploads the start image and encodes it instead of an empty latent.
	p := params(1)
	p["strength"] = 0.3
	e.setProvider(t, engine.Provider{Name: "one", Kind: engine.ProviderComfyUI, URLs: []string{sa.URL}})
	p["provider"] = "one"
	if _, _, err := e.run(t, "image.generate", p, map[string]any{"image": startImage(t, e.store)}); err != nil {
		t.Fatal(err)
	}
	g = a.LastPrompt()
	if a.Calls("/upload/image") != 1 || g["10"] == nil || g["5"] != nil ||
		toJSONText(g["3"].(map[string]any)["inputs"].(map[string]any)["denoise"]) != "0.3" {
		t.Fatalf("img2img graph: %v", g)
	}

	// A checkpoint the server lacks: ComfyUI's validation message, with the node and URL.
	p = params(1)
	p["provider"], p["model"] = "one", "missing.safetensors"
	_, _, err := e.run(t, "image.generate", p, nil)
	for _, want := range []string{"image.generate: HTTP 400", "Prompt outputs failed validation",
		"node 4 CheckpointLoaderSimple: Value not in list", "missing.safetensors", sa.URL + "/prompt"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing checkpoint error %v does not contain %q", err, want)
		}
	}
	res2 := e.provs.Test(context.Background(), engine.Provider{Name: "one", Kind: engine.ProviderComfyUI, URLs: []string{sa.URL}}, 0)
	if !res2.OK || strings.Join(res2.URLs[0].Models, ",") != strings.Join(fakes.DefaultComfyCheckpoints, ",") {
		t.Fatalf("test of a comfyui provider: %+v", res2)
	}
}

func TestImageGenerateComfyUICancelInterrupts(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	slow := fakes.NewComfyUI(fakes.ComfyUIOptions{Polls: 1 << 30}) // never finishes
	srv := httptest.NewServer(slow)
	defer srv.Close()
	e.setProvider(t, engine.Provider{Name: "slow", Kind: engine.ProviderComfyUI, URLs: []string{srv.URL}})
	ctx, cancel := context.WithCancel(context.Background())
	in := nodeInput(map[string]any{"provider": "slow", "model": "sd_xl_base_1.0.safetensors", "prompt": "x", "width": 8.0, "height": 8.0}, nil)
	in.Assets, in.Providers = e.store, e.provs
	done := make(chan error, 1)
	go func() {
		_, err := nodeType(t, "image.generate").Run(ctx, in)
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for slow.Calls("/history") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the job was never polled")
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
	if slow.Interrupts() != 1 {
		t.Fatalf("interrupts = %d, want the server job interrupted once", slow.Interrupts())
	}
}

func TestLLMChatImagesAndJSONSchema(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	img := startImage(t, e.store)
	out, _, err := e.run(t, "llm.chat", map[string]any{"provider": "local", "model": "fake-chat", "prompt": "what is it?"},
		map[string]any{"image": img, "images": []any{img, img}})
	if err != nil {
		t.Fatal(err)
	}
	if out["text"] != "Echo: what is it? [3 image(s) seen]" || out["json"] != nil {
		t.Fatalf("outputs %v", out)
	}
	msgs := e.fake.LastRequest("/v1/chat/completions")["messages"].([]any)
	parts := msgs[len(msgs)-1].(map[string]any)["content"].([]any)
	if len(parts) != 4 || !strings.HasPrefix(parts[1].(map[string]any)["image_url"].(map[string]any)["url"].(string), "data:image/png;base64,") {
		t.Fatalf("user message parts %v", parts)
	}
	if _, _, err := e.run(t, "llm.chat", map[string]any{"provider": "local", "model": "fake-chat", "prompt": "x"},
		map[string]any{"images": []any{wavAsset(t, e.store)}}); err == nil || !strings.Contains(err.Error(), `input "images" item 0 (clip.wav)`) {
		t.Fatalf("a sound among the images: %v", err)
	}

	schema := `{"type":"object","properties":{"echo":{"type":"string"}},"required":["echo"],"additionalProperties":false}`
	out, _, err = e.run(t, "llm.chat", map[string]any{"provider": "local", "model": "fake-chat", "prompt": "hi", "json_schema": schema}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if j, _ := out["json"].(map[string]any); j["echo"] != "hi" {
		t.Fatalf("json output %v", out["json"])
	}
	rf := e.fake.LastRequest("/v1/chat/completions")["response_format"].(map[string]any)
	if rf["type"] != "json_schema" || rf["json_schema"].(map[string]any)["schema"] == nil {
		t.Fatalf("response_format sent %v", rf)
	}
	wrong := `{"type":"object","required":["answer"]}`
	_, _, err = e.run(t, "llm.chat", map[string]any{"provider": "local", "model": "fake-chat", "prompt": "hi", "json_schema": wrong}, nil)
	if err == nil || !strings.Contains(err.Error(), "does not match json_schema") || !strings.Contains(err.Error(), "answer") ||
		!strings.Contains(err.Error(), e.url) {
		t.Fatalf("answer not matching the schema: %v", err)
	}
	spec, _ := nodeType(t, "llm.chat").Param("json_schema")
	if spec.Check(`{"type": 12}`) == nil || spec.Check(`[1]`) == nil || spec.Check(schema) != nil {
		t.Fatal("json_schema param check accepts a bad schema or refuses a good one")
	}
}

// apiWorkflow is a ComfyUI API-format text-to-image workflow with placeholders.
const apiWorkflow = `{
  "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
  "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 32, "height": 16, "batch_size": 1}},
  "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{a}}, by {{topic}}", "clip": ["4", 1]}},
  "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
  "3": {"class_type": "KSampler", "inputs": {"seed": "{{b}}", "steps": 4, "cfg": 7, "sampler_name": "euler",
        "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
  "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
  "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "mine", "images": ["8", 0]}}
}`

func TestComfyUIWorkflow(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	fake := fakes.NewComfyUI(fakes.ComfyUIOptions{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e.setProvider(t, engine.Provider{Name: "comfy", Kind: engine.ProviderComfyUI, URLs: []string{srv.URL}})
	// {{topic}} is a flow input the engine fills before the node runs.
	wf := strings.ReplaceAll(apiWorkflow, "{{topic}}", "Turner")
	out, in, err := e.run(t, "comfyui.workflow", map[string]any{"provider": "comfy", "workflow": wf},
		map[string]any{"a": "a stormy sea", "b": 1234.0})
	if err != nil {
		t.Fatal(err)
	}
	g := fake.LastPrompt()
	if txt := g["6"].(map[string]any)["inputs"].(map[string]any)["text"]; txt != "a stormy sea, by Turner" {
		t.Fatalf("text sent %v", txt)
	}
	if seed := g["3"].(map[string]any)["inputs"].(map[string]any)["seed"]; toJSONText(seed) != "1234" {
		t.Fatalf("a whole-string placeholder must keep the number: seed sent %#v", seed)
	}
	imgs, _ := out["images"].([]any)
	if len(imgs) != 1 || out["image"] == nil || len(out["videos"].([]any)) != 0 {
		t.Fatalf("outputs %v", out)
	}
	if img, err := png.Decode(bytes.NewReader(assetBytes(t, e.store, out["image"]))); err != nil || img.Bounds().Dx() != 32 {
		t.Fatalf("image output: %v", err)
	}
	if o, _ := out["outputs"].(map[string]any); o["9"] == nil {
		t.Fatalf("raw outputs %v", out["outputs"])
	}
	checkCost(t, in.Cost, map[string]any{"provider": "comfy", "url": srv.URL})

	// The input image is uploaded and {{image}} names it.
	withImage := `{"1": {"class_type": "LoadImage", "inputs": {"image": "{{image}}"}},
		"2": {"class_type": "SaveImage", "inputs": {"filename_prefix": "copy", "images": ["1", 0]}}}`
	if _, _, err := e.run(t, "comfyui.workflow", map[string]any{"base_url": srv.URL, "workflow": withImage},
		map[string]any{"image": startImage(t, e.store)}); err != nil {
		t.Fatal(err)
	}
	if name, _ := fake.LastPrompt()["1"].(map[string]any)["inputs"].(map[string]any)["image"].(string); !strings.HasPrefix(name, "flowbench-") {
		t.Fatalf("{{image}} became %q", name)
	}
}

func TestComfyUIWorkflowErrors(t *testing.T) {
	t.Parallel()
	e := newAIEnv(t, fakes.OpenAIOptions{})
	slow := fakes.NewComfyUI(fakes.ComfyUIOptions{Polls: 1 << 30})
	srv := httptest.NewServer(slow)
	defer srv.Close()
	uiFormat := `{"last_node_id": 9, "nodes": [{"id": 3, "type": "KSampler"}], "links": [[1, 4, 0, 3, 0, "MODEL"]]}`
	cases := []struct {
		name   string
		params map[string]any
		want   []string
	}{
		{"UI format", map[string]any{"base_url": srv.URL, "workflow": uiFormat}, []string{`param "workflow"`, "UI-format", "Export (API)"}},
		{"no class_type", map[string]any{"base_url": srv.URL, "workflow": `{"3": {"inputs": {}}}`}, []string{`node "3" has no class_type`}},
		{"not JSON", map[string]any{"base_url": srv.URL, "workflow": `{"3": `}, []string{"not JSON"}},
		{"unknown class on the server", map[string]any{"base_url": srv.URL, "workflow": `{"1": {"class_type": "Upscaler9000", "inputs": {}}}`},
			[]string{"comfyui.workflow: HTTP 400", "Upscaler9000 does not exist", srv.URL + "/prompt"}},
		{"a job that never finishes", map[string]any{"base_url": srv.URL, "workflow": apiWorkflow, "timeout_ms": 300.0},
			[]string{"did not finish within 300ms", "interrupted"}},
		{"openai provider", map[string]any{"provider": "local", "workflow": apiWorkflow}, []string{`provider "local" is of kind openai`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.run(t, "comfyui.workflow", tc.params, map[string]any{"a": "x", "b": 1.0})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	if slow.Interrupts() != 1 {
		t.Fatalf("interrupts = %d, want the timed-out job interrupted", slow.Interrupts())
	}
	spec, _ := nodeType(t, "comfyui.workflow").Param("workflow")
	if spec.Check(uiFormat) == nil || spec.Check(apiWorkflow) != nil {
		t.Fatal("workflow param check")
	}
}

func TestComfyUIStepProgressReachesTheNode(t *testing.T) {
	t.Parallel()
	fake := fakes.NewComfyUI(fakes.ComfyUIOptions{Polls: 3})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	wf := engine.WorkflowFile{
		Format: engine.FormatWorkflow,
		Name:   "comfy",
		Inputs: []engine.InputDecl{{Name: "topic", Type: engine.TypeString, Default: "Turner"}},
		Nodes: []engine.Node{
			{ID: "wf", Type: "comfyui.workflow", Params: map[string]any{"base_url": srv.URL, "workflow": apiWorkflow}},
			{ID: "out", Type: "io.output", Params: map[string]any{"name": "n"}},
		},
		Edges: []engine.Edge{{Source: "wf", SourceHandle: "images", Target: "out", TargetHandle: "value"}},
	}
	data, err := json.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	run, events := runWorkflowFile(t, data, nil)
	if run.Status != engine.RunCompleted {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	var steps []float64
	for _, e := range events {
		if e.Type == engine.EventProgress && e.NodeID == "wf" && e.Progress > 0 && e.Progress < 1 {
			steps = append(steps, e.Progress)
		}
	}
	if len(steps) == 0 {
		t.Fatal("no step progress reached the node from ComfyUI's websocket")
	}
}
