package fakes

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // init images may be JPEG
	"io"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// A1111Options configure a fake Automatic1111 (stable-diffusion-webui --api) server.
type A1111Options struct {
	// Models are the checkpoint names (model_name) the server has (default DefaultA1111Models).
	Models []string
	// Delay is how long each generation takes; /sdapi/v1/progress reports its steps while it
	// runs and /sdapi/v1/interrupt ends it early (with the image so far, like the web UI).
	Delay time.Duration
	// Polls, when > 0, makes each generation last until /sdapi/v1/progress was asked that
	// many times while it ran (or Delay passed, if set): tests then need no clock.
	Polls int
}

// DefaultA1111Models are the checkpoints a fake Automatic1111 server has by default.
var DefaultA1111Models = []string{"sd_xl_base_1.0", "v1-5-pruned-emaonly"}

// A1111 is a fake Automatic1111 API: GET /sdapi/v1/sd-models, POST /sdapi/v1/txt2img and
// /sdapi/v1/img2img. Like the real one (FastAPI), a request body that does not validate is a
// 422 with {"detail": [{"loc", "msg", "type"}]}, an unknown path a 404 {"detail": "Not Found"}
// and a wrong method a 405 {"detail": "Method Not Allowed"}.
type A1111 struct {
	recorder
	opts A1111Options

	jobMu     sync.Mutex
	job       *a1111Job // the generation running, nil when idle
	interrupt chan struct{}
}

// a1111Job is the state /sdapi/v1/progress reports.
type a1111Job struct {
	start    time.Time
	steps    int
	polls    int
	finished chan struct{} // closed when Polls polls were answered
}

// NewA1111 returns a fake Automatic1111 API handler.
func NewA1111(opts A1111Options) *A1111 {
	if len(opts.Models) == 0 {
		opts.Models = DefaultA1111Models
	}
	f := &A1111{opts: opts}
	f.init()
	f.route("/sdapi/v1/sd-models", http.MethodGet, f.models)
	f.route("/sdapi/v1/txt2img", http.MethodPost, func(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
		return f.generate(w, r, false)
	})
	f.route("/sdapi/v1/img2img", http.MethodPost, func(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
		return f.generate(w, r, true)
	})
	f.route("/sdapi/v1/progress", http.MethodGet, f.progress)
	f.route("/sdapi/v1/interrupt", http.MethodPost, f.interruptJob)
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
	})
	return f
}

func (f *A1111) route(path, method string, h func(w http.ResponseWriter, r *http.Request) (map[string]any, bool)) {
	f.handle(path, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != method {
			w.Header().Set("Allow", method)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"detail": "Method Not Allowed"})
			return true
		}
		return false
	}, h)
}

func (f *A1111) models(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	out := make([]map[string]any, len(f.opts.Models))
	for i, m := range f.opts.Models {
		out[i] = map[string]any{"title": m + ".safetensors [0123456789]", "model_name": m, "hash": "0123456789",
			"sha256": nil, "filename": "/models/Stable-diffusion/" + m + ".safetensors", "config": nil}
	}
	writeJSON(w, http.StatusOK, out)
	return nil, true
}

// unprocessable is FastAPI's validation error.
func unprocessable(w http.ResponseWriter, field, msg, typ string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []any{
		map[string]any{"loc": []any{"body", field}, "msg": msg, "type": typ}}})
}

