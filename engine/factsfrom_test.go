package engine_test

import (
	"context"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestDraftVersionsFactsFromTheirBase: the window's Run changed of an edited draft, twice:
// each draft's version is planned with facts made from its parent's (or the draft it was
// saved from), and they are exactly the facts worked out whole from the version as stored.
func TestDraftVersionsFactsFromTheirBase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, done := coldService(t, t.TempDir())
	defer done()
	g := bigChain(300)
	wf := perfImport(t, svc, "chain300", g)
	completedRun(t, svc, engine.RunRequest{Workflow: wf})
	var saved []engine.Version
	for k, expr := range []string{"a + 7", "a * 2"} {
		g.Nodes[100+k*50].Params = map[string]any{"expression": expr}
		draft := g
		st, err := svc.RunDraft(ctx, engine.RunRequest{Workflow: wf, Draft: &draft, Changed: true})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := svc.Wait(ctx, st.Runs[0].ID); err != nil || r.Status != engine.RunCompleted || st.Saved.ID == "" {
			t.Fatal("the edited draft's changed run: ", r.Status, err)
		}
		saved = append(saved, st.Saved)
	}
	for _, v := range saved {
		if based, equal := svc.PlanFactsAreWorkedOut(v); !based || !equal {
			t.Errorf("%s: facts made from a base %v, equal to those worked out %v; want both", v.Label, based, equal)
		}
	}
}
