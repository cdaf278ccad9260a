package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
)

// NodeConfig is what a node's config hash covers: its resolved params; for flow.inputs the
// values it emits; for a loop group also its body; for a node linking a file on disk
// (param "path" of kind path) the file's content hash, so an edit on disk changes it.
// fileSHA, when not empty, is used instead of reading the file (the planner passes the hash
// a prior generation saw).
func NodeConfig(t *NodeType, n Node, params map[string]any, inputs map[string]any, g Graph, fileSHA string) any {
	switch {
	case t.DynamicOutputs:
		return inputs
	case t.Subflow:
		return subflowConfig(params)
	case t.Container:
		return map[string]any{"params": params, "body": bodySpec(buildBodies(g)[n.ID])}
	}
	if read := exprInputValues(t, params, inputs); read != nil {
		cp := make(map[string]any, len(params)+1)
		for k, v := range params {
			cp[k] = v
		}
		cp["__inputs"] = read
		params = cp
	}
	if path := LinkedPath(t, params); path != "" {
		if fileSHA == "" {
			fileSHA = FileSHA(path)
		}
		cp := make(map[string]any, len(params)+1)
		for k, v := range params {
			cp[k] = v
		}
		cp["__file_sha256"] = fileSHA
		return cp
	}
	return params
}

// LinkedPath is the file a node links by reference (param "path" of kind path), or "".
func LinkedPath(t *NodeType, params map[string]any) string {
	spec, ok := t.Param("path")
	if !ok || spec.Kind != ParamPath {
		return ""
	}
	p, _ := params["path"].(string)
	return p
}

// FileSHA is the sha256 of a file's content, or "missing" when it cannot be read.
func FileSHA(path string) string {
	f, err := OpenFile(path)
	if errors.Is(err, ErrInvalid) {
		return "unreadable"
	}
	if err != nil {
		return "missing"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unreadable"
	}
	return hex.EncodeToString(h.Sum(nil))
}

// PriorFileSHA is the content hash of the linked file a load node's generation read: the
// asset its output refers to (load nodes store the file's bytes as is).
func PriorFileSHA(g Generation) string {
	if g.partial() {
		return g.memo.fileSHA // read from a state record, which keeps it
	}
	for _, k := range sortedKeys(g.Outputs) {
		if ref, ok := AsAssetRef(g.Outputs[k]); ok {
			return ref.Asset
		}
	}
	return ""
}

// exprInputValues are the flow input values an expression or code param reads as
// inputs.NAME (all inputs when it reads them dynamically), or nil when it reads none. They are
// part of the node's config, so a changed value changes its fingerprint.
func exprInputValues(t *NodeType, params map[string]any, inputs map[string]any) map[string]any {
	var out map[string]any
	for _, spec := range t.Params {
		if spec.Kind != ParamExpression && spec.Kind != ParamCode {
			continue
		}
		names, all := expressionInputRefs(ToText(params[spec.Name]))
		if all {
			return inputs
		}
		for _, n := range names {
			if out == nil {
				out = map[string]any{}
			}
			out[n] = inputs[n]
		}
	}
	return out
}
