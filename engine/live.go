package engine

import (
	"sort"
	"sync"
	"time"
)

// liveSet tracks node executions of runs still going, by workflow, run and node, so a node's
// timeline can show them before their generation lands. A sibling run never touches another
// run's entries. Every node of every run passes through it twice (running, then done), so
// the nodes of a run are kept in a map of their own keyed by node id, and the run an event
// is of is most often the one of the event before it.
type liveSet struct {
	mu   sync.Mutex
	runs map[liveRunKey]*liveRun
	last *liveRun // the run of the last event observed (nil: none)
}

type liveRunKey struct{ workflow, run string }

// liveRun is a run's live nodes: when each started (ms); its Generation is made when asked
// for (forNode), not for each of a run's nodes as it starts.
type liveRun struct {
	key   liveRunKey
	nodes map[string]int64
}

func newLiveSet() *liveSet { return &liveSet{runs: map[liveRunKey]*liveRun{}} }

func (l *liveSet) observe(e Event) {
	if e.Type != EventNode {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.last
	if r == nil || r.key.run != e.RunID || r.key.workflow != e.WorkflowID {
		k := liveRunKey{e.WorkflowID, e.RunID}
		if r = l.runs[k]; r == nil {
			if e.Status != string(NodeRunning) {
				return
			}
			r = &liveRun{key: k, nodes: map[string]int64{}}
			l.runs[k] = r
		}
		l.last = r
	}
	if e.Status == string(NodeRunning) {
		r.nodes[e.NodeID] = e.Time
		return
	}
	delete(r.nodes, e.NodeID) // its persisted form has landed (node events follow the commit)
}

func (l *liveSet) forgetRun(runID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, r := range l.runs {
		if k.run == runID {
			delete(l.runs, k)
			if l.last == r {
				l.last = nil
			}
		}
	}
}

// forNode returns the live generations of one node, oldest first.
func (l *liveSet) forNode(workflowID, nodeID string) []Generation {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Generation
	for k, r := range l.runs {
		if ms, ok := r.nodes[nodeID]; ok && k.workflow == workflowID {
			out = append(out, Generation{ID: "live:" + k.run + ":" + nodeID, WorkflowID: k.workflow, NodeID: nodeID,
				RunID: k.run, Status: GenRunning, Outputs: map[string]any{}, CreatedAt: time.UnixMilli(ms).UTC()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out
}
