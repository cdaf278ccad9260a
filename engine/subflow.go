package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Subworkflows (SPEC §15): a flow.subworkflow node runs a pinned version of another workflow
// as one node. Its handles are the child version's declared inputs and io.output names; it
// runs as a child run (parent_run_id, parent_node_id) outside the run queue, so it never
// waits for a slot its parent holds.

// TypeSubworkflow is the node type that runs another workflow's version.
const TypeSubworkflow = "flow.subworkflow"

// DefaultMaxNesting bounds how deep subworkflows may nest (a child of a child …).
const DefaultMaxNesting = 8

// pinnedInfo is what the engine keeps about a version a subworkflow node pins.
type pinnedInfo struct {
	contentHash   string
	deterministic bool
}

// pinned maps version id → pinnedInfo. A version never changes and its id is unique, so what
// it holds is a fact for every data home and service of the process: config hashes
// (NodeConfig) and determinism read it without a store. The service fills it whenever it
// resolves a pinned version (validation, run, plan), before any hash of the node is taken.
var pinned sync.Map

// PinnedDeterministic reports whether every node of the version (its subworkflows too) is
// deterministic; false when the version has not been resolved in this process.
func PinnedDeterministic(versionID string) bool {
	if p, ok := pinned.Load(versionID); ok {
		return p.(pinnedInfo).deterministic
	}
	return false
}

// subflowConfig is what a subworkflow node's config hash covers: the child workflow and the
// pinned version's content hash, so re-pinning is config_changed and re-pinning to a version
// with the same content is not.
func subflowConfig(params map[string]any) any {
	ver := ToText(params["version"])
	cfg := map[string]any{"workflow": ToText(params["workflow"])}
	if p, ok := pinned.Load(ver); ok {
		cfg["content"] = p.(pinnedInfo).contentHash
	} else {
		cfg["version"] = ver
	}
	return cfg
}

// ChildCall is a subworkflow node asking for its child run.
type ChildCall struct {
	Parent    Run
	NodeID    string
	Params    map[string]any
	Inputs    map[string]any
	Connected map[string]bool
	// Progress shows the child's progress on the node.
	Progress func(float64)
}

// SubflowSpec is what a subworkflow node pinned to a version looks like: the child's name,
// the pinned and the latest (current) version, and the handles.
type SubflowSpec struct {
	WorkflowID         string `json:"workflow_id"`
	WorkflowName       string `json:"workflow_name"`
	VersionID          string `json:"version_id"`
	VersionLabel       string `json:"version_label"`
	ContentHash        string `json:"content_hash"`
	LatestVersionID    string `json:"latest_version_id"`
	LatestVersionLabel string `json:"latest_version_label"`
	UpdateAvailable    bool   `json:"update_available"`
	// Deterministic: every node of the version (its subworkflows too) is.
	Deterministic bool     `json:"deterministic"`
	Inputs        []Handle `json:"inputs"`
	Outputs       []Handle `json:"outputs"`
}

// SubflowSpec resolves a workflow (id or name) and a version (id or label; "" is current) as
// a subworkflow node would pin them.
func (s *Service) SubflowSpec(ctx context.Context, wfRef, versionRef string) (SubflowSpec, error) {
	w, v, err := s.resolveWorkflowVersion(ctx, wfRef, versionRef)
	if err != nil {
		return SubflowSpec{}, err
	}
	walk := subflowWalk{s: s, ctx: ctx, max: s.maxNesting(), done: map[string]int{}}
	walk.visit(v, []string{w.Name}, []string{w.ID}) // notes the version and what it pins
	sp := s.subflowSpec(w, v)
	sp.Deterministic = PinnedDeterministic(v.ID)
	return sp, nil
}

