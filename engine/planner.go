package engine

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// PlanInput is everything a plan depends on. BuildPlan is a pure function of it.
type PlanInput struct {
	Registry *Registry
	Graph    Graph
	From     string
	// Changed plans a changed run (SPEC §14) instead of a run from From: every node that
	// would rerun for a reason of its own reruns (reason changed), so does what depends on
	// it (upstream_changed), everything else is reused. From is then "".
	Changed bool
	// Prior maps node id → the generation a reuse would feed: selected ?? latest completed.
	Prior map[string]*Generation
	// LatestFailed marks nodes whose latest execution failed (and that have no selection).
	LatestFailed map[string]bool
	// FailedGeneration, when set, returns the latest failed generation of a node in
	// LatestFailed, so a node whose settings were edited since it failed says config_changed
	// as well as prior_error. It is called only for such nodes in scope, concurrently.
	FailedGeneration func(nodeID string) *Generation
	// Inputs are the flow input values of the new run; PrevInputs those of the run it builds on.
	Inputs     map[string]any
	PrevInputs map[string]any
	// FilesChanged marks nodes whose linked file changed on disk since their prior generation.
	FilesChanged map[string]bool
	// RunInputs maps run id → the flow input values of that run. A node's prior generation is
	// then compared with the values it saw itself, not only with the last run's: a node left
	// untouched by a run that changed an input is still known to be stale.
	RunInputs map[string]map[string]any

	// facts, when set, are newGraphFacts(Registry, Graph), kept with a version. They do not
	// change the plan, only spare working them out.
	facts *graphFacts
	// versionID is the stored version Graph is ("" for any other graph): a generation that
	// run of it made from generations the same run made needs no fingerprint worked out
	// (madeTogether).
	versionID string
	// wiringOf gives another version's wiring hash ("" when unknown): a generation made by a
	// run of a version wired alike counts as made by the version planned (madeTogether).
	wiringOf func(versionID string) string
	// together, when set (tests), checks every madeTogether answer against the fingerprint.
	together *togetherCheck
}

// togetherCheck counts madeTogether answers and those the worked-out fingerprint
// contradicts (tests).
type togetherCheck struct{ taken, contradicted atomic.Int64 }

// BuildPlan decides, for every node, rerun | reuse | untouched with the reasons of SPEC §7.
// Nodes that feed From or From's downstream are in scope; the rest are untouched. It never
// fails for lack of history: a node without a prior result reruns (no_prior_result).
//
// A node reads a flow input through a flow.inputs handle it is wired to, a {{name}} in its
// params, or inputs.NAME in an expression or code param.
//
// A selected generation is the user's pick: it is reused unless the node itself must rerun
// (its config changed, an upstream node reruns, or a value it reads was changed for this
// run), even when it was made from other values than its upstream nodes now hold; its
// downstream sees what changed (input_changed).
func BuildPlan(in PlanInput) (Plan, error) {
	return buildPlan(in, true)
}

