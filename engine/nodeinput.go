package engine

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
)

// AssetStore keeps media bytes addressed by sha256.
type AssetStore interface {
	// PutAsset stores data (deduplicated, written atomically) and returns its reference.
	PutAsset(ctx context.Context, data []byte, mime, name string) (AssetRef, error)
	// OpenAsset opens the bytes of an asset by hash.
	OpenAsset(ctx context.Context, sha string) (io.ReadCloser, error)
	// AssetPath is the file holding the asset, for tools that need a path (ffprobe).
	AssetPath(sha string) (string, error)
}

// BodyRunner runs the child nodes of a loop group once for one item.
type BodyRunner func(ctx context.Context, index int, item any) (map[string]any, error)

// NodeInput is what a running node sees.
type NodeInput struct {
	NodeID     string
	RunID      string
	WorkflowID string
	// Params are the node's settings with {{name}} references resolved.
	Params map[string]any
	// RawParams are the settings as written, before resolution: a node that fills
	// templates itself (text.template) substitutes in one pass, so a value containing
	// {{name}} is never expanded a second time.
	RawParams map[string]any
	// Inputs maps each input handle to the value on it (nil when unconnected or inactive).
	Inputs map[string]any
	// Connected tells which input handles have an active edge.
	Connected map[string]bool
	// FlowInputs are the run's validated flow input values.
	FlowInputs map[string]any
	// Declared are the version's input declarations (flow.inputs reads them).
	Declared []InputDecl
	Assets   AssetStore
	// Limits bound what the node may make the process hold (decoded image size).
	Limits Limits
	// Providers resolves the provider a node names (SPEC §12); nil outside a service.
	Providers *Providers
	// Settings reads the data home's settings (the ffmpeg path); nil when there are none.
	Settings SettingReader
	// Cost, when a node sets it, is recorded on its generation (e.g. token usage).
	Cost map[string]any
	// Body runs a loop group's children for one item (nil for other nodes).
	Body BodyRunner
	// Child runs the pinned child version of a flow.subworkflow node with the node's inputs
	// as its flow inputs and returns the child run's outputs (nil for other nodes, and
	// outside a service).
	Child func(ctx context.Context) (map[string]any, error)
	// Approval is the recorded decision for a control.approval node, if any.
	Approval *Approval

	// exec is the executor running the node (Executor).
	exec *Executor

	// emit sends the node's progress, stream and log events (the executor's Emit); nil
	// sends none. The events name the run and node by RunID, WorkflowID and NodeID.
	emit func(Event)
}

// Executor is the executor running the node, for a node that executes another graph as a
// child run (Executor.Execute); nil when the node runs outside one.
func (in *NodeInput) Executor() *Executor { return in.exec }

// Progress reports completion in 0..1; it is coalesced before reaching the window.
func (in *NodeInput) Progress(p float64) {
	if in.emit != nil {
		in.emit(Event{Type: EventProgress, WorkflowID: in.WorkflowID, RunID: in.RunID, NodeID: in.NodeID, Progress: p})
	}
}

// Stream sends a chunk of streamed text (LLM tokens).
func (in *NodeInput) Stream(s string) {
	if in.emit != nil {
		in.emit(Event{Type: EventStream, WorkflowID: in.WorkflowID, RunID: in.RunID, NodeID: in.NodeID, Text: s})
	}
}

// Log records a line in the run's log.
func (in *NodeInput) Log(s string) {
	if in.emit != nil {
		in.emit(Event{Type: EventLog, WorkflowID: in.WorkflowID, RunID: in.RunID, NodeID: in.NodeID, Text: s})
	}
}

// Has reports whether param name is set to a non-empty value.
func (in *NodeInput) Has(name string) bool {
	v, ok := in.Params[name]
	if !ok || v == nil {
		return false
	}
	if s, ok := v.(string); ok {
		return s != ""
	}
	return true
}

// String returns param name as text, or def when absent.
func (in *NodeInput) String(name, def string) string {
	v, ok := in.Params[name]
	if !ok || v == nil {
		return def
	}
	return ToText(v)
}

// Float returns param name as a number, or def when absent; text that is not a number is an error.
func (in *NodeInput) Float(name string, def float64) (float64, error) {
	v, ok := in.Params[name]
	if !ok || v == nil || v == "" {
		return def, nil
	}
	f, ok := ToFloat(v)
	if !ok {
		return 0, fmt.Errorf("param %q: %v is not a number", name, v)
	}
	return f, nil
}

// Int returns param name as an integer, or def when absent. An int64 param is taken exactly.
func (in *NodeInput) Int(name string, def int) (int, error) {
	if i, ok := in.Params[name].(int64); ok {
		if int64(int(i)) != i {
			return 0, fmt.Errorf("param %q: %d is out of range", name, i)
		}
		return int(i), nil
	}
	f, err := in.Float(name, float64(def))
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) {
		return 0, fmt.Errorf("param %q: %v is not a whole number", name, f)
	}
	return int(f), nil
}

// Bool returns param name as a boolean, or def when absent.
func (in *NodeInput) Bool(name string, def bool) bool {
	v, ok := in.Params[name]
	if !ok || v == nil {
		return def
	}
	switch b := v.(type) {
	case bool:
		return b
	case string:
		p, err := strconv.ParseBool(b)
		if err == nil {
			return p
		}
	case float64:
		return b != 0
	case int64:
		return b != 0
	}
	return def
}

// ToFloat converts a JSON-like number or numeric text to float64.
func ToFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	case bool:
		if n {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// ToText formats a value as text: strings as is, everything else as JSON.
func ToText(v any) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return s
	case float64:
		return strconv.FormatFloat(s, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(s, 10)
	case bool:
		return strconv.FormatBool(s)
	}
	b, err := canonicalJSON(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