func (s *Service) subflowSpec(w Workflow, v Version) SubflowSpec {
	sp := SubflowSpec{WorkflowID: w.ID, WorkflowName: w.Name, VersionID: v.ID, VersionLabel: v.Label, ContentHash: v.ContentHash,
		LatestVersionID: w.CurrentVersionID, LatestVersionLabel: v.Label, Inputs: []Handle{}, Outputs: []Handle{}}
	if w.CurrentVersionID != v.ID {
		if cur, err := s.version(context.Background(), w.CurrentVersionID); err == nil {
			sp.LatestVersionLabel = cur.Label
			sp.UpdateAvailable = cur.Seq > v.Seq && cur.ContentHash != v.ContentHash
		}
	}
	for _, d := range v.Graph.Inputs {
		sp.Inputs = append(sp.Inputs, Handle{Name: d.Name, Type: d.Type, Required: d.Required && d.Default == nil, Description: d.Description})
	}
	sp.Outputs = childOutputs(s.reg, v.Graph)
	return sp
}

// childOutputs are a graph's io.output names as output handles, typed by what feeds them.
func childOutputs(reg *Registry, g Graph) []Handle {
	declared := make(map[string]InputDecl, len(g.Inputs))
	for _, d := range g.Inputs {
		declared[d.Name] = d
	}
	byID := make(map[string]*Node, len(g.Nodes))
	for i := range g.Nodes {
		byID[g.Nodes[i].ID] = &g.Nodes[i]
	}
	out := []Handle{}
	seen := map[string]bool{}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.Type != "io.output" || n.ParentID != "" {
			continue
		}
		name := outputName(n)
		if seen[name] {
			continue
		}
		seen[name] = true
		typ := TypeAny
		for _, e := range g.Edges {
			if e.Target != n.ID || e.TargetHandle != "value" {
				continue
			}
			if src := byID[e.Source]; src != nil {
				if st, ok := reg.Get(src.Type); ok && !st.Subflow {
					if t, ok := outputType(st, e.SourceHandle, declared); ok && t != "" {
						typ = t
					}
				}
			}
		}
		out = append(out, Handle{Name: name, Type: typ})
	}
	return out
}

// validateGraph is ValidateGraph with subworkflow nodes checked against the store: the pinned
// workflow and version exist, the edges match the pinned version's handles, no chain of
// subworkflows leads back to the graph's own workflow (selfID, "" for a new one) and none
// nests deeper than the limit.
func (s *Service) validateGraph(ctx context.Context, selfID string, g Graph) error {
	if !hasSubflow(s.reg, g) {
		return ValidateGraph(s.reg, g)
	}
	return validateGraph(s.reg, g, s.subflowResolver(ctx, selfID))
}

// subflowResolver resolves the subworkflow nodes of workflow selfID's graph ("": of no
// workflow yet) against the versions they pin.
func (s *Service) subflowResolver(ctx context.Context, selfID string) subflowResolver {
	selfName := "this workflow"
	if selfID != "" {
		if w, err := s.store.GetWorkflow(ctx, selfID); err == nil {
			selfName = w.Name
		}
	}
	return func(n Node, t *NodeType) (*NodeType, []Problem) {
		return s.resolveSubflowNode(ctx, selfID, selfName, n, t)
	}
}

func hasSubflow(reg *Registry, g Graph) bool {
	for _, n := range g.Nodes {
		if t, ok := reg.Get(n.Type); ok && t.Subflow {
			return true
		}
	}
	return false
}

// resolveSubflowNode gives node n its type with the pinned version's handles, and what is
// wrong with its pin.
func (s *Service) resolveSubflowNode(ctx context.Context, selfID, selfName string, n Node, t *NodeType) (*NodeType, []Problem) {
	wfID, verID := ToText(n.Params["workflow"]), ToText(n.Params["version"])
	w, err := s.store.GetWorkflow(ctx, wfID)
	if err != nil {
		return nil, []Problem{{NodeID: n.ID, Param: "workflow", Message: fmt.Sprintf("subworkflow %q does not exist (pinned version %q)", wfID, verID)}}
	}
	v, err := s.version(ctx, verID)
	if err != nil || v.WorkflowID != w.ID {
		return nil, []Problem{{NodeID: n.ID, Param: "version", Message: fmt.Sprintf("workflow %q (%s) has no version %q", w.Name, w.ID, verID)}}
	}
	var probs []Problem
	walk := subflowWalk{s: s, ctx: ctx, selfID: selfID, max: s.maxNesting(), done: map[string]int{}}
	if msg := walk.visit(v, []string{selfName, w.Name}, []string{selfID, w.ID}); msg != "" {
		probs = append(probs, Problem{NodeID: n.ID, Param: "workflow", Message: msg})
	}
	sp := s.subflowSpec(w, v)
	rt := *t
	rt.Title = fmt.Sprintf("subworkflow %q %s", w.Name, v.Label)
	rt.Inputs, rt.Outputs = sp.Inputs, sp.Outputs
	return &rt, probs
}

