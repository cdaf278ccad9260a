package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// ErrPause is returned by a node that must wait for a person (control.approval). The run
// pauses once nothing else can proceed.
var ErrPause = errors.New("waiting for approval")

// Committer persists generations and sends each one's event only after it is committed.
type Committer interface {
	Commit(gen Generation, ev Event)
	// Sync waits until everything committed so far is on disk and reports a write error of
	// the run's generations.
	Sync(ctx context.Context, runID string) error
}

// Executor runs the graph of one run.
type Executor struct {
	Registry  *Registry
	Assets    AssetStore
	Committer Committer
	Emit      func(Event)
	NewID     func() string
	Now       Clock
	// Checkpoint, when set, receives the run's node records about once a second while it goes
	// (after the generations they name are committed), so a crash leaves a useful snapshot.
	Checkpoint func(nodes map[string]NodeRecord, reused []ReusedNode)
	// Limits bound what a node may make the process hold; the zero value means the defaults.
	Limits Limits
	// Providers resolves the providers nodes name (SPEC §12).
	Providers *Providers
	// Settings are handed to nodes (tool paths); nil means none are set.
	Settings SettingReader
}

// checkpointEvery is how often a running run's snapshot is saved.
const checkpointEvery = time.Second

// Execution is everything one run needs.
type Execution struct {
	Run     Run
	Version Version
	// Plan is nil for a full run.
	Plan *Plan
	// Current maps node id → current generation, for early cutoff.
	Current map[string]*Generation
	// Approvals holds recorded approval decisions by node id.
	Approvals map[string]Approval
	// kept are records of a resumed run's nodes finished before it paused; they replace the
	// reuse records so the run still says what it executed.
	kept map[string]NodeRecord
	// facts are the version graph's plan facts, when the service has them (their index
	// spares working one out).
	facts *graphFacts
}

// index is the graph's edge index.
func (x *Execution) index() *graphIndex {
	if x.facts != nil {
		return x.facts.gi
	}
	return indexGraph(x.Version.Graph)
}

// Result is what a run did.
type Result struct {
	Status RunStatus             `json:"status"`
	Nodes  map[string]NodeRecord `json:"nodes"`
	// Reused are the nodes fed an earlier generation with nothing more to say (Snapshot).
	Reused  []ReusedNode   `json:"reused,omitempty"`
	Outputs map[string]any `json:"outputs"`
	Error   string         `json:"error"`
	// Approvals are the run's approval decisions, pending ones included.
	Approvals map[string]Approval `json:"approvals,omitempty"`
}

type nodeState struct {
	node      *Node
	typ       *NodeType
	body      BodyRunner
	remaining int
	incoming  int
	active    int
	inputs    map[string]any
	connected map[string]bool
	plan      PlanNode
	done      bool
}

type nodeResult struct {
	id      string
	outputs map[string]any
	record  NodeRecord
	gen     *Generation
	paused  *Approval
}

