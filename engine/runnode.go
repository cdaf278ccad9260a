package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// work executes one node of a scope and returns what it did: the one path by which any node
// (top level or inside a loop body) resolves its params, is cut off early, shares another
// run's execution of the same work (SharedWork), runs with its progress, stream and log going
// out as events, and records its generation before its event.
// It runs on a worker goroutine, or on the owner's when nothing else can run. It reads st
// without a copy: a ready node's inputs are final (every edge into it has resolved), so the
// owner no longer writes them.
func (ex *Executor) work(ctx context.Context, x *Execution, sc *scope, st *nodeState) nodeResult {
	// What a run leading a shared execution hands the runs waiting on it (SharedWork).
	var sharedOuts map[string]any
	var sharedOK bool

	id := st.node.ID
	rec := NodeRecord{Reasons: nonNil(append([]string(nil), st.plan.Reasons...))}

	params, err := ResolveNodeParams(st.typ, st.node.Params, x.Run.Inputs)
	if err != nil {
		rec.Status, rec.Error = NodeFailed, err.Error()
		return ex.settle(x, sc, nodeResult{id: id, record: rec}, nil)
	}
	configHash := st.cfgHash
	if configHash == "" {
		configHash = ConfigHash(st.typ, NodeConfig(st.typ, *st.node, params, x.Run.Inputs, x.Version.Graph, ""))
	}
	fp := st.fingerprint(configHash)

	if prior := ex.cutoff(ctx, x, sc, st, fp, params); prior != nil {
		rec.Status = NodeReused
		rec.Reasons = append(rec.Reasons, ReasonInputsUnchanged)
		rec.GenerationID = prior.ID
		return ex.settle(x, sc, nodeResult{id: id, outputs: prior.Outputs, record: rec}, nil)
	}
	if src := ex.cached(ctx, x, sc, st, fp, params); src != nil {
		rec.Status = NodeReused
		rec.Reasons = append(rec.Reasons, ReasonCached)
		rec.GenerationID = src.ID
		// The source's output hashes (its memo, when the process holds it) go downstream with
		// its outputs, as an executed node's do: the nodes it feeds take them for their input
		// fingerprints instead of hashing the values again.
		cp := cachedCopy(x, id, src, ex.newID())
		if cp != nil {
			cp.memo = copyMemo(src)
		}
		return ex.settle(x, sc, nodeResult{id: id, outputs: src.Outputs, hashes: knownOutHashes(src), record: rec}, cp)
	}

	// The running event's time: the node's start, read once for both (0 after a wait for
	// shared work: the bus reads the clock when it is emitted).
	var runningAt int64
	emitRunning := func() {
		if ex.Emit != nil {
			ex.Emit(Event{Type: EventNode, WorkflowID: x.Run.WorkflowID, RunID: x.Run.ID, NodeID: id, Status: string(NodeRunning), Reasons: rec.Reasons, Time: runningAt})
		}
	}
	start := time.Now()
	share := ex.Shared != nil && sharable(st.typ, params)
	if !share {
		runningAt = start.UnixMilli()
	}
	if share {
		shared, lead, err := ex.awaitShared(ctx, fp, WorkClaim{NodeType: st.typ.Type, RunID: x.Run.ID, NodeID: id}, emitRunning)
		switch {
		case err != nil:
			rec.Status, rec.Error = NodeCancelled, "cancelled"
			return ex.settle(x, sc, nodeResult{id: id, record: rec}, nil)
		case lead.f == nil:
			r, gen := ex.sharedResult(x, id, rec, configHash, fp, shared, time.Since(start))
			return ex.settle(x, sc, r, &gen)
		}
		// This run leads: whatever becomes of the execution, the waiting runs hear of it.
		defer func() { lead.land(sharedOuts, sharedOK) }()
	}
	emitRunning()
	in := &NodeInput{NodeID: id, RunID: x.Run.ID, WorkflowID: x.Run.WorkflowID, Params: params, RawParams: st.node.Params, Inputs: st.inputs,
		Connected: st.connected, FlowInputs: x.Run.Inputs, Declared: x.Version.Graph.Inputs, Assets: ex.Assets,
		Limits: ex.Limits, Providers: ex.Providers, Settings: ex.Settings, Body: st.body, exec: ex, emit: ex.Emit}
	if a, ok := x.Approvals[id]; ok {
		decided := a // on the heap only when there is a decision
		in.Approval = &decided
	}
	if st.typ.Subflow && ex.Child != nil {
		in.Child = func(ctx context.Context) (map[string]any, error) {
			return ex.Child(ctx, ChildCall{Parent: x.Run, NodeID: id, Params: params, Inputs: st.inputs, Connected: st.connected, Progress: in.Progress})
		}
	}
	outs, runErr := safeRun(ctx, st.typ.Run, in)
	rec.DurationMS = time.Since(start).Milliseconds()

	if errors.Is(runErr, ErrPause) {
		rec.Status = NodePaused
		msg := in.String("message", "Approve to continue")
		return ex.settle(x, sc, nodeResult{id: id, record: rec, paused: &Approval{Message: msg, Value: in.Inputs["value"]}}, nil)
	}
	if runErr != nil && ctx.Err() != nil {
		rec.Status, rec.Error = NodeCancelled, "cancelled"
		return ex.settle(x, sc, nodeResult{id: id, record: rec}, nil)
	}
	if runErr == nil {
		outs, runErr = NormalizeOutputs(outs)
	}
	if runErr == nil {
		sharedOuts, sharedOK = outs, true
	}
	gen := Generation{ID: ex.newID(), WorkflowID: x.Run.WorkflowID, NodeID: id, RunID: x.Run.ID, VersionID: x.Run.VersionID,
		VersionLabel: x.Run.VersionLabel, RunLabel: x.Run.Label, DurationMS: rec.DurationMS, Cost: in.Cost,
		ConfigHash: configHash, InputFingerprint: fp}
	if runErr != nil {
		gen.Status, gen.Error, gen.Outputs = GenFailed, runErr.Error(), map[string]any{}
		rec.Status, rec.Error = NodeFailed, runErr.Error()
		outs = nil
	} else {
		gen.Status, gen.Outputs = GenCompleted, outs
		rec.Status = NodeExecuted
	}
	rec.GenerationID = gen.ID
	// The outputs' hashes, worked out once here: the nodes they feed take them for their input
	// fingerprints, and the generation keeps them in its memo (the current state held in
	// memory does not hash them again when the generation lands).
	rememberHashed(&gen)
	return ex.settle(x, sc, nodeResult{id: id, outputs: outs, hashes: gen.memo.outHash, record: rec}, &gen)
}

