package nodes

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// Defaults of llm.chat.
const (
	llmDefaultBaseURL     = "http://127.0.0.1:11434/v1" // Ollama's OpenAI-compatible API
	llmDefaultTemperature = 0.7
	llmMaxLine            = 8 << 20 // longest SSE line accepted
)

// registerLLM adds llm.chat.
func registerLLM(r *engine.Registry) error {
	return registerAll(r, engine.NodeType{
		Type:  "llm.chat",
		Group: "ai",
		Title: "LLM chat",
		Description: "Asks a language model on a local OpenAI-compatible server (Ollama, " +
			"llama.cpp, LM Studio…) and streams its answer. Deterministic only with " +
			"temperature 0 and a seed.",
		Inputs: []engine.Handle{
			{Name: "prompt", Type: engine.TypeString, Description: "The user message; overrides the prompt param"},
			{Name: "image", Type: engine.TypeImage, Description: "An image sent with the prompt (vision models)"},
			{Name: "images", Type: engine.TypeArray, Description: "Images sent with the prompt (vision models)"},
		},
		Outputs: []engine.Handle{
			{Name: "text", Type: engine.TypeString, Description: "The model's answer"},
			{Name: "usage", Type: engine.TypeObject,
				Description: "Token counts (prompt_tokens, completion_tokens, total_tokens); null when the server reports none"},
			{Name: "json", Type: engine.TypeAny,
				Description: "With json_schema: the answer parsed and checked against the schema; null otherwise"},
		},
		Params: []engine.ParamSpec{
			providerParam,
			{Name: "base_url", Kind: engine.ParamString, Label: "Server",
				Description: "One OpenAI-compatible server instead of a provider: its API base, e.g. " + llmDefaultBaseURL + " (/chat/completions is added)"},
			{Name: "model", Kind: engine.ParamString, Label: "Model", Required: true,
				Description: "Model name as the server knows it, e.g. llama3.2"},
			{Name: "system", Kind: engine.ParamText, Label: "System prompt",
				Description: "Instructions sent before the prompt"},
			{Name: "prompt", Kind: engine.ParamText, Label: "Prompt",
				Description: "The user message when the prompt input is not connected; {{name}} inserts a flow input"},
			{Name: "temperature", Kind: engine.ParamNumber, Label: "Temperature", Default: llmDefaultTemperature,
				Description: "0 picks the likeliest tokens; higher values vary more"},
			{Name: "seed", Kind: engine.ParamInteger, Label: "Seed",
				Description: "With temperature 0, makes the answer repeatable"},
			{Name: "max_tokens", Kind: engine.ParamInteger, Label: "Max tokens",
				Description: "Stops the answer after this many tokens; empty for the server's default"},
			{Name: "json_schema", Kind: engine.ParamJSON, Label: "JSON schema",
				Description: "Asks for structured output: the answer must be JSON matching this JSON Schema (checked)",
				Check:       checkJSONSchemaParam},
			{Name: "api_key", Kind: engine.ParamString, Label: "API key",
				Description: "Sent as a Bearer token; local servers need none"},
		},
		Deterministic:     false,
		DeterministicWhen: llmDeterministic,
		Run:               runLLM,
	})
}

// llmDeterministic: sampling repeats only when it is greedy (temperature 0) and seeded.
func llmDeterministic(p map[string]any) bool {
	seed, ok := p["seed"]
	if !ok || seed == nil || seed == "" {
		return false
	}
	t, ok := p["temperature"]
	if !ok || t == nil || t == "" {
		return false // the default, 0.7
	}
	f, ok := engine.ToFloat(t)
	return ok && f == 0
}

// chatMessage, chatRequest, chatUsage and chatChunk are the parts of the OpenAI chat
// completions API the node uses.
type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// reqMessage is a message sent: Content is text, or an array of text and image_url parts.
type reqMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

