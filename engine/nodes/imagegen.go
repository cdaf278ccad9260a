// image.generate: one text-to-image (or image-to-image) job on an openai, a1111 or comfyui provider.
package nodes

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// imageJob is what image.generate asks a server for.
type imageJob struct {
	model, prompt, negative string
	width, height           int
	seed                    int64
	steps                   *int
	cfg                     *float64
	strength                float64
	init                    []byte // the start image of image-to-image, nil otherwise
}

func runImageGenerate(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	const node = "image.generate"
	job, err := imageJobOf(ctx, in, node)
	if err != nil {
		return nil, err
	}
	limit, err := jobTimeout(in, imageJobTimeout)
	if err != nil {
		return nil, err
	}
	srv, err := connectAI(ctx, in, node, aiHint, engine.ProviderKinds, "")
	if err != nil {
		return nil, err
	}
	jctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var data []byte
	switch srv.kind() {
	case engine.ProviderA1111:
		data, job.seed, err = generateA1111(jctx, srv, job, in)
	case engine.ProviderComfyUI:
		data, err = generateComfyUI(jctx, srv, job, in)
	default:
		for _, p := range []string{"negative_prompt", "steps", "cfg", "strength"} {
			if in.Has(p) {
				in.Log(fmt.Sprintf("%s: param %s is not part of the OpenAI images API and is not sent", node, p))
			}
		}
		if job.init != nil {
			data, err = generateOpenAIEdit(jctx, srv, job)
		} else {
			data, err = generateOpenAI(jctx, srv, job)
		}
	}
	if err = timedOut(ctx, jctx, err, srv, limit); err != nil {
		return nil, err
	}
	mt, _, err := engine.CheckImage(data, in.Limits.ImagePixels())
	if err != nil {
		return nil, fmt.Errorf("%s: %s returned an image that is %s", node, srv.url, err)
	}
	ref, err := putAsset(ctx, in, data, mt, fmt.Sprintf("generated-%d%s", job.seed, extForMime(mt)))
	if err != nil {
		return nil, err
	}
	in.Cost = srv.cost(job.model, map[string]any{"seed": float64(job.seed)})
	return map[string]any{"image": ref, "seed": float64(job.seed)}, nil
}

// imageJobOf reads image.generate's params and inputs.
func imageJobOf(ctx context.Context, in *engine.NodeInput, node string) (imageJob, error) {
	var job imageJob
	var err error
	if job.model, err = requiredModel(in); err != nil {
		return job, err
	}
	if job.prompt, err = promptText(in, node); err != nil {
		return job, err
	}
	job.negative = in.String("negative_prompt", "")
	if job.width, err = in.Int("width", imageDefaultSize); err != nil {
		return job, err
	}
	if job.height, err = in.Int("height", imageDefaultSize); err != nil {
		return job, err
	}
	for name, v := range map[string]int{"width": job.width, "height": job.height} {
		if v < 1 || v > maxImageSide {
			return job, fmt.Errorf("param %q: %d is not 1 to %d pixels", name, v, maxImageSide)
		}
	}
	job.seed = rand.Int64N(1 << 31)
	if in.Has("seed") {
		s, err := in.Int("seed", 0)
		if err != nil {
			return job, err
		}
		if s < 0 || s > math.MaxUint32 {
			return job, fmt.Errorf("param %q: %d is not 0 to %d", "seed", s, uint32(math.MaxUint32))
		}
		job.seed = int64(s)
	}
	if in.Has("steps") {
		n, err := in.Int("steps", 0)
		if err != nil {
			return job, err
		}
		if n < 1 || n > 500 {
			return job, fmt.Errorf("param %q: %d is not 1 to 500", "steps", n)
		}
		job.steps = &n
	}
	if in.Has("cfg") {
		c, err := in.Float("cfg", 0)
		if err != nil {
			return job, err
		}
		if c < 0 || c > 100 {
			return job, fmt.Errorf("param %q: %v is not 0 to 100", "cfg", c)
		}
		job.cfg = &c
	}
	if job.strength, err = in.Float("strength", 0.75); err != nil {
		return job, err
	}
	if job.strength < 0 || job.strength > 1 {
		return job, fmt.Errorf("param %q: %v is not 0 to 1", "strength", job.strength)
	}
	if in.Connected["image"] && in.Inputs["image"] != nil {
		v := in.Inputs["image"]
		ref, ok := engine.AsAssetRef(v)
		if !ok {
			return job, fmt.Errorf("input %q: a %s is not an image (want an asset reference)", "image", typeName(v))
		}
		data, err := readAsset(ctx, in.Assets, ref.Asset)
		if err != nil {
			return job, fmt.Errorf("input %q: %w", "image", err)
		}
		if _, _, err := engine.CheckImage(data, in.Limits.ImagePixels()); err != nil {
			return job, fmt.Errorf("input %q (%s): %w", "image", displayName(ref), err)
		}
		job.init = data
	}
	return job, nil
}