// buildPlan is BuildPlan; without nodeMap the plan has its decisions only in graph order
// (Plan.at), as a run needs them, not by node id.
func buildPlan(in PlanInput, nodeMap bool) (Plan, error) {
	g := in.Graph
	n := len(g.Nodes)
	f := in.facts
	if f == nil {
		f = newGraphFacts(in.Registry, g)
	}
	gi := f.gi
	top := f.top
	down, scope := make([]bool, n), make([]bool, n)
	fromIdx := -1
	if in.Changed {
		// A changed run has no target: every node is in scope, and the reruns start at
		// the nodes that must rerun on their own account.
		for i := range scope {
			scope[i] = true
		}
	} else {
		i, ok := gi.find(in.From)
		if !ok {
			return Plan{}, Invalid(Problem{NodeID: in.From, Message: "no such node"})
		}
		// Children of a loop group plan with their group: a run from a child runs the group.
		fromIdx = top[i]
		targetScope(gi, top, fromIdx, down, scope)
	}
	if f.orderErr != nil {
		return Plan{}, f.orderErr
	}

	// What a node decides on its own account does not depend on other nodes' decisions:
	// work it out for every node in scope first, in parallel on large graphs.
	pc := newPlanContext(in, f)
	pc.down, pc.scope = down, scope
	work := make([]int, 0, n)
	for i := range g.Nodes {
		if scope[i] && g.Nodes[i].ParentID == "" {
			work = append(work, i)
		}
	}
	forEachParallel(work, pc.loadPrior)
	// The parallel pass also lays each decision out as a reuse of the node's prior
	// generation (what most nodes of a changed run get): the pass that follows the graph's
	// order then only reads a few bytes per node and writes what its upstream decides, not
	// chasing every prior generation one after the other.
	own := make([]ownFlags, n)
	plan := Plan{From: in.From, Changed: in.Changed, list: make([]PlanNode, n)}
	forEachParallel(work, func(i int) {
		d := pc.decide(i)
		own[i] = ownFlags{reasons: d.reasons, final: d.final, fingerprintDiffers: d.fingerprintDiffers}
		if p := d.prior; p != nil {
			why := reasonsNone
			if p.Selected {
				why = reasonsSelected // the user's pick, whatever it was made from
			}
			plan.list[i] = PlanNode{Reasons: why, SourceGenerationID: p.ID, Source: p, prior: p, priorFP: p.InputFingerprint}
		}
	})
	if nodeMap {
		plan.Nodes = make(map[string]PlanNode, n)
	}
	rerun := make([]bool, n)
	for _, i := range f.order {
		nd := &g.Nodes[i]
		if nd.ParentID != "" {
			continue
		}
		if !scope[i] {
			plan.list[i] = PlanNode{Action: ActionUntouched, Reasons: []string{}}
			continue
		}
		var reasons []string
		if i == fromIdx {
			reasons = append(reasons, ReasonTarget)
		} else if down[i] {
			reasons = append(reasons, ReasonDownstreamOfTarget)
		}
		o := own[i]
		if in.Changed && o.reasons != 0 {
			reasons = append(reasons, ReasonChanged)
		}
		reasons = o.reasons.appendTo(reasons)
		if !o.final {
			upstreamRerun := false
			for _, k := range gi.in(i) {
				if rerun[gi.src[k]] {
					upstreamRerun = true
					break
				}
			}
			if upstreamRerun && reasons == nil {
				reasons = reasonsUpstreamOnly // most reruns of a changed run: one slice for all
			} else if upstreamRerun {
				reasons = append(reasons, ReasonUpstreamChanged)
			} else if len(reasons) == 0 && o.fingerprintDiffers {
				// Every upstream node is reused, and this node would receive other values than
				// its prior generation saw (a different selection upstream changes them).
				if in.Changed {
					reasons = append(reasons, ReasonChanged)
				}
				reasons = append(reasons, ReasonInputChanged)
			}
		}
		pn := &plan.list[i]
		if len(reasons) == 0 {
			// Laid out by the parallel pass: a node with nothing to rerun for has a prior.
			pn.Action, pn.prior, pn.priorFP = ActionReuse, nil, ""
			plan.Reuse++
			continue
		}
		if t := f.types[i]; t != nil && t.Container {
			reasons = append(reasons, ReasonLoopRestart) // a group reruns whole
		}
		rerun[i] = true
		if len(reasons) > 1 {
			reasons = dedupe(reasons)
		}
		// prior and priorFP are the parallel pass's (none when the decision was final).
		pn.Action, pn.Reasons, pn.SourceGenerationID, pn.Source = ActionRerun, reasons, "", nil
		plan.Rerun++
	}
	// Children of loop groups follow their group.
	for i := range g.Nodes {
		if g.Nodes[i].ParentID == "" || top[i] == i {
			continue
		}
		p := plan.list[top[i]]
		child := PlanNode{Action: p.Action, Reasons: []string{}}
		if p.Action == ActionRerun {
			child.Reasons = []string{ReasonLoopRestart}
		}
		plan.list[i] = child
	}
	if nodeMap {
		for i := range g.Nodes {
			if plan.list[i].Action != "" {
				plan.Nodes[g.Nodes[i].ID] = plan.list[i]
			}
		}
	}
	return plan, nil
}

