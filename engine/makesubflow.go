package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// MadeSubflow is what MakeSubworkflow did: the new child workflow and version, and the
// parent graph with the selection replaced by a subworkflow node (NodeID) pinned to it.
type MadeSubflow struct {
	WorkflowID   string `json:"workflow_id"`
	VersionID    string `json:"version_id"`
	VersionLabel string `json:"version_label"`
	NodeID       string `json:"node_id"`
	Graph        Graph  `json:"graph"`
}

// MakeSubworkflow turns the selected nodes of a workflow's editor graph into a new workflow
// named name (SPEC §15): its inputs come from the edges entering the selection, typed by the
// handles they leave (and from the flow inputs the selected nodes read), its outputs from
// the edges leaving it. The returned graph has the selection replaced by one subworkflow
// node wired as the selection was. Nothing of the parent is saved: the editor applies the
// graph (and can undo it); the child workflow is created.
func (s *Service) MakeSubworkflow(ctx context.Context, workflowID string, g Graph, selected []string, name string) (MadeSubflow, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return MadeSubflow{}, invalidf("the new workflow needs a name")
	}
	g = NormalizeGraph(g)
	sel := map[string]bool{}
	for _, id := range selected {
		sel[id] = true
	}
	byID := map[string]*Node{}
	for i := range g.Nodes {
		byID[g.Nodes[i].ID] = &g.Nodes[i]
	}
	for _, id := range selected {
		n, ok := byID[id]
		if !ok {
			return MadeSubflow{}, Invalid(Problem{NodeID: id, Message: "is not in the graph"})
		}
		if t, ok := s.reg.Get(n.Type); ok && t.DynamicOutputs {
			return MadeSubflow{}, Invalid(Problem{NodeID: id, Message: "the flow inputs stay in the workflow: leave them out of the selection"})
		} else if ok && t.Pauses {
			return MadeSubflow{}, Invalid(Problem{NodeID: id, Message: fmt.Sprintf("%s stays in the workflow: a subworkflow cannot pause for approval; leave it out of the selection", n.Type)})
		}
		if n.ParentID != "" && !sel[n.ParentID] {
			return MadeSubflow{}, Invalid(Problem{NodeID: id, Message: fmt.Sprintf("is inside the loop %q: select the loop with it", n.ParentID)})
		}
	}
	// a selected loop takes its body along
	for _, n := range g.Nodes {
		if n.ParentID != "" && sel[n.ParentID] {
			sel[n.ID] = true
		}
	}
	if len(sel) == 0 {
		return MadeSubflow{}, invalidf("select the nodes to make into a subworkflow")
	}
	declared := map[string]InputDecl{}
	for _, d := range g.Inputs {
		declared[d.Name] = d
	}

	child := Graph{Inputs: []InputDecl{}}
	parent := Graph{Inputs: g.Inputs}
	var minX, minY, sumX, sumY float64
	count := 0
	for _, n := range g.Nodes {
		if !sel[n.ID] {
			parent.Nodes = append(parent.Nodes, n)
			continue
		}
		child.Nodes = append(child.Nodes, n)
		if n.Position != nil && n.ParentID == "" {
			if count == 0 || n.Position.X < minX {
				minX = n.Position.X
			}
			if count == 0 || n.Position.Y < minY {
				minY = n.Position.Y
			}
			sumX, sumY = sumX+n.Position.X, sumY+n.Position.Y
			count++
		}
	}
	used := map[string]bool{}
	unique := func(base string) string {
		if base == "" {
			base = "value"
		}
		n := base
		for i := 2; used[n]; i++ {
			n = fmt.Sprintf("%s_%d", base, i)
		}
		used[n] = true
		return n
	}
	subID := "sub"
	for i := 2; byID[subID] != nil; i++ {
		subID = fmt.Sprintf("sub%d", i)
	}
	inID := "in"
	for i := 2; byID[inID] != nil && sel[inID]; i++ {
		inID = fmt.Sprintf("in%d", i)
	}
	hasIn := false

	// inputs: one per distinct source handle feeding the selection
	inputOf := map[string]string{} // "src\x00handle" → child input name
	for _, e := range g.Edges {
		switch {
		case sel[e.Source] && sel[e.Target]:
			child.Edges = append(child.Edges, e)
		case !sel[e.Source] && sel[e.Target]:
			key := e.Source + "\x00" + e.SourceHandle
			in, ok := inputOf[key]
			if !ok {
				in = unique(e.TargetHandle)
				inputOf[key] = in
				typ := handleType(s.reg, byID[e.Source], e.SourceHandle, declared, false)
				if typ == TypeAny { // the handle it enters may say more
					typ = handleType(s.reg, byID[e.Target], e.TargetHandle, declared, true)
				}
				child.Inputs = append(child.Inputs, InputDecl{Name: in, Type: typ})
				parent.Edges = append(parent.Edges, Edge{Source: e.Source, SourceHandle: e.SourceHandle, Target: subID, TargetHandle: in})
			}
			hasIn = true
			child.Edges = append(child.Edges, Edge{Source: inID, SourceHandle: in, Target: e.Target, TargetHandle: e.TargetHandle})
		case sel[e.Source] && !sel[e.Target]:
		default:
			parent.Edges = append(parent.Edges, e)
		}
	}
	// flow inputs the selected nodes read by {{name}} or inputs.NAME come in as inputs too
	var reads []string
	for _, n := range child.Nodes {
		if t, ok := s.reg.Get(n.Type); ok {
			reads = append(reads, NodeParamRefs(t, n.Params)...)
			for _, spec := range t.Params {
				if spec.Kind == ParamExpression || spec.Kind == ParamCode {
					names, all := expressionInputRefs(ToText(n.Params[spec.Name]))
					if all {
						names = sortedKeys(declaredValues(declared))
					}
					reads = append(reads, names...)
				}
			}
		}
	}
	sort.Strings(reads)
	var flowIn string
	for _, n := range parent.Nodes {
		if t, ok := s.reg.Get(n.Type); ok && t.DynamicOutputs {
			flowIn = n.ID
		}
	}
	readSeen := map[string]bool{}
	for _, r := range reads {
		d, ok := declared[r]
		if !ok || readSeen[r] {
			continue
		}
		readSeen[r] = true
		if used[r] {
			return MadeSubflow{}, invalidf(fmt.Sprintf("the selection reads the flow input %q and an input of the same name: rename one", r))
		}
		used[r] = true
		child.Inputs = append(child.Inputs, InputDecl{Name: r, Type: d.Type, Description: d.Description, Required: d.Required, Default: d.Default})
		if flowIn == "" {
			flowIn = "inputs"
			for i := 2; byID[flowIn] != nil; i++ {
				flowIn = fmt.Sprintf("inputs%d", i)
			}
			parent.Nodes = append(parent.Nodes, Node{ID: flowIn, Type: "flow.inputs", Position: &Position{X: minX - 260, Y: minY}})
		}
		parent.Edges = append(parent.Edges, Edge{Source: flowIn, SourceHandle: r, Target: subID, TargetHandle: r})
	}
	if hasIn {
		child.Nodes = append([]Node{{ID: inID, Type: "flow.inputs", Position: &Position{X: minX - 260, Y: minY}}}, child.Nodes...)
	}

	// outputs: one per distinct selected source handle read outside
	outputOf := map[string]string{}
	outNames := map[string]bool{}
	for _, n := range child.Nodes {
		if n.Type == "io.output" {
			outNames[outputName(&n)] = true
		}
	}
	outIdx := 0
	for _, e := range g.Edges {
		if !sel[e.Source] || sel[e.Target] {
			continue
		}
		key := e.Source + "\x00" + e.SourceHandle
		out, ok := outputOf[key]
		if !ok {
			base := e.SourceHandle
			if outNames[base] {
				base = e.Source + "_" + e.SourceHandle
			}
			out = base
			for i := 2; outNames[out]; i++ {
				out = fmt.Sprintf("%s_%d", base, i)
			}
			outNames[out] = true
			outputOf[key] = out
			oid := "out_" + out
			for i := 2; byID[oid] != nil; i++ {
				oid = fmt.Sprintf("out_%s_%d", out, i)
			}
			x, y := sumX/float64(max(count, 1))+320, minY+float64(outIdx)*120
			outIdx++
			child.Nodes = append(child.Nodes, Node{ID: oid, Type: "io.output", Params: map[string]any{"name": out}, Position: &Position{X: x, Y: y}})
			child.Edges = append(child.Edges, Edge{Source: e.Source, SourceHandle: e.SourceHandle, Target: oid, TargetHandle: "value"})
		}
		parent.Edges = append(parent.Edges, Edge{Source: subID, SourceHandle: out, Target: e.Target, TargetHandle: e.TargetHandle})
	}

	child = NormalizeGraph(child)
	if err := s.validateGraph(ctx, "", child); err != nil {
		return MadeSubflow{}, fmt.Errorf("the selection does not make a valid workflow: %w", err)
	}
	now := s.now().UTC()
	w, v, err := s.store.CreateWorkflow(ctx, Workflow{ID: NewID(), Name: name, Tags: []string{}, CreatedAt: now, UpdatedAt: now},
		Version{ID: NewID(), Notes: "made from a selection", Graph: child, ContentHash: ContentHash(child), CreatedAt: now})
	if err != nil {
		return MadeSubflow{}, err
	}
	pos := &Position{X: sumX / float64(max(count, 1)), Y: sumY / float64(max(count, 1))}
	parent.Nodes = append(parent.Nodes, Node{ID: subID, Type: TypeSubworkflow, Label: name, Position: pos,
		Params: map[string]any{"workflow": w.ID, "version": v.ID}})
	parent = NormalizeGraph(parent)
	if err := s.validateGraph(ctx, workflowID, parent); err != nil {
		_ = s.store.DeleteWorkflow(ctx, w.ID)
		return MadeSubflow{}, fmt.Errorf("the workflow with the subworkflow in place: %w", err)
	}
	return MadeSubflow{WorkflowID: w.ID, VersionID: v.ID, VersionLabel: v.Label, NodeID: subID, Graph: parent}, nil
}

// handleType is the type of a node's output (or input) handle, TypeAny when unknown.
func handleType(reg *Registry, n *Node, handle string, declared map[string]InputDecl, input bool) string {
	if n == nil {
		return TypeAny
	}
	t, ok := reg.Get(n.Type)
	if !ok || t.Subflow {
		return TypeAny
	}
	if input {
		if h, ok := t.Input(handle); ok && h.Type != "" {
			return h.Type
		}
		return TypeAny
	}
	if ot, ok := outputType(t, handle, declared); ok && ot != "" {
		return ot
	}
	return TypeAny
}

func declaredValues(d map[string]InputDecl) map[string]any {
	out := make(map[string]any, len(d))
	for k := range d {
		out[k] = nil
	}
	return out
}
