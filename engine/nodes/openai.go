package nodes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// Bounds of what generative nodes accept from a server.
const (
	aiMaxImageBody = 256 << 20 // an images response (base64 PNGs)
	aiMaxAudioBody = 256 << 20 // a speech response
	aiMaxJSONBody  = 64 << 20  // a transcription or embeddings response
)

// Defaults of the generative media nodes.
const (
	imageDefaultSize  = 1024
	speakDefaultVoice = "alloy"
)

// aiHint is what to check when an OpenAI-compatible server does not answer.
const aiHint = "is the server running? see flowbench providers test"

// registerGenerative adds the nodes that drive AI servers through providers (SPEC §12).
func registerGenerative(r *engine.Registry) error {
	modelParam := func(example string) engine.ParamSpec {
		return engine.ParamSpec{Name: "model", Kind: engine.ParamString, Label: "Model", Required: true,
			Description: "Model name as the server knows it, e.g. " + example}
	}
	return registerAll(r,
		engine.NodeType{
			Type:  "image.generate",
			Group: "ai",
			Title: "Generate image",
			Description: "Generates an image from a prompt on an image server (OpenAI-compatible " +
				"/v1/images/generations). Without a seed a random one is used and output; " +
				"deterministic only with a seed.",
			Inputs: []engine.Handle{
				{Name: "prompt", Type: engine.TypeString, Description: "The prompt; overrides the prompt param"},
				{Name: "image", Type: engine.TypeImage, Description: "A start image (image-to-image: /v1/images/edits, a1111 img2img, comfyui)"},
			},
			Outputs: []engine.Handle{
				{Name: "image", Type: engine.TypeImage, Description: "The generated image"},
				{Name: "seed", Type: engine.TypeInteger, Description: "The seed used"},
			},
			Params: []engine.ParamSpec{
				providerParam, baseURLParam, modelParam("dall-e-2 or a local Stable Diffusion model"),
				{Name: "prompt", Kind: engine.ParamText, Label: "Prompt",
					Description: "What to draw, when the prompt input is not connected; {{name}} inserts a flow input"},
				{Name: "negative_prompt", Kind: engine.ParamText, Label: "Negative prompt",
					Description: "What to avoid (comfyui and a1111 providers)"},
				{Name: "width", Kind: engine.ParamInteger, Label: "Width", Default: imageDefaultSize},
				{Name: "height", Kind: engine.ParamInteger, Label: "Height", Default: imageDefaultSize},
				{Name: "steps", Kind: engine.ParamInteger, Label: "Steps", Description: "Sampling steps (comfyui and a1111)"},
				{Name: "cfg", Kind: engine.ParamNumber, Label: "CFG scale", Description: "Prompt guidance (comfyui and a1111)"},
				{Name: "seed", Kind: engine.ParamInteger, Label: "Seed",
					Description: "Makes the image repeatable; empty picks a random seed, output on the seed handle"},
				{Name: "strength", Kind: engine.ParamNumber, Label: "Strength",
					Description: "How far image-to-image moves from the start image, 0 to 1"},
				{Name: "timeout_ms", Kind: engine.ParamInteger, Label: "Time limit (ms)", Default: int(imageJobTimeout.Milliseconds()),
					Description: "A job that takes longer is stopped (interrupted on a1111 and comfyui) and the node fails"},
			},
			DeterministicWhen: seeded,
			Run:               runImageGenerate,
		},
		engine.NodeType{
			Type:        "audio.speak",
			Group:       "ai",
			Title:       "Speak",
			Description: "Reads text aloud with a text-to-speech server (OpenAI-compatible /v1/audio/speech).",
			Inputs:      []engine.Handle{{Name: "text", Type: engine.TypeString, Required: true, Description: "What to say"}},
			Outputs:     []engine.Handle{{Name: "audio", Type: engine.TypeAudio, Description: "The speech"}},
			Params: []engine.ParamSpec{
				providerParam, baseURLParam, modelParam("tts-1 or kokoro"),
				{Name: "voice", Kind: engine.ParamString, Label: "Voice", Default: speakDefaultVoice},
				{Name: "format", Kind: engine.ParamSelect, Label: "Format", Default: "mp3", Options: []string{"mp3", "wav"}},
				{Name: "speed", Kind: engine.ParamNumber, Label: "Speed", Default: 1.0, Description: "0.25 to 4"},
			},
			Run: runSpeak,
		},
		engine.NodeType{
			Type:  "audio.transcribe",
			Group: "ai",
			Title: "Transcribe",
			Description: "Writes down what is said in a recording with a speech-to-text server " +
				"(OpenAI-compatible /v1/audio/transcriptions, e.g. whisper.cpp's or faster-whisper's server).",
			Inputs: []engine.Handle{{Name: "audio", Type: engine.TypeAudio, Required: true, Description: "The recording"}},
			Outputs: []engine.Handle{
				{Name: "text", Type: engine.TypeString, Description: "The transcript"},
				{Name: "segments", Type: engine.TypeArray, Description: "Timed pieces: {start, end, text}"},
				{Name: "language", Type: engine.TypeString, Description: "The language spoken"},
			},
			Params: []engine.ParamSpec{
				providerParam, baseURLParam, modelParam("whisper-1"),
				{Name: "language", Kind: engine.ParamString, Label: "Language",
					Description: "ISO-639-1 code (en, fr…); empty lets the model detect it"},
				{Name: "prompt", Kind: engine.ParamText, Label: "Prompt", Description: "Words or style to guide the transcript"},
			},
			Run: runTranscribe,
		},
		engine.NodeType{
			Type:        "llm.embed",
			Group:       "ai",
			Title:       "Embed text",
			Description: "Turns text into embedding vectors (OpenAI-compatible /v1/embeddings).",
			Inputs: []engine.Handle{{Name: "text", Type: engine.TypeAny, Required: true,
				Description: "A string, or an array of strings embedded in one request"}},
			Outputs: []engine.Handle{
				{Name: "embedding", Type: engine.TypeArray, Description: "The vector of the (first) text"},
				{Name: "embeddings", Type: engine.TypeArray, Description: "One vector per text"},
			},
			Params:        []engine.ParamSpec{providerParam, baseURLParam, modelParam("nomic-embed-text")},
			Deterministic: true,
			Run:           runEmbed,
		},
	)
}

