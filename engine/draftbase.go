package engine

import (
	"math"
	"sync"
)

// An edited draft checked and hashed from its base. The window's Run of an edited draft
// validates and hashes the editor's whole graph (~4 ms each on a 10,000-node chain) though it
// differs from the version it was edited from, which the service saved a moment ago, by a
// param or two. So the service keeps, for a few recent versions, what the draft's checks and
// hash can reuse (a draftBase): the version's normalized graph, its canonical text with each
// node's place in it (drafthash.go), and whether this process found it valid. A draft is
// compared with its base once, node by node, as it is normalized (draftDiff), and only what differs is encoded
// again (its content hash stays byte for byte the whole graph's) and checked again
// (draftcheck.go: the same problems, in the same order, as validating the whole draft).
// TestPropertyDraftFromBase holds both to the whole computation.

// draftBasesKept is how many versions' pieces the service keeps: ~1.5 MB of text each for a
// 10,000-node graph, and a draft is almost always edited from the newest.
const draftBasesKept = 4

// draftBase is what a draft edited from a version reuses of it.
type draftBase struct {
	id, workflowID string // the version's, and its workflow's
	g              Graph  // the version's graph, normalized
	// text is g's canonical text (what its content hash sums); nodes[i] is node i's place in
	// it, and text[edgesAt:] is what follows the nodes (`],"edges":[…]}`).
	text    []byte
	nodes   []textSpan
	edgesAt int
	hash    string
	// marks[k] is the sha256 state after text[:(k+1)*markEvery] (drafthash.go; nil: not kept)
	marks [][]byte
	// valid is set when this process validated g and found nothing wrong; subflows, then,
	// whether a node of g has a subworkflow type (its checks depend on other versions).
	valid, subflows bool
	ids             func() map[string]int32 // each node id's first place in g, made when first asked
}

// textSpan is a node's place in a canonical text.
type textSpan struct{ from, to int32 }

// How a draft's node compares with the base's node of the same id (draftDiff.same).
const (
	nodeDiffers    = iota
	nodeSameParams // the same type and params: its params' problems are the base node's (none)
	nodeSame       // all the same (label, position, group too): its text is the base node's
)

// draftDiff is how a normalized draft differs from a base.
type draftDiff struct {
	base *draftBase
	// match[i] is the place in base.g of the node with draft node i's id (-1: none), and
	// same[i] how alike they are.
	match []int32
	same  []uint8
	// shape: the same node ids, types and groups at the same places; edges: the same edges'
	// ends in the same order; inputs: the same declared inputs; cover: every input name the
	// base declares is declared by the draft too.
	shape, edges, inputs, cover bool
}

