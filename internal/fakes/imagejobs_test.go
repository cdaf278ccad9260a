package fakes_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"

	"github.com/flowbench/flowbench/internal/fakes"
)

// editForm is a /v1/images/edits body: fields, and an image part of type partType (none if "").
func editForm(t *testing.T, fields map[string]string, partType string, image []byte) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if partType != "" {
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", `form-data; name="image"; filename="in.png"`)
		h.Set("Content-Type", partType)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(image)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), &b
}

func TestOpenAIEditsFakeIsStrict(t *testing.T) {
	srv := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{}))
	defer srv.Close()
	png := fakes.FakePNG(16, 12, "start")
	ok := map[string]string{"model": "fake-image", "prompt": "at night", "response_format": "b64_json"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name     string
		fields   map[string]string
		partType string
		image    []byte
		json     bool
		status   int
		want     string
	}{
		{"json body", ok, "", nil, true, 400, "multipart/form-data"},
		{"no image", ok, "", nil, false, 400, "'image'"},
		{"image sent as octet-stream", ok, "application/octet-stream", png, false, 400, "format must be in"},
		{"not an image", ok, "image/png", []byte("hello"), false, 400, "unsupported file format"},
		{"no prompt", with("prompt", ""), "image/png", png, false, 400, "'prompt'"},
		{"unknown model", with("model", "nope"), "image/png", png, false, 404, "`nope` does not exist"},
		{"bad size", with("size", "big"), "image/png", png, false, 400, "'size'"},
		{"bad n", with("n", "11"), "image/png", png, false, 400, "'n'"},
		{"bad response_format", with("response_format", "png"), "image/png", png, false, 400, "'response_format'"},
		{"ok", ok, "image/png", png, false, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ct, body := editForm(t, tc.fields, tc.partType, tc.image)
			if tc.json {
				ct, body = "application/json", bytes.NewBufferString(`{"model":"fake-image","prompt":"x"}`)
			}
			resp, err := http.Post(srv.URL+"/v1/images/edits", ct, body)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			data, _ := io.ReadAll(resp.Body)
			var v map[string]any
			_ = json.Unmarshal(data, &v)
			if resp.StatusCode != tc.status || (tc.want != "" && !strings.Contains(errMessage(v), tc.want)) {
				t.Fatalf("status %d, body %s; want %d with %q", resp.StatusCode, data, tc.status, tc.want)
			}
			if tc.status == 200 {
				d, _ := v["data"].([]any)
				item, _ := d[0].(map[string]any)
				if s, _ := item["b64_json"].(string); s == "" {
					t.Fatalf("no b64_json image: %s", data)
				}
			}
		})
	}
}

func TestA1111FakeProgressAndInterrupt(t *testing.T) {
	fake := fakes.NewA1111(fakes.A1111Options{Polls: 1 << 30})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	get := func(path string) (int, map[string]any) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	if st, v := get("/sdapi/v1/progress"); st != 200 || v["progress"] != 0.0 {
		t.Fatalf("idle progress: %d %v", st, v)
	}
	if st, _ := get("/sdapi/v1/progress?skip_current_image=maybe"); st != 422 {
		t.Fatalf("a non-boolean skip_current_image: %d, want 422", st)
	}
	if st, _ := get("/sdapi/v1/interrupt"); st != 405 {
		t.Fatalf("GET /interrupt: %d, want 405", st)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var status int
	go func() {
		defer wg.Done()
		resp, err := http.Post(srv.URL+"/sdapi/v1/txt2img", "application/json", strings.NewReader(`{"prompt":"x","steps":10}`))
		if err == nil {
			status = resp.StatusCode
			resp.Body.Close()
		}
	}()
	// the job runs: progress reports it until it is interrupted
	for {
		_, v := get("/sdapi/v1/progress")
		if p, _ := v["progress"].(float64); p > 0 {
			state, _ := v["state"].(map[string]any)
			if state["sampling_steps"] != 10.0 {
				t.Fatalf("running state %v", state)
			}
			break
		}
	}
	resp, err := http.Post(srv.URL+"/sdapi/v1/interrupt", "", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("interrupt: %v %v", resp, err)
	}
	resp.Body.Close()
	wg.Wait()
	if status != 200 {
		t.Fatalf("an interrupted job answers %d, want 200 with the image so far", status)
	}
}