// subflowWalk follows the subworkflows of pinned versions, noting each version it resolves
// (pinned) and reporting the first cycle back to the start or nesting past max.
type subflowWalk struct {
	s      *Service
	ctx    context.Context
	selfID string
	max    int
	// done holds versions already walked, with the chain length they were walked at.
	done map[string]int
}

// visit walks version v, reached through chain (workflow names from the start, v's last;
// ids alongside), and returns a message for a cycle or a too-deep chain, or "".
func (w *subflowWalk) visit(v Version, chain, ids []string) string {
	if at, ok := w.done[v.ID]; ok && at <= len(chain) {
		return ""
	}
	w.done[v.ID] = len(chain)
	last := ids[len(ids)-1]
	for i := 0; i < len(ids)-1; i++ {
		if ids[i] != "" && ids[i] == last {
			return "cycle across workflows: " + strings.Join(chain[i:], " → ")
		}
	}
	if len(chain)-1 > w.max {
		return fmt.Sprintf("subworkflows nest deeper than %d: %s", w.max, strings.Join(chain, " → "))
	}
	det := true
	for _, n := range v.Graph.Nodes {
		t, ok := w.s.reg.Get(n.Type)
		if !ok {
			det = false
			continue
		}
		if t.Pauses {
			return pauseMessage(v, n, chain)
		}
		if !t.Subflow {
			det = det && t.IsDeterministic(n.Params)
			continue
		}
		cw, err := w.s.store.GetWorkflow(w.ctx, ToText(n.Params["workflow"]))
		if err != nil {
			det = false
			continue
		}
		cv, err := w.s.version(w.ctx, ToText(n.Params["version"]))
		if err != nil || cv.WorkflowID != cw.ID {
			det = false
			continue
		}
		if msg := w.visit(cv, append(chain[:len(chain):len(chain)], cw.Name), append(ids[:len(ids):len(ids)], cw.ID)); msg != "" {
			return msg
		}
		det = det && PinnedDeterministic(cv.ID)
	}
	pinned.Store(v.ID, pinnedInfo{contentHash: v.ContentHash, deterministic: det})
	return ""
}

// pauseMessage refuses a subworkflow whose version v (reached through chain) holds node n,
// which pauses for a person: the child run would have to pause its parent's running node.
func pauseMessage(v Version, n Node, chain []string) string {
	msg := fmt.Sprintf("subworkflow %q %s has an approval node %q (%s): a child run cannot pause for approval; put the approval in the parent workflow, before or after the subworkflow node",
		chain[len(chain)-1], v.Label, n.ID, n.Type)
	if len(chain) > 2 {
		msg += " (" + strings.Join(chain, " → ") + ")"
	}
	return msg
}

func (s *Service) maxNesting() int {
	if s.nesting > 0 {
		return s.nesting
	}
	return DefaultMaxNesting
}

