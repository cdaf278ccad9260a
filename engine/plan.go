package engine

// The plan of a run from a block (SPEC §7): per node rerun | reuse | untouched, with reasons.
// BuildPlan (planner.go) makes it; the executor (executor.go) carries it out.

// PlanAction is what a plan decides for one node (SPEC §7).
type PlanAction string

// Plan actions (SPEC §7).
const (
	ActionRerun     PlanAction = "rerun"
	ActionReuse     PlanAction = "reuse"
	ActionUntouched PlanAction = "untouched"
)

// Reasons (SPEC §7, §8).
const (
	ReasonTarget             = "target"
	ReasonDownstreamOfTarget = "downstream_of_target"
	ReasonInputsUnchanged    = "inputs_unchanged"
	ReasonNoPriorResult      = "no_prior_result"
	ReasonPriorError         = "prior_error"
	ReasonConfigChanged      = "config_changed"
	ReasonFileChanged        = "file_changed"
	ReasonUpstreamChanged    = "upstream_changed"
	ReasonInputChanged       = "input_changed"
	ReasonLoopRestart        = "loop_restart"
	// ReasonChanged marks, in a changed run (SPEC §14), a node that reruns on its own
	// account; what depends on it reruns as upstream_changed.
	ReasonChanged = "changed"
	// ReasonCached marks a node a run did not execute because a completed generation with
	// the same input fingerprint exists, in any workflow of the data home (SPEC §14).
	ReasonCached = "cached"
	// ReasonSelected explains a reuse: the node feeds the generation the user picked.
	ReasonSelected = "selected"
)

// PlanNode is the decision for one node.
type PlanNode struct {
	Action             PlanAction `json:"action"`
	Reasons            []string   `json:"reasons"`
	SourceGenerationID string     `json:"source_generation_id"`
	// MayBeCached (dry plans): the node reruns, and the cache (SPEC §14) may serve it once
	// the nodes it depends on have executed; what they give is not known before running.
	MayBeCached bool        `json:"may_be_cached,omitempty"`
	Source      *Generation `json:"-"`
	// prior, for a node BuildPlan plans to rerun, is its current generation the plan read
	// (nil: none, or not a completed one): early cutoff compares the fingerprint the run works
	// out with it, without looking the node up in the run's state again.
	prior *Generation
	// priorFP is prior's input fingerprint, copied with the decision: a node whose inputs
	// changed (every rerun node after a changed one) is told apart without reading prior.
	priorFP string
}

// Plan is an immutable per-node decision list for a run from a block.
type Plan struct {
	WorkflowID string `json:"workflow_id"`
	VersionID  string `json:"version_id"`
	From       string `json:"from"`
	// Changed marks the plan of a changed run (From is then "").
	Changed bool `json:"changed,omitempty"`
	// Nodes holds the decisions by node id; a plan made only to be run (not shown) leaves it
	// nil and keeps them in graph order (at).
	Nodes map[string]PlanNode `json:"nodes"`
	Rerun int                 `json:"rerun"`
	Reuse int                 `json:"reuse"`
	// WorkflowName and VersionLabel name a child's plan for a person (Children).
	WorkflowName string `json:"workflow_name,omitempty"`
	VersionLabel string `json:"version_label,omitempty"`
	// Children holds, under each subworkflow node that reruns, the plan of its child run.
	Children map[string]*Plan `json:"children,omitempty"`
	// list holds the decisions in the order of the graph's nodes, when BuildPlan made them.
	list []PlanNode
	// facts are the graph facts the plan was made with (planFor), for the run to lay out.
	facts *graphFacts
}

// at is the decision for node i (id) of the plan's graph, nil when there is none.
func (p *Plan) at(i int, id string) *PlanNode {
	if p.list != nil {
		if pn := &p.list[i]; pn.Action != "" {
			return pn
		}
		return nil
	}
	pn, ok := p.Nodes[id]
	if !ok {
		return nil
	}
	return &pn
}

// cutoffEligible reports whether a rerun decision was made only because of what is upstream,
// so identical inputs at run time may reuse the current generation (early cutoff).
func cutoffEligible(reasons []string) bool {
	if len(reasons) == 0 {
		return false
	}
	for _, r := range reasons {
		if r != ReasonDownstreamOfTarget && r != ReasonUpstreamChanged {
			return false
		}
	}
	return true
}

// reasonSet holds a node's own reasons as bits, listed in the order of ownReasons.
type reasonSet uint8

var ownReasons = [...]string{ReasonPriorError, ReasonNoPriorResult, ReasonInputChanged, ReasonConfigChanged, ReasonFileChanged}

func reasonBit(r string) reasonSet {
	for i, x := range ownReasons {
		if x == r {
			return 1 << i
		}
	}
	panic("not a node's own reason: " + r)
}

var (
	bitPriorError    = reasonBit(ReasonPriorError)
	bitNoPriorResult = reasonBit(ReasonNoPriorResult)
	bitInputChanged  = reasonBit(ReasonInputChanged)
	bitConfigChanged = reasonBit(ReasonConfigChanged)
	bitFileChanged   = reasonBit(ReasonFileChanged)
)

func (s reasonSet) appendTo(out []string) []string {
	for i, r := range ownReasons {
		if s&(1<<i) != 0 {
			out = append(out, r)
		}
	}
	return out
}
