package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
	// An error stops the run, failed with it: it would go on with nothing to resume from.
	Checkpoint func(nodes map[string]NodeRecord, reused []ReusedNode) error
	// EncodeSnapshot, when set, encodes the run's final snapshot for the store ahead of its
	// end record (Snapshot.Encoded): Execute has it done while it waits for the last
	// generations to be committed.
	EncodeSnapshot func(Snapshot) any
	// Limits bound what a node may make the process hold; the zero value means the defaults.
	Limits Limits
	// Providers resolves the providers nodes name (SPEC §12).
	Providers *Providers
	// Settings are handed to nodes (tool paths); nil means none are set.
	Settings SettingReader
	// Shared, when set, executes a deterministic node once for every run about to execute it
	// with the same input fingerprint at the same time (SPEC §14); nil: each run executes.
	Shared *SharedWork
	// claims, when set with Shared, shares work with the other processes on the data home.
	claims *workClaims
	// Cache, when set, finds a completed generation with an input fingerprint in any
	// workflow (SPEC §14 cache); nil: no cache.
	Cache func(ctx context.Context, fingerprint string) (*Generation, error)
	// Child runs a flow.subworkflow node's child run (the service's runChild); nil outside a
	// service, where such a node fails saying so.
	Child func(ctx context.Context, c ChildCall) (map[string]any, error)
	// Drained, when set, is called once the run's nodes are all resolved, before Execute
	// waits for the committer to save what they left it (a large run's committer is behind:
	// the service prepares the run's end meanwhile).
	Drained func()
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
	// bodyPrior, for a run from a block, returns a loop body child's completed generations
	// of the run that made its current one, by input fingerprint (early cutoff per item).
	bodyPrior func(ctx context.Context, nodeID string) map[string]*Generation
	// facts are the version graph's plan facts, when the service has them (their index
	// spares working one out).
	facts *graphFacts
	// layout, when set, is the run's layout being worked out while it is queued.
	layout *layoutFuture
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
	// encoded is the snapshot of Nodes, Reused and Approvals as EncodeSnapshot gave it.
	encoded any
}

// nodeState is one node of a scope while it is scheduled.
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
	// cfgHash, when set, is the node's config hash worked out once for every item of a loop.
	cfgHash string
	// known holds the value hashes of up to two input handles, handed over with the values by
	// the node that made them (its generation's memo), so the input fingerprint does not hash
	// them again; other handles are hashed when the fingerprint is made.
	known  [2]handleHash
	nKnown int
}

type nodeResult struct {
	id      string
	outputs map[string]any
	// hashes are the value hashes of outputs when the node worked them out (its new
	// generation's memo), else nil.
	hashes []handleHash
	record NodeRecord
	paused *Approval
}

// scope is one graph the executor schedules: a run's top-level nodes, or a loop group's body
// for one item. Both go through drive and work, so a node runs, records its generation and
// sends its events the same way wherever it sits.
type scope struct {
	states map[string]*nodeState
	order  []string          // node ids in graph order
	out    map[string][]Edge // edges leaving each node to a node of the scope (or to group)
	// group is the loop whose body this is ("" at the top level). Edges to it deliver the
	// body's result for the item; groupIn collects them by handle.
	group   string
	groupIn map[string]any
	// kids collects a body's child records for the run (nil at the top level).
	kids *childRecords
	// prior finds, for early cutoff inside a body, the child's generation of the loop's last
	// run with a given input fingerprint (nil: no cutoff in this body).
	prior func(ctx context.Context, nodeID, fingerprint string) *Generation
}