// reasonsUpstreamOnly is the reasons of a node that reruns only because an upstream node
// does, shared by every such node of a plan: never written to (a plan is immutable; an
// append to it, length and capacity 1, makes a new slice).
var reasonsUpstreamOnly = []string{ReasonUpstreamChanged}

// reasonsNone and reasonsSelected are the reasons of a reuse, shared alike (reasonsNone is
// empty, not nil: a reuse lists no reasons as []).
var (
	reasonsNone     = []string{}
	reasonsSelected = []string{ReasonSelected}
)

// ownFlags is what buildPlan keeps of a node's ownDecision (its prior is laid out in the
// plan's list already): a few bytes per node, read in the graph's order.
type ownFlags struct {
	reasons                   reasonSet
	final, fingerprintDiffers bool
}

// targetScope marks in down the target and everything downstream of it, and in scope down
// and everything that feeds it.
func targetScope(gi *graphIndex, top []int, fromIdx int, down, scope []bool) {
	// Forward: the target and everything downstream of it.
	down[fromIdx] = true
	stack := spread(gi, top, down, []int{fromIdx}, true)
	// Backward: everything that feeds the forward set.
	for i := range down {
		if down[i] {
			scope[i] = true
			stack = append(stack, i)
		}
	}
	spread(gi, top, scope, stack, false)
}

// spread marks in mark every top-level node reachable from the nodes on stack (already
// marked), following edges downstream when forward, else upstream. It returns the emptied
// stack for reuse.
func spread(gi *graphIndex, top []int, mark []bool, stack []int, forward bool) []int {
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		edges, ends := gi.in(i), gi.src
		if forward {
			edges, ends = gi.out(i), gi.dst
		}
		for _, k := range edges {
			if t := top[ends[k]]; !mark[t] {
				mark[t] = true
				stack = append(stack, t)
			}
		}
	}
	return stack
}

// planContext holds what every node's own decision reads, computed once per plan.
type planContext struct {
	in          PlanInput
	g           Graph
	f           *graphFacts
	gi          *graphIndex
	down, scope []bool
	// priors holds each node's prior generation (the source of a reuse).
	priors []*Generation
	// nowHash and runHash are the value hashes of the new run's inputs and of each run's.
	nowHash map[string]string
	runHash map[string]map[string]string
	// changedSincePrev are the inputs whose value differs from the run the plan builds on.
	changedSincePrev map[string]bool
	// alike remembers wiredAlike per version id; lastAlike is its last answer.
	alike     sync.Map
	lastAlike atomic.Pointer[alikeAnswer]
}

type handleHash struct{ handle, hash string }

func newPlanContext(in PlanInput, f *graphFacts) *planContext {
	n := len(in.Graph.Nodes)
	pc := &planContext{in: in, g: in.Graph, f: f, gi: f.gi, priors: make([]*Generation, n),
		nowHash: hashValues(in.Inputs), runHash: map[string]map[string]string{},
		changedSincePrev: map[string]bool{}}
	for id, vals := range in.RunInputs {
		pc.runHash[id] = hashValues(vals)
	}
	prevHash := hashValues(in.PrevInputs)
	for k, h := range pc.nowHash {
		if ph, ok := prevHash[k]; !ok || ph != h {
			pc.changedSincePrev[k] = true
		}
	}
	for k := range prevHash {
		if _, ok := pc.nowHash[k]; !ok {
			pc.changedSincePrev[k] = true
		}
	}
	return pc
}

func typeParams(t *NodeType) []ParamSpec {
	if t == nil {
		return nil
	}
	return t.Params
}

func hashValues(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = HashValue(v)
	}
	return out
}

// ownDecision is why a node would rerun on its own account, before looking at upstream
// decisions. final means nothing else applies (no usable prior generation, unknown type).
// Small, as a plan holds one per node.
type ownDecision struct {
	// prior is the node's prior generation, the source of a reuse.
	prior              *Generation
	reasons            reasonSet
	final              bool
	fingerprintDiffers bool
}

