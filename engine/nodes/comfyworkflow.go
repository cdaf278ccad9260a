package nodes

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// comfyWorkflowTimeout is comfyui.workflow's default time limit for one job.
const comfyWorkflowTimeout = 10 * time.Minute

// comfyUIFormatHelp says how to get the API format out of ComfyUI.
const comfyUIFormatHelp = "this is ComfyUI's UI-format save (it has \"nodes\" and \"links\"); " +
	"export the API format instead: in ComfyUI, Workflow → Export (API) " +
	"(older versions: enable Dev mode in the settings, then Save (API Format))"

// registerComfyWorkflow adds comfyui.workflow (SPEC §12).
func registerComfyWorkflow(r *engine.Registry) error {
	return registerAll(r, engine.NodeType{
		Type:  "comfyui.workflow",
		Group: "ai",
		Title: "ComfyUI workflow",
		Description: "Runs a workflow exported from ComfyUI in API format on a comfyui provider. Any " +
			"string in it may hold {{a}}…{{d}} (the inputs), {{image}} (the uploaded input image) " +
			"or {{name}} (a flow input); a string that is only {{a}} takes the input's value as is.",
		Inputs: append(anyInputs("A value for {{a}}…{{d}} in the workflow"),
			engine.Handle{Name: "image", Type: engine.TypeImage, Description: "Uploaded to ComfyUI; {{image}} is its name"}),
		Outputs: []engine.Handle{
			{Name: "images", Type: engine.TypeArray, Description: "Every image the workflow saved"},
			{Name: "image", Type: engine.TypeImage, Description: "The first image"},
			{Name: "videos", Type: engine.TypeArray, Description: "Videos and animations (gifs/videos outputs)"},
			{Name: "audio", Type: engine.TypeArray, Description: "Audio files the workflow saved"},
			{Name: "outputs", Type: engine.TypeObject, Description: "ComfyUI's outputs by node id, as reported"},
		},
		Params: []engine.ParamSpec{
			providerParam,
			{Name: "base_url", Kind: engine.ParamString, Label: "Server",
				Description: "One ComfyUI server instead of a provider, e.g. http://127.0.0.1:8188"},
			{Name: "workflow", Kind: engine.ParamJSON, Label: "Workflow (API format)", Required: true,
				Description: "Paste the JSON of Workflow → Export (API) in ComfyUI", Check: checkComfyWorkflowParam},
			{Name: "timeout_ms", Kind: engine.ParamInteger, Label: "Time limit (ms)", Default: int(comfyWorkflowTimeout.Milliseconds()),
				Description: "A job running longer is interrupted and the node fails"},
		},
		LocalNames: []string{"a", "b", "c", "d", "image"},
		Run:        runComfyWorkflow,
	})
}

// parseComfyWorkflow reads an API-format workflow given as JSON text or a decoded object.
func parseComfyWorkflow(v any) (map[string]any, error) {
	if s, ok := v.(string); ok {
		if strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("the workflow is empty (paste ComfyUI's Export (API) JSON)")
		}
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
	}
	g, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a ComfyUI API-format workflow is a JSON object of nodes, not %s", typeName(v))
	}
	if _, nodes := g["nodes"]; nodes {
		if _, links := g["links"]; links {
			return nil, fmt.Errorf("%s", comfyUIFormatHelp)
		}
	}
	if len(g) == 0 {
		return nil, fmt.Errorf("the workflow has no nodes")
	}
	for id, n := range g {
		node, ok := n.(map[string]any)
		class, _ := node["class_type"].(string)
		if !ok || class == "" {
			return nil, fmt.Errorf("node %q has no class_type: not an API-format workflow (%s)", id, "export it with Workflow → Export (API)")
		}
		if _, ok := node["inputs"].(map[string]any); !ok {
			return nil, fmt.Errorf("node %q (%s) has no inputs object", id, class)
		}
	}
	return g, nil
}

func checkComfyWorkflowParam(text string) error {
	if strings.TrimSpace(text) == "" {
		return nil // Required reports it
	}
	_, err := parseComfyWorkflow(text)
	return err
}

// fillComfyPlaceholders replaces {{a}}…{{d}} and {{image}} in every string of v: a string
// that is exactly one placeholder takes the value itself (a number stays a number).
func fillComfyPlaceholders(v any, vals map[string]any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fillComfyPlaceholders(e, vals)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fillComfyPlaceholders(e, vals)
		}
		return out
	case string:
		for name, val := range vals {
			if strings.TrimSpace(x) == "{{"+name+"}}" {
				return val
			}
		}
		for name, val := range vals {
			x = strings.ReplaceAll(x, "{{"+name+"}}", engine.ToText(val))
		}
		return x
	}
	return v
}

