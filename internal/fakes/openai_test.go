package fakes_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/internal/fakes"
)

func post(t *testing.T, url, body string, header ...string) (int, map[string]any, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v map[string]any
	_ = json.Unmarshal(data, &v)
	return resp.StatusCode, v, data
}

func errMessage(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	m, _ := e["message"].(string)
	if _, ok := e["type"].(string); !ok {
		return ""
	}
	return m
}

func TestOpenAIFakeIsStrict(t *testing.T) {
	srv := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{}))
	defer srv.Close()
	cases := []struct {
		path, body string
		status     int
		want       string
	}{
		{"/v1/images/generations", `{"prompt":"a cat"}`, 400, "'model'"},
		{"/v1/images/generations", `{"model":"fake-image"}`, 400, "'prompt'"},
		{"/v1/images/generations", `{"model":"nope","prompt":"a cat"}`, 404, "`nope` does not exist"},
		{"/v1/images/generations", `{"model":"fake-image","prompt":"a","size":"big"}`, 400, "'size'"},
		{"/v1/images/generations", `{"model":"fake-image","prompt":"a","size":"0x512"}`, 400, "'size'"},
		{"/v1/images/generations", `{"model":"fake-image","prompt":"a","size":12}`, 400, "'size': 12 is not WIDTHxHEIGHT"},
		{"/v1/images/generations", `{"model":"fake-image","prompt":"a","response_format":"gif"}`, 400, "'response_format': gif"},
		{"/v1/images/edits", `{"model":"fake-image","prompt":"a"}`, 400, "Image edits take multipart/form-data"},
		{"/v1/audio/transcriptions", `{"model":"fake-stt"}`, 400, "Transcriptions take multipart/form-data"},
		{"/v1/images/generations", `not json`, 400, "parse the JSON"},
		{"/v1/chat/completions", `{"model":"fake-chat"}`, 400, "'messages'"},
		{"/v1/chat/completions", `{"model":"fake-chat","messages":[{"role":"wizard","content":"x"}]}`, 400, "role"},
		{"/v1/audio/speech", `{"model":"fake-tts","input":"hi"}`, 400, "'voice'"},
		{"/v1/audio/speech", `{"model":"fake-tts","input":"hi","voice":"alloy","speed":9}`, 400, "'speed'"},
		{"/v1/embeddings", `{"model":"fake-embed"}`, 400, "'input'"},
		{"/v1/embeddings", `{"model":"fake-embed","input":[1,2]}`, 400, "input[0]"},
	}
	for _, tc := range cases {
		status, v, raw := post(t, srv.URL+tc.path, tc.body)
		if status != tc.status || !strings.Contains(errMessage(v), tc.want) {
			t.Errorf("POST %s %s = %d %s, want %d with an OpenAI error naming %s", tc.path, tc.body, status, raw, tc.status, tc.want)
		}
	}
	resp, err := http.Get(srv.URL + "/v1/chat/completions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/chat/completions = %d, want 405", resp.StatusCode)
	}
}

func TestOpenAIFakeChecksTheAPIKey(t *testing.T) {
	srv := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{APIKey: "sk-right"}))
	defer srv.Close()
	body := `{"model":"fake-embed","input":"x"}`
	if status, v, _ := post(t, srv.URL+"/v1/embeddings", body, "Authorization", "Bearer sk-wrong"); status != 401 || errMessage(v) == "" {
		t.Fatalf("wrong key: %d %v, want 401 with an error", status, v)
	}
	if status, _, raw := post(t, srv.URL+"/v1/embeddings", body, "Authorization", "Bearer sk-right"); status != 200 {
		t.Fatalf("right key: %d %s", status, raw)
	}
}

func TestOpenAIFakeAnswersWithRealMedia(t *testing.T) {
	srv := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{}))
	defer srv.Close()
	status, v, raw := post(t, srv.URL+"/v1/images/generations",
		`{"model":"fake-image","prompt":"a cat","size":"32x16","response_format":"b64_json"}`)
	if status != 200 {
		t.Fatalf("images: %d %s", status, raw)
	}
	b64 := v["data"].([]any)[0].(map[string]any)["b64_json"].(string)
	data, _ := base64.StdEncoding.DecodeString(b64)
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 32 || img.Bounds().Dy() != 16 {
		t.Fatalf("b64_json is not a 32×16 PNG: %v", err)
	}
	for _, format := range []string{"wav", "mp3"} {
		status, _, audio := post(t, srv.URL+"/v1/audio/speech",
			`{"model":"fake-tts","input":"hello there","voice":"alloy","response_format":"`+format+`"}`)
		if status != 200 {
			t.Fatalf("speech %s: %d %s", format, status, audio)
		}
		probeAudio(t, format, audio)
	}
	status, v, raw = post(t, srv.URL+"/v1/embeddings", `{"model":"fake-embed","input":["a","b"]}`)
	if status != 200 || len(v["data"].([]any)) != 2 {
		t.Fatalf("embeddings: %d %s", status, raw)
	}

	// Transcription: multipart with file and model.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("model", "fake-whisper")
	_ = mw.WriteField("response_format", "verbose_json")
	fw, _ := mw.CreateFormFile("file", "clip.wav")
	_, _ = fw.Write(fakes.FakeWAV(0.1, 8000))
	mw.Close()
	resp, err := http.Post(srv.URL+"/v1/audio/transcriptions", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&tr)
	if resp.StatusCode != 200 || tr["language"] != "english" || len(tr["segments"].([]any)) != 2 || tr["text"] == "" {
		t.Fatalf("transcription: %d %v", resp.StatusCode, tr)
	}
}

// probeAudio checks with ffprobe, when installed, that data is a readable file of format.
func probeAudio(t *testing.T, format string, data []byte) {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Logf("ffprobe not installed: %s not probed", format)
		return
	}
	p := filepath.Join(t.TempDir(), "a."+format)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0", p).CombinedOutput()
	if err != nil || !strings.Contains(string(out), format) {
		t.Fatalf("ffprobe of the fake %s: %s %v", format, out, err)
	}
}