// seeded: a generative node repeats only with a fixed seed.
func seeded(p map[string]any) bool {
	v, ok := p["seed"]
	return ok && v != nil && v != ""
}

// postJSON builds a JSON POST to the OpenAI API path of a server.
func postJSON(body []byte, path string) func(ctx context.Context, base string) (*http.Request, error) {
	return func(ctx context.Context, base string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, engine.OpenAIBase(base)+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		return req, nil
	}
}

// promptText is the prompt input when connected, else the prompt param; empty is an error.
func promptText(in *engine.NodeInput, node string) (string, error) {
	var prompt string
	if in.Connected["prompt"] {
		p, err := inputText(in, "prompt")
		if err != nil {
			return "", err
		}
		prompt = p
	} else {
		prompt = in.String("prompt", "")
	}
	if strings.TrimSpace(prompt) == "" {
		return "", fmt.Errorf("%s: the prompt is empty (connect the prompt input or fill in the prompt param)", node)
	}
	return prompt, nil
}

// requiredModel is the model param, which every generative node needs.
func requiredModel(in *engine.NodeInput) (string, error) {
	m := strings.TrimSpace(in.String("model", ""))
	if m == "" {
		return "", fmt.Errorf("param %q is required (the model name as the server knows it)", "model")
	}
	return m, nil
}

func runSpeak(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	const node = "audio.speak"
	model, err := requiredModel(in)
	if err != nil {
		return nil, err
	}
	text, err := inputText(in, "text")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%s: the text is empty", node)
	}
	format := in.String("format", "mp3")
	if format != "mp3" && format != "wav" {
		return nil, fmt.Errorf("param %q: %q is not mp3 or wav", "format", format)
	}
	speed, err := in.Float("speed", 1)
	if err != nil {
		return nil, err
	}
	if speed < 0.25 || speed > 4 {
		return nil, fmt.Errorf("param %q: %v is not 0.25 to 4", "speed", speed)
	}
	voice := strings.TrimSpace(in.String("voice", speakDefaultVoice))
	if voice == "" {
		voice = speakDefaultVoice
	}
	srv, err := connectAI(ctx, in, node, aiHint, []string{engine.ProviderOpenAI}, "")
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(map[string]any{"model": model, "input": text, "voice": voice, "response_format": format, "speed": speed})
	if err != nil {
		return nil, err
	}
	var data []byte
	err = srv.do(ctx, postJSON(body, "/audio/speech"), func(resp *http.Response) error {
		data, err = readLimited(resp.Body, aiMaxAudioBody, "speech")
		return err
	})
	if err != nil {
		return nil, err
	}
	mt, err := engine.MediaMime(engine.TypeAudio, "speech."+format, data, in.Limits)
	if err != nil {
		return nil, fmt.Errorf("%s: %s returned a file that %s", node, srv.url, err)
	}
	ref, err := putAsset(ctx, in, data, mt, "speech."+format)
	if err != nil {
		return nil, err
	}
	in.Cost = srv.cost(model, map[string]any{"characters": float64(len([]rune(text)))})
	return map[string]any{"audio": ref}, nil
}