type chatRequest struct {
	Model    string       `json:"model"`
	Messages []reqMessage `json:"messages"`
	// ResponseFormat asks for structured output (json_schema).
	ResponseFormat map[string]any `json:"response_format,omitempty"`
	Stream         bool           `json:"stream"`
	StreamOptions  map[string]any `json:"stream_options,omitempty"`
	Temperature    float64        `json:"temperature"`
	Seed           *int           `json:"seed,omitempty"`
	MaxTokens      *int           `json:"max_tokens,omitempty"`
}

type chatUsage struct {
	PromptTokens     float64 `json:"prompt_tokens"`
	CompletionTokens float64 `json:"completion_tokens"`
	TotalTokens      float64 `json:"total_tokens"`
}

// chatChunk is one streamed event or, with Message set, a whole non-streamed completion.
type chatChunk struct {
	Choices []struct {
		Delta        chatMessage `json:"delta"`
		Message      chatMessage `json:"message"`
		FinishReason string      `json:"finish_reason"`
	} `json:"choices"`
	Usage *chatUsage      `json:"usage"`
	Error json.RawMessage `json:"error"`
}

func runLLM(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	req, err := llmRequest(in)
	if err != nil {
		return nil, err
	}
	if err := addChatImages(ctx, in, &req); err != nil {
		return nil, err
	}
	schema, err := chatSchema(in, &req)
	if err != nil {
		return nil, err
	}
	srv, err := connectAI(ctx, in, "llm.chat", "is Ollama or llama.cpp running?", []string{engine.ProviderOpenAI}, in.String("api_key", ""))
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var res llmResult
	err = srv.do(ctx, func(ctx context.Context, base string) (*http.Request, error) {
		hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, engine.OpenAIBase(base)+"/chat/completions", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		hreq.Header.Set("Content-Type", "application/json")
		hreq.Header.Set("Accept", "text/event-stream, application/json")
		return hreq, nil
	}, func(resp *http.Response) error {
		res = llmResult{}
		br := bufio.NewReader(resp.Body)
		if isEventStream(resp.Header.Get("Content-Type"), br) {
			return res.readStream(br, in)
		}
		return res.readCompletion(br, in)
	})
	if err != nil {
		return nil, err
	}
	if res.finish == "length" {
		in.Log("llm.chat: the answer was cut off at max_tokens")
	}
	extra := map[string]any{}
	if req.Seed != nil {
		extra["seed"] = float64(*req.Seed)
	}
	var usage any
	if res.usage != nil {
		u := *res.usage
		if u.TotalTokens == 0 {
			u.TotalTokens = u.PromptTokens + u.CompletionTokens
		}
		extra["prompt_tokens"] = u.PromptTokens
		extra["completion_tokens"] = u.CompletionTokens
		extra["total_tokens"] = u.TotalTokens
		usage = map[string]any{
			"prompt_tokens":     u.PromptTokens,
			"completion_tokens": u.CompletionTokens,
			"total_tokens":      u.TotalTokens,
		}
	}
	in.Cost = srv.cost(req.Model, extra)
	out := map[string]any{"text": res.text.String(), "usage": usage, "json": nil}
	if schema != nil {
		v, err := schema.check(res.text.String())
		if err != nil {
			return nil, fmt.Errorf("llm.chat: the answer of %s (model %s) %w", srv.url, req.Model, err)
		}
		out["json"] = v
	}
	return out, nil
}

