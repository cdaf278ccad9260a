package engine_test

import (
	"context"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// TestOpenForEditingWarmsDraftBase: opening a large workflow for editing, in a process that
// did not save it, works out the pieces of the version the editor edits from in the
// background, found valid, so that the first edited draft is checked from them, and reads
// what its first run reads (warmForRuns); a small workflow's are left to be worked out when
// needed.
func TestOpenForEditingWarmsDraftBase(t *testing.T) {
	ctx := context.Background()
	reg := libRegistry(t)
	st := memstore.New()
	open := func() *engine.Service {
		svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: 1})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	for _, size := range []int{300, 3} {
		g := bigChain(size)
		saver := open()
		wf := importGraph(t, saver, "chain", g).WorkflowID
		completedRun(t, saver, engine.RunRequest{Workflow: wf}) // a state record to read
		saver.Close()
		svc := open()
		e, err := svc.OpenForEditing(ctx, wf)
		if err != nil {
			t.Fatal(err)
		}
		held, valid := svc.DraftBaseHeld(e.Current.ID)
		state, facts, cache := svc.WarmedForRuns(wf, e.Current.ID)
		if size < 256 {
			if held || state || facts || cache {
				t.Errorf("%d nodes: worked out ahead: pieces %v, state %v, facts %v, cache %v", size, held, state, facts, cache)
			}
			svc.Close()
			continue
		}
		if !held || !valid {
			t.Fatalf("%d nodes: pieces of the version opened held %v, valid %v", size, held, valid)
		}
		// what its first run reads: the state, the facts, the cache's index
		if !state || !facts || !cache {
			t.Errorf("%d nodes: not warmed for the first run: state %v, facts %v, cache %v", size, state, facts, cache)
		}
		edited := cloneGraph(g)
		edited.Nodes[size/2].Params = map[string]any{"expression": "a + 7"}
		if !svc.DraftCheckedFast(wf, e.Current.ID, edited) {
			t.Error("the first edit is not checked from the pieces")
		}
		svc.Close()
	}
}