// sharedResult records, as this run's own generation, the outputs another run's execution of
// the same node with the same input fingerprint gave (reason shared).
func (ex *Executor) sharedResult(x *Execution, id string, rec NodeRecord, configHash, fp string, outs map[string]any, took time.Duration) (nodeResult, Generation) {
	gen := Generation{ID: ex.newID(), WorkflowID: x.Run.WorkflowID, NodeID: id, RunID: x.Run.ID, VersionID: x.Run.VersionID,
		VersionLabel: x.Run.VersionLabel, RunLabel: x.Run.Label, Status: GenCompleted, Outputs: outs, DurationMS: took.Milliseconds(),
		ConfigHash: configHash, InputFingerprint: fp}
	rec.Status, rec.GenerationID, rec.DurationMS = NodeExecuted, gen.ID, gen.DurationMS
	rec.Reasons = append(rec.Reasons, ReasonShared)
	return nodeResult{id: id, outputs: outs, record: rec}, gen
}

// cutoff returns the generation a node planned to rerun is reused from because its inputs
// turn out identical (SPEC §7 early cutoff), or nil. At the top level that is the node's
// current generation when it reruns only for what is upstream of it; inside a loop body that
// is rerun for what is upstream of the group (not as the target), the child's generation of
// the loop's last run for the same item inputs.
func (ex *Executor) cutoff(ctx context.Context, x *Execution, sc *scope, st *nodeState, fp string, params map[string]any) *Generation {
	var prior *Generation
	switch {
	case sc.group == "":
		if !cutoffEligible(st.plan.Reasons) {
			return nil
		}
		// A plan BuildPlan made names the generation it read for the node: the same one as
		// x.Current holds (the plan was made from that state), without a lookup in a map of
		// every node.
		prior = st.plan.prior
		if prior != nil && st.plan.priorFP != fp {
			return nil
		}
		if prior == nil {
			prior = x.Current[st.node.ID]
		}
	case sc.prior != nil:
		prior = sc.prior(ctx, st.node.ID, fp)
	}
	if prior == nil || prior.Status != GenCompleted || prior.InputFingerprint != fp || !st.typ.IsDeterministic(params) {
		return nil
	}
	return prior.withOutputs(ctx) // a plan's partial generation (staterecord.go) loads its outputs now
}

// settle records what a node did and sends its event: a generation is stamped, committed and
// only then announced; inside a loop body the child's record for the run is taken under the
// body's lock, so the latest recorded generation is the one the store makes current. gen is
// the node's new generation, or nil.
func (ex *Executor) settle(x *Execution, sc *scope, r nodeResult, gen *Generation) nodeResult {
	if sc.kids != nil {
		sc.kids.mu.Lock()
		defer sc.kids.mu.Unlock()
		sc.kids.record(r.id, r.record)
	}
	if gen == nil {
		ex.emitNode(x, r.id, r.record, nil)
		return r
	}
	now := time.Now
	if ex.Now != nil {
		now = ex.Now
	}
	gen.CreatedAt = now().UTC()
	ev := nodeEvent(x.Run, r.id, r.record, r.outputs)
	if ex.Committer != nil {
		ex.Committer.Commit(*gen, ev)
	} else if ex.Emit != nil {
		ex.Emit(ev)
	}
	return r
}

// skip resolves a node reachable only through inactive branches.
func (ex *Executor) skip(x *Execution, sc *scope, st *nodeState) nodeResult {
	return ex.settle(x, sc, nodeResult{id: st.node.ID, record: NodeRecord{Status: NodeSkipped, Reasons: nonNil(st.plan.Reasons)}}, nil)
}

// cancelled resolves a node the run was cancelled before it could start. At the top level
// it goes without an event (the run's end says it); a body's child keeps the record of what
// it did for an earlier item.
func (ex *Executor) cancelled(x *Execution, sc *scope, st *nodeState) nodeResult {
	r := nodeResult{id: st.node.ID, record: NodeRecord{Status: NodeCancelled, Reasons: st.plan.Reasons}}
	if sc.kids != nil {
		sc.kids.mu.Lock()
		sc.kids.record(r.id, r.record)
		sc.kids.mu.Unlock()
	}
	return r
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
