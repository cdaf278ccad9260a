package fakes

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/jpeg" // edits take PNG, JPEG or WebP
	_ "image/png"
	"io"
	"net/http"
	"strconv"
	"time"
)

// imageEditMaxBytes is the largest image /v1/images/edits takes (gpt-image-1: 25 MB; the
// fake does not model dall-e-2's 4 MB square PNG rule, which only that model has).
const imageEditMaxBytes = 25 << 20

// edits is POST /v1/images/edits (OpenAI's "create image edit"): multipart/form-data with an
// `image` file (sent as image/png, image/jpeg or image/webp; the fake decodes PNG and JPEG), a `prompt`, and optional `mask` (PNG), `model`, `n`
// (1–10), `size` (WIDTHxHEIGHT; default the image's) and `response_format` (url or b64_json).
func (f *OpenAI) edits(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	fields, ok := multipartFields(w, r, 64<<20, "Image edits take multipart/form-data with an 'image' file and a 'prompt'.")
	if !ok {
		return nil, false
	}
	model, _ := fields["model"].(string)
	if model == "" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "model", "Missing required parameter: 'model'.")
		return nil, false
	}
	if _, ok := f.knownModel(w, fields); !ok {
		return nil, false
	}
	prompt, _ := fields["prompt"].(string)
	if prompt == "" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "prompt", "Missing required parameter: 'prompt'.")
		return nil, false
	}
	file, hdr, err := r.FormFile("image")
	if err != nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "image", "Missing required parameter: 'image'.")
		return nil, false
	}
	// like OpenAI, the part's own type counts: a file sent as application/octet-stream is refused
	if pt := hdr.Header.Get("Content-Type"); pt != "image/png" && pt != "image/jpeg" && pt != "image/webp" {
		file.Close()
		apiError(w, http.StatusBadRequest, "invalid_request_error", "image",
			fmt.Sprintf("Invalid input image - format must be in ['image/jpeg', 'image/png', 'image/webp'], got %q.", pt))
		return nil, false
	}
	data, _ := io.ReadAll(io.LimitReader(file, imageEditMaxBytes+1))
	file.Close()
	if len(data) > imageEditMaxBytes {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "image", "Invalid 'image': larger than 25 MB.")
		return nil, false
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg" && format != "webp") {
		apiError(w, http.StatusBadRequest, "invalid_request_error", "image",
			"Invalid 'image': unsupported file format. Supported formats are PNG, JPEG and WebP.")
		return nil, false
	}
	if mf, _, err := r.FormFile("mask"); err == nil {
		mdata, _ := io.ReadAll(mf)
		mf.Close()
		mc, mformat, err := image.DecodeConfig(bytes.NewReader(mdata))
		if err != nil || mformat != "png" || mc.Width != cfg.Width || mc.Height != cfg.Height {
			apiError(w, http.StatusBadRequest, "invalid_request_error", "mask",
				"Invalid 'mask': it must be a PNG of the same size as 'image'.")
			return nil, false
		}
	}
	n := 1
	if s, ok := fields["n"].(string); ok {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > 10 {
			apiError(w, http.StatusBadRequest, "invalid_request_error", "n", fmt.Sprintf("Invalid 'n': %q is not 1 to 10.", s))
			return nil, false
		}
		n = v
	}
	width, height := cfg.Width, cfg.Height
	if s, ok := fields["size"].(string); ok && s != "auto" {
		if width, height, ok = imageSize(w, s, s); !ok {
			return nil, false
		}
	}
	respFormat := "url"
	if s, ok := fields["response_format"].(string); ok {
		if !imageResponseFormat(w, s, s) {
			return nil, false
		}
		respFormat = s
	}
	if f.opts.Delay > 0 {
		select {
		case <-time.After(f.opts.Delay):
		case <-r.Context().Done():
			return nil, false
		}
	}
	out := make([]any, n)
	for i := range n {
		img := FakePNG(width, height, fmt.Sprintf("edit|%s|%s|%d|%d|%d", model, prompt, len(data), cfg.Width, i))
		item := map[string]any{"revised_prompt": prompt}
		if respFormat == "b64_json" {
			item["b64_json"] = base64.StdEncoding.EncodeToString(img)
		} else {
			item["url"] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(img)
		}
		out[i] = item
	}
	fields["image_filename"] = hdr.Filename
	fields["image_format"] = format
	fields["image_size"] = fmt.Sprintf("%dx%d", cfg.Width, cfg.Height)
	writeJSON(w, http.StatusOK, map[string]any{"created": time.Now().Unix(), "data": out})
	return fields, true
}
