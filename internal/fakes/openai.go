// Package fakes holds strict fake servers of the APIs Flowbench's generative nodes speak
// (SPEC §12), for Go tests and, through cmd/fakeserver, the end-to-end suite. They follow the
// documented request and response shapes, refuse what the real servers refuse, and answer
// with real media bytes (PNG, WAV, MP3) made deterministically from the request.
package fakes

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OpenAIOptions configure a fake OpenAI-compatible server.
type OpenAIOptions struct {
	// APIKey, when set, is required as "Authorization: Bearer KEY" (else 401).
	APIKey string
	// Models are the model ids the server knows (default DefaultOpenAIModels); any other
	// model is a 404 model_not_found, as from OpenAI and Ollama.
	Models []string
	// EmbeddingDims is the length of embedding vectors (default 8).
	EmbeddingDims int
	// ChatJSON, when set, is the answer to chat requests asking for json_schema output, as a
	// scripted model would give it (default: {"echo": the last user message}). The fake
	// does not check it against the schema: the client must.
	ChatJSON string
	// Delay is how long each image generation takes, like a GPU would (the request's
	// cancellation ends it early).
	Delay time.Duration
}

// DefaultOpenAIModels are the models a fake OpenAI server knows by default.
var DefaultOpenAIModels = []string{"fake-chat", "fake-image", "fake-tts", "fake-whisper", "fake-embed"}

// OpenAI is a fake OpenAI-compatible server: an http.Handler.
type OpenAI struct {
	recorder
	opts OpenAIOptions
}

// NewOpenAI returns a fake OpenAI-compatible server handler.
func NewOpenAI(opts OpenAIOptions) *OpenAI {
	if len(opts.Models) == 0 {
		opts.Models = DefaultOpenAIModels
	}
	if opts.EmbeddingDims <= 0 {
		opts.EmbeddingDims = 8
	}
	f := &OpenAI{opts: opts}
	f.init()
	f.route("/v1/models", http.MethodGet, f.models)
	f.route("/v1/chat/completions", http.MethodPost, f.chat)
	f.route("/v1/images/generations", http.MethodPost, f.images)
	f.route("/v1/images/edits", http.MethodPost, f.edits)
	f.route("/v1/audio/speech", http.MethodPost, f.speech)
	f.route("/v1/audio/transcriptions", http.MethodPost, f.transcriptions)
	f.route("/v1/embeddings", http.MethodPost, f.embeddings)
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "invalid_request_error", "", fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
	})
	return f
}

func (f *OpenAI) route(path, method string, h func(w http.ResponseWriter, r *http.Request) (map[string]any, bool)) {
	f.handle(path, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != method {
			w.Header().Set("Allow", method)
			apiError(w, http.StatusMethodNotAllowed, "invalid_request_error", "",
				fmt.Sprintf("Method %s not allowed for %s (use %s)", r.Method, path, method))
			return true
		}
		if f.opts.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+f.opts.APIKey {
			apiErrorCode(w, http.StatusUnauthorized, "invalid_request_error", "", "invalid_api_key",
				"Incorrect API key provided. You can find your API key in your provider's settings.")
			return true
		}
		return false
	}, h)
}

// apiError writes OpenAI's error shape: {"error": {"message", "type", "param", "code"}}.
func apiError(w http.ResponseWriter, status int, typ, param, msg string) {
	apiErrorCode(w, status, typ, param, "", msg)
}

func apiErrorCode(w http.ResponseWriter, status int, typ, param, code, msg string) {
	e := map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}
	if param != "" {
		e["param"] = param
	}
	if code != "" {
		e["code"] = code
	}
	writeJSON(w, status, map[string]any{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes a JSON object body; a body that is not one is a 400.
func readJSON(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "",
			fmt.Sprintf("Unsupported content type %q: send application/json", r.Header.Get("Content-Type")))
		return nil, false
	}
	var body map[string]any
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<20))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil || body == nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "",
			"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)")
		return nil, false
	}
	return body, true
}

