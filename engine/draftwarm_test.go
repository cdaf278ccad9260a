package engine_test

import (
	"context"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// TestOpenForEditingWarmsDraftBase: opening a large workflow for editing, in a process that
// did not save it, works out the pieces of the version the editor edits from in the
// background, found valid, so that the first edited draft is checked from them; a small
// workflow's are left to be worked out whole when needed.
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
		saver.Close()
		svc := open()
		e, err := svc.OpenForEditing(ctx, wf)
		if err != nil {
			t.Fatal(err)
		}
		held, valid := svc.DraftBaseHeld(e.Current.ID)
		if size < 256 {
			if held {
				t.Errorf("%d nodes: pieces worked out ahead", size)
			}
			svc.Close()
			continue
		}
		if !held || !valid {
			t.Fatalf("%d nodes: pieces of the version opened held %v, valid %v", size, held, valid)
		}
		edited := cloneGraph(g)
		edited.Nodes[size/2].Params = map[string]any{"expression": "a + 7"}
		if !svc.DraftCheckedFast(wf, e.Current.ID, edited) {
			t.Error("the first edit is not checked from the pieces")
		}
		svc.Close()
	}
}