// checkSubflows refuses to run or plan a version whose subworkflow pins no longer hold (a
// child workflow was deleted anyway), and resolves the pinned versions before any config
// hash of theirs is taken.
//
// A version that passed once keeps its wiring, cycles and depth (versions never change): a
// later run only checks that the workflows it reaches still exist (one could have been
// deleted anyway), without walking and validating everything again.
func (s *Service) checkSubflows(ctx context.Context, w Workflow, v Version) error {
	if !hasSubflow(s.reg, v.Graph) {
		return nil
	}
	if reached, ok := s.checkedPins.Load(v.ID); ok {
		for _, id := range reached.([]string) {
			if _, err := s.store.GetWorkflow(ctx, id); err != nil {
				return s.validateGraph(ctx, w.ID, v.Graph) // says which node and workflow
			}
		}
		return nil
	}
	if err := s.validateGraph(ctx, w.ID, v.Graph); err != nil {
		return err
	}
	if v.ID != "" {
		s.checkedPins.Store(v.ID, s.reachedWorkflows(ctx, v.Graph))
	}
	return nil
}

// reachedWorkflows lists the workflows a graph's subworkflows run, nested ones too.
func (s *Service) reachedWorkflows(ctx context.Context, g Graph) []string {
	seen := map[string]bool{}
	var out []string
	var walk func(g Graph)
	walk = func(g Graph) {
		for _, p := range pins(g) {
			if seen[p[1]] {
				continue
			}
			seen[p[1]] = true
			if !slicesContains(out, p[0]) {
				out = append(out, p[0])
			}
			if v, err := s.version(ctx, p[1]); err == nil {
				walk(v.Graph)
			}
		}
	}
	walk(g)
	return out
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SubflowUser is a workflow with versions that pin another one as a subworkflow.
type SubflowUser struct {
	WorkflowID   string   `json:"workflow_id"`
	WorkflowName string   `json:"workflow_name"`
	Versions     []string `json:"versions"`
}

// SubflowUsers lists the other workflows whose versions use workflow id as a subworkflow.
func (s *Service) SubflowUsers(ctx context.Context, id string) ([]SubflowUser, error) {
	ws, err := s.store.ListWorkflows(ctx)
	if err != nil {
		return nil, err
	}
	var out []SubflowUser
	for _, w := range ws {
		if w.ID == id {
			continue
		}
		vs, err := s.store.ListVersions(ctx, w.ID)
		if err != nil {
			return nil, err
		}
		u := SubflowUser{WorkflowID: w.ID, WorkflowName: w.Name}
		for _, v := range vs {
			for _, n := range v.Graph.Nodes {
				if n.Type == TypeSubworkflow && ToText(n.Params["workflow"]) == id {
					u.Versions = append(u.Versions, v.Label)
					break
				}
			}
		}
		if len(u.Versions) > 0 {
			sort.Strings(u.Versions)
			out = append(out, u)
		}
	}
	return out, nil
}

// ErrInUse: a workflow is used as a subworkflow by others.
var ErrInUse = errors.New("used as a subworkflow")

// checkNotUsed refuses to delete a workflow other workflows use as a subworkflow, naming them.
func (s *Service) checkNotUsed(ctx context.Context, w Workflow) error {
	users, err := s.SubflowUsers(ctx, w.ID)
	if err != nil || len(users) == 0 {
		return err
	}
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = fmt.Sprintf("%q (%s)", u.WorkflowName, strings.Join(u.Versions, ", "))
	}
	return fmt.Errorf("workflow %q is used as a subworkflow by %s; delete anyway to let them fail validation: %w",
		w.Name, strings.Join(names, ", "), ErrInUse)
}

// pinByName turns the names a workflow file may give a subworkflow node (a workflow name, a
// version label) into the ids it pins, when they name exactly one; anything else is left for
// validation to report.
func (s *Service) pinByName(ctx context.Context, g Graph) Graph {
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.Type != TypeSubworkflow {
			continue
		}
		w, err := s.ResolveWorkflow(ctx, ToText(n.Params["workflow"]))
		if err != nil {
			continue
		}
		params := make(map[string]any, len(n.Params))
		for k, v := range n.Params {
			params[k] = v
		}
		params["workflow"] = w.ID
		if ref := ToText(n.Params["version"]); ref != "" {
			if v, err := s.ResolveVersion(ctx, w, ref); err == nil {
				params["version"] = v.ID
			}
		}
		n.Params = params
	}
	return g
}