func runComfyWorkflow(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	const node = "comfyui.workflow"
	raw, ok := in.Params["workflow"]
	if !ok || raw == nil || raw == "" {
		return nil, fmt.Errorf("param %q is required (paste ComfyUI's Export (API) JSON)", "workflow")
	}
	graph, err := parseComfyWorkflow(raw)
	if err != nil {
		return nil, fmt.Errorf("param %q: %w", "workflow", err)
	}
	timeoutMS, err := in.Int("timeout_ms", int(comfyWorkflowTimeout.Milliseconds()))
	if err != nil {
		return nil, err
	}
	if timeoutMS < 1 {
		return nil, fmt.Errorf("param %q: %d is not positive", "timeout_ms", timeoutMS)
	}
	var start []byte
	if v := in.Inputs["image"]; in.Connected["image"] && v != nil {
		ref, ok := engine.AsAssetRef(v)
		if !ok {
			return nil, fmt.Errorf("input %q: a %s is not an image (want an asset reference)", "image", typeName(v))
		}
		if start, err = readAsset(ctx, in.Assets, ref.Asset); err != nil {
			return nil, fmt.Errorf("input %q: %w", "image", err)
		}
		if _, _, err := engine.CheckImage(start, in.Limits.ImagePixels()); err != nil {
			return nil, fmt.Errorf("input %q (%s): %w", "image", displayName(ref), err)
		}
	}
	srv, err := connectAI(ctx, in, node, "is ComfyUI running? see flowbench providers test", []string{engine.ProviderComfyUI}, "")
	if err != nil {
		return nil, err
	}
	type file struct {
		kind string
		data []byte
		name string
	}
	var (
		files   []file
		outputs comfyOutputs
	)
	err = srv.session(ctx, func(ctx context.Context, base string) error {
		base = strings.TrimRight(base, "/")
		vals := map[string]any{}
		for _, n := range abcd {
			vals[n] = in.Inputs[n]
		}
		if start != nil {
			name, err := comfyUpload(ctx, srv, base, start)
			if err != nil {
				return err
			}
			vals["image"] = name
		}
		g := fillComfyPlaceholders(graph, vals).(map[string]any)
		clientID := "flowbench-" + engine.NewID()
		watch := watchComfy(ctx, base, clientID, in)
		defer watch.stop()
		id, err := comfyQueue(ctx, srv, base, g, clientID)
		if err != nil {
			return err
		}
		watch.follow(id)
		outs, err := comfyWait(ctx, srv, base, id, time.Duration(timeoutMS)*time.Millisecond)
		if err != nil {
			if ctx.Err() != nil {
				comfyInterrupt(srv, base)
			}
			return err
		}
		outputs = outs
		for _, group := range []struct {
			kind string
			keys []string
		}{{engine.TypeImage, []string{"images"}}, {engine.TypeVideo, []string{"gifs", "videos", "video"}}, {engine.TypeAudio, []string{"audio"}}} {
			for _, f := range outs.files(group.keys...) {
				data, err := comfyView(ctx, srv, base, f)
				if err != nil {
					return err
				}
				files = append(files, file{kind: group.kind, data: data, name: filepath.Base(f.Filename)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"images": []any{}, "videos": []any{}, "audio": []any{}, "image": nil}
	keys := map[string]string{engine.TypeImage: "images", engine.TypeVideo: "videos", engine.TypeAudio: "audio"}
	for _, f := range files {
		mt, err := engine.MediaMime(f.kind, f.name, f.data, in.Limits)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: output %s %s", node, srv.url, f.name, err)
		}
		ref, err := putAsset(ctx, in, f.data, mt, f.name)
		if err != nil {
			return nil, err
		}
		out[keys[f.kind]] = append(out[keys[f.kind]].([]any), ref)
		if f.kind == engine.TypeImage && out["image"] == nil {
			out["image"] = ref
		}
	}
	var rawOuts any = map[string]any{}
	if b, err := json.Marshal(outputs); err == nil {
		_ = json.Unmarshal(b, &rawOuts)
	}
	out["outputs"] = rawOuts
	in.Cost = srv.cost("", map[string]any{"images": float64(len(out["images"].([]any)))})
	delete(in.Cost, "model")
	return out, nil
}