func runTranscribe(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	const node = "audio.transcribe"
	model, err := requiredModel(in)
	if err != nil {
		return nil, err
	}
	v, err := requireInput(in, "audio")
	if err != nil {
		return nil, err
	}
	ref, ok := engine.AsAssetRef(v)
	if !ok {
		return nil, fmt.Errorf("input %q: a %s is not audio (want an asset reference)", "audio", typeName(v))
	}
	audio, err := readAsset(ctx, in.Assets, ref.Asset)
	if err != nil {
		return nil, fmt.Errorf("input %q: %w", "audio", err)
	}
	if _, err := engine.MediaMime(engine.TypeAudio, ref.Name, audio, in.Limits); err != nil {
		return nil, fmt.Errorf("input %q (%s) %s", "audio", displayName(ref), err)
	}
	name := ref.Name
	if name == "" || filepath.Ext(name) == "" {
		name = "audio" + extForMime(ref.Mime)
	}
	srv, err := connectAI(ctx, in, node, aiHint, []string{engine.ProviderOpenAI}, "")
	if err != nil {
		return nil, err
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fields := [][2]string{{"model", model}, {"response_format", "verbose_json"}}
	if l := strings.TrimSpace(in.String("language", "")); l != "" {
		fields = append(fields, [2]string{"language", l})
	}
	if p := in.String("prompt", ""); strings.TrimSpace(p) != "" {
		fields = append(fields, [2]string{"prompt", p})
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	fw, err := mw.CreateFormFile("file", filepath.Base(name))
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(audio); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	payload := form.Bytes()
	var res struct {
		Text     string  `json:"text"`
		Language string  `json:"language"`
		Duration float64 `json:"duration"`
		Segments []struct {
			Start float64 `json:"start"`
			End   float64 `json:"end"`
			Text  string  `json:"text"`
		} `json:"segments"`
	}
	err = srv.do(ctx, func(ctx context.Context, base string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, engine.OpenAIBase(base)+"/audio/transcriptions", bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return req, nil
	}, func(resp *http.Response) error {
		raw, err := readLimited(resp.Body, aiMaxJSONBody, "transcription")
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &res); err != nil {
			return fmt.Errorf("the answer is not a verbose_json transcription: %v", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	segments := make([]any, len(res.Segments))
	for i, s := range res.Segments {
		segments[i] = map[string]any{"start": s.Start, "end": s.End, "text": strings.TrimSpace(s.Text)}
	}
	language := res.Language
	if language == "" {
		language = in.String("language", "")
	}
	in.Cost = srv.cost(model, map[string]any{"audio_seconds": res.Duration})
	return map[string]any{"text": strings.TrimSpace(res.Text), "segments": segments, "language": language}, nil
}

func runEmbed(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	const node = "llm.embed"
	model, err := requiredModel(in)
	if err != nil {
		return nil, err
	}
	v, err := requireInput(in, "text")
	if err != nil {
		return nil, err
	}
	var texts []string
	single := false
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return nil, fmt.Errorf("input %q: the array is empty", "text")
		}
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("input %q: item %d is a %s, not a string", "text", i, typeName(e))
			}
			texts = append(texts, s)
		}
	default:
		texts, single = []string{engine.ToText(v)}, true
	}
	for i, s := range texts {
		if strings.TrimSpace(s) == "" {
			if single {
				return nil, fmt.Errorf("input %q: the text is empty", "text")
			}
			return nil, fmt.Errorf("input %q: item %d is empty", "text", i)
		}
	}
	srv, err := connectAI(ctx, in, node, aiHint, []string{engine.ProviderOpenAI}, "")
	if err != nil {
		return nil, err
	}
	var input any = texts
	if single {
		input = texts[0]
	}
	body, err := json.Marshal(map[string]any{"model": model, "input": input, "encoding_format": "float"})
	if err != nil {
		return nil, err
	}
	var res struct {
		Data []struct {
			Index     int       `json:"index"`
			Embedding []float64 `json:"embedding"`
		} `json:"data"`
		Usage *struct {
			PromptTokens float64 `json:"prompt_tokens"`
			TotalTokens  float64 `json:"total_tokens"`
		} `json:"usage"`
	}
	err = srv.do(ctx, postJSON(body, "/embeddings"), func(resp *http.Response) error {
		raw, err := readLimited(resp.Body, aiMaxJSONBody, "embeddings response")
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &res); err != nil {
			return fmt.Errorf("the answer is not an embeddings response: %v", err)
		}
		if len(res.Data) != len(texts) {
			return fmt.Errorf("the server returned %d embeddings for %d texts", len(res.Data), len(texts))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	vecs := make([]any, len(texts))
	for _, d := range res.Data {
		if d.Index < 0 || d.Index >= len(texts) || vecs[d.Index] != nil {
			return nil, fmt.Errorf("%s: %s returned an embedding with index %d for %d texts", node, srv.url, d.Index, len(texts))
		}
		vec := make([]any, len(d.Embedding))
		for i, f := range d.Embedding {
			vec[i] = f
		}
		vecs[d.Index] = vec
	}
	extra := map[string]any{}
	if res.Usage != nil {
		extra["prompt_tokens"] = res.Usage.PromptTokens
		extra["total_tokens"] = res.Usage.TotalTokens
	}
	in.Cost = srv.cost(model, extra)
	return map[string]any{"embedding": vecs[0], "embeddings": vecs}, nil
}