// normalizeFrom is NormalizeGraph(raw) and how it differs from base (nil when base is nil).
// A node whose params are the values of the base node's, of the same types, takes the base
// node's params, which are what normalizing its own makes (normalizing is idempotent): its
// params are looked at once, not once to normalize them and again to compare them.
//
// A base's graph must stay what its text was made from, though a caller may change the maps
// of a graph it gave (a test edits a param in place and saves again): so the graph made from
// a base shares no params or position with raw (the base's own, or copies), nor does one made
// without a base when own is set; owned reports it (false: a value of a type a graph does
// not decode to, which is not copied, and the graph is not to become a base).
func normalizeFrom(raw Graph, base *draftBase, own bool) (g Graph, d *draftDiff, owned bool) {
	if base == nil {
		g = NormalizeGraph(raw)
		if !own {
			return g, nil, false
		}
		owned = ownInputs(g.Inputs)
		for i := range g.Nodes {
			n := &g.Nodes[i]
			var ok bool
			if n.Params, ok = ownParams(n.Params); !ok {
				owned = false
			}
			n.Position = ownPosition(n.Position)
		}
		return g, nil, owned
	}
	g = NormalizeGraph(Graph{Inputs: raw.Inputs, Edges: raw.Edges})
	owned = ownInputs(g.Inputs)
	g.Nodes = make([]Node, len(raw.Nodes))
	bn := base.g.Nodes
	d = &draftDiff{base: base, match: make([]int32, len(raw.Nodes)), same: make([]uint8, len(raw.Nodes)),
		shape: len(bn) == len(raw.Nodes)}
	for i := range raw.Nodes {
		n := raw.Nodes[i]
		m := int32(-1)
		if i < len(bn) && bn[i].ID == n.ID {
			m = int32(i)
		} else if k, ok := base.ids()[n.ID]; ok {
			m = k
		}
		d.match[i] = m
		if m != int32(i) {
			d.shape = false
		}
		var b *Node
		if m >= 0 {
			b = &bn[m]
		}
		sameParamsAsBase := false
		if b != nil && len(n.Params) > 0 && sameParams(n.Params, b.Params) {
			n.Params, sameParamsAsBase = b.Params, true
		} else {
			n.Params = normalizeParams(n.Params)
			if sameParamsAsBase = b != nil && sameParams(n.Params, b.Params); sameParamsAsBase {
				n.Params = b.Params
			} else {
				var ok bool
				if n.Params, ok = ownParams(n.Params); !ok {
					owned = false
				}
			}
		}
		if b != nil && samePosition(n.Position, b.Position) {
			n.Position = b.Position
		} else {
			n.Position = ownPosition(n.Position)
		}
		g.Nodes[i] = n
		if b == nil {
			continue
		}
		if n.Type != b.Type || n.ParentID != b.ParentID {
			d.shape = false
		}
		if n.Type != b.Type || !sameParamsAsBase {
			continue
		}
		d.same[i] = nodeSameParams
		if n.Label == b.Label && n.ParentID == b.ParentID && samePosition(n.Position, b.Position) {
			d.same[i] = nodeSame
		}
	}
	d.edges = sameEdgeEnds(g.Edges, base.g.Edges)
	d.inputs = sameInputs(g.Inputs, base.g.Inputs)
	d.cover = d.inputs || coversNames(g.Inputs, base.g.Inputs)
	return g, d, owned
}

// ownParams is a copy of normalized params sharing nothing (false: a value of another type
// than a graph decodes to, kept as it is).
func ownParams(params map[string]any) (map[string]any, bool) {
	if params == nil {
		return nil, true
	}
	v, ok := ownValue(params)
	return v.(map[string]any), ok
}

func ownValue(v any) (any, bool) {
	switch x := v.(type) {
	case nil, string, bool, int64, float64, int:
		return v, true
	case map[string]any:
		if x == nil {
			return x, true
		}
		m := make(map[string]any, len(x))
		ok := true
		for k, e := range x {
			var eok bool
			m[k], eok = ownValue(e)
			ok = ok && eok
		}
		return m, ok
	case []any:
		if x == nil {
			return x, true
		}
		l := make([]any, len(x))
		ok := true
		for i, e := range x {
			var eok bool
			l[i], eok = ownValue(e)
			ok = ok && eok
		}
		return l, ok
	}
	return v, false
}

func ownPosition(p *Position) *Position {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// ownInputs copies the declared inputs' defaults (NormalizeGraph copied the list) so that
// they share nothing; false when one cannot be.
func ownInputs(inputs []InputDecl) bool {
	owned := true
	for i := range inputs {
		var ok bool
		if inputs[i].Default, ok = ownValue(inputs[i].Default); !ok {
			owned = false
		}
	}
	return owned
}

// fast reports whether the draft's problems are those of its nodes whose params differ from
// the base's alone: the base is valid and everything but params, labels and positions is its.
func (d *draftDiff) fast() bool {
	return d != nil && d.base.valid && !d.base.subflows && d.shape && d.edges && d.inputs
}

// indexIDs is each node id's first place in nodes.
func indexIDs(nodes []Node) map[string]int32 {
	m := make(map[string]int32, len(nodes))
	for i := range nodes {
		if _, ok := m[nodes[i].ID]; !ok {
			m[nodes[i].ID] = int32(i)
		}
	}
	return m
}

func samePosition(a, b *Position) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Float64bits(a.X) == math.Float64bits(b.X) && math.Float64bits(a.Y) == math.Float64bits(b.Y)
}

// sameEdgeEnds reports whether two lists of edges have the same ends in the same order (their
// ids aside: neither a content hash nor a validation reads them).
func sameEdgeEnds(a, b []Edge) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Source != b[i].Source || a[i].SourceHandle != b[i].SourceHandle || a[i].Target != b[i].Target || a[i].TargetHandle != b[i].TargetHandle {
			return false
		}
	}
	return true
}

