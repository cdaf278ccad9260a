package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Pair holds what two sides of a comparison have (SPEC §13): a and b.
type Pair struct {
	A any `json:"a"`
	B any `json:"b"`
}

// SidePair is a pair with whether both sides are the same.
type SidePair struct {
	A    any  `json:"a"`
	B    any  `json:"b"`
	Same bool `json:"same"`
}

// GraphDiff is what changed from graph a to graph b. Nodes are matched by id; edges are
// written "source.handle->target.handle".
type GraphDiff struct {
	NodesAdded   []string                   `json:"nodes_added"`
	NodesRemoved []string                   `json:"nodes_removed"`
	NodesChanged map[string]map[string]Pair `json:"nodes_changed"`
	EdgesAdded   []string                   `json:"edges_added"`
	EdgesRemoved []string                   `json:"edges_removed"`
}

// Empty reports whether the two graphs have the same nodes, params and edges.
func (d GraphDiff) Empty() bool {
	return len(d.NodesAdded)+len(d.NodesRemoved)+len(d.NodesChanged)+len(d.EdgesAdded)+len(d.EdgesRemoved) == 0
}

// NodeSide is what one run did with a node.
type NodeSide struct {
	Status       NodeStatus `json:"status"`
	Reasons      []string   `json:"reasons"`
	GenerationID string     `json:"generation_id"`
	DurationMS   int64      `json:"duration_ms"`
}

// NodeDiff compares what two runs did with one node. A side is null when the node is not in
// that run's version.
type NodeDiff struct {
	A          *NodeSide `json:"a"`
	B          *NodeSide `json:"b"`
	SameOutput bool      `json:"same_output"`
}

// RunDiff is the comparison of two runs (SPEC §13). Workflows is set only when the runs
// belong to different workflows (nodes are then matched by id).
type RunDiff struct {
	A         string              `json:"a"`
	B         string              `json:"b"`
	Workflows *SidePair           `json:"workflows,omitempty"`
	Version   SidePair            `json:"version"`
	Inputs    map[string]Pair     `json:"inputs"`
	Graph     GraphDiff           `json:"graph"`
	Nodes     map[string]NodeDiff `json:"nodes"`
	Outputs   map[string]SidePair `json:"outputs"`
}

// VersionDiff is the comparison of two versions of a workflow (SPEC §13).
type VersionDiff struct {
	Graph              GraphDiff                  `json:"graph"`
	InputsAdded        []string                   `json:"inputs_added"`
	InputsRemoved      []string                   `json:"inputs_removed"`
	InputsChanged      map[string]map[string]Pair `json:"inputs_changed"`
	versionA, versionB Version
}

// Versions returns the two versions compared (a, b).
func (d VersionDiff) Versions() (Version, Version) { return d.versionA, d.versionB }

// GenerationBatch is implemented by stores that read or select many generations in one
// go; the engine falls back to one call per generation otherwise.
type GenerationBatch interface {
	// GetGenerations returns the generations of ids that exist, by id.
	GetGenerations(ctx context.Context, ids []string) (map[string]Generation, error)
	// SelectGenerations applies picks (node id → generation id, "" clears) of one workflow
	// in one transaction, checked as SelectGeneration checks one.
	SelectGenerations(ctx context.Context, workflowID string, picks map[string]string) error
}

// OutputsComparer is implemented by stores that compare the outputs of generations where
// they keep them, without reading them into values: a diff of two runs of a large workflow
// compares thousands.
type OutputsComparer interface {
	// SameOutputs reports, per pair of generation ids, whether both generations exist, both
	// completed and their outputs are the same as SameValue says. Pairs it does not list are
	// not the same.
	SameOutputs(ctx context.Context, pairs [][2]string) (map[[2]string]bool, error)
}

// sameOutputs compares the outputs of the generation pairs (a, b) laid out flat in ids.
func (s *Service) sameOutputs(ctx context.Context, ids []string) (map[[2]string]bool, error) {
	pairs := make([][2]string, 0, len(ids)/2)
	for i := 0; i+1 < len(ids); i += 2 {
		pairs = append(pairs, [2]string{ids[i], ids[i+1]})
	}
	if c, ok := s.store.(OutputsComparer); ok {
		return c.SameOutputs(ctx, pairs)
	}
	gens, err := s.getGenerations(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[[2]string]bool, len(pairs))
	for _, p := range pairs {
		ga, okA := gens[p[0]]
		gb, okB := gens[p[1]]
		out[p] = okA && okB && ga.Status == GenCompleted && gb.Status == GenCompleted && SameValue(ga.Outputs, gb.Outputs)
	}
	return out, nil
}