// requireString reads a required non-empty string field; its absence is a 400 naming it.
func requireString(w http.ResponseWriter, body map[string]any, field string) (string, bool) {
	v, present := body[field]
	s, isString := v.(string)
	switch {
	case !present || v == nil:
		apiError(w, http.StatusBadRequest, "invalid_request_error", field, fmt.Sprintf("Missing required parameter: '%s'.", field))
		return "", false
	case !isString:
		apiError(w, http.StatusBadRequest, "invalid_request_error", field,
			fmt.Sprintf("Invalid type for '%s': expected a string, but got %s instead.", field, jsonTypeName(v)))
		return "", false
	case strings.TrimSpace(s) == "":
		apiError(w, http.StatusBadRequest, "invalid_request_error", field, fmt.Sprintf("'%s' must not be empty.", field))
		return "", false
	}
	return s, true
}

// knownModel checks the model field names a model the server has (404 otherwise).
// readModelRequest reads a JSON request body naming one of the served models; on a bad one it
// writes the API error and returns ok false.
func (f *OpenAI) readModelRequest(w http.ResponseWriter, r *http.Request) (body map[string]any, model string, ok bool) {
	if body, ok = readJSON(w, r); !ok {
		return nil, "", false
	}
	if model, ok = f.knownModel(w, body); !ok {
		return nil, "", false
	}
	return body, model, true
}

func (f *OpenAI) knownModel(w http.ResponseWriter, body map[string]any) (string, bool) {
	m, ok := requireString(w, body, "model")
	if !ok {
		return "", false
	}
	if !slices.Contains(f.opts.Models, m) {
		apiErrorCode(w, http.StatusNotFound, "invalid_request_error", "model", "model_not_found",
			fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", m))
		return "", false
	}
	return m, true
}

// optNumber reads an optional number field within [lo, hi].
func optNumber(w http.ResponseWriter, body map[string]any, field string, lo, hi float64) (float64, bool, bool) {
	v, present := body[field]
	if !present || v == nil {
		return 0, false, true
	}
	n, isNum := v.(json.Number)
	f, err := n.Float64()
	if !isNum || err != nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", field,
			fmt.Sprintf("Invalid type for '%s': expected a number, but got %s instead.", field, jsonTypeName(v)))
		return 0, false, false
	}
	if f < lo || f > hi {
		apiError(w, http.StatusBadRequest, "invalid_request_error", field,
			fmt.Sprintf("Invalid '%s': %v is not between %v and %v.", field, f, lo, hi))
		return 0, false, false
	}
	return f, true, true
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}

func (f *OpenAI) models(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	data := make([]map[string]any, len(f.opts.Models))
	for i, m := range f.opts.Models {
		data[i] = map[string]any{"id": m, "object": "model", "created": 1700000000, "owned_by": "flowbench-fake"}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
	return nil, true
}

// ---- chat ----

func (f *OpenAI) chat(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	body, model, ok := f.readModelRequest(w, r)
	if !ok {
		return nil, false
	}
	msgs, isArr := body["messages"].([]any)
	if _, present := body["messages"]; !present {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "messages", "Missing required parameter: 'messages'.")
		return nil, false
	}
	if !isArr || len(msgs) == 0 {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "messages", "Invalid 'messages': expected a non-empty array.")
		return nil, false
	}
	var lastUser string
	images := 0
	for i, m := range msgs {
		mo, _ := m.(map[string]any)
		role, _ := mo["role"].(string)
		if !slices.Contains([]string{"system", "developer", "user", "assistant", "tool"}, role) {
			apiError(w, http.StatusBadRequest, "invalid_request_error", fmt.Sprintf("messages[%d].role", i),
				fmt.Sprintf("Invalid value for 'messages[%d].role': %q.", i, role))
			return nil, false
		}
		text, n, err := messageText(mo["content"])
		if err != nil {
			apiError(w, http.StatusBadRequest, "invalid_request_error", fmt.Sprintf("messages[%d].content", i),
				fmt.Sprintf("Invalid 'messages[%d].content': %v", i, err))
			return nil, false
		}
		images += n
		if role == "user" {
			lastUser = text
		}
	}
	if _, _, ok := optNumber(w, body, "temperature", 0, 2); !ok {
		return nil, false
	}
	answer := "Echo: " + lastUser
	if images > 0 {
		answer += fmt.Sprintf(" [%d image(s) seen]", images)
	}
	if rf, _ := body["response_format"].(map[string]any); rf != nil && rf["type"] == "json_schema" {
		answer = `{"echo":` + strconv.Quote(lastUser) + `}`
		if f.opts.ChatJSON != "" {
			answer = f.opts.ChatJSON
		}
	}
	words := strings.SplitAfter(answer, " ")
	prompt := 0
	for _, m := range msgs {
		t, _, _ := messageText(m.(map[string]any)["content"])
		prompt += len(strings.Fields(t))
	}
	usage := map[string]any{"prompt_tokens": prompt, "completion_tokens": len(words), "total_tokens": prompt + len(words)}
	id := "chatcmpl-fake"
	if stream, _ := body["stream"].(bool); stream {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		fl, _ := w.(http.Flusher)
		send := func(v any) {
			b, _ := json.Marshal(v)
			fmt.Fprintf(w, "data: %s\n\n", b)
			if fl != nil {
				fl.Flush()
			}
		}
		for i, wd := range words {
			delta := map[string]any{"content": wd}
			if i == 0 {
				delta["role"] = "assistant"
			}
			send(map[string]any{"id": id, "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": model,
				"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": nil}}})
		}
		send(map[string]any{"id": id, "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}}})
		if so, _ := body["stream_options"].(map[string]any); so != nil && so["include_usage"] == true {
			send(map[string]any{"id": id, "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": model,
				"choices": []any{}, "usage": usage})
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
		return body, true
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "object": "chat.completion", "created": time.Now().Unix(), "model": model,
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": answer},
			"finish_reason": "stop"}}, "usage": usage})
	return body, true
}