func (pc *planContext) decide(i int) ownDecision {
	in := pc.in
	n := &pc.g.Nodes[i]
	t := pc.f.types[i]
	if t == nil {
		return ownDecision{reasons: bitConfigChanged, final: true}
	}
	d := ownDecision{final: true}
	prior := pc.priors[i]
	reads := pc.f.reads[i]
	switch {
	case in.LatestFailed[n.ID]:
		d.reasons = bitPriorError
		if in.FailedGeneration != nil {
			if failed := in.FailedGeneration(n.ID); failed != nil && pc.editedSince(i, failed, reads.changedIn(pc.changedSincePrev)) {
				d.reasons |= bitConfigChanged
			}
		}
		return d
	case prior == nil:
		d.reasons = bitNoPriorResult
		return d
	case prior.Status != GenCompleted:
		d.reasons = bitPriorError
		if pc.editedSince(i, prior, reads.changedIn(pc.changedSincePrev)) {
			d.reasons |= bitConfigChanged
		}
		return d
	}
	d.final, d.prior = false, prior
	var readsChanged bool
	if reads.any() { // else nothing it reads can have changed
		if _, haveThen := in.RunInputs[prior.RunID]; haveThen && !prior.Selected {
			readsChanged = reads.differ(pc.nowHash, pc.runHash[prior.RunID])
		} else {
			readsChanged = reads.changedIn(pc.changedSincePrev)
		}
	}
	if readsChanged {
		d.reasons |= bitInputChanged
	}
	if pc.editedSince(i, prior, readsChanged) {
		d.reasons |= bitConfigChanged
	}
	if in.FilesChanged[n.ID] {
		d.reasons |= bitFileChanged
	}
	if d.reasons == 0 && !pc.down[i] && !prior.Selected {
		d.fingerprintDiffers = pc.inputsDiffer(i, prior)
	}
	return d
}

// editedSince reports whether node i's own settings differ from those gen ran with: its
// config hash differs, and not only because a flow input it reads has another value now.
// A linked file is compared by FilesChanged, so the config is hashed with the file gen saw:
// only a params edit counts.
func (pc *planContext) editedSince(i int, gen *Generation, readsChanged bool) bool {
	in := pc.in
	n := &pc.g.Nodes[i]
	t := pc.f.types[i]
	if static := pc.f.static[i]; static != "" {
		return static != gen.ConfigHash
	}
	fileSHA := ""
	if pc.f.links[i] {
		fileSHA = PriorFileSHA(*gen)
	}
	params, err := ResolveNodeParams(t, n.Params, in.Inputs)
	if err == nil && ConfigHash(t, NodeConfig(t, *n, params, in.Inputs, pc.g, fileSHA)) == gen.ConfigHash {
		return false
	}
	then, haveThen := in.RunInputs[gen.RunID]
	switch {
	case haveThen && pc.f.reads[i].any():
		// Hashed with the values gen saw, a difference is an edit of the node itself,
		// whatever the inputs did.
		thenParams, err := ResolveNodeParams(t, n.Params, then)
		return err != nil || ConfigHash(t, NodeConfig(t, *n, thenParams, then, pc.g, fileSHA)) != gen.ConfigHash
	case !haveThen && readsChanged:
		return false // explained by input_changed
	}
	return true
}

// loadPrior looks node i's prior generation up, once.
func (pc *planContext) loadPrior(i int) {
	pc.priors[i] = pc.in.Prior[pc.g.Nodes[i].ID]
}

// inputsDiffer reports whether node i, fed the prior generations of its upstream nodes,
// would see other values than its own prior generation saw. A generation kept in memory
// remembers the answer with the upstream generations it was worked out for.
func (pc *planContext) inputsDiffer(i int, prior *Generation) bool {
	if pc.madeTogether(i, prior) {
		if c := pc.in.together; c != nil {
			c.taken.Add(1)
			if !pc.fingerprintIs(i, prior.ConfigHash, prior.InputFingerprint) {
				c.contradicted.Add(1)
			}
		}
		return false
	}
	if prior.memo != nil {
		if v := prior.memo.verdict.Load(); v != nil && v.facts == pc.f && pc.sameUpstream(i, v.upstream) {
			return v.differs
		}
	}
	differs := !pc.fingerprintIs(i, prior.ConfigHash, prior.InputFingerprint)
	if prior.memo != nil {
		prior.memo.verdict.Store(&fpVerdict{facts: pc.f, upstream: pc.upstream(i), differs: differs})
	}
	return differs
}