func (f *A1111) generate(w http.ResponseWriter, r *http.Request, img2img bool) (map[string]any, bool) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var body map[string]any
	dec := json.NewDecoder(io.LimitReader(r.Body, 256<<20))
	dec.UseNumber()
	if ct != "application/json" || dec.Decode(&body) != nil || body == nil {
		unprocessable(w, "", "value is not a valid dict", "type_error.dict")
		return nil, false
	}
	str := func(field, def string) (string, bool) {
		v, ok := body[field]
		if !ok || v == nil {
			return def, true
		}
		s, isStr := v.(string)
		if !isStr {
			unprocessable(w, field, "str type expected", "type_error.str")
		}
		return s, isStr
	}
	num := func(field string, def, lo, hi float64, integer bool) (float64, bool) {
		v, ok := body[field]
		if !ok || v == nil {
			return def, true
		}
		n, isNum := v.(json.Number)
		x, err := n.Float64()
		if !isNum || err != nil || (integer && x != math.Trunc(x)) {
			kind := "float"
			if integer {
				kind = "integer"
			}
			unprocessable(w, field, "value is not a valid "+kind, "type_error."+kind)
			return 0, false
		}
		if x < lo || x > hi {
			unprocessable(w, field, fmt.Sprintf("ensure this value is between %v and %v", lo, hi), "value_error.number")
			return 0, false
		}
		return x, true
	}
	prompt, ok := str("prompt", "")
	if !ok {
		return nil, false
	}
	if _, ok := str("negative_prompt", ""); !ok {
		return nil, false
	}
	width, ok1 := num("width", 512, 64, 8192, true)
	height, ok2 := num("height", 512, 64, 8192, true)
	steps, ok3 := num("steps", 20, 1, 150, true)
	cfg, ok4 := num("cfg_scale", 7, 1, 30, false)
	seed, ok5 := num("seed", -1, -1, math.MaxUint32, true)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return nil, false
	}
	model := ""
	if os, present := body["override_settings"]; present && os != nil {
		m, isObj := os.(map[string]any)
		if !isObj {
			unprocessable(w, "override_settings", "value is not a valid dict", "type_error.dict")
			return nil, false
		}
		if ck, has := m["sd_model_checkpoint"]; has {
			model, _ = ck.(string)
			if !slices.Contains(f.opts.Models, model) {
				// The web UI answers an unknown checkpoint with a 500 and this message.
				writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "RuntimeError",
					"detail": "", "body": "", "errors": fmt.Sprintf("checkpoint %q not found; available: %v", model, f.opts.Models)})
				return nil, false
			}
		}
	}
	if img2img {
		inits, isArr := body["init_images"].([]any)
		if !isArr || len(inits) == 0 {
			unprocessable(w, "init_images", "field required", "value_error.missing")
			return nil, false
		}
		s, _ := inits[0].(string)
		data, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "Error", "errors": "Invalid encoded image"})
			return nil, false
		}
		if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "UnidentifiedImageError",
				"errors": "cannot identify image file"})
			return nil, false
		}
		if _, ok := num("denoising_strength", 0.75, 0, 1, false); !ok {
			return nil, false
		}
	}
	if seed == -1 {
		seed = 1234567
	}
	if (f.opts.Delay > 0 || f.opts.Polls > 0) && !f.run(r, int(steps)) {
		return nil, false // the client went away
	}
	png := FakePNG(int(width), int(height), fmt.Sprintf("a1111|%s|%s|%v|%v|%v|%v", model, prompt, seed, steps, cfg, img2img))
	info, _ := json.Marshal(map[string]any{"prompt": prompt, "seed": int64(seed), "all_seeds": []int64{int64(seed)},
		"width": int(width), "height": int(height), "steps": int(steps), "cfg_scale": cfg, "sd_model_name": model})
	writeJSON(w, http.StatusOK, map[string]any{"images": []string{base64.StdEncoding.EncodeToString(png)},
		"parameters": body, "info": string(info)})
	return body, true
}

// run is a generation taking Delay: progress reports it until it ends or is interrupted.
// Like the web UI, a client that goes away does not stop it (only /interrupt does); run then
// reports false.
func (f *A1111) run(r *http.Request, steps int) bool {
	stop := make(chan struct{})
	job := &a1111Job{start: time.Now(), steps: steps, finished: make(chan struct{})}
	f.jobMu.Lock()
	f.job = job
	f.interrupt = stop
	f.jobMu.Unlock()
	defer func() {
		f.jobMu.Lock()
		f.job, f.interrupt = nil, nil
		f.jobMu.Unlock()
	}()
	var timer <-chan time.Time
	if f.opts.Delay > 0 {
		timer = time.After(f.opts.Delay)
	}
	select {
	case <-timer:
	case <-job.finished:
	case <-stop:
	}
	return r.Context().Err() == nil
}

// progress is GET /sdapi/v1/progress: the running job's share done, its sampling step and
// an ETA; all zero when idle. skip_current_image must be a boolean if given.
func (f *A1111) progress(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	if v := r.URL.Query().Get("skip_current_image"); v != "" {
		if _, err := strconv.ParseBool(v); err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []any{map[string]any{
				"loc": []any{"query", "skip_current_image"}, "msg": "value could not be parsed to a boolean", "type": "type_error.bool"}}})
			return nil, false
		}
	}
	f.jobMu.Lock()
	job := f.job
	var p float64
	if job != nil {
		job.polls++
		if f.opts.Polls > 0 {
			p = float64(job.polls) / float64(f.opts.Polls+1)
			if job.polls == f.opts.Polls {
				close(job.finished)
			}
		} else {
			p = min(float64(time.Since(job.start))/float64(f.opts.Delay), 0.99)
		}
	}
	f.jobMu.Unlock()
	state := map[string]any{"skipped": false, "interrupted": false, "job": "", "job_count": 0, "job_timestamp": "0",
		"job_no": 0, "sampling_step": 0, "sampling_steps": 0}
	progress, eta := 0.0, 0.0
	if job != nil {
		step := int(p * float64(job.steps))
		progress, eta = p, (1-p)*f.opts.Delay.Seconds()
		state["job"], state["job_count"], state["sampling_step"], state["sampling_steps"] = "txt2img", 1, step, job.steps
		state["job_timestamp"] = job.start.Format("20060102150405")
	}
	writeJSON(w, http.StatusOK, map[string]any{"progress": progress, "eta_relative": eta, "state": state,
		"current_image": nil, "textinfo": nil})
	return map[string]any{"progress": progress}, true
}

// interruptJob is POST /sdapi/v1/interrupt: the running job stops at once (a no-op when idle).
func (f *A1111) interruptJob(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	f.jobMu.Lock()
	if f.interrupt != nil {
		close(f.interrupt)
		f.interrupt = nil
	}
	f.jobMu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
	return map[string]any{}, true
}
