package nodes_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// echoServer answers every request with a JSON description of it, except on a few paths.
func echoServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/text":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Add("X-Multi", "one")
			w.Header().Add("X-Multi", "two")
			fmt.Fprint(w, "plain text")
			return
		case "/missing":
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"title": "not here"}`)
			return
		case "/broken-json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"unterminated": `)
			return
		case "/slow":
			select {
			case <-time.After(30 * time.Second): // a hang guard: the client gives up long before
			case <-r.Context().Done():
			}
			return
		case "/huge":
			chunk := strings.Repeat("x", 1<<20)
			for i := 0; i <= 32; i++ {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
			fmt.Fprint(w, "!")
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"method":       r.Method,
			"body":         string(body),
			"content_type": r.Header.Get("Content-Type"),
			"token":        r.Header.Get("X-Token"),
		})
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func TestHTTPRequest(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	echo := func(method, body, ct, token string) map[string]any {
		return map[string]any{"method": method, "body": body, "content_type": ct, "token": token}
	}
	cases := []struct {
		name    string
		params  map[string]any
		inputs  map[string]any
		status  float64
		json    any
		body    string // checked when set
		header  [2]string
		wantErr string
	}{
		{name: "get", params: map[string]any{"url": srv.URL + "/echo"},
			status: 200, json: echo("GET", "", "", ""), header: [2]string{"content-type", "application/json"}},
		{name: "post object as JSON", params: map[string]any{"method": "POST", "url": srv.URL + "/echo"},
			inputs: map[string]any{"body": map[string]any{"a": 1.0}},
			status: 200, json: echo("POST", `{"a":1}`, "application/json", "")},
		{name: "put text input", params: map[string]any{"method": "PUT", "url": srv.URL, "body": "ignored"},
			inputs: map[string]any{"body": "raw text"}, status: 200, json: echo("PUT", "raw text", "", "")},
		{name: "body param when unconnected",
			params: map[string]any{"method": "PATCH", "url": srv.URL, "body": "from param",
				"headers": map[string]any{"Content-Type": "text/plain", "X-Token": "s3cret"}},
			status: 200, json: echo("PATCH", "from param", "text/plain", "s3cret")},
		{name: "headers as JSON text", params: map[string]any{"url": srv.URL, "headers": `{"X-Token": 42}`},
			status: 200, json: echo("GET", "", "", "42")},
		{name: "delete", params: map[string]any{"method": "DELETE", "url": srv.URL},
			status: 200, json: echo("DELETE", "", "", "")},
		{name: "head has no body", params: map[string]any{"method": "HEAD", "url": srv.URL + "/text"},
			status: 200, json: nil, body: "-"},
		{name: "text response", params: map[string]any{"url": srv.URL + "/text"},
			status: 200, json: nil, body: "plain text", header: [2]string{"x-multi", "one, two"}},
		{name: "404 is an output", params: map[string]any{"url": srv.URL + "/missing"},
			status: 404, json: map[string]any{"title": "not here"}},
		{name: "broken JSON gives null", params: map[string]any{"url": srv.URL + "/broken-json"},
			status: 200, json: nil, body: `{"unterminated": `},
		{name: "timeout", params: map[string]any{"url": srv.URL + "/slow", "timeout_ms": 100.0},
			wantErr: "http.request: GET " + srv.URL + "/slow: no complete response within 100 ms"},
		{name: "oversized body", params: map[string]any{"url": srv.URL + "/huge"},
			wantErr: "response body is larger than 32 MB"},
		{name: "file scheme", params: map[string]any{"url": "file:///etc/passwd"},
			wantErr: `http.request: "file:///etc/passwd": only http:// and https:// addresses are allowed`},
		{name: "no url", params: map[string]any{}, wantErr: `param "url" is required`},
		{name: "bad method", params: map[string]any{"url": srv.URL, "method": "TRACE"},
			wantErr: `param "method": "TRACE" is not one of`},
		{name: "bad headers", params: map[string]any{"url": srv.URL, "headers": []any{"x"}},
			wantErr: `param "headers": want a JSON object of text values, got array`},
		{name: "unreachable", params: map[string]any{"url": "http://127.0.0.1:1/x"},
			wantErr: "http.request: GET http://127.0.0.1:1/x: dial tcp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := runNode(t, "http.request", nodeInput(tc.params, tc.inputs))
			if tc.wantErr != "" {
				// No timing: the error itself says which limit stopped the request.
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if status := fmt.Sprint(got["status"]); status != fmt.Sprint(tc.status) {
				t.Errorf("status = %s, want %v", status, tc.status)
			}
			checkJSON(t, "json", got["json"], tc.json)
			if tc.body == "-" && got["body"] != "" || tc.body != "" && tc.body != "-" && got["body"] != tc.body {
				t.Errorf("body = %q, want %q", got["body"], tc.body)
			}
			headers, ok := got["headers"].(map[string]any)
			if !ok {
				t.Fatalf("headers = %#v", got["headers"])
			}
			if tc.header[0] != "" && headers[tc.header[0]] != tc.header[1] {
				t.Errorf("header %s = %v, want %q (all: %v)", tc.header[0], headers[tc.header[0]], tc.header[1], headers)
			}
		})
	}
}

func TestHTTPRequestCancel(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	// /slow answers (empty, no error) only after 30 s: an error that is the cancel means the
	// request stopped on it; no wall-clock assertion.
	_, err := nodeType(t, "http.request").Run(ctx, nodeInput(map[string]any{"url": srv.URL + "/slow"}, nil))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestHTTPRequestNondeterministic(t *testing.T) {
	t.Parallel()
	if nodeType(t, "http.request").IsDeterministic(map[string]any{"url": "http://x"}) {
		t.Fatal("http.request is deterministic")
	}
}

// checkJSON compares two JSON-like values by their canonical text.
func checkJSON(tb testing.TB, what string, got, want any) {
	tb.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		tb.Errorf("%s = %s, want %s", what, g, w)
	}
}
