package engine

// A run's reused nodes (a plan's: a changed run or a run from a block keeps half of a long
// chain) do two things: those that feed a node that executes hand it their generation's
// outputs, and go out as events, before the nodes that execute start (feedReused); and every
// one of them is in the run's record (recordReused). The record is written once the nodes
// that execute are done, while the executor waits for the committer to catch up with them
// (a large run's committer is the slower stage), instead of before the first node executes:
// what a changed run of a 10,000-node chain does for its 5,000 kept nodes is no longer on
// the way to its first execution. A checkpoint of the run's records writes it first.

// reusedRecord is the record of reused node i and the outputs it hands on.
func reusedRecord(x *Execution, i int) (id string, rec NodeRecord, outs map[string]any) {
	node := &x.Version.Graph.Nodes[i]
	p := x.Plan.at(i, node.ID)
	rec = NodeRecord{Status: NodeReused, Reasons: nonNil(p.Reasons)}
	if p.Source != nil {
		rec.GenerationID, outs = p.Source.ID, p.Source.Outputs
	}
	return node.ID, rec, outs
}

// feedReused hands the nodes that execute the outputs of the reused nodes feeding them (in
// graph order), each such reused node's event first. One that feeds no node that executes
// changes nothing the window must follow live: it goes without an event (the run's record
// has it).
func (ex *Executor) feedReused(x *Execution, reused []int, feeds map[int][]Edge, states map[string]*nodeState) {
	for _, i := range reused {
		fs := feeds[i]
		if len(fs) == 0 {
			continue
		}
		id, rec, outs := reusedRecord(x, i)
		ex.emitNode(x, id, rec, nil)
		for _, e := range fs {
			states[e.Target].feed(e.TargetHandle, outs, e.SourceHandle, nil)
		}
	}
}

// recordReused writes the reused nodes into res, in graph order: a resumed run's record of
// what a node executed before the run paused, else the reuse (in Reused when it has nothing
// more to say); and the values of reused run outputs, unless a node that executed gave the
// same output name one (as when the reused ones were written first and the executed ones
// after them).
func (ex *Executor) recordReused(x *Execution, res *Result, reused []int) {
	isOutput := map[string]bool{} // node type → RunOutput, looked up once per type
	var outputs map[string]any    // reused run outputs, the last of a name winning
	for _, i := range reused {
		id, rec, outs := reusedRecord(x, i)
		switch kept, ok := x.kept[id]; {
		case ok:
			res.Nodes[id] = kept // a resumed run says what it executed before it paused
		case len(rec.Reasons) == 0:
			res.Reused = append(res.Reused, ReusedNode{NodeID: id, GenerationID: rec.GenerationID})
		default:
			res.Nodes[id] = rec
		}
		node := &x.Version.Graph.Nodes[i]
		out, ok := isOutput[node.Type]
		if !ok {
			t, _ := ex.Registry.Get(node.Type)
			out = t != nil && t.RunOutput
			isOutput[node.Type] = out
		}
		if out {
			if outputs == nil {
				outputs = map[string]any{}
			}
			outputs[outputName(node)] = outs["value"]
		}
	}
	for name, v := range outputs {
		if _, set := res.Outputs[name]; !set {
			res.Outputs[name] = v
		}
	}
}