// generateOpenAI asks an OpenAI-compatible server: POST /v1/images/generations, b64_json.
func generateOpenAI(ctx context.Context, srv *aiServer, job imageJob) ([]byte, error) {
	body, err := json.Marshal(map[string]any{
		"model": job.model, "prompt": job.prompt, "n": 1, "size": fmt.Sprintf("%dx%d", job.width, job.height),
		"response_format": "b64_json",
		"seed":            job.seed, // an extension local servers (LocalAI, SD.Next) honour
	})
	if err != nil {
		return nil, err
	}
	var data []byte
	err = srv.do(ctx, postJSON(body, "/images/generations"), func(resp *http.Response) error {
		data, err = readImagesResponse(resp)
		return err
	})
	return data, err
}

// readImagesResponse reads the first image of an OpenAI images answer (b64_json, or a data:
// URL in url).
func readImagesResponse(resp *http.Response) ([]byte, error) {
	raw, err := readLimited(resp.Body, aiMaxImageBody, "images response")
	if err != nil {
		return nil, err
	}
	var v struct {
		Data []struct {
			B64JSON string `json:"b64_json"`
			URL     string `json:"url"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("the answer is not an images response: %v", err)
	}
	if len(v.Data) == 0 {
		return nil, errors.New("the server returned no image")
	}
	b64 := v.Data[0].B64JSON
	if b64 == "" {
		if rest, ok := strings.CutPrefix(v.Data[0].URL, "data:"); ok {
			_, b64, _ = strings.Cut(rest, ",")
		}
	}
	if b64 == "" {
		return nil, errors.New("the server returned no b64_json image (does it support response_format b64_json?)")
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("the image is not valid base64: %v", err)
	}
	return data, nil
}

// generateA1111 asks an Automatic1111 server: POST /sdapi/v1/txt2img, or /img2img with a
// start image; the checkpoint is chosen per request through override_settings. Progress is
// polled from /sdapi/v1/progress meanwhile; a cancelled or timed-out job is stopped through
// /sdapi/v1/interrupt. It returns the image and the seed the server reports.
func generateA1111(ctx context.Context, srv *aiServer, job imageJob, in *engine.NodeInput) ([]byte, int64, error) {
	req := map[string]any{
		"prompt": job.prompt, "negative_prompt": job.negative, "seed": job.seed,
		"width": job.width, "height": job.height, "batch_size": 1, "n_iter": 1,
		"override_settings":                    map[string]any{"sd_model_checkpoint": job.model},
		"override_settings_restore_afterwards": true,
	}
	if job.steps != nil {
		req["steps"] = *job.steps
	}
	if job.cfg != nil {
		req["cfg_scale"] = *job.cfg
	}
	path := "/sdapi/v1/txt2img"
	if job.init != nil {
		path = "/sdapi/v1/img2img"
		req["init_images"] = []string{base64.StdEncoding.EncodeToString(job.init)}
		req["denoising_strength"] = job.strength
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, 0, err
	}
	var (
		data []byte
		seed = job.seed
	)
	// one session holds the URL's slot for the job, its progress polling and an interrupt
	err = srv.session(ctx, func(ctx context.Context, base string) error {
		base = strings.TrimRight(base, "/")
		stop := a1111Progress(ctx, srv, base, in)
		raw, err := srv.send(ctx, http.MethodPost, base+path, body, "application/json", aiMaxImageBody)
		stop()
		if err != nil {
			if ctx.Err() != nil {
				a1111Interrupt(srv, base)
			}
			return err
		}
		var v struct {
			Images []string `json:"images"`
			Info   string   `json:"info"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("the answer is not an Automatic1111 %s response: %v", path, err)
		}
		if len(v.Images) == 0 {
			return errors.New("the server returned no image")
		}
		b64 := v.Images[0]
		if _, after, ok := strings.Cut(b64, ";base64,"); ok {
			b64 = after
		}
		if data, err = base64.StdEncoding.DecodeString(b64); err != nil {
			return fmt.Errorf("the image is not valid base64: %v", err)
		}
		var info struct {
			Seed *int64 `json:"seed"`
		}
		if json.Unmarshal([]byte(v.Info), &info) == nil && info.Seed != nil {
			seed = *info.Seed
		}
		in.Progress(1)
		return nil
	})
	return data, seed, err
}