// getGenerations reads the generations of ids that exist.
func (s *Service) getGenerations(ctx context.Context, ids []string) (map[string]Generation, error) {
	if b, ok := s.store.(GenerationBatch); ok {
		return b.GetGenerations(ctx, ids)
	}
	out := make(map[string]Generation, len(ids))
	for _, id := range ids {
		g, err := s.store.GetGeneration(ctx, id)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, err
		}
		out[id] = g
	}
	return out, nil
}

// twoRuns reads two distinct runs, naming the id that is wrong.
func (s *Service) twoRuns(ctx context.Context, a, b string) (Run, Run, error) {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return Run{}, Run{}, invalidf("two run ids are needed")
	}
	if a == b {
		return Run{}, Run{}, invalidf(fmt.Sprintf("run %s is given twice: compare two different runs", a))
	}
	// both at once: a run of a large workflow is a large snapshot to read
	var rb Run
	var errB error
	done := make(chan struct{})
	go func() {
		defer close(done)
		rb, errB = s.store.GetRun(ctx, b)
	}()
	ra, errA := s.store.GetRun(ctx, a)
	<-done
	if errA != nil {
		return Run{}, Run{}, runErr(a, errA)
	}
	if errB != nil {
		return Run{}, Run{}, runErr(b, errB)
	}
	return ra, rb, nil
}

func runErr(id string, err error) error {
	if isNotFound(err) {
		return fmt.Errorf("run %q: %w", id, ErrNotFound)
	}
	return err
}

// DiffRuns compares two runs: versions, inputs that differ, the graph diff of their versions,
// what each did with every node and whether the outputs are the same. The runs may belong to
// different workflows, and may still be going.
func (s *Service) DiffRuns(ctx context.Context, runA, runB string) (RunDiff, error) {
	ra, rb, err := s.twoRuns(ctx, runA, runB)
	if err != nil {
		return RunDiff{}, err
	}
	recA, recB := ra.Snapshot.Records(), rb.Snapshot.Records()
	// The generations whose outputs decide same_output: those the two runs differ on (a run's
	// records are of its version's nodes; a node in only one version is never looked at).
	// They are compared while the versions are read and diffed.
	var ids []string
	for id, a := range recA {
		ga, gb := a.GenerationID, recB[id].GenerationID
		if ga != "" && gb != "" && ga != gb {
			ids = append(ids, ga, gb)
		}
	}
	var same map[[2]string]bool
	var errSame error
	compared := make(chan struct{})
	go func() {
		defer close(compared)
		same, errSame = s.sameOutputs(ctx, ids)
	}()
	g, err := s.runGraphs(ctx, ra.VersionID, rb.VersionID)
	<-compared
	if err != nil {
		return RunDiff{}, err
	}
	if errSame != nil {
		return RunDiff{}, errSame
	}
	d := RunDiff{A: ra.ID, B: rb.ID,
		Version: SidePair{A: ra.VersionID, B: rb.VersionID, Same: ra.VersionID == rb.VersionID},
		Inputs:  diffValues(ra.Inputs, rb.Inputs),
		Graph:   g.diff,
	}
	if ra.WorkflowID != rb.WorkflowID {
		d.Workflows = &SidePair{A: ra.WorkflowID, B: rb.WorkflowID, Same: false}
	}
	// which version has a node: nil when both runs ran the same version (every node is in both)
	var inA, inB map[string]bool
	if ra.VersionID != rb.VersionID {
		inA, inB = idSet(g.idsA), idSet(g.idsB)
	}
	d.Nodes = make(map[string]NodeDiff, max(len(g.idsA), len(g.idsB)))
	// the sides live in one array rather than one allocation each (10,000 nodes: 20,000)
	sides := make([]NodeSide, 0, 2*len(g.idsA)+len(g.idsB))
	side := func(in map[string]bool, rec map[string]NodeRecord, id string) *NodeSide {
		if in != nil && !in[id] {
			return nil
		}
		r, ok := rec[id]
		if !ok {
			sides = append(sides, NodeSide{Status: NodeUntouched, Reasons: []string{}})
			return &sides[len(sides)-1]
		}
		reasons := r.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		sides = append(sides, NodeSide{Status: r.Status, Reasons: reasons, GenerationID: r.GenerationID, DurationMS: r.DurationMS})
		return &sides[len(sides)-1]
	}
	add := func(id string) {
		if _, done := d.Nodes[id]; done {
			return
		}
		nd := NodeDiff{A: side(inA, recA, id), B: side(inB, recB, id)}
		if nd.A != nil && nd.B != nil && nd.A.GenerationID != "" && nd.B.GenerationID != "" {
			nd.SameOutput = nd.A.GenerationID == nd.B.GenerationID || same[[2]string{nd.A.GenerationID, nd.B.GenerationID}]
		}
		d.Nodes[id] = nd
	}
	for _, id := range g.idsA {
		add(id)
	}
	for _, id := range g.idsB {
		add(id)
	}
	d.Outputs = map[string]SidePair{}
	for name, a := range ra.Outputs {
		b, ok := rb.Outputs[name]
		d.Outputs[name] = SidePair{A: a, B: b, Same: ok && SameValue(a, b)}
	}
	for name, b := range rb.Outputs {
		if _, ok := ra.Outputs[name]; !ok {
			d.Outputs[name] = SidePair{A: nil, B: b}
		}
	}
	return d, nil
}

