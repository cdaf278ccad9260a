package engine

import (
	"context"
	"fmt"
	"sort"
)

// BundleChild is a version of another workflow that a bundle's subworkflow nodes pin
// (directly or through other children), carried with the bundle so that it imports whole
// (SPEC §15). WorkflowID and VersionID are the ids the nodes' params name where it was
// exported; import maps them to what it restores or reuses.
type BundleChild struct {
	WorkflowID  string      `json:"workflow_id"`
	VersionID   string      `json:"version_id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Tags        []string    `json:"tags"`
	Label       string      `json:"label"`
	Notes       string      `json:"notes"`
	Inputs      []InputDecl `json:"inputs"`
	Nodes       []Node      `json:"nodes"`
	Edges       []Edge      `json:"edges"`
}

// pins lists the (workflow, version) ids a graph's subworkflow nodes pin, in graph order.
func pins(g Graph) [][2]string {
	var out [][2]string
	for _, n := range g.Nodes {
		if n.Type == TypeSubworkflow {
			out = append(out, [2]string{ToText(n.Params["workflow"]), ToText(n.Params["version"])})
		}
	}
	return out
}

// bundleChildren collects the child versions the graphs pin, recursively, leaves first.
func (s *Service) bundleChildren(ctx context.Context, graphs []Graph) ([]BundleChild, error) {
	var out []BundleChild
	seen := map[string]bool{}
	var visit func(g Graph) error
	visit = func(g Graph) error {
		for _, p := range pins(g) {
			if seen[p[1]] {
				continue
			}
			seen[p[1]] = true
			w, err := s.store.GetWorkflow(ctx, p[0])
			if err != nil {
				return fmt.Errorf("subworkflow %q: %w", p[0], err)
			}
			v, err := s.version(ctx, p[1])
			if err != nil {
				return fmt.Errorf("version %q of subworkflow %q: %w", p[1], w.Name, err)
			}
			if err := visit(v.Graph); err != nil {
				return err
			}
			tags := w.Tags
			if tags == nil {
				tags = []string{}
			}
			out = append(out, BundleChild{WorkflowID: w.ID, VersionID: v.ID, Name: w.Name, Description: w.Description, Tags: tags,
				Label: v.Label, Notes: v.Notes, Inputs: v.Graph.Inputs, Nodes: v.Graph.Nodes, Edges: v.Graph.Edges})
		}
		return nil
	}
	for _, g := range graphs {
		if err := visit(g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// childPins maps a bundle's child ids to the ids they have in this data home.
type childPins map[string][2]string // exported version id → (workflow id, version id)

// repin rewrites a graph's subworkflow pins through m (a pin m does not know is kept).
func (m childPins) repin(g Graph) Graph {
	out := g
	out.Nodes = make([]Node, len(g.Nodes))
	copy(out.Nodes, g.Nodes)
	for i := range out.Nodes {
		n := &out.Nodes[i]
		if n.Type != TypeSubworkflow {
			continue
		}
		to, ok := m[ToText(n.Params["version"])]
		if !ok {
			continue
		}
		params := make(map[string]any, len(n.Params))
		for k, v := range n.Params {
			params[k] = v
		}
		params["workflow"], params["version"] = to[0], to[1]
		n.Params = params
	}
	return out
}

// importChildren restores a bundle's children, leaves first: a child whose content a version
// here already has (the same workflow, or one of the same name) reuses that version; the
// others are added, one new workflow per exported child workflow. created lists the
// workflows it made, for the caller to remove when the import fails after all.
func (s *Service) importChildren(ctx context.Context, children []BundleChild) (m childPins, created []string, err error) {
	m = childPins{}
	made := map[string]string{} // exported workflow id → new workflow id
	now := s.now().UTC()
	for _, c := range children {
		g := NormalizeGraph(m.repin(Graph{Inputs: c.Inputs, Nodes: c.Nodes, Edges: c.Edges}))
		hash := ContentHash(g)
		if w, v, ok := s.sameContent(ctx, c, hash); ok {
			m[c.VersionID] = [2]string{w, v}
			continue
		}
		if err := s.validateGraph(ctx, "", g); err != nil {
			return m, created, fmt.Errorf("subworkflow %q %s: %w", c.Name, c.Label, err)
		}
		if wid, ok := made[c.WorkflowID]; ok {
			v, err := s.store.AddVersion(ctx, Version{ID: NewID(), WorkflowID: wid, Notes: c.Notes, Graph: g, ContentHash: hash, CreatedAt: now}, true)
			if err != nil {
				return m, created, err
			}
			m[c.VersionID] = [2]string{wid, v.ID}
			continue
		}
		tags := c.Tags
		if tags == nil {
			tags = []string{}
		}
		w, v, err := s.store.CreateWorkflow(ctx, Workflow{ID: NewID(), Name: c.Name, Description: c.Description, Tags: tags, CreatedAt: now, UpdatedAt: now},
			Version{ID: NewID(), Notes: c.Notes, Graph: g, ContentHash: hash, CreatedAt: now})
		if err != nil {
			return m, created, err
		}
		created = append(created, w.ID)
		made[c.WorkflowID] = w.ID
		m[c.VersionID] = [2]string{w.ID, v.ID}
	}
	return m, created, nil
}

// sameContent finds a version with content hash among the child's own workflow (same id)
// and the workflows of its name.
func (s *Service) sameContent(ctx context.Context, c BundleChild, hash string) (string, string, bool) {
	var cands []Workflow
	if w, err := s.store.GetWorkflow(ctx, c.WorkflowID); err == nil {
		cands = append(cands, w)
	}
	if ws, err := s.store.FindWorkflows(ctx, c.Name); err == nil {
		sort.Slice(ws, func(i, j int) bool { return ws[i].CreatedAt.Before(ws[j].CreatedAt) })
		cands = append(cands, ws...)
	}
	for _, w := range cands {
		vs, err := s.store.ListVersions(ctx, w.ID)
		if err != nil {
			continue
		}
		for _, v := range vs {
			if v.ContentHash == hash {
				return w.ID, v.ID, true
			}
		}
	}
	return "", "", false
}

// ExportWarnings says what a plain workflow file of a version leaves out: the workflows its
// subworkflow nodes pin (a bundle carries them).
func ExportWarnings(v Version) []string {
	var out []string
	for _, n := range v.Graph.Nodes {
		if n.Type == TypeSubworkflow {
			out = append(out, fmt.Sprintf("node %q is a subworkflow: the workflow it runs is not included in a workflow file; a bundle carries it", n.ID))
		}
	}
	return out
}
