package nodes

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/flowbench/flowbench/engine"
)

// maxChatImages bounds the images one llm.chat request carries.
const maxChatImages = 16

// addChatImages sends the image and images inputs with the user message as OpenAI-style
// image_url parts holding data URLs (SPEC §12).
func addChatImages(ctx context.Context, in *engine.NodeInput, req *chatRequest) error {
	var refs []any
	var names []string
	if v := in.Inputs["image"]; in.Connected["image"] && v != nil {
		refs, names = append(refs, v), append(names, `input "image"`)
	}
	if v := in.Inputs["images"]; in.Connected["images"] && v != nil {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("input %q: a %s is not an array of images", "images", typeName(v))
		}
		for i, x := range list {
			refs, names = append(refs, x), append(names, fmt.Sprintf(`input "images" item %d`, i))
		}
	}
	if len(refs) == 0 {
		return nil
	}
	if len(refs) > maxChatImages {
		return fmt.Errorf("llm.chat: %d images; at most %d go in one request", len(refs), maxChatImages)
	}
	last := &req.Messages[len(req.Messages)-1]
	text, _ := last.Content.(string)
	parts := []any{map[string]any{"type": "text", "text": text}}
	for i, v := range refs {
		ref, ok := engine.AsAssetRef(v)
		if !ok {
			return fmt.Errorf("%s: a %s is not an image (want an asset reference)", names[i], typeName(v))
		}
		data, err := readAsset(ctx, in.Assets, ref.Asset)
		if err != nil {
			return fmt.Errorf("%s: %w", names[i], err)
		}
		mt, _, err := engine.CheckImage(data, in.Limits.ImagePixels())
		if err != nil {
			return fmt.Errorf("%s (%s): %w", names[i], displayName(ref), err)
		}
		parts = append(parts, map[string]any{"type": "image_url",
			"image_url": map[string]any{"url": "data:" + mt + ";base64," + base64.StdEncoding.EncodeToString(data)}})
	}
	last.Content = parts
	return nil
}

// chatJSONSchema is a compiled json_schema param.
type chatJSONSchema struct{ schema *jsonschema.Schema }

// compileSchema compiles a JSON Schema given as JSON text or as a decoded value.
func compileSchema(v any) (*jsonschema.Schema, error) {
	text, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		text = string(b)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if _, isObj := doc.(map[string]any); !isObj {
		return nil, fmt.Errorf("a JSON Schema is an object, not %s", typeName(doc))
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("json_schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("json_schema.json")
}

// checkJSONSchemaParam validates the json_schema param when a version is saved.
func checkJSONSchemaParam(text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if _, err := compileSchema(text); err != nil {
		return fmt.Errorf("not a usable JSON Schema: %v", err)
	}
	return nil
}

// chatSchema reads the json_schema param and asks the server for structured output.
func chatSchema(in *engine.NodeInput, req *chatRequest) (*chatJSONSchema, error) {
	v, ok := in.Params["json_schema"]
	if !ok || v == nil || v == "" {
		return nil, nil
	}
	sch, err := compileSchema(v)
	if err != nil {
		return nil, fmt.Errorf("param %q: not a usable JSON Schema: %v", "json_schema", err)
	}
	var raw any = v
	if s, isText := v.(string); isText {
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			return nil, fmt.Errorf("param %q: %v", "json_schema", err)
		}
	}
	req.ResponseFormat = map[string]any{"type": "json_schema",
		"json_schema": map[string]any{"name": "output", "schema": raw, "strict": true}}
	return &chatJSONSchema{schema: sch}, nil
}

// check parses the answer as JSON and validates it against the schema.
func (c *chatJSONSchema) check(answer string) (any, error) {
	text := strings.TrimSpace(answer)
	// Some models wrap JSON in a Markdown code fence despite being asked not to.
	if rest, ok := strings.CutPrefix(text, "```"); ok {
		rest = strings.TrimPrefix(rest, "json")
		text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "```"))
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(text)))
	if err != nil {
		return nil, fmt.Errorf("is not JSON (json_schema asks for JSON): %q", clipText(answer, 200))
	}
	if err := c.schema.Validate(inst); err != nil {
		return nil, fmt.Errorf("does not match json_schema: %v", err)
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return nil, err
	}
	return v, nil
}