// Execute runs ready nodes concurrently until every node in scope is resolved, ctx is
// cancelled, or the run pauses. One goroutine (this one) owns the state; workers report on a
// channel and recover panics into node errors.
func (ex *Executor) Execute(ctx context.Context, x Execution) Result {
	g := x.Version.Graph
	gi := x.index()
	reuse := 0
	if x.Plan != nil {
		reuse = x.Plan.Reuse
	}
	res := Result{Status: RunCompleted, Nodes: make(map[string]NodeRecord, len(g.Nodes)-reuse), Outputs: map[string]any{}}
	// Nodes that execute get a state; reused ones (a plan's) need nothing from upstream, so
	// they only feed their generation on, up front. A run from the end of a long chain then
	// costs little more than its rerun part.
	states := map[string]*nodeState{}
	var order []string
	var stateIdx, reused []int // node indexes, in graph order
	if x.Plan != nil {
		reused = make([]int, 0, reuse)
		res.Reused = make([]ReusedNode, 0, reuse)
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.ParentID != "" {
			continue // children of a loop group run inside it
		}
		pn := PlanNode{Action: ActionRerun}
		if x.Plan != nil {
			p := x.Plan.at(i, n.ID)
			switch {
			case p == nil || p.Action == ActionUntouched:
				res.Nodes[n.ID] = NodeRecord{Status: NodeUntouched, Reasons: []string{}}
				continue
			case p.Action == ActionReuse:
				reused = append(reused, i)
				continue
			}
			pn = *p
		}
		t, _ := ex.Registry.Get(n.Type)
		states[n.ID] = &nodeState{node: n, typ: t, plan: pn, inputs: map[string]any{}, connected: map[string]bool{}}
		order = append(order, n.ID)
		stateIdx = append(stateIdx, i)
	}
	bodies := buildBodies(g)
	kids := &childRecords{} // loop bodies' children, as they execute
	for id, b := range bodies {
		if st := states[id]; st != nil && st.typ != nil && st.typ.Container {
			st.body = ex.bodyRunner(x, b, bodies, kids)
		}
	}
	out := make(map[string][]Edge, len(states))
	feeds := map[int][]Edge{} // a reused node's edges into nodes that execute
	for _, t := range stateIdx {
		dst := states[g.Nodes[t].ID]
		for _, k := range gi.in(t) {
			e := g.Edges[k]
			if _, ok := dst.inputs[e.TargetHandle]; !ok {
				dst.inputs[e.TargetHandle] = nil
			}
			if states[e.Source] == nil {
				if x.Plan == nil {
					continue // a loop body's result edge: internal to the group
				}
				s := gi.src[k]
				if p := x.Plan.at(s, e.Source); g.Nodes[s].ParentID == "" && p != nil && p.Action == ActionReuse {
					feeds[s] = append(feeds[s], e)
					dst.incoming++
				}
				continue
			}
			out[e.Source] = append(out[e.Source], e)
			dst.remaining++
			dst.incoming++
		}
	}
	total := len(order) + len(reused)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	results := make(chan nodeResult, 64)
	running, resolved := 0, 0
	var ready []string
	for _, id := range order {
		if states[id].remaining == 0 {
			ready = append(ready, id)
		}
	}
	var firstErr string
	pending := map[string]Approval{}

	lastCheckpoint := time.Now()
	resolve := func(r nodeResult) {
		st := states[r.id]
		st.done = true
		resolved++
		res.Nodes[r.id] = r.record
		for id, rec := range kids.take() { // a group's children
			res.Nodes[id] = rec
		}
		if r.paused != nil {
			pending[r.id] = *r.paused
		}
		if r.record.Status == NodeFailed && firstErr == "" {
			firstErr = fmt.Sprintf("node %q: %s", r.id, r.record.Error)
		}
		if st.typ != nil && st.typ.Type == "io.output" && (r.record.Status == NodeExecuted || r.record.Status == NodeReused) {
			res.Outputs[outputName(st.node)] = r.outputs["value"]
		}
		for _, e := range out[r.id] {
			if r.paused != nil {
				// What follows an approval waits for the decision: it stays pending (and
				// runs on resume) instead of being skipped for lack of a value.
				break
			}
			dst := states[e.Target]
			if v, ok := r.outputs[e.SourceHandle]; ok {
				dst.inputs[e.TargetHandle] = v
				dst.connected[e.TargetHandle] = true
				dst.active++
			}
			dst.remaining--
			if dst.remaining == 0 {
				ready = append(ready, e.Target)
			}
		}
		if ex.Checkpoint != nil && time.Since(lastCheckpoint) >= checkpointEvery {
			lastCheckpoint = time.Now()
			ex.checkpoint(ctx, &x, res.Nodes, res.Reused)
		}
		// Progress goes out when the whole percent changes: every node of a small graph, at
		// most 100 events for a large one (the bridge to the window coalesces them further).
		if ex.Emit != nil && total > 0 && (total <= 100 || resolved == total || resolved*100/total != (resolved-1)*100/total) {
			ex.Emit(Event{Type: EventProgress, WorkflowID: x.Run.WorkflowID, RunID: x.Run.ID, Progress: float64(resolved) / float64(total), Done: resolved, Total: total})
		}
	}

	// Reused nodes first, in graph order. One that feeds no node that executes changes nothing
	// the window must follow live: it goes without an event (the run's record has it).
	for _, i := range reused {
		node := &g.Nodes[i]
		id, p := node.ID, x.Plan.at(i, node.ID)
		rec := NodeRecord{Status: NodeReused, Reasons: nonNil(p.Reasons)}
		var outs map[string]any
		if p.Source != nil {
			rec.GenerationID, outs = p.Source.ID, p.Source.Outputs
		}
		switch kept, ok := x.kept[id]; {
		case ok:
			res.Nodes[id] = kept // a resumed run says what it executed before it paused
		case len(rec.Reasons) == 0:
			res.Reused = append(res.Reused, ReusedNode{NodeID: id, GenerationID: rec.GenerationID})
		default:
			res.Nodes[id] = rec
		}
		resolved++
		if node.Type == "io.output" {
			res.Outputs[outputName(node)] = outs["value"]
		}
		if fs := feeds[i]; len(fs) > 0 {
			ex.emitNode(&x, id, rec, nil)
			for _, e := range fs {
				dst := states[e.Target]
				if v, ok := outs[e.SourceHandle]; ok {
					dst.inputs[e.TargetHandle] = v
					dst.connected[e.TargetHandle] = true
					dst.active++
				}
			}
		}
	}

	for resolved < total {
		for len(ready) > 0 {
			id := ready[0]
			ready = ready[1:]
			st := states[id]
			if st.done {
				continue
			}
			switch {
			case ctx.Err() != nil:
				resolve(nodeResult{id: id, record: NodeRecord{Status: NodeCancelled, Reasons: st.plan.Reasons}})
			case st.incoming > 0 && st.active == 0:
				resolve(ex.skip(&x, st))
			case running == 0 && len(ready) == 0:
				// The only node that can run: the owner would just wait for it, so it runs
				// here, saving a goroutine and two hand-offs per node of a chain.
				resolve(ex.work(ctx, &x, st))
			default:
				running++
				go func(st *nodeState) { results <- ex.work(ctx, &x, st) }(st)
			}
		}
		if resolved >= total {
			break
		}
		if running == 0 {
			break // nothing can proceed (a paused branch holds the rest)
		}
		r := <-results
		running--
		resolve(r)
	}
	// Nodes never reached (downstream of a paused approval) stay pending.
	for _, id := range order {
		if !states[id].done {
			status := NodePending
			if ctx.Err() != nil {
				status = NodeCancelled
			}
			res.Nodes[id] = NodeRecord{Status: status, Reasons: states[id].plan.Reasons}
		}
	}
	for id, rec := range x.kept {
		if cur, ok := res.Nodes[id]; ok && (cur.Status == NodeReused || cur.Status == NodeUntouched) {
			res.Nodes[id] = rec
		}
	}
	if len(pending) > 0 || len(x.Approvals) > 0 {
		res.Approvals = map[string]Approval{}
		for id, a := range x.Approvals {
			res.Approvals[id] = a
		}
		for id, a := range pending {
			res.Approvals[id] = a
		}
	}
	if ex.Committer != nil {
		if err := ex.Committer.Sync(context.WithoutCancel(ctx), x.Run.ID); err != nil && firstErr == "" {
			firstErr = "saving results: " + err.Error()
		}
	}
	switch {
	case ctx.Err() != nil:
		res.Status = RunCancelled
		res.Error = "cancelled"
	case firstErr != "":
		res.Status = RunFailed
		res.Error = firstErr
	case len(pending) > 0:
		res.Status = RunPaused
	}
	return res
}

