package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// File format identifiers (SPEC §3).
const (
	FormatWorkflow = "flowbench.workflow/1"
	FormatBundle   = "flowbench.bundle/1"
)

// WorkflowFile is one graph with its workflow metadata, as imported and exported.
type WorkflowFile struct {
	Format      string      `json:"format"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Tags        []string    `json:"tags"`
	Inputs      []InputDecl `json:"inputs"`
	Nodes       []Node      `json:"nodes"`
	Edges       []Edge      `json:"edges"`
}

// Graph returns the file's runnable content.
func (f WorkflowFile) Graph() Graph {
	return Graph{Inputs: f.Inputs, Nodes: f.Nodes, Edges: f.Edges}
}

// BundleVersion is one version inside a bundle.
type BundleVersion struct {
	Label     string      `json:"label"`
	Notes     string      `json:"notes"`
	Parent    string      `json:"parent,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	Current   bool        `json:"current,omitempty"`
	Inputs    []InputDecl `json:"inputs"`
	Nodes     []Node      `json:"nodes"`
	Edges     []Edge      `json:"edges"`
}

// BundleFile holds a workflow with all its versions, oldest first.
type BundleFile struct {
	Format      string          `json:"format"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Tags        []string        `json:"tags"`
	Versions    []BundleVersion `json:"versions"`
	// Children are the versions of other workflows its subworkflow nodes pin, leaves first.
	Children []BundleChild `json:"children,omitempty"`
}

// ParsedFile is the result of reading any accepted file shape.
type ParsedFile struct {
	Workflow *WorkflowFile
	Bundle   *BundleFile
	// Legacy is true when the file had no format key and was migrated.
	Legacy bool
}

// ParseFile reads a workflow file, a bundle or the legacy shape. Malformed JSON and unknown
// formats are refused with ErrInvalid; graph validation is the caller's next step.
func ParseFile(data []byte) (ParsedFile, error) {
	var head map[string]json.RawMessage
	if err := json.Unmarshal(data, &head); err != nil {
		return ParsedFile{}, invalidf("malformed JSON: " + describeJSONError(data, err))
	}
	var format string
	if raw, ok := head["format"]; ok {
		if err := json.Unmarshal(raw, &format); err != nil {
			return ParsedFile{}, invalidf(`"format" must be a string`)
		}
	}
	switch format {
	case FormatWorkflow:
		var f WorkflowFile
		if err := strictUnmarshal(data, &f); err != nil {
			return ParsedFile{}, invalidf("workflow file: " + describeJSONError(data, err))
		}
		f.normalize()
		return ParsedFile{Workflow: &f}, nil
	case FormatBundle:
		var b BundleFile
		if err := strictUnmarshal(data, &b); err != nil {
			return ParsedFile{}, invalidf("bundle: " + describeJSONError(data, err))
		}
		if len(b.Versions) == 0 {
			return ParsedFile{}, invalidf("bundle has no versions")
		}
		if strings.TrimSpace(b.Name) == "" {
			return ParsedFile{}, invalidf("bundle has no name")
		}
		return ParsedFile{Bundle: &b}, nil
	case "":
		if _, ok := head["nodes"]; !ok {
			return ParsedFile{}, invalidf(`not a workflow: no "format" and no "nodes"`)
		}
		f, err := parseLegacy(data, head)
		if err != nil {
			return ParsedFile{}, err
		}
		return ParsedFile{Workflow: &f, Legacy: true}, nil
	}
	return ParsedFile{}, invalidf(fmt.Sprintf("unknown format %q (want %s or %s)", format, FormatWorkflow, FormatBundle))
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return DecodeJSON(dec, v)
}

func (f *WorkflowFile) normalize() {
	f.Format = FormatWorkflow
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" {
		f.Name = "Untitled workflow"
	}
	if f.Tags == nil {
		f.Tags = []string{}
	}
}

// describeJSONError adds a line and column to a JSON syntax error.
func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		if te.Field != "" {
			return fmt.Sprintf("field %q: want %s, got %s (%s)", te.Field, te.Type, te.Value, position(data, off))
		}
	}
	if off < 0 {
		return err.Error()
	}
	return fmt.Sprintf("%v (%s)", err, position(data, off))
}

func position(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}

// parseLegacy migrates the pre-format shape: nodes/edges at the top, inputs under
// input_schema (a list or a JSON-schema object) or inferred from {{name}} references.
func parseLegacy(data []byte, head map[string]json.RawMessage) (WorkflowFile, error) {
	var f struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Tags        []string        `json:"tags"`
		Inputs      []InputDecl     `json:"inputs"`
		InputSchema json.RawMessage `json:"input_schema"`
		Nodes       []Node          `json:"nodes"`
		Edges       []Edge          `json:"edges"`
	}
	if err := UnmarshalJSON(data, &f); err != nil {
		return WorkflowFile{}, invalidf("legacy workflow: " + describeJSONError(data, err))
	}
	out := WorkflowFile{Name: f.Name, Description: f.Description, Tags: f.Tags, Nodes: f.Nodes, Edges: f.Edges, Inputs: f.Inputs}
	if len(out.Inputs) == 0 && len(f.InputSchema) > 0 && string(f.InputSchema) != "null" {
		decls, err := parseInputSchema(f.InputSchema)
		if err != nil {
			return WorkflowFile{}, err
		}
		out.Inputs = decls
	}
	if len(out.Inputs) == 0 {
		refs := map[string]bool{}
		for _, n := range out.Nodes {
			for _, r := range ParamRefs(n.Params, legacyLocal(n.Type)) {
				refs[r] = true
			}
		}
		for _, name := range sortedKeys(refs) {
			out.Inputs = append(out.Inputs, InputDecl{Name: name, Type: TypeString, Description: "inferred from {{" + name + "}}"})
		}
	}
	out.normalize()
	return out, nil
}

// legacyLocal are the names a node type resolves itself (NodeType.LocalNames), known here
// without a registry: a legacy file is read before any registry is at hand, so this one
// type name stays written out.
func legacyLocal(typ string) []string {
	if typ == "text.template" {
		return []string{"a", "b", "c", "d"}
	}
	return nil
}

func parseInputSchema(raw json.RawMessage) ([]InputDecl, error) {
	var list []InputDecl
	if err := UnmarshalJSON(raw, &list); err == nil {
		return list, nil
	} else if errors.Is(err, ErrNumberRange) {
		return nil, invalidf("input_schema: " + err.Error())
	}
	var schema struct {
		Properties map[string]struct {
			Type        string `json:"type"`
			Description string `json:"description"`
			Default     any    `json:"default"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if err := UnmarshalJSON(raw, &schema); err != nil {
		if errors.Is(err, ErrNumberRange) {
			return nil, invalidf("input_schema: " + err.Error())
		}
		return nil, invalidf("input_schema: want a list of inputs or a JSON schema object")
	}
	req := map[string]bool{}
	for _, r := range schema.Required {
		req[r] = true
	}
	var out []InputDecl
	for _, name := range sortedKeys(schema.Properties) {
		p := schema.Properties[name]
		t := p.Type
		if t == "" {
			t = TypeString
		}
		out = append(out, InputDecl{Name: name, Type: t, Description: p.Description, Required: req[name], Default: p.Default})
	}
	return out, nil
}

