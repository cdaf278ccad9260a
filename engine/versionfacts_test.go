package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/storage"
)

// factsCounter counts a SQLite store's facts file reads (and those that found one) and writes.
type factsCounter struct {
	*storage.Store
	found, saves atomic.Int64
}

func (s *factsCounter) VersionFacts(id string) string {
	d := s.Store.VersionFacts(id)
	if d != "" {
		s.found.Add(1)
	}
	return d
}

func (s *factsCounter) SaveVersionFacts(id string, data []byte) {
	s.saves.Add(1)
	s.Store.SaveVersionFacts(id, data)
}

// TestVersionFactsFile: the first process that plans a version writes its facts file, the next
// ones plan from it without writing, and plan exactly what a process without facts plans; a
// damaged file, or another version's under its name, is not used (the plan is still right)
// and is written again; the file goes with its workflow.
func TestVersionFactsFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := libRegistry(t)
	st := sqliteStore(t)
	fresh := func() (*engine.Service, *factsCounter) {
		c := &factsCounter{Store: st}
		return freshService(t, c, reg, 0), c
	}
	g := recChain(12)
	g.Nodes[4].Params = map[string]any{"expression": "a + inputs.x"} // a node whose config is not static
	a, ca := fresh()
	imp := importGraph(t, a, "chain", g)
	other := importGraph(t, a, "other", recChain(12))
	runAndWait(t, a, engine.RunRequest{Workflow: imp.WorkflowID})
	if r := runAndWait(t, a, engine.RunRequest{Workflow: imp.WorkflowID, From: "n11"}); r.Status != engine.RunCompleted {
		t.Fatalf("run from n11: %s %s", r.Status, r.Error)
	}
	if ca.saves.Load() != 1 || st.VersionFacts(imp.VersionID) == "" {
		t.Fatalf("the first plan wrote %d facts files", ca.saves.Load())
	}
	samePlans := func(step string, svc *engine.Service) {
		t.Helper()
		slow := freshService(t, &noRecords{Store: st}, reg, 0) // no facts: works them out
		for _, from := range []string{"n11", "n3", "in"} {
			got, err := svc.PlanFrom(ctx, imp.WorkflowID, "", from, map[string]any{"x": 7})
			if err != nil {
				t.Fatal(err)
			}
			want, err := slow.PlanFrom(ctx, imp.WorkflowID, "", from, map[string]any{"x": 7})
			if err != nil {
				t.Fatal(err)
			}
			if a, b := planJSON(t, got), planJSON(t, want); a != b {
				t.Fatalf("%s, from %s: plan %s\nwithout facts: %s", step, from, a, b)
			}
		}
	}
	b, cb := fresh()
	samePlans("a fresh process", b)
	if r := runAndWait(t, b, engine.RunRequest{Workflow: imp.WorkflowID, From: "n11"}); r.Status != engine.RunCompleted {
		t.Fatalf("run from n11: %s %s", r.Status, r.Error)
	}
	if cb.found.Load() != 1 || cb.saves.Load() != 0 {
		t.Fatalf("a fresh process read %d facts files, wrote %d; want 1, 0", cb.found.Load(), cb.saves.Load())
	}
	good := []byte(st.VersionFacts(imp.VersionID))
	// Another workflow's version's file under this version's name.
	runAndWait(t, a, engine.RunRequest{Workflow: other.WorkflowID, From: "n11"})
	for name, bad := range map[string][]byte{
		"a byte changed": append(append([]byte(nil), good[:len(good)/2]...), append([]byte{good[len(good)/2] ^ 1}, good[len(good)/2+1:]...)...),
		"cut short":      good[:len(good)-3],
		"another's":      []byte(st.VersionFacts(other.VersionID)),
		"garbage":        []byte("FBfacts1 not really"),
	} {
		if len(bad) == 0 {
			t.Fatalf("%s: no file", name)
		}
		st.SaveVersionFacts(imp.VersionID, bad)
		c, cc := fresh()
		samePlans(name, c) // plans first, then runs: the run's param check writes the file
		runAndWait(t, c, engine.RunRequest{Workflow: imp.WorkflowID, From: "n11"})
		if cc.saves.Load() != 1 {
			t.Fatalf("%s: the file was written %d times, want once again", name, cc.saves.Load())
		}
		d, cd := fresh()
		samePlans(name+", then", d)
		if cd.found.Load() != 1 || cd.saves.Load() != 0 {
			t.Fatalf("%s: the file written again was not taken (read %d, wrote %d)", name, cd.found.Load(), cd.saves.Load())
		}
	}
	if err := a.DeleteWorkflowAnyway(ctx, imp.WorkflowID); err != nil {
		t.Fatal(err)
	}
	if st.VersionFacts(imp.VersionID) != "" {
		t.Fatal("the facts file outlived its workflow")
	}
}

// TestVersionFactsAtSave: a large version's facts file is written when it is imported or
// saved, so a fresh process plans it from the file, and a plan of a later version wired alike
// takes the nodes a full run of the first made with their upstream as fed what they saw
// (madeTogether needs the first version's wiring: no process planned it); the file says the
// version passed its param check (the import validated it), so the first run neither checks
// the params again nor writes the file a second time.
func TestVersionFactsAtSave(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := libRegistry(t)
	st := sqliteStore(t)
	g := recChain(300)
	a := freshService(t, st, reg, 0)
	imp := importGraph(t, a, "chain", g)
	if st.VersionFacts(imp.VersionID) == "" {
		t.Fatal("no facts file after the import")
	}
	small := importGraph(t, a, "small", recChain(12))
	if st.VersionFacts(small.VersionID) != "" {
		t.Fatal("a small version got a facts file at its import")
	}
	if r := runAndWait(t, a, engine.RunRequest{Workflow: imp.WorkflowID}); r.Status != engine.RunCompleted {
		t.Fatalf("full run %s %s", r.Status, r.Error)
	}
	g.Nodes[151].Params = map[string]any{"expression": "a + 1000"} // n150 edited: wired alike
	v2, err := a.SaveVersion(ctx, imp.WorkflowID, g, "edit", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if st.VersionFacts(v2.ID) == "" {
		t.Fatal("no facts file after SaveVersion")
	}
	c := &factsCounter{Store: st}
	b := freshService(t, c, reg, 0)
	check := b.CheckMadeTogether()
	p, err := b.PlanFrom(ctx, imp.WorkflowID, "", "n299", nil)
	if err != nil {
		t.Fatal(err)
	}
	if taken, _ := check(); taken < 100 {
		t.Fatalf("%d nodes made by the full run of the first version taken as fed what they saw, want the chain's", taken)
	}
	if n := p.Nodes["n150"]; n.Action != engine.ActionRerun {
		t.Fatalf("the edited node %s %v", n.Action, n.Reasons)
	}
	if r := runAndWait(t, b, engine.RunRequest{Workflow: imp.WorkflowID, From: "n299"}); r.Status != engine.RunCompleted {
		t.Fatalf("run from n299: %s %s", r.Status, r.Error)
	}
	if c.found.Load() == 0 || c.saves.Load() != 0 {
		t.Fatalf("the fresh process read %d facts files and wrote %d; want some, and none (the import's file has the param check)", c.found.Load(), c.saves.Load())
	}
}
