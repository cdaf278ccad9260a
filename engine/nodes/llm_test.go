package nodes_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// fakeLLM is an OpenAI-compatible chat server. It records the last request it received.
type fakeLLM struct {
	mu   sync.Mutex
	last map[string]any
	auth string
}

func (f *fakeLLM) request() (map[string]any, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last, f.auth
}

func (f *fakeLLM) serve(tb testing.TB) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"error": {"message": "bad json"}}`, http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.last, f.auth = req, r.Header.Get("Authorization")
		f.mu.Unlock()
		switch req["model"] {
		case "stream":
			w.Header().Set("Content-Type", "text/event-stream")
			flusher := w.(http.Flusher)
			for i, tok := range []string{"Hel", "lo", ", ", "world"} {
				if i == 2 {
					fmt.Fprint(w, ": keep-alive\n\n") // comments are ignored
				}
				fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%q}}]}\r\n\r\n", tok)
				flusher.Flush()
			}
			fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
			fmt.Fprint(w, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4,\"total_tokens\":16}}\n\n")
			fmt.Fprint(w, "data: [DONE]\n\n")
		case "plain":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"whole answer"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}`)
		case "stream-error":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n")
			fmt.Fprint(w, "data: {\"error\":{\"message\":\"out of memory\"}}\n\n")
		case "slow":
			w.Header().Set("Content-Type", "text/event-stream")
			flusher := w.(http.Flusher)
			for {
				fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"tok \"}}]}\n\n")
				flusher.Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		case "crash":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"error":"llama runner process has terminated"}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			msg := fmt.Sprintf("model %q not found, try pulling it first", req["model"])
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "api_error"}})
		}
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

func TestLLMChat(t *testing.T) {
	t.Parallel()
	fake := &fakeLLM{}
	srv := fake.serve(t)
	base := srv.URL + "/v1"
	usage := func(p, c, total float64) map[string]any {
		return map[string]any{"prompt_tokens": p, "completion_tokens": c, "total_tokens": total}
	}
	cases := []struct {
		name    string
		params  map[string]any
		inputs  map[string]any
		text    string
		usage   map[string]any
		wantErr string
	}{
		{name: "stream", params: map[string]any{"base_url": base + "/", "model": "stream", "prompt": "hi"},
			text: "Hello, world", usage: usage(12, 4, 16)},
		{name: "prompt input", params: map[string]any{"base_url": base, "model": "stream"},
			inputs: map[string]any{"prompt": "from the handle"}, text: "Hello, world", usage: usage(12, 4, 16)},
		{name: "plain JSON completion", params: map[string]any{"base_url": base, "model": "plain", "prompt": "hi"},
			text: "whole answer", usage: usage(3, 2, 5)},
		{name: "model not found", params: map[string]any{"base_url": base, "model": "nope", "prompt": "hi"},
			wantErr: `llm.chat: HTTP 404 Not Found: model "nope" not found, try pulling it first`},
		{name: "server error text", params: map[string]any{"base_url": base, "model": "crash", "prompt": "hi"},
			wantErr: "llm.chat: HTTP 500 Internal Server Error: llama runner process has terminated"},
		{name: "error in stream", params: map[string]any{"base_url": base, "model": "stream-error", "prompt": "hi"},
			wantErr: "llm.chat: server error: out of memory"},
		{name: "no model", params: map[string]any{"base_url": base, "prompt": "hi"},
			wantErr: `param "model" is required`},
		{name: "empty prompt", params: map[string]any{"base_url": base, "model": "stream"},
			wantErr: "llm.chat: the prompt is empty"},
		{name: "null prompt input", params: map[string]any{"base_url": base, "model": "stream", "prompt": "unused"},
			inputs: map[string]any{"prompt": nil}, wantErr: `input "prompt" is required but is null`},
		{name: "bad scheme", params: map[string]any{"base_url": "ftp://x/v1", "model": "m", "prompt": "hi"},
			wantErr: "only http:// and https:// addresses are allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := nodeInput(tc.params, tc.inputs)
			got, err := runNode(t, "llm.chat", in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got["text"] != tc.text {
				t.Errorf("text = %q, want %q", got["text"], tc.text)
			}
			checkJSON(t, "usage", got["usage"], tc.usage)
			// The cost records the tokens, the server and the model (SPEC §12).
			wantCost := map[string]any{"url": strings.TrimRight(tc.params["base_url"].(string), "/"), "model": tc.params["model"]}
			for k, v := range tc.usage {
				wantCost[k] = v
			}
			cost := maps.Clone(in.Cost)
			if _, ok := cost["duration_ms"].(float64); !ok {
				t.Errorf("cost %v has no duration_ms", in.Cost)
			}
			delete(cost, "duration_ms")
			checkJSON(t, "cost", cost, wantCost)
		})
	}
}

