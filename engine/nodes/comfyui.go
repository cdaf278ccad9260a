package nodes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// ComfyUI job pacing.
const (
	comfyPollEvery  = 250 * time.Millisecond // GET /history/{id} while a job runs
	comfyMaxJobTime = 30 * time.Minute       // a job that never finishes fails the node
	comfyDefaultCFG = 7.0
	comfySteps      = 20
)

// comfyTextToImage is the built-in graph image.generate sends to ComfyUI (API format):
// checkpoint loader, CLIP encodes, an empty latent (or the uploaded start image encoded),
// KSampler, VAE decode, save.
func comfyTextToImage(job imageJob, uploaded string) map[string]any {
	steps := comfySteps
	if job.steps != nil {
		steps = *job.steps
	}
	cfg := comfyDefaultCFG
	if job.cfg != nil {
		cfg = *job.cfg
	}
	node := func(class string, inputs map[string]any) map[string]any {
		return map[string]any{"class_type": class, "inputs": inputs}
	}
	g := map[string]any{
		"4": node("CheckpointLoaderSimple", map[string]any{"ckpt_name": job.model}),
		"6": node("CLIPTextEncode", map[string]any{"text": job.prompt, "clip": []any{"4", 1}}),
		"7": node("CLIPTextEncode", map[string]any{"text": job.negative, "clip": []any{"4", 1}}),
		"8": node("VAEDecode", map[string]any{"samples": []any{"3", 0}, "vae": []any{"4", 2}}),
		"9": node("SaveImage", map[string]any{"filename_prefix": "flowbench", "images": []any{"8", 0}}),
	}
	denoise := 1.0
	latent := []any{"5", 0}
	if uploaded != "" {
		g["10"] = node("LoadImage", map[string]any{"image": uploaded})
		g["11"] = node("VAEEncode", map[string]any{"pixels": []any{"10", 0}, "vae": []any{"4", 2}})
		latent = []any{"11", 0}
		denoise = job.strength
	} else {
		g["5"] = node("EmptyLatentImage", map[string]any{"width": job.width, "height": job.height, "batch_size": 1})
	}
	g["3"] = node("KSampler", map[string]any{"seed": job.seed, "steps": steps, "cfg": cfg, "sampler_name": "euler",
		"scheduler": "normal", "denoise": denoise, "model": []any{"4", 0}, "positive": []any{"6", 0},
		"negative": []any{"7", 0}, "latent_image": latent})
	return g
}

// generateComfyUI runs the built-in graph on one ComfyUI URL of the pool: uploads the start
// image, queues the prompt, follows /history until it is done (interrupting the server job
// when the run is cancelled) and reads the image through /view.
func generateComfyUI(ctx context.Context, srv *aiServer, job imageJob, in *engine.NodeInput) ([]byte, error) {
	var data []byte
	err := srv.session(ctx, func(ctx context.Context, base string) error {
		base = strings.TrimRight(base, "/")
		uploaded := ""
		if job.init != nil {
			name, err := comfyUpload(ctx, srv, base, job.init)
			if err != nil {
				return err
			}
			uploaded = name
		}
		clientID := "flowbench-" + engine.NewID()
		watch := watchComfy(ctx, base, clientID, in)
		defer watch.stop()
		promptID, err := comfyQueue(ctx, srv, base, comfyTextToImage(job, uploaded), clientID)
		if err != nil {
			return err
		}
		watch.follow(promptID)
		outs, err := comfyWait(ctx, srv, base, promptID, 0)
		if err != nil {
			if ctx.Err() != nil {
				comfyInterrupt(srv, base)
			}
			return err
		}
		imgs := outs.files("images")
		if len(imgs) == 0 {
			return fmt.Errorf("ComfyUI job %s finished without an image", promptID)
		}
		in.Progress(1)
		data, err = comfyView(ctx, srv, base, imgs[0])
		return err
	})
	return data, err
}

// comfyQueue sends an API-format graph to POST /prompt and returns the job's prompt id.
func comfyQueue(ctx context.Context, srv *aiServer, base string, graph map[string]any, clientID string) (string, error) {
	body, err := json.Marshal(map[string]any{"prompt": graph, "client_id": clientID})
	if err != nil {
		return "", err
	}
	raw, err := srv.send(ctx, http.MethodPost, base+"/prompt", body, "application/json", aiMaxJSONBody)
	if err != nil {
		return "", err
	}
	var queued struct {
		PromptID string `json:"prompt_id"`
	}
	if err := json.Unmarshal(raw, &queued); err != nil || queued.PromptID == "" {
		return "", fmt.Errorf("POST %s/prompt: no prompt_id in the answer (is this ComfyUI?)", base)
	}
	return queued.PromptID, nil
}

type comfyImage struct {
	Filename  string `json:"filename"`
	Subfolder string `json:"subfolder"`
	Type      string `json:"type"`
}

// comfyOutputs are a finished job's outputs: node id → output kind ("images", "gifs",
// "audio", …) → value.
type comfyOutputs map[string]map[string]json.RawMessage