// Execute runs the graph of one run: ready nodes concurrently until every node in scope is
// resolved, ctx is cancelled, or the run pauses. One goroutine (this one) owns the state;
// workers report on a channel and recover panics into node errors.
//
// Execute is the one way a graph executes. A loop group's body runs, once per item, through
// the same scheduler (drive) and node path (work) inside this run. A node that runs another
// workflow version as a child run (flow.subworkflow) builds that run's Execution and calls
// Execute on its own executor, NodeInput.Executor: the child's nodes then record generations
// and send progress, stream and log events exactly as the parent's, under the child run's id.
func (ex *Executor) Execute(ctx context.Context, x Execution) Result {
	g := x.Version.Graph
	lay := x.layout.take()
	if lay == nil {
		lay = layOut(ex.Registry, &x)
	}
	res, sc, states, reused, feeds := lay.res, lay.sc, lay.sc.states, lay.reused, lay.feeds
	bodies := buildBodies(g)
	kids := &childRecords{} // loop bodies' children, as they execute
	for id, b := range bodies {
		if st := states[id]; st != nil && st.typ != nil && st.typ.Container {
			st.body = ex.bodyRunner(&x, b, bodies, kids)
		}
	}
	total := len(sc.order) + len(reused)
	resolved := 0
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var firstErr string
	// saveErr is a snapshot that could not be saved: the run stops, failed with it.
	var saveErr error
	pending := map[string]Approval{}

	// What the run records of its reused nodes is written once the nodes that execute are
	// done (the executor then waits for the committer), or before a checkpoint saves them.
	recordReused := sync.OnceFunc(func() { ex.recordReused(&x, &res, reused) })
	lastCheckpoint := time.Now()
	onResolve := func(r nodeResult) {
		st := states[r.id]
		resolved++
		res.Nodes[r.id] = r.record
		if len(bodies) > 0 {
			for id, rec := range kids.take() { // a group's children
				res.Nodes[id] = rec
			}
		}
		if r.paused != nil {
			pending[r.id] = *r.paused
		}
		if r.record.Status == NodeFailed && firstErr == "" {
			firstErr = fmt.Sprintf("node %q: %s", r.id, r.record.Error)
		}
		if st.typ != nil && st.typ.RunOutput && (r.record.Status == NodeExecuted || r.record.Status == NodeReused) {
			res.Outputs[outputName(st.node)] = r.outputs["value"]
		}
		if ex.Checkpoint != nil && saveErr == nil && time.Since(lastCheckpoint) >= checkpointEvery {
			lastCheckpoint = time.Now()
			recordReused()
			if saveErr = ex.checkpoint(ctx, &x, res.Nodes, res.Reused); saveErr != nil {
				cancel()
			}
		}
		// Progress goes out when the whole percent changes: every node of a small graph, at
		// most 100 events for a large one (the bridge to the window coalesces them further).
		if ex.Emit != nil && total > 0 && (total <= 100 || resolved == total || resolved*100/total != (resolved-1)*100/total) {
			ex.Emit(Event{Type: EventProgress, WorkflowID: x.Run.WorkflowID, RunID: x.Run.ID, Progress: float64(resolved) / float64(total), Done: resolved, Total: total})
		}
	}

	// Reused nodes that feed a node that executes hand it their outputs first.
	ex.feedReused(&x, reused, feeds, states)
	resolved += len(reused)

	ex.drive(ctx, &x, sc, onResolve)
	recordReused()
	if ex.Drained != nil {
		ex.Drained()
	}

	// Nodes never reached (downstream of a paused approval) stay pending.
	for _, id := range sc.order {
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
	// The run's records are final: the snapshot of its end is encoded while the committer
	// saves what the run left it (a 10,000-node run's takes milliseconds either way).
	var encoded chan any
	if ex.EncodeSnapshot != nil {
		encoded = make(chan any, 1)
		snap := Snapshot{Nodes: res.Nodes, Reused: res.Reused, Approvals: res.Approvals}
		go func() { encoded <- ex.EncodeSnapshot(snap) }()
	}
	if ex.Committer != nil {
		if err := ex.Committer.Sync(context.WithoutCancel(ctx), x.Run.ID); err != nil && firstErr == "" {
			firstErr = "saving results: " + err.Error()
		}
	}
	if encoded != nil {
		res.encoded = <-encoded
	}
	switch {
	case saveErr != nil:
		res.Status = RunFailed
		res.Error = "saving the run's snapshot: " + saveErr.Error()
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

// runLayout is what a run's execution starts from, worked out from its graph and plan alone
// (layOut): the nodes that execute with their states and the edges between them, the reused
// nodes and the edges by which they feed the others, the run's result to fill.
type runLayout struct {
	res    Result
	sc     *scope
	reused []int          // reused nodes' indexes, in graph order
	feeds  map[int][]Edge // a reused node's edges into nodes that execute
}

// layoutFuture is a run's layout worked out ahead, while the run is queued and its slot is
// taken (Service.start); nil: Execute works it out. The first Execute of the run takes it.
type layoutFuture struct {
	ch   chan *runLayout
	once sync.Once
}

// layOutAhead starts working out x's layout, for the Execution it is then set on.
func layOutAhead(reg *Registry, x Execution) *layoutFuture {
	f := &layoutFuture{ch: make(chan *runLayout, 1)}
	go func() { f.ch <- layOut(reg, &x) }()
	return f
}

// take waits for the layout worked out ahead; nil when there is none or it was taken.
func (f *layoutFuture) take() *runLayout {
	if f == nil {
		return nil
	}
	var lay *runLayout
	f.once.Do(func() { lay = <-f.ch })
	return lay
}

// layOut works out x's layout. Nodes that execute get a state; reused ones (a plan's) need
// nothing from upstream, so they only feed their generation on, up front. A run from the end
// of a long chain then costs little more than its rerun part.
func layOut(reg *Registry, x *Execution) *runLayout {
	g := x.Version.Graph
	gi := x.index()
	reuse := 0
	if x.Plan != nil {
		reuse = x.Plan.Reuse
	}
	res := Result{Status: RunCompleted, Nodes: make(map[string]NodeRecord, len(g.Nodes)-reuse), Outputs: map[string]any{}}
	sc := &scope{}
	var stateIdx, reused []int // node indexes, in graph order
	if x.Plan != nil {
		reused = make([]int, 0, reuse)
		res.Reused = make([]ReusedNode, 0, reuse)
	} else {
		stateIdx = make([]int, 0, len(g.Nodes))
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if n.ParentID != "" {
			continue // children of a loop group run inside it
		}
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
		}
		stateIdx = append(stateIdx, i)
	}
	// The nodes that execute get their states from one slab.
	slab := make([]nodeState, len(stateIdx))
	sc.states = make(map[string]*nodeState, len(stateIdx))
	sc.order = make([]string, len(stateIdx))
	states := sc.states
	for k, i := range stateIdx {
		n := &g.Nodes[i]
		pn := PlanNode{Action: ActionRerun}
		if x.Plan != nil {
			pn = *x.Plan.at(i, n.ID)
		}
		t, _ := reg.Get(n.Type)
		st := &slab[k]
		*st = nodeState{node: n, typ: t, plan: pn, inputs: map[string]any{}, connected: map[string]bool{}}
		states[n.ID] = st
		sc.order[k] = n.ID
	}
	sc.out = make(map[string][]Edge, len(states))
	feeds := map[int][]Edge{} // a reused node's edges into nodes that execute
	for _, t := range stateIdx {
		dst := states[g.Nodes[t].ID]
		for _, k := range gi.in(t) {
			e := g.Edges[k]
			dst.wait(e.TargetHandle)
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
			sc.out[e.Source] = append(sc.out[e.Source], e)
			dst.remaining++
			dst.incoming++
		}
	}
	return &runLayout{res: res, sc: sc, reused: reused, feeds: feeds}
}

// feed hands a node the value on one of its input handles: an active edge when the source
// gave that handle a value; hashes are the source's output hashes when it worked them out.
func (st *nodeState) feed(handle string, outs map[string]any, sourceHandle string, hashes []handleHash) {
	v, ok := outs[sourceHandle]
	if !ok {
		return
	}
	st.give(handle, v)
	if st.nKnown == len(st.known) {
		return
	}
	for _, h := range hashes {
		if h.handle == sourceHandle {
			st.known[st.nKnown] = handleHash{handle: handle, hash: h.hash}
			st.nKnown++
			return
		}
	}
}

// handed is the value hash fed with the value on input handle h, or "".
func (st *nodeState) handed(h string) string {
	for _, x := range st.known[:st.nKnown] {
		if x.handle == h {
			return x.hash
		}
	}
	return ""
}

// fingerprint is InputFingerprint(configHash, st.inputs, st.connected), with the value hashes
// handed over by feed taken as they are.
func (st *nodeState) fingerprint(configHash string) string {
	if st.nKnown == 0 {
		return InputFingerprint(configHash, st.inputs, st.connected)
	}
	var space [4]handleHash
	hashes := space[:0]
	for k, v := range st.inputs {
		if !st.connected[k] {
			continue
		}
		h := handleHash{handle: k, hash: st.handed(k)}
		if h.hash == "" {
			h.hash = HashValue(v)
		}
		hashes = append(hashes, h)
	}
	return fingerprintOf(configHash, hashes)
}

// wait marks an input handle connected by an edge: nil until (unless) a value arrives.
func (st *nodeState) wait(handle string) {
	if _, ok := st.inputs[handle]; !ok {
		st.inputs[handle] = nil
	}
}

// give puts v on one of the node's input handles, an active edge.
func (st *nodeState) give(handle string, v any) {
	st.inputs[handle] = v
	st.connected[handle] = true
	st.active++
}

// drive executes a scope's nodes as their inputs become ready, concurrently, until each is
// resolved or nothing can proceed (a paused branch holds the rest). onResolve sees every
// result on this goroutine before its values flow on; values on edges to sc.group land in
// sc.groupIn.
func (ex *Executor) drive(ctx context.Context, x *Execution, sc *scope, onResolve func(nodeResult)) {
	var results chan nodeResult // made when a node first runs on a worker (a loop body's item seldom needs one)
	running, left := 0, len(sc.order)
	var ready []string
	for _, id := range sc.order {
		if sc.states[id].remaining == 0 {
			ready = append(ready, id)
		}
	}
	resolve := func(r nodeResult) {
		sc.states[r.id].done = true
		left--
		onResolve(r)
		if r.paused != nil {
			// What follows an approval waits for the decision: it stays pending (and runs on
			// resume) instead of being skipped for lack of a value.
			return
		}
		for _, e := range sc.out[r.id] {
			if e.Target == sc.group && sc.group != "" {
				if v, ok := r.outputs[e.SourceHandle]; ok {
					sc.groupIn[e.TargetHandle] = v
				}
				continue
			}
			dst := sc.states[e.Target]
			dst.feed(e.TargetHandle, r.outputs, e.SourceHandle, r.hashes)
			dst.remaining--
			if dst.remaining == 0 {
				ready = append(ready, e.Target)
			}
		}
	}
	for left > 0 {
		for len(ready) > 0 {
			id := ready[0]
			if len(ready) == 1 {
				ready = ready[:0] // emptied: the next append reuses the array from its start
			} else {
				ready = ready[1:]
			}
			st := sc.states[id]
			if st.done {
				continue
			}
			switch {
			case ctx.Err() != nil:
				resolve(ex.cancelled(x, sc, st))
			case st.incoming > 0 && st.active == 0:
				resolve(ex.skip(x, sc, st))
			case running == 0 && len(ready) == 0:
				// The only node that can run: the owner would just wait for it, so it runs
				// here, saving a goroutine and two hand-offs per node of a chain.
				resolve(ex.work(ctx, x, sc, st))
			default:
				if results == nil {
					results = make(chan nodeResult, min(64, left))
				}
				running++
				go func(st *nodeState) { results <- ex.work(ctx, x, sc, st) }(st)
			}
		}
		if left == 0 || running == 0 {
			return
		}
		r := <-results
		running--
		resolve(r)
	}
}

// outputName is the name an io.output node gives its value in the run's outputs.
func outputName(n *Node) string {
	if name := ToText(n.Params["name"]); name != "" {
		return name
	}
	return n.ID
}

// checkpoint saves the run's snapshot once the generations it names are committed. A failed
// commit is not the snapshot's error: the run reports it when it ends (Sync there).
func (ex *Executor) checkpoint(ctx context.Context, x *Execution, nodes map[string]NodeRecord, reused []ReusedNode) error {
	if ex.Committer != nil {
		if err := ex.Committer.Sync(context.WithoutCancel(ctx), x.Run.ID); err != nil {
			return nil
		}
	}
	cp := make(map[string]NodeRecord, len(nodes))
	for k, v := range nodes {
		cp[k] = v
	}
	return ex.Checkpoint(cp, reused)
}