func TestLLMChatRequest(t *testing.T) {
	t.Parallel()
	fake := &fakeLLM{}
	srv := fake.serve(t)
	params := map[string]any{
		"base_url": srv.URL + "/v1", "model": "stream", "system": "Be brief.", "prompt": "Why?",
		"temperature": 0.0, "seed": 42.0, "max_tokens": 64.0, "api_key": "k-123",
	}
	if _, err := runNode(t, "llm.chat", nodeInput(params, nil)); err != nil {
		t.Fatal(err)
	}
	req, auth := fake.request()
	want := map[string]any{
		"model": "stream",
		"messages": []any{
			map[string]any{"role": "system", "content": "Be brief."},
			map[string]any{"role": "user", "content": "Why?"},
		},
		"stream":         true,
		"stream_options": map[string]any{"include_usage": true},
		"temperature":    0.0,
		"seed":           42.0,
		"max_tokens":     64.0,
	}
	checkJSON(t, "request", req, want)
	if auth != "Bearer k-123" {
		t.Errorf("Authorization = %q", auth)
	}

	// Without the optional params the request leaves them out and uses the default temperature.
	if _, err := runNode(t, "llm.chat", nodeInput(map[string]any{"base_url": srv.URL + "/v1", "model": "stream", "prompt": "x"}, nil)); err != nil {
		t.Fatal(err)
	}
	req, auth = fake.request()
	for _, k := range []string{"seed", "max_tokens"} {
		if _, ok := req[k]; ok {
			t.Errorf("request has %s: %v", k, req)
		}
	}
	if req["temperature"] != 0.7 || auth != "" {
		t.Errorf("temperature %v, auth %q", req["temperature"], auth)
	}
}

func TestLLMChatConnectionRefused(t *testing.T) {
	t.Parallel()
	// A port that was just free: nothing listens on it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String() + "/v1"
	l.Close()
	_, err = runNode(t, "llm.chat", nodeInput(map[string]any{"base_url": base, "model": "m", "prompt": "hi"}, nil))
	want := "llm.chat: cannot reach " + base + " (is Ollama or llama.cpp running?)"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestLLMChatCancel(t *testing.T) {
	t.Parallel()
	srv := (&fakeLLM{}).serve(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	in := nodeInput(map[string]any{"base_url": srv.URL + "/v1", "model": "slow", "prompt": "go on"}, nil)
	// The "slow" model streams until the request is cancelled: returning at all, with the
	// cancel as its error, is the test (a hang guard of 30 s, no wall-clock assertion).
	done := make(chan error, 1)
	go func() {
		_, err := nodeType(t, "llm.chat").Run(ctx, in)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("llm.chat did not stop on cancel")
	}
}

func TestLLMChatDeterminism(t *testing.T) {
	t.Parallel()
	nt := nodeType(t, "llm.chat")
	for _, tc := range []struct {
		params map[string]any
		want   bool
	}{
		{map[string]any{"model": "m", "temperature": 0.0, "seed": 1.0}, true},
		{map[string]any{"model": "m", "temperature": "0", "seed": "7"}, true},
		{map[string]any{"model": "m", "temperature": 0.0}, false},
		{map[string]any{"model": "m", "seed": 1.0}, false}, // default temperature 0.7
		{map[string]any{"model": "m", "temperature": 0.2, "seed": 1.0}, false},
		{map[string]any{"model": "m", "temperature": 0.0, "seed": ""}, false},
	} {
		if got := nt.IsDeterministic(tc.params); got != tc.want {
			t.Errorf("IsDeterministic(%v) = %v, want %v", tc.params, got, tc.want)
		}
	}
}

// TestLLMChatStreamsThroughEngine runs llm.chat inside a workflow and checks that the
// streamed chunks reach the window's event bus and the answer reaches the run outputs.
func TestLLMChatStreamsThroughEngine(t *testing.T) {
	t.Parallel()
	srv := (&fakeLLM{}).serve(t)
	wf := engine.WorkflowFile{
		Format: engine.FormatWorkflow,
		Name:   "chat",
		Nodes: []engine.Node{
			{ID: "chat", Type: "llm.chat", Params: map[string]any{
				"base_url": srv.URL + "/v1", "model": "stream", "prompt": "hi", "temperature": 0.0, "seed": 1.0}},
			{ID: "out", Type: "io.output", Params: map[string]any{"name": "answer"}},
		},
		Edges: []engine.Edge{{Source: "chat", SourceHandle: "text", Target: "out", TargetHandle: "value"}},
	}
	data, err := json.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	run, events := runWorkflowFile(t, data, nil)
	if got := run.Outputs["answer"]; got != "Hello, world" {
		t.Errorf("answer = %v", got)
	}
	if got := eventText(events, engine.EventStream, "chat"); got != "Hello, world" {
		t.Errorf("streamed text = %q, want %q", got, "Hello, world")
	}
}