func sameInputs(a, b []InputDecl) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Name != y.Name || x.Type != y.Type || x.Description != y.Description || x.Required != y.Required || !sameValue(x.Default, y.Default) {
			return false
		}
	}
	return true
}

// coversNames reports whether inputs declare every (named) input base declares: a {{name}}
// the base's params read is then declared in the draft too.
func coversNames(inputs, base []InputDecl) bool {
	names := make(map[string]bool, len(inputs))
	for _, in := range inputs {
		names[in.Name] = true
	}
	for _, in := range base {
		if in.Name != "" && !names[in.Name] {
			return false
		}
	}
	return true
}

// keepBase keeps b, the pieces of version b.id, among the few kept; pieces kept before for the
// same version give way (a version found valid stays so).
func (c *versionCache) keepBase(b *draftBase) {
	if b == nil || b.id == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, old := range c.bases {
		if old.id == b.id {
			if old.valid && !b.valid {
				b.valid, b.subflows = true, old.subflows
			}
			c.bases = append(c.bases[:k], c.bases[k+1:]...)
			break
		}
	}
	if len(c.bases) >= draftBasesKept {
		c.bases = append(c.bases[:0], c.bases[1:]...)
	}
	c.bases = append(c.bases, b)
}

// draftBase returns the pieces of the first of the versions ids that are kept, else of the
// newest version of workflowID kept ("": of any workflow); nil when none is. Any base gives
// a draft the same hash and problems; one it was edited from saves the most.
func (c *versionCache) draftBase(workflowID string, ids ...string) *draftBase {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		for _, b := range c.bases {
			if id != "" && b.id == id {
				return b
			}
		}
	}
	for k := len(c.bases) - 1; k >= 0; k-- {
		if b := c.bases[k]; workflowID == "" || b.workflowID == workflowID {
			return b
		}
	}
	return nil
}

// holdsBase reports whether version id's pieces are kept.
func (c *versionCache) holdsBase(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.bases {
		if b.id == id {
			return true
		}
	}
	return false
}

// newDraftBase makes the pieces of normalized graph g from its canonical text and nodes'
// places in it.
func newDraftBase(g Graph, text []byte, nodes []textSpan, edgesAt int, hash string) *draftBase {
	b := &draftBase{g: g, text: text, nodes: nodes, edgesAt: edgesAt, hash: hash}
	b.ids = sync.OnceValue(func() map[string]int32 { return indexIDs(g.Nodes) })
	return b
}

// keepDraftBase keeps b, the pieces of version v's graph, for drafts edited from v; c is v's
// graph's validation in this process (nil: none, as for a version a draft was found equal to).
func (s *Service) keepDraftBase(b *draftBase, v Version, c *checked) {
	if b == nil || v.ID == "" {
		return
	}
	b.id, b.workflowID = v.ID, v.WorkflowID
	if c != nil && c.err == nil {
		b.valid, b.subflows = true, c.subflows
	}
	s.versions.keepBase(b)
}

// draftBaseWarmMin is the size from which a version opened for editing has its pieces worked
// out ahead: a smaller graph is validated and hashed whole in well under a millisecond.
const draftBaseWarmMin = 256

// warmDraftBase works out, in the background, the pieces of version v (the one the editor
// edits from) when it is large and they are not held: the first Run of an edited draft after
// the window opens a workflow then pays only for what the edit touched, as the runs after it
// do. Close waits for it.
func (s *Service) warmDraftBase(v Version) {
	if v.ID == "" || len(v.Graph.Nodes) < draftBaseWarmMin || s.versions.holdsBase(v.ID) {
		return
	}
	s.warmMu.Lock()
	defer s.warmMu.Unlock()
	if s.warmShut {
		return
	}
	s.warming.Go(func() {
		g, _, owned := normalizeFrom(v.Graph, nil, true)
		pieces, _ := hashFrom(v.Graph, g, nil)
		c := checkFrom(s.reg, g, nil, nil, nil)
		if owned {
			s.keepDraftBase(pieces, v, &c)
		}
	})
}