// outputName is the name an io.output node gives its value in the run's outputs.
func outputName(n *Node) string {
	if name := ToText(n.Params["name"]); name != "" {
		return name
	}
	return n.ID
}

func (ex *Executor) checkpoint(ctx context.Context, x *Execution, nodes map[string]NodeRecord, reused []ReusedNode) {
	if ex.Committer != nil {
		if err := ex.Committer.Sync(context.WithoutCancel(ctx), x.Run.ID); err != nil {
			return
		}
	}
	cp := make(map[string]NodeRecord, len(nodes))
	for k, v := range nodes {
		cp[k] = v
	}
	ex.Checkpoint(cp, reused)
}

func (ex *Executor) skip(x *Execution, st *nodeState) nodeResult {
	rec := NodeRecord{Status: NodeSkipped, Reasons: nonNil(st.plan.Reasons)}
	ex.emitNode(x, st.node.ID, rec, nil)
	return nodeResult{id: st.node.ID, record: rec}
}

func (ex *Executor) emitNode(x *Execution, nodeID string, rec NodeRecord, outputs map[string]any) {
	if ex.Emit == nil {
		return
	}
	ex.Emit(nodeEvent(x.Run, nodeID, rec, outputs))
}

func nodeEvent(r Run, nodeID string, rec NodeRecord, outputs map[string]any) Event {
	return Event{Type: EventNode, WorkflowID: r.WorkflowID, RunID: r.ID, NodeID: nodeID, Status: string(rec.Status),
		GenerationID: rec.GenerationID, DurationMS: rec.DurationMS, Reasons: rec.Reasons, Error: rec.Error, Preview: Preview(outputs)}
}

