package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Handle is a typed input or output port of a node type.
type Handle struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Required    bool   `json:"required,omitempty"`
	Description string `json:"description,omitempty"`
}

// Param kinds drive the inspector form in the window.
const (
	ParamString     = "string"     // one-line text
	ParamText       = "text"       // multi-line text
	ParamNumber     = "number"     // float
	ParamInteger    = "integer"    // whole number
	ParamBoolean    = "boolean"    // switch
	ParamSelect     = "select"     // one of Options
	ParamJSON       = "json"       // any JSON value
	ParamCode       = "code"       // JavaScript source
	ParamExpression = "expression" // expr-lang expression
	ParamPath       = "path"       // a file or folder on disk
	ParamStrings    = "strings"    // list of strings
)

// ParamSpec describes one setting of a node type.
type ParamSpec struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Label       string   `json:"label,omitempty"`
	Description string   `json:"description,omitempty"`
	Default     any      `json:"default,omitempty"`
	Options     []string `json:"options,omitempty"`
	Required    bool     `json:"required,omitempty"`
	// Check, when set, validates the param's text as part of graph validation (an expression
	// compiles, a regex compiles, …): a version never holds a setting that cannot run. It is
	// given the param as text, before flow inputs are filled in, and returns a message-ready
	// error or nil.
	Check func(text string) error `json:"-"`
}

// RunFunc executes one node. It returns the values of its active output handles: a handle
// missing from the map is inactive, and nodes reached only through inactive handles are skipped.
type RunFunc func(ctx context.Context, in *NodeInput) (map[string]any, error)

// NodeType declares a kind of node: handles, params schema, determinism and behaviour.
type NodeType struct {
	Type        string      `json:"type"`
	Version     int         `json:"version"`
	Group       string      `json:"group"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Inputs      []Handle    `json:"inputs"`
	Outputs     []Handle    `json:"outputs"`
	Params      []ParamSpec `json:"params"`
	// Deterministic says the same config and inputs always give the same outputs.
	Deterministic bool `json:"deterministic"`
	// DeterministicWhen, when set, decides determinism from the node's resolved params
	// (util.random is deterministic only with a seed).
	DeterministicWhen func(params map[string]any) bool `json:"-"`
	// DynamicOutputs marks flow.inputs: one output per declared flow input.
	DynamicOutputs bool `json:"dynamic_outputs,omitempty"`
	// Container marks loop groups whose children (nodes with ParentID) run per item.
	Container bool `json:"container,omitempty"`
	// RunOutput marks io.output: the value reaching its "value" input is one of the run's
	// outputs, named by its "name" param (else its id), when the run executes or reuses it.
	RunOutput bool `json:"run_output,omitempty"`
	// Pauses marks a node that may pause the run for a person (control.approval): a run
	// pauses between nodes, so such a node cannot go inside a loop group's body.
	Pauses bool `json:"pauses,omitempty"`
	// Subflow marks flow.subworkflow (SPEC §15): its handles are those of the child version
	// its params pin (Service.SubflowSpec), and it runs that version as a child run.
	Subflow bool `json:"subflow,omitempty"`
	// LocalNames are {{name}} references the node resolves itself (text.template's handles);
	// the engine neither resolves nor validates them as flow inputs.
	LocalNames []string `json:"local_names,omitempty"`
	Run        RunFunc  `json:"-"`
}

// IsDeterministic reports whether a node of this type with these params is deterministic.
func (t *NodeType) IsDeterministic(params map[string]any) bool {
	if t.DeterministicWhen != nil {
		return t.DeterministicWhen(params)
	}
	return t.Deterministic
}

// Input returns the input handle named name.
func (t *NodeType) Input(name string) (Handle, bool) {
	for _, h := range t.Inputs {
		if h.Name == name {
			return h, true
		}
	}
	return Handle{}, false
}

// Output returns the output handle named name.
func (t *NodeType) Output(name string) (Handle, bool) {
	for _, h := range t.Outputs {
		if h.Name == name {
			return h, true
		}
	}
	return Handle{}, false
}

// Param returns the param spec named name.
func (t *NodeType) Param(name string) (ParamSpec, bool) {
	for _, p := range t.Params {
		if p.Name == name {
			return p, true
		}
	}
	return ParamSpec{}, false
}

// Registry holds the node types a build knows. It is an explicit value, filled by
// nodes.Register, never by init side effects.
type Registry struct {
	mu    sync.RWMutex
	types map[string]*NodeType
	// fingerprint is Fingerprint's answer ("" until asked, and again after a Register).
	fingerprint string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{types: map[string]*NodeType{}} }

// Register adds a node type. A duplicate or incomplete type is an error.
func (r *Registry) Register(t NodeType) error {
	if t.Type == "" || t.Run == nil {
		return fmt.Errorf("registering %q: type name and Run are required", t.Type)
	}
	if t.Version == 0 {
		t.Version = 1
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.types[t.Type]; dup {
		return fmt.Errorf("registering %q: duplicate node type", t.Type)
	}
	r.types[t.Type] = &t
	r.fingerprint = ""
	return nil
}

// MustRegister is Register for static tables; it panics on a programming error.
func (r *Registry) MustRegister(types ...NodeType) {
	for _, t := range types {
		if err := r.Register(t); err != nil {
			panic(err)
		}
	}
}

// Get returns the node type named typ.
func (r *Registry) Get(typ string) (*NodeType, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.types[typ]
	return t, ok
}

// NodeDeterministic reports whether a node of type typ with these params is deterministic:
// the per-node answer (image.noise and util.random with a seed are, without one are not),
// which is what the inspector shows and early cutoff uses.
func (r *Registry) NodeDeterministic(typ string, params map[string]any) (bool, error) {
	t, ok := r.Get(typ)
	if !ok {
		return false, fmt.Errorf("unknown node type %q: %w", typ, ErrInvalid)
	}
	return t.IsDeterministic(params), nil
}

// Types lists every registered type sorted by name.
func (r *Registry) Types() []*NodeType {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*NodeType, 0, len(r.types))
	for _, t := range r.types {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

// Compatible reports whether an output handle of type out may feed an input of type in.
func Compatible(out, in string) bool {
	switch {
	case out == in, out == TypeAny, in == TypeAny, out == "":
		return true
	case in == TypeNumber && out == TypeInteger, in == TypeInteger && out == TypeNumber:
		return true
	case in == TypeString && (out == TypeNumber || out == TypeInteger || out == TypeBoolean):
		return true // formatted as text
	case in == TypeFile && IsMediaType(out):
		return true
	}
	return false
}