// DiffVersions compares two versions of a workflow: the graph and the declared inputs.
func (s *Service) DiffVersions(ctx context.Context, wfRef, v1, v2 string) (VersionDiff, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return VersionDiff{}, err
	}
	if strings.TrimSpace(v1) == "" || strings.TrimSpace(v2) == "" {
		return VersionDiff{}, invalidf("two versions are needed")
	}
	va, err := s.ResolveVersion(ctx, w, v1)
	if err != nil {
		return VersionDiff{}, err
	}
	vb, err := s.ResolveVersion(ctx, w, v2)
	if err != nil {
		return VersionDiff{}, err
	}
	if va.ID == vb.ID {
		return VersionDiff{}, invalidf(fmt.Sprintf("version %s is given twice: compare two different versions", v1))
	}
	d := VersionDiff{Graph: DiffGraphs(va.Graph, vb.Graph), InputsAdded: []string{}, InputsRemoved: []string{},
		InputsChanged: map[string]map[string]Pair{}, versionA: va, versionB: vb}
	diffByKey(va.Graph.Inputs, vb.Graph.Inputs, func(in *InputDecl) string { return in.Name }, diffInputDecl,
		&d.InputsAdded, &d.InputsRemoved, d.InputsChanged)
	slices.Sort(d.InputsAdded)
	slices.Sort(d.InputsRemoved)
	return d, nil
}

// diffInputDecl lists the fields of an input declaration that differ between a and in.
func diffInputDecl(a, in *InputDecl) map[string]Pair {
	ch := map[string]Pair{}
	if a.Type != in.Type {
		ch["type"] = Pair{a.Type, in.Type}
	}
	if a.Required != in.Required {
		ch["required"] = Pair{a.Required, in.Required}
	}
	if a.Description != in.Description {
		ch["description"] = Pair{a.Description, in.Description}
	}
	if !SameValue(a.Default, in.Default) {
		ch["default"] = Pair{a.Default, in.Default}
	}
	return ch
}

// diffByKey matches the items of a and b by key (the last of a key wins): keys only in b are
// appended to added, keys only in a to removed, and keys in both whose changes(old, new) is not
// empty go into changed.
func diffByKey[T any](a, b []T, key func(*T) string, changes func(old, cur *T) map[string]Pair,
	added, removed *[]string, changed map[string]map[string]Pair) {
	inA := make(map[string]*T, len(a))
	for i := range a {
		inA[key(&a[i])] = &a[i]
	}
	inB := make(map[string]bool, len(b))
	for i := range b {
		cur := &b[i]
		k := key(cur)
		inB[k] = true
		old, ok := inA[k]
		if !ok {
			*added = append(*added, k)
			continue
		}
		if ch := changes(old, cur); len(ch) > 0 {
			changed[k] = ch
		}
	}
	for i := range a {
		if k := key(&a[i]); !inB[k] {
			*removed = append(*removed, k)
		}
	}
}

func emptyGraphDiff() GraphDiff {
	return GraphDiff{NodesAdded: []string{}, NodesRemoved: []string{}, NodesChanged: map[string]map[string]Pair{},
		EdgesAdded: []string{}, EdgesRemoved: []string{}}
}

func idSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// EdgeKey writes an edge as SPEC §13 does: "source.handle->target.handle".
func EdgeKey(e Edge) string {
	return e.Source + "." + e.SourceHandle + "->" + e.Target + "." + e.TargetHandle
}

// DiffGraphs compares graph a with graph b. Nodes are matched by id; a node whose type
// changed lists "@type", one moved into or out of a group "@parent", then each param whose
// value differs (absent is null).
func DiffGraphs(a, b Graph) GraphDiff {
	d := emptyGraphDiff()
	diffByKey(a.Nodes, b.Nodes, func(n *Node) string { return n.ID }, diffNode, &d.NodesAdded, &d.NodesRemoved, d.NodesChanged)
	diffEdges(a.Edges, b.Edges, &d)
	return d
}

// diffEdges adds the edges added and removed from a to b to d, and sorts d's lists.
func diffEdges(a, b []Edge, d *GraphDiff) {
	ea := make(map[string]bool, len(a))
	for _, e := range a {
		ea[EdgeKey(e)] = true
	}
	eb := make(map[string]bool, len(b))
	for _, e := range b {
		k := EdgeKey(e)
		eb[k] = true
		if !ea[k] {
			d.EdgesAdded = append(d.EdgesAdded, k)
		}
	}
	for _, e := range a {
		if k := EdgeKey(e); !eb[k] {
			d.EdgesRemoved = append(d.EdgesRemoved, k)
		}
	}
	for _, l := range []*[]string{&d.NodesAdded, &d.NodesRemoved, &d.EdgesAdded, &d.EdgesRemoved} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
}

// diffNode lists how node n differs from node o: "@type", "@parent", then each param whose
// value differs (absent is null).
func diffNode(o, n *Node) map[string]Pair {
	ch := map[string]Pair{}
	if o.Type != n.Type {
		ch["@type"] = Pair{o.Type, n.Type}
	}
	if o.ParentID != n.ParentID {
		ch["@parent"] = Pair{o.ParentID, n.ParentID}
	}
	for k, v := range o.Params {
		w, ok := n.Params[k]
		if !ok || !SameValue(v, w) {
			ch[k] = Pair{v, w}
		}
	}
	for k, w := range n.Params {
		if _, ok := o.Params[k]; !ok {
			ch[k] = Pair{nil, w}
		}
	}
	return ch
}

// diffValues returns the names whose values differ between a and b (absent is null).
func diffValues(a, b map[string]any) map[string]Pair {
	out := map[string]Pair{}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !SameValue(v, w) {
			out[k] = Pair{v, w}
		}
	}
	for k, w := range b {
		if _, ok := a[k]; !ok {
			out[k] = Pair{nil, w}
		}
	}
	return out
}

// SameValue reports whether two values are equal as JSON says (1 and 1.0 are the same;
// object keys in any order). Media values are the same when they name the same asset
// content, whatever their file names.
func SameValue(a, b any) bool {
	if ra, ok := assetOf(a); ok {
		rb, ok := assetOf(b)
		return ok && ra == rb
	}
	ja, errA := comparableJSON(a)
	jb, errB := comparableJSON(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// assetOf returns the asset hash of a media value.
func assetOf(v any) (string, bool) {
	switch r := v.(type) {
	case AssetRef:
		return r.Asset, r.Asset != ""
	case *AssetRef:
		if r != nil {
			return r.Asset, r.Asset != ""
		}
	case map[string]any:
		if sha, ok := r["asset"].(string); ok && sha != "" && len(r) <= 3 {
			return sha, true
		}
	}
	return "", false
}

// comparableJSON is v's canonical JSON with media values nested in a map reduced to their
// asset hash.
func comparableJSON(v any) ([]byte, error) {
	if m, ok := v.(map[string]any); ok {
		norm := make(map[string]any, len(m))
		for k, x := range m {
			if sha, ok := assetOf(x); ok {
				norm[k] = map[string]any{"asset": sha}
			} else {
				norm[k] = x
			}
		}
		v = norm
	}
	return canonicalJSON(v)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// Generations returns the generations of ids that exist, by id (the compare grid's cells).
func (s *Service) Generations(ctx context.Context, ids []string) (map[string]Generation, error) {
	if len(ids) > 10000 {
		return nil, invalidf(fmt.Sprintf("at most 10000 generations at once, got %d", len(ids)))
	}
	return s.getGenerations(ctx, ids)
}
