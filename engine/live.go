package engine

import (
	"sort"
	"sync"
	"time"
)

// liveSet tracks node executions of runs still going, keyed workflow:run:node, so a node's
// timeline can show them before their generation lands. A sibling run never touches
// another run's entries.
type liveSet struct {
	mu sync.Mutex
	// nodes holds when each live node started (ms); its Generation is made when asked for
	// (forNode), not for each of a run's nodes as it starts.
	nodes map[liveKey]int64
}

type liveKey struct{ workflow, run, node string }

func newLiveSet() *liveSet { return &liveSet{nodes: map[liveKey]int64{}} }

func (l *liveSet) observe(e Event) {
	if e.Type != EventNode {
		return
	}
	k := liveKey{e.WorkflowID, e.RunID, e.NodeID}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.Status == string(NodeRunning) {
		l.nodes[k] = e.Time
		return
	}
	delete(l.nodes, k) // its persisted form has landed (node events follow the commit)
}

func (l *liveSet) forgetRun(runID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k := range l.nodes {
		if k.run == runID {
			delete(l.nodes, k)
		}
	}
}

// forNode returns the live generations of one node, oldest first.
func (l *liveSet) forNode(workflowID, nodeID string) []Generation {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Generation
	for k, ms := range l.nodes {
		if k.workflow == workflowID && k.node == nodeID {
			out = append(out, Generation{ID: "live:" + k.run + ":" + k.node, WorkflowID: k.workflow, NodeID: k.node,
				RunID: k.run, Status: GenRunning, Outputs: map[string]any{}, CreatedAt: time.UnixMilli(ms).UTC()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out
}