// llmRequest builds the chat request from the params and the prompt input.
func llmRequest(in *engine.NodeInput) (chatRequest, error) {
	model := strings.TrimSpace(in.String("model", ""))
	if model == "" {
		return chatRequest{}, fmt.Errorf("param %q is required", "model")
	}
	var prompt string
	if in.Connected["prompt"] {
		p, err := inputText(in, "prompt")
		if err != nil {
			return chatRequest{}, err
		}
		prompt = p
	} else {
		prompt = in.String("prompt", "")
	}
	if strings.TrimSpace(prompt) == "" {
		return chatRequest{}, errors.New("llm.chat: the prompt is empty (connect the prompt input or fill in the prompt param)")
	}
	temp, err := in.Float("temperature", llmDefaultTemperature)
	if err != nil {
		return chatRequest{}, err
	}
	if temp < 0 {
		return chatRequest{}, fmt.Errorf("param %q: %v is negative", "temperature", temp)
	}
	req := chatRequest{
		Model:         model,
		Stream:        true,
		StreamOptions: map[string]any{"include_usage": true},
		Temperature:   temp,
	}
	if sys := in.String("system", ""); strings.TrimSpace(sys) != "" {
		req.Messages = append(req.Messages, reqMessage{Role: "system", Content: sys})
	}
	req.Messages = append(req.Messages, reqMessage{Role: "user", Content: prompt})
	if in.Has("seed") {
		seed, err := in.Int("seed", 0)
		if err != nil {
			return chatRequest{}, err
		}
		req.Seed = &seed
	}
	if in.Has("max_tokens") {
		n, err := in.Int("max_tokens", 0)
		if err != nil {
			return chatRequest{}, err
		}
		if n <= 0 {
			return chatRequest{}, fmt.Errorf("param %q: %d is not positive", "max_tokens", n)
		}
		req.MaxTokens = &n
	}
	return req, nil
}

// llmResult accumulates the answer.
type llmResult struct {
	text   strings.Builder
	usage  *chatUsage
	finish string
}

// add takes in one chunk: content deltas are streamed to the window as they arrive.
func (r *llmResult) add(c chatChunk, in *engine.NodeInput) error {
	if len(c.Error) > 0 && string(c.Error) != "null" {
		return fmt.Errorf("llm.chat: server error: %s", errorText(c.Error))
	}
	for _, ch := range c.Choices {
		s := ch.Delta.Content
		if s == "" {
			s = ch.Message.Content
		}
		if s != "" {
			r.text.WriteString(s)
			in.Stream(s)
		}
		if ch.FinishReason != "" {
			r.finish = ch.FinishReason
		}
	}
	if c.Usage != nil {
		r.usage = c.Usage
	}
	return nil
}

// readStream parses server-sent events: "data: {json}" lines, events separated by blank
// lines, ended by "data: [DONE]" or the end of the body.
func (r *llmResult) readStream(body io.Reader, in *engine.NodeInput) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64<<10), llmMaxLine)
	var data []string
	dispatch := func() (done bool, err error) {
		if len(data) == 0 {
			return false, nil
		}
		payload := strings.Join(data, "\n")
		data = data[:0]
		if strings.TrimSpace(payload) == "[DONE]" {
			return true, nil
		}
		var c chatChunk
		if err := json.Unmarshal([]byte(payload), &c); err != nil {
			return false, fmt.Errorf("llm.chat: unreadable stream event %q: %w", clipText(payload, 200), err)
		}
		return false, r.add(c, in)
	}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if done, err := dispatch(); done || err != nil {
				return err
			}
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue // comment, used as keep-alive
		}
		field, value, _ := strings.Cut(line, ":")
		if field == "data" {
			data = append(data, strings.TrimPrefix(value, " "))
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("llm.chat: reading the stream: %w", err)
	}
	_, err := dispatch()
	return err
}

// readCompletion reads a plain JSON completion, from a server that does not stream.
func (r *llmResult) readCompletion(body io.Reader, in *engine.NodeInput) error {
	var c chatChunk
	if err := json.NewDecoder(body).Decode(&c); err != nil {
		return fmt.Errorf("llm.chat: unreadable response: %w", err)
	}
	return r.add(c, in)
}

// isEventStream tells a streamed response from a plain JSON one, by content type or,
// when that is missing or odd, by whether the body starts with a JSON object.
func isEventStream(ct string, br *bufio.Reader) bool {
	switch {
	case strings.HasPrefix(strings.ToLower(ct), "text/event-stream"):
		return true
	case isJSONType(ct):
		return false
	}
	for i := 1; i <= 64; i++ {
		b, err := br.Peek(i)
		if err != nil || len(b) < i {
			return true
		}
		switch b[i-1] {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return false
		}
		return true
	}
	return true
}

// errorText reads an "error" value: a string, or an object with a message.
func errorText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &o) == nil && o.Message != "" {
		return o.Message
	}
	return clipText(string(raw), 500)
}

// clipText shortens s to n bytes (on a rune boundary) with an ellipsis.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