// Preview is a short text of a node's outputs for the canvas.
func Preview(outputs map[string]any) string {
	if len(outputs) == 0 {
		return ""
	}
	var v any = outputs
	if len(outputs) == 1 {
		for _, only := range outputs {
			v = only
		}
	}
	s := ToText(v)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// work executes one node and returns what it did. It runs on a worker goroutine, or on the
// owner's when nothing else can run. It reads st without a copy: a ready node's inputs are
// final (every edge into it has resolved), so the owner no longer writes them.
func (ex *Executor) work(ctx context.Context, x *Execution, st *nodeState) nodeResult {
	id := st.node.ID
	rec := NodeRecord{Reasons: nonNil(append([]string(nil), st.plan.Reasons...))}

	params, err := ResolveNodeParams(st.typ, st.node.Params, x.Run.Inputs)
	if err != nil {
		rec.Status, rec.Error = NodeFailed, err.Error()
		ex.emitNode(x, id, rec, nil)
		return nodeResult{id: id, record: rec}
	}
	configHash := ConfigHash(st.typ, NodeConfig(st.typ, *st.node, params, x.Run.Inputs, x.Version.Graph, ""))
	fp := InputFingerprint(configHash, st.inputs, st.connected)

	if cur, ok := x.Current[id]; ok && cutoffEligible(st.plan.Reasons) && cur.Status == GenCompleted &&
		cur.InputFingerprint == fp && st.typ.IsDeterministic(params) {
		rec.Status = NodeReused
		rec.Reasons = append(rec.Reasons, ReasonInputsUnchanged)
		rec.GenerationID = cur.ID
		ex.emitNode(x, id, rec, nil)
		return nodeResult{id: id, outputs: cur.Outputs, record: rec}
	}

	if ex.Emit != nil {
		ex.Emit(Event{Type: EventNode, WorkflowID: x.Run.WorkflowID, RunID: x.Run.ID, NodeID: id, Status: string(NodeRunning), Reasons: rec.Reasons})
	}
	in := &NodeInput{NodeID: id, RunID: x.Run.ID, WorkflowID: x.Run.WorkflowID, Params: params, RawParams: st.node.Params, Inputs: st.inputs,
		Connected: st.connected, FlowInputs: x.Run.Inputs, Declared: x.Version.Graph.Inputs, Assets: ex.Assets,
		Limits: ex.Limits, Providers: ex.Providers, Settings: ex.Settings}
	if a, ok := x.Approvals[id]; ok {
		in.Approval = &a
	}
	in.Body = st.body
	if ex.Emit != nil {
		in.progress = func(p float64) {
			ex.Emit(Event{Type: EventProgress, WorkflowID: x.Run.WorkflowID, RunID: x.Run.ID, NodeID: id, Progress: p})
		}
		in.stream = func(s string) {
			ex.Emit(Event{Type: EventStream, WorkflowID: x.Run.WorkflowID, RunID: x.Run.ID, NodeID: id, Text: s})
		}
		in.log = func(s string) {
			ex.Emit(Event{Type: EventLog, WorkflowID: x.Run.WorkflowID, RunID: x.Run.ID, NodeID: id, Text: s})
		}
	}
	now := time.Now
	if ex.Now != nil {
		now = ex.Now
	}
	start := time.Now()
	outs, runErr := safeRun(ctx, st.typ.Run, in)
	rec.DurationMS = time.Since(start).Milliseconds()

	if errors.Is(runErr, ErrPause) {
		rec.Status = NodePaused
		msg := in.String("message", "Approve to continue")
		ex.emitNode(x, id, rec, nil)
		return nodeResult{id: id, record: rec, paused: &Approval{Message: msg, Value: in.Inputs["value"]}}
	}
	if runErr != nil && ctx.Err() != nil {
		rec.Status, rec.Error = NodeCancelled, "cancelled"
		ex.emitNode(x, id, rec, nil)
		return nodeResult{id: id, record: rec}
	}
	if runErr == nil {
		outs, runErr = NormalizeOutputs(outs)
	}
	gen := Generation{ID: ex.newID(), WorkflowID: x.Run.WorkflowID, NodeID: id, RunID: x.Run.ID, VersionID: x.Run.VersionID,
		VersionLabel: x.Run.VersionLabel, RunLabel: x.Run.Label, DurationMS: rec.DurationMS, Cost: in.Cost,
		ConfigHash: configHash, InputFingerprint: fp, CreatedAt: now().UTC()}
	if runErr != nil {
		gen.Status, gen.Error, gen.Outputs = GenFailed, runErr.Error(), map[string]any{}
		rec.Status, rec.Error = NodeFailed, runErr.Error()
		outs = nil
	} else {
		gen.Status, gen.Outputs = GenCompleted, outs
		rec.Status = NodeExecuted
	}
	rec.GenerationID = gen.ID
	ev := nodeEvent(x.Run, id, rec, outs)
	if ex.Committer != nil {
		ex.Committer.Commit(gen, ev)
	} else if ex.Emit != nil {
		ex.Emit(ev)
	}
	return nodeResult{id: id, outputs: outs, record: rec, gen: &gen}
}

func (ex *Executor) newID() string {
	if ex.NewID != nil {
		return ex.NewID()
	}
	return NewID()
}

// safeRun calls a node and turns a panic into an error that names it.
func safeRun(ctx context.Context, fn RunFunc, in *NodeInput) (outs map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("node panicked: %v", r)
			panicLog(in, r, debug.Stack())
		}
	}()
	return fn(ctx, in)
}

// panicLog keeps the stack of a recovered panic in the run's log, where a developer finds it.
func panicLog(in *NodeInput, r any, stack []byte) {
	if len(stack) > 2000 {
		stack = stack[:2000]
	}
	in.Log(fmt.Sprintf("panic: %v\n%s", r, stack))
}