// messageText is a message's text and its number of image parts; content is a string or an
// array of {"type": "text", "text"} and {"type": "image_url", "image_url": {"url"}} parts.
func messageText(c any) (string, int, error) {
	switch v := c.(type) {
	case string:
		return v, 0, nil
	case []any:
		var b strings.Builder
		n := 0
		for i, p := range v {
			po, _ := p.(map[string]any)
			switch po["type"] {
			case "text":
				s, ok := po["text"].(string)
				if !ok {
					return "", 0, fmt.Errorf("part %d: a text part needs a string 'text'", i)
				}
				b.WriteString(s)
			case "image_url":
				iu, _ := po["image_url"].(map[string]any)
				u, _ := iu["url"].(string)
				if !strings.HasPrefix(u, "data:image/") && !strings.HasPrefix(u, "http") {
					return "", 0, fmt.Errorf("part %d: image_url.url must be an http(s) URL or a data:image/… URL", i)
				}
				n++
			default:
				return "", 0, fmt.Errorf("part %d: unknown type %v", i, po["type"])
			}
		}
		return b.String(), n, nil
	case nil:
		return "", 0, nil
	}
	return "", 0, fmt.Errorf("expected a string or an array of parts")
}

// ---- images ----

func (f *OpenAI) images(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	body, model, ok := f.readModelRequest(w, r)
	if !ok {
		return nil, false
	}
	prompt, ok := requireString(w, body, "prompt")
	if !ok {
		return nil, false
	}
	n := 1
	if v, set, ok := optNumber(w, body, "n", 1, 10); !ok {
		return nil, false
	} else if set {
		n = int(v)
	}
	width, height := 1024, 1024
	if s, present := body["size"]; present && s != nil {
		size, _ := s.(string)
		if width, height, ok = imageSize(w, size, s); !ok {
			return nil, false
		}
	}
	format := "url"
	if v, present := body["response_format"]; present && v != nil {
		format, _ = v.(string)
		if !imageResponseFormat(w, format, v) {
			return nil, false
		}
	}
	// seed is an extension local servers (LocalAI, SD.Next's OpenAI API) accept.
	var seed int64
	if v, set, ok := optNumber(w, body, "seed", -1, math.MaxInt64); !ok {
		return nil, false
	} else if set {
		seed = int64(v)
	}
	if !f.answerImages(w, r, n, prompt, format, func(i int) []byte {
		return FakePNG(width, height, fmt.Sprintf("%s|%s|%d|%d", model, prompt, seed, i))
	}) {
		return nil, false
	}
	return body, true
}