// NormalizeGraph gives a graph one canonical shape: non-nil slices, params in JSON form.
func NormalizeGraph(g Graph) Graph {
	out := Graph{Inputs: append([]InputDecl{}, g.Inputs...), Nodes: make([]Node, len(g.Nodes)), Edges: append([]Edge{}, g.Edges...)}
	for i, n := range g.Nodes {
		n.Params = normalizeParams(n.Params)
		out.Nodes[i] = n
	}
	for i, in := range out.Inputs {
		if in.Default != nil {
			if d, err := Normalize(in.Default); err == nil {
				out.Inputs[i].Default = d
			}
		}
	}
	return out
}

// normalizeParams is a node's params as NormalizeGraph gives them: in JSON form (as they
// are when they cannot be), none when empty.
func normalizeParams(params map[string]any) map[string]any {
	if len(params) == 0 {
		return nil
	}
	if p, err := NormalizeOutputs(params); err == nil {
		return p
	}
	return params
}

// ContentHash identifies a graph's content: equal graphs hash equal, so importing the same
// file twice does not create a second version.
func ContentHash(g Graph) string { return normalizedHash(NormalizeGraph(g)) }

// normalizedHash is ContentHash of a graph NormalizeGraph made (normalizing is idempotent:
// TestPropertyNormalizedHash), for a caller that has normalized it already.
func normalizedHash(n Graph) string {
	n.Edges = edgesForHash(n.Edges)
	return HashValue(n)
}

