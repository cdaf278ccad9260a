// The OpenAI fake's audio endpoints: /v1/audio/speech and /v1/audio/transcriptions.

package fakes

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
)

func (f *OpenAI) speech(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	body, _, ok := f.readModelRequest(w, r)
	if !ok {
		return nil, false
	}
	input, ok := requireString(w, body, "input")
	if !ok {
		return nil, false
	}
	if len(input) > 4096 {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "input", "'input' is longer than 4096 characters.")
		return nil, false
	}
	if _, ok := requireString(w, body, "voice"); !ok {
		return nil, false
	}
	speed := 1.0
	if v, set, ok := optNumber(w, body, "speed", 0.25, 4); !ok {
		return nil, false
	} else if set {
		speed = v
	}
	format := "mp3"
	if v, present := body["response_format"]; present && v != nil {
		format, _ = v.(string)
	}
	seconds := math.Min(0.2+float64(len(input))*0.02/speed, 30)
	switch format {
	case "wav":
		w.Header().Set("Content-Type", "audio/wav")
		_, _ = w.Write(FakeWAV(seconds, 16000))
	case "mp3":
		w.Header().Set("Content-Type", "audio/mpeg")
		_, _ = w.Write(FakeMP3(seconds))
	default:
		apiError(w, http.StatusBadRequest, "invalid_request_error", "response_format",
			fmt.Sprintf("Invalid 'response_format': %q (this server makes 'mp3' and 'wav').", format))
		return nil, false
	}
	return body, true
}

func (f *OpenAI) transcriptions(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	fields, ok := multipartFields(w, r, 32<<20, "Transcriptions take multipart/form-data with a 'file' and a 'model'.")
	if !ok {
		return nil, false
	}
	if _, ok := f.knownModel(w, fields); !ok {
		return nil, false
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "file", "Missing required parameter: 'file'.")
		return nil, false
	}
	data, _ := io.ReadAll(file)
	file.Close()
	kind := audioKind(data)
	if kind == "" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "file",
			"Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']")
		return nil, false
	}
	fields["filename"] = hdr.Filename
	fields["bytes"] = len(data)
	language, _ := fields["language"].(string)
	if language == "" {
		language = "english"
	}
	text := fmt.Sprintf("A %s recording of %d bytes.", kind, len(data))
	if p, _ := fields["prompt"].(string); p != "" {
		text += " Context: " + p
	}
	duration := 1.0
	segs := []any{
		map[string]any{"id": 0, "seek": 0, "start": 0.0, "end": duration / 2, "text": fmt.Sprintf(" A %s recording", kind),
			"tokens": []int{50364, 316}, "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.0, "no_speech_prob": 0.01},
		map[string]any{"id": 1, "seek": 0, "start": duration / 2, "end": duration, "text": strings.TrimPrefix(text, fmt.Sprintf("A %s recording", kind)),
			"tokens": []int{295, 50414}, "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.0, "no_speech_prob": 0.01},
	}
	switch format, _ := fields["response_format"].(string); format {
	case "", "json":
		writeJSON(w, http.StatusOK, map[string]any{"text": text})
	case "text":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, text)
	case "verbose_json":
		writeJSON(w, http.StatusOK, map[string]any{"task": "transcribe", "language": language, "duration": duration,
			"text": text, "segments": segs})
	default:
		apiError(w, http.StatusBadRequest, "invalid_request_error", "response_format",
			fmt.Sprintf("Invalid 'response_format': %q (want json, text or verbose_json).", format))
		return nil, false
	}
	return fields, true
}

// ---- embeddings ----