// madeTogether reports whether node i's prior generation and those of every top-level node
// feeding it were made by one run of the version planned, or of a version wired alike
// (wiring.go). That run fed the node exactly
// those generations' outputs through these edges (a top-level node executes once per run)
// and worked its input fingerprint out of them, so fingerprintIs would give true: a fact
// true since the run committed, read from the ids every generation carries (a state record
// keeps them), so a fresh process planning the last node of a long chain hashes only what
// changed since. A selection, a deletion or a later run that replaces an upstream
// generation, another version, a draft: the fingerprint is worked out.
func (pc *planContext) madeTogether(i int, prior *Generation) bool {
	if pc.in.versionID == "" || prior.RunID == "" || (prior.VersionID != pc.in.versionID && !pc.wiredAlike(prior.VersionID)) {
		return false
	}
	for _, k := range pc.gi.in(i) {
		s := pc.gi.src[k]
		if pc.g.Nodes[s].ParentID != "" {
			continue // a loop body's result edge: fingerprintIs leaves it out too
		}
		if src := pc.priors[s]; src == nil || src.RunID != prior.RunID {
			return false
		}
	}
	return true
}

// upstream lists the prior generations feeding node i, edge by edge.
func (pc *planContext) upstream(i int) []*Generation {
	in := pc.gi.in(i)
	out := make([]*Generation, len(in))
	for j, k := range in {
		out[j] = pc.priors[pc.gi.src[k]]
	}
	return out
}

func (pc *planContext) sameUpstream(i int, ups []*Generation) bool {
	in := pc.gi.in(i)
	if len(in) != len(ups) {
		return false
	}
	for j, k := range in {
		if pc.priors[pc.gi.src[k]] != ups[j] {
			return false
		}
	}
	return true
}

// fingerprintIs reports whether want is what node i would see if every upstream node fed
// its prior generation: InputFingerprint over the hashed values. It only decides anything
// when that is so (otherwise the node reruns for upstream_changed).
func (pc *planContext) fingerprintIs(i int, cfgHash, want string) bool {
	var space [4]handleHash
	seen := space[:0] // target handle → value hash; a later edge to a handle wins
	for _, k := range pc.gi.in(i) {
		s := pc.gi.src[k]
		src := pc.priors[s]
		if pc.g.Nodes[s].ParentID != "" || src == nil {
			continue // a loop body's result edge, internal to the group; or nothing to feed
		}
		e := &pc.g.Edges[k]
		sum, ok := src.outputHash(e.SourceHandle)
		if !ok {
			continue
		}
		if j := slices.IndexFunc(seen, func(x handleHash) bool { return x.handle == e.TargetHandle }); j >= 0 {
			seen[j].hash = sum
		} else {
			seen = append(seen, handleHash{e.TargetHandle, sum})
		}
	}
	return fingerprintIs(want, cfgHash, seen)
}

// linksFile reports whether nodes of type t may link a file on disk (see LinkedPath).
func linksFile(t *NodeType) bool {
	spec, ok := t.Param("path")
	return ok && spec.Kind == ParamPath
}

func hasTemplate(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, "{{")
	case map[string]any:
		for _, e := range x {
			if hasTemplate(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasTemplate(e) {
				return true
			}
		}
	}
	return false
}

// forEachParallel calls fn for every item, spread over the CPUs when there are enough items
// to pay for it. fn must only write state owned by its item.
func forEachParallel(items []int, fn func(int)) {
	const minPerWorker = 256
	workers := min(runtime.GOMAXPROCS(0), len(items)/minPerWorker)
	if workers <= 1 {
		for _, i := range items {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (len(items) + workers - 1) / workers
	for lo := 0; lo < len(items); lo += chunk {
		part := items[lo:min(lo+chunk, len(items))]
		wg.Go(func() {
			for _, i := range part {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// dedupe drops repeated reasons, keeping the first of each (lists are a few words long).
func dedupe(s []string) []string {
	out := s[:0]
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