// edgesForHash is a copy of edges with their ids cleared, in sortEdgesJoined's order. When no
// end holds a NUL byte, that is the order of the ends compared one by one, in which the
// positions are sorted (not the edges: no 80-byte moves, no write barriers), unstably: edges
// with equal ends are equal once their ids are cleared, so their order cannot change the hash.
func edgesForHash(edges []Edge) []Edge {
	out := make([]Edge, len(edges))
	for i := range edges {
		if e := &edges[i]; strings.Contains(e.Source, "\x00") || strings.Contains(e.SourceHandle, "\x00") ||
			strings.Contains(e.Target, "\x00") || strings.Contains(e.TargetHandle, "\x00") {
			copy(out, edges)
			sortEdgesJoined(out)
			for i := range out {
				out[i].ID = ""
			}
			return out
		}
	}
	order := make([]int32, len(edges))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return compareEdgeEnds(&edges[a], &edges[b]) })
	for i, k := range order {
		out[i] = edges[k]
		out[i].ID = ""
	}
	return out
}

// compareEdgeEnds compares two edges by their ends one by one: source, source handle,
// target, target handle.
func compareEdgeEnds(a, b *Edge) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	if c := strings.Compare(a.SourceHandle, b.SourceHandle); c != 0 {
		return c
	}
	if c := strings.Compare(a.Target, b.Target); c != 0 {
		return c
	}
	return strings.Compare(a.TargetHandle, b.TargetHandle)
}

// sortEdgesJoined sorts edges, stably, by their ends joined with NUL bytes (source, source
// handle, target, target handle), the order content hashes were first made with. When no end
// holds a NUL byte that is the order of the ends compared one by one (NUL sorts before every
// other byte), which edgesForHash compares without joining them.
func sortEdgesJoined(edges []Edge) {
	sort.SliceStable(edges, func(i, j int) bool {
		a, b := edges[i], edges[j]
		return a.Source+"\x00"+a.SourceHandle+"\x00"+a.Target+"\x00"+a.TargetHandle < b.Source+"\x00"+b.SourceHandle+"\x00"+b.Target+"\x00"+b.TargetHandle
	})
}

// ExportWorkflow renders one version as a workflow file.
func ExportWorkflow(w Workflow, v Version) ([]byte, error) {
	f := WorkflowFile{Format: FormatWorkflow, Name: w.Name, Description: w.Description, Tags: w.Tags,
		Inputs: v.Graph.Inputs, Nodes: v.Graph.Nodes, Edges: v.Graph.Edges}
	if f.Tags == nil {
		f.Tags = []string{}
	}
	return json.MarshalIndent(f, "", "  ")
}

// ExportBundle renders a workflow with all its versions (given newest first, written oldest first).
func ExportBundle(w Workflow, versions []Version) ([]byte, error) {
	return exportBundle(w, versions, nil)
}

func exportBundle(w Workflow, versions []Version, children []BundleChild) ([]byte, error) {
	b := BundleFile{Format: FormatBundle, Name: w.Name, Description: w.Description, Tags: w.Tags, Children: children}
	if b.Tags == nil {
		b.Tags = []string{}
	}
	labels := map[string]string{}
	for _, v := range versions {
		labels[v.ID] = v.Label
	}
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		b.Versions = append(b.Versions, BundleVersion{Label: v.Label, Notes: v.Notes, Parent: labels[v.ParentID],
			CreatedAt: v.CreatedAt, Current: v.ID == w.CurrentVersionID,
			Inputs: v.Graph.Inputs, Nodes: v.Graph.Nodes, Edges: v.Graph.Edges})
	}
	return json.MarshalIndent(b, "", "  ")
}