// comfyWait polls /history/{id} until the job is done (or timeout passes, when > 0) and
// returns its outputs.
func comfyWait(ctx context.Context, srv *aiServer, base, id string, timeout time.Duration) (comfyOutputs, error) {
	if timeout <= 0 {
		timeout = comfyMaxJobTime
	}
	deadline := time.Now().Add(timeout)
	t := time.NewTicker(comfyPollEvery)
	defer t.Stop()
	for {
		raw, err := srv.send(ctx, http.MethodGet, base+"/history/"+url.PathEscape(id), nil, "", aiMaxJSONBody)
		if err != nil {
			return nil, err
		}
		var hist map[string]struct {
			Outputs comfyOutputs `json:"outputs"`
			Status  struct {
				StatusStr string `json:"status_str"`
				Completed bool   `json:"completed"`
				Messages  []any  `json:"messages"`
			} `json:"status"`
		}
		if err := json.Unmarshal(raw, &hist); err != nil {
			return nil, fmt.Errorf("GET %s/history/%s: unreadable answer: %v", base, id, err)
		}
		if h, ok := hist[id]; ok {
			if h.Status.StatusStr == "error" {
				return nil, fmt.Errorf("ComfyUI job %s failed: %s", id, comfyExecError(h.Status.Messages))
			}
			if h.Status.Completed || h.Status.StatusStr == "success" || len(h.Outputs) > 0 {
				return h.Outputs, nil
			}
		}
		if time.Now().After(deadline) {
			comfyInterrupt(srv, base)
			return nil, fmt.Errorf("ComfyUI job %s did not finish within %s (interrupted)", id, timeout)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// files lists the files of one output kind ("images"), in node id order.
func (o comfyOutputs) files(kinds ...string) []comfyImage {
	ids := make([]string, 0, len(o))
	for id := range o {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []comfyImage
	for _, id := range ids {
		for _, k := range kinds {
			var fs []comfyImage
			if json.Unmarshal(o[id][k], &fs) == nil {
				for _, f := range fs {
					if f.Filename != "" {
						out = append(out, f)
					}
				}
			}
		}
	}
	return out
}

// comfyView downloads one output file.
func comfyView(ctx context.Context, srv *aiServer, base string, f comfyImage) ([]byte, error) {
	q := url.Values{"filename": {f.Filename}, "subfolder": {f.Subfolder}, "type": {f.Type}}
	return srv.send(ctx, http.MethodGet, base+"/view?"+q.Encode(), nil, "", aiMaxImageBody)
}

// comfyInterrupt stops the job running on a ComfyUI server (the run was cancelled).
func comfyInterrupt(srv *aiServer, base string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = srv.send(ctx, http.MethodPost, base+"/interrupt", []byte("{}"), "application/json", 1<<20)
}

// comfyUpload sends a start image through /upload/image and returns its name on the server.
func comfyUpload(ctx context.Context, srv *aiServer, base string, data []byte) (string, error) {
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	name := fmt.Sprintf("flowbench-%x.png", data[:min(8, len(data))])
	if mt, _, err := engine.CheckImage(data, 0); err == nil {
		name = strings.TrimSuffix(name, ".png") + extForMime(mt)
	}
	fw, err := mw.CreateFormFile("image", name)
	if err != nil {
		return "", err
	}
	if _, err := fw.Write(data); err != nil {
		return "", err
	}
	_ = mw.WriteField("overwrite", "true")
	if err := mw.Close(); err != nil {
		return "", err
	}
	raw, err := srv.send(ctx, http.MethodPost, base+"/upload/image", form.Bytes(), mw.FormDataContentType(), aiMaxJSONBody)
	if err != nil {
		return "", err
	}
	var up struct {
		Name      string `json:"name"`
		Subfolder string `json:"subfolder"`
	}
	if err := json.Unmarshal(raw, &up); err != nil || up.Name == "" {
		return "", fmt.Errorf("POST %s/upload/image: no name in the answer", base)
	}
	if up.Subfolder != "" {
		return up.Subfolder + "/" + up.Name, nil
	}
	return up.Name, nil
}

// comfyMessage reads a ComfyUI error answer: its error message and details, and each node
// error ("node 4 CheckpointLoaderSimple: Value not in list: ckpt_name: …"); other servers'
// answers as engine.ServerMessage reads them.
func comfyMessage(data []byte) string {
	var v struct {
		Error struct {
			Message string `json:"message"`
			Details string `json:"details"`
		} `json:"error"`
		NodeErrors map[string]struct {
			ClassType string `json:"class_type"`
			Errors    []struct {
				Message string `json:"message"`
				Details string `json:"details"`
			} `json:"errors"`
		} `json:"node_errors"`
	}
	if json.Unmarshal(data, &v) != nil || v.Error.Message == "" {
		return engine.ServerMessage(data)
	}
	parts := []string{v.Error.Message}
	if v.Error.Details != "" {
		parts[0] += " (" + v.Error.Details + ")"
	}
	ids := make([]string, 0, len(v.NodeErrors))
	for id := range v.NodeErrors {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ne := v.NodeErrors[id]
		for _, e := range ne.Errors {
			msg := e.Message
			if e.Details != "" {
				msg += ": " + e.Details
			}
			parts = append(parts, fmt.Sprintf("node %s %s: %s", id, ne.ClassType, msg))
		}
	}
	return strings.Join(parts, "; ")
}

// comfyExecError finds the exception message in a failed job's status messages.
func comfyExecError(msgs []any) string {
	for _, m := range msgs {
		pair, ok := m.([]any)
		if !ok || len(pair) != 2 || pair[0] != "execution_error" {
			continue
		}
		if d, ok := pair[1].(map[string]any); ok {
			return fmt.Sprintf("node %v %v: %v", d["node_id"], d["node_type"], d["exception_message"])
		}
	}
	return "execution error"
}