// answerImages answers an image request (generations, edits) with n images made by img,
// each a data URL or, for format b64_json, base64, after the fake's delay. It reports false,
// answering nothing, when the client went away during the delay.
func (f *OpenAI) answerImages(w http.ResponseWriter, r *http.Request, n int, prompt, format string, img func(i int) []byte) bool {
	if f.opts.Delay > 0 {
		select {
		case <-time.After(f.opts.Delay):
		case <-r.Context().Done():
			return false
		}
	}
	data := make([]any, n)
	for i := range n {
		b64 := base64.StdEncoding.EncodeToString(img(i))
		item := map[string]any{"revised_prompt": prompt}
		if format == "b64_json" {
			item["b64_json"] = b64
		} else {
			item["url"] = "data:image/png;base64," + b64
		}
		data[i] = item
	}
	writeJSON(w, http.StatusOK, map[string]any{"created": time.Now().Unix(), "data": data})
	return true
}

// imageSize reads an image size, WIDTHxHEIGHT with each side 1–4096; sent is the value as the
// request had it, named in the refusal.
func imageSize(w http.ResponseWriter, size string, sent any) (width, height int, ok bool) {
	ws, hs, cut := strings.Cut(size, "x")
	wi, err1 := strconv.Atoi(ws)
	hi, err2 := strconv.Atoi(hs)
	if !cut || err1 != nil || err2 != nil || wi < 1 || hi < 1 || wi > 4096 || hi > 4096 {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "size",
			fmt.Sprintf("Invalid 'size': %v is not WIDTHxHEIGHT (e.g. 1024x1024).", sent))
		return 0, 0, false
	}
	return wi, hi, true
}

// imageResponseFormat refuses an image response_format other than url and b64_json; sent is
// the value as the request had it, named in the refusal.
func imageResponseFormat(w http.ResponseWriter, format string, sent any) bool {
	if format != "url" && format != "b64_json" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "response_format",
			fmt.Sprintf("Invalid 'response_format': %v (want 'url' or 'b64_json').", sent))
		return false
	}
	return true
}

// multipartFields parses a multipart/form-data request (keeping up to maxMemory bytes of it in
// memory) and returns its text fields, first value of each. A request of another type is
// refused with notMultipart, one that does not parse with the parser's error.
func multipartFields(w http.ResponseWriter, r *http.Request, maxMemory int64, notMultipart string) (map[string]any, bool) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "", notMultipart)
		return nil, false
	}
	if err := r.ParseMultipartForm(maxMemory); err != nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "", "Could not parse multipart form: "+err.Error())
		return nil, false
	}
	fields := map[string]any{}
	for k, v := range r.MultipartForm.Value {
		fields[k] = v[0]
	}
	return fields, true
}

func (f *OpenAI) embeddings(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	body, model, ok := f.readModelRequest(w, r)
	if !ok {
		return nil, false
	}
	var inputs []string
	switch v := body["input"].(type) {
	case nil:
		apiError(w, http.StatusBadRequest, "invalid_request_error", "input", "Missing required parameter: 'input'.")
		return nil, false
	case string:
		inputs = []string{v}
	case []any:
		for i, e := range v {
			s, isString := e.(string)
			if !isString {
				apiError(w, http.StatusBadRequest, "invalid_request_error", "input",
					fmt.Sprintf("Invalid 'input[%d]': expected a string.", i))
				return nil, false
			}
			inputs = append(inputs, s)
		}
	default:
		apiError(w, http.StatusBadRequest, "invalid_request_error", "input", "Invalid 'input': expected a string or an array of strings.")
		return nil, false
	}
	if len(inputs) == 0 {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "input", "'input' must not be empty.")
		return nil, false
	}
	if ef, present := body["encoding_format"]; present && ef != "float" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "encoding_format", "This server only answers encoding_format 'float'.")
		return nil, false
	}
	data := make([]any, len(inputs))
	tokens := 0
	for i, s := range inputs {
		if s == "" {
			apiError(w, http.StatusBadRequest, "invalid_request_error", "input", fmt.Sprintf("'input[%d]' must not be empty.", i))
			return nil, false
		}
		tokens += len(strings.Fields(s))
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": FakeEmbedding(s, f.opts.EmbeddingDims)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "model": model,
		"usage": map[string]any{"prompt_tokens": tokens, "total_tokens": tokens}})
	return body, true
}
