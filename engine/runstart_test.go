package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/storage"
)

// draftGraph is a valid graph of the test registry: a constant k into an output, with a
// declared integer input n.
func draftGraph(k any) engine.Graph {
	return engine.Graph{
		Inputs: []engine.InputDecl{{Name: "n", Type: engine.TypeInteger, Default: int64(1)}},
		Nodes:  []engine.Node{node("c", "t.const", map[string]any{"value": k}), node("out", "io.output", map[string]any{"name": "r"})},
		Edges:  []engine.Edge{edge("c", "out", "out", "value")},
	}
}

// draftWorkflow imports draftGraph(1) as v1 of a workflow of svc.
func draftWorkflow(t *testing.T, svc *engine.Service) engine.ImportResult {
	t.Helper()
	return importGraph(t, svc, "Drafted", draftGraph(int64(1)))
}

// draftStores are the stores a draft's run is tested on: memstore, and SQLite, which prepares
// the draft's version while the draft is validated and its run planned, and writes it after
// (engine.VersionPreparer).
var draftStores = []string{"memstore", "sqlite"}

// draftService is a service of reg on a new store of the kind named.
func draftService(t *testing.T, reg *engine.Registry, store string) *engine.Service {
	t.Helper()
	if store == "memstore" {
		return newService(t, reg, 4)
	}
	st, err := storage.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		st.Close()
	})
	return svc
}

func versionsOf(t *testing.T, svc *engine.Service, wf string) []engine.Version {
	t.Helper()
	_, vs, err := svc.Versions(context.Background(), wf)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func runsOf(t *testing.T, svc *engine.Service, wf string) []engine.Run {
	t.Helper()
	rs, err := svc.Runs(context.Background(), wf, 100)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func hasDraft(t *testing.T, svc *engine.Service, wf string) bool {
	t.Helper()
	_, _, ok, err := svc.Draft(context.Background(), wf)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestRunDraftSavesAChangedDraftOnce (SPEC §4): running an edited draft saves it as a new
// current version first and drops it as a draft; running it again, or running a graph equal
// to a version, saves nothing and keeps the draft.
func TestRunDraftSavesAChangedDraftOnce(t *testing.T) {
	t.Parallel()
	for _, store := range draftStores {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			reg, _ := testRegistry(t)
			svc := draftService(t, reg, store)
			imp := draftWorkflow(t, svc)
			g := draftGraph(int64(2))
			if err := svc.SaveDraft(ctx, imp.WorkflowID, g, imp.VersionID); err != nil {
				t.Fatal(err)
			}
			st, err := svc.RunDraft(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Draft: &g, Inputs: map[string]any{"n": "3"}})
			if err != nil {
				t.Fatal(err)
			}
			if st.Saved.Label != "v2" || st.Saved.Notes != "saved automatically to run the edited draft" || len(st.Runs) != 1 {
				t.Fatalf("started = %+v, want one run and the draft saved as v2", st)
			}
			r := st.Runs[0]
			if r.VersionID != st.Saved.ID || r.VersionLabel != "v2" || r.Inputs["n"] != int64(3) {
				t.Errorf("run = %s %s %v, want v2 with n=3", r.VersionID, r.VersionLabel, r.Inputs)
			}
			if done, err := svc.Wait(ctx, r.ID); err != nil || done.Status != engine.RunCompleted || done.Outputs["r"] != int64(2) {
				t.Fatalf("run ended %v %v (%v), want completed with r=2", done.Status, done.Outputs, err)
			}
			if hasDraft(t, svc, imp.WorkflowID) {
				t.Error("the draft saved as v2 is still a draft")
			}
			if w, _ := svc.ResolveWorkflow(ctx, imp.WorkflowID); w.CurrentVersionID != st.Saved.ID {
				t.Error("v2 is not current")
			}
			// The same graph again, and then v1's graph as a draft: no new version, the draft stays.
			for _, k := range []int64{2, 1} {
				g := draftGraph(k)
				if err := svc.SaveDraft(ctx, imp.WorkflowID, g, ""); err != nil {
					t.Fatal(err)
				}
				st, err := svc.RunDraft(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Draft: &g})
				if err != nil {
					t.Fatal(err)
				}
				want := map[int64]string{1: "v1", 2: "v2"}[k]
				if st.Saved.ID != "" || st.Runs[0].VersionLabel != want {
					t.Errorf("k=%d: saved %q, ran %s; want nothing saved and %s run", k, st.Saved.Label, st.Runs[0].VersionLabel, want)
				}
				if !hasDraft(t, svc, imp.WorkflowID) {
					t.Errorf("k=%d: a draft equal to a version was dropped", k)
				}
			}
			if vs := versionsOf(t, svc, imp.WorkflowID); len(vs) != 2 {
				t.Errorf("%d versions, want 2", len(vs))
			}
		})
	}
}

// TestRunDraftRefusalsWriteNothing: a draft that cannot be a version, inputs it refuses or a
// block it lacks refuse the run, naming the problem; no version, no run, the draft stays.
func TestRunDraftRefusalsWriteNothing(t *testing.T) {
	t.Parallel()
	for _, store := range draftStores {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			reg, _ := testRegistry(t)
			svc := draftService(t, reg, store)
			imp := draftWorkflow(t, svc)
			bad := draftGraph(int64(2))
			bad.Nodes = append(bad.Nodes, node("x", "no.such.type", nil))
			good := draftGraph(int64(2))
			for _, c := range []struct {
				name string
				req  engine.RunRequest
				want string
			}{
				{"invalid graph", engine.RunRequest{Draft: &bad}, `node "x"`},
				{"refused input", engine.RunRequest{Draft: &good, Inputs: map[string]any{"n": "1.5"}}, `input "n"`},
				{"unknown input", engine.RunRequest{Draft: &good, Inputs: map[string]any{"m": "1"}}, `"m"`},
				{"missing block", engine.RunRequest{Draft: &good, From: "nope"}, `no node "nope"`},
			} {
				if err := svc.SaveDraft(ctx, imp.WorkflowID, *c.req.Draft, ""); err != nil {
					t.Fatal(err)
				}
				c.req.Workflow = imp.WorkflowID
				_, err := svc.RunDraft(ctx, c.req)
				if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: err = %v, want ErrInvalid naming %s", c.name, err, c.want)
				}
				if vs := versionsOf(t, svc, imp.WorkflowID); len(vs) != 1 {
					t.Errorf("%s: %d versions after a refused run, want 1", c.name, len(vs))
				}
				if !hasDraft(t, svc, imp.WorkflowID) {
					t.Errorf("%s: the draft was dropped", c.name)
				}
			}
			if rs := runsOf(t, svc, imp.WorkflowID); len(rs) != 0 {
				t.Errorf("%d runs after refusals, want none", len(rs))
			}
		})
	}
}

// TestStartBatchOfADraft: a batch of an edited draft saves it once, queues every run on that
// version labelled by what differs; a refused run refuses the whole batch, naming it, and
// writes nothing.
func TestStartBatchOfADraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	imp := draftWorkflow(t, svc)
	g := draftGraph(int64(5))
	_, err := svc.StartBatch(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Draft: &g},
		[]map[string]any{{"n": "1"}, {"n": "oops"}, {"n": "3"}})
	var be *engine.BatchError
	if !errors.As(err, &be) || be.Index != 1 || !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "run 2 of the batch") {
		t.Fatalf("err = %v, want a BatchError for the second run", err)
	}
	if vs, rs := versionsOf(t, svc, imp.WorkflowID), runsOf(t, svc, imp.WorkflowID); len(vs) != 1 || len(rs) != 0 {
		t.Fatalf("a refused batch left %d versions and %d runs", len(vs), len(rs))
	}
	st, err := svc.StartBatch(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Draft: &g},
		[]map[string]any{{"n": "1"}, {"n": "2"}, {"n": "3"}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Saved.Label != "v2" || len(st.Runs) != 3 {
		t.Fatalf("started %d runs, saved %q; want 3 on v2", len(st.Runs), st.Saved.Label)
	}
	labels := map[string]bool{}
	for i, r := range st.Runs {
		if r.VersionID != st.Saved.ID {
			t.Errorf("run %d is on %s, want v2", i, r.VersionLabel)
		}
		labels[r.Label] = true
		if done, err := svc.Wait(ctx, r.ID); err != nil || done.Status != engine.RunCompleted {
			t.Errorf("run %d ended %v (%v)", i, done.Status, err)
		}
	}
	if len(labels) != 3 || !labels["n=2"] {
		t.Errorf("labels %v, want one per n (n=1, n=2, n=3)", labels)
	}
	if vs := versionsOf(t, svc, imp.WorkflowID); len(vs) != 2 {
		t.Errorf("%d versions, want 2", len(vs))
	}
	// A batch without a draft runs the named version; an empty batch or one from a block is refused.
	if st, err := svc.StartBatch(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Version: "v1"}, []map[string]any{{}}); err != nil ||
		st.Saved.ID != "" || st.Runs[0].VersionLabel != "v1" {
		t.Errorf("batch of v1: %+v, %v", st, err)
	}
	for _, req := range []engine.RunRequest{{Workflow: imp.WorkflowID}, {Workflow: imp.WorkflowID, From: "c"}} {
		sets := []map[string]any{{}}
		if req.From == "" {
			sets = nil
		}
		if _, err := svc.StartBatch(ctx, req, sets); !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("batch %+v of %d runs: err = %v, want ErrInvalid", req, len(sets), err)
		}
	}
}

// stuckDrafts is a store whose drafts cannot be deleted.
type stuckDrafts struct{ *memstore.Store }

var errStuck = errors.New("the disk refused")

func (stuckDrafts) DeleteDraft(context.Context, string) error { return errStuck }

// TestADraftThatCannotBeDroppedIsReported: when the draft a run (or a version switch) saved
// as a version cannot be dropped, the start says so, naming the version, and queues nothing.
func TestADraftThatCannotBeDroppedIsReported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc, err := engine.NewService(engine.Config{Store: stuckDrafts{memstore.New()}, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	imp := draftWorkflow(t, svc)
	g := draftGraph(int64(2))
	if err := svc.SaveDraft(ctx, imp.WorkflowID, g, ""); err != nil {
		t.Fatal(err)
	}
	st, err := svc.RunDraft(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Draft: &g})
	if !errors.Is(err, errStuck) || !strings.Contains(err.Error(), "v2") {
		t.Fatalf("err = %v, want the failed drop reported, naming v2", err)
	}
	if st.Saved.Label != "v2" || len(st.Runs) != 0 || len(runsOf(t, svc, imp.WorkflowID)) != 0 {
		t.Errorf("started = %+v: want v2 saved and no run queued", st)
	}
	g3 := draftGraph(int64(3))
	if err := svc.SaveDraft(ctx, imp.WorkflowID, g3, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SwitchVersion(ctx, imp.WorkflowID, "v1"); !errors.Is(err, errStuck) {
		t.Errorf("switch: err = %v, want the failed drop reported", err)
	}
	if _, err := svc.CommitDraft(ctx, imp.WorkflowID, draftGraph(int64(4)), "mine"); !errors.Is(err, errStuck) {
		t.Errorf("save version: err = %v, want the failed drop reported", err)
	}
}

// TestSwitchVersionKeepsTheDraft: switching version saves a valid draft that differs from
// every version as a version (notes say so) and drops it; an invalid draft stays the draft;
// a version of another workflow is refused before anything is written.
func TestSwitchVersionKeepsTheDraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 4)
	imp := draftWorkflow(t, svc)
	other := importGraph(t, svc, "Other", draftGraph(int64(9)))
	v2, err := svc.CommitDraft(ctx, imp.WorkflowID, draftGraph(int64(2)), "second")
	if err != nil || v2.Label != "v2" {
		t.Fatalf("commit: %+v %v", v2, err)
	}
	if err := svc.SaveDraft(ctx, imp.WorkflowID, draftGraph(int64(3)), v2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SwitchVersion(ctx, imp.WorkflowID, other.VersionID); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("switch to another workflow's version: err = %v, want ErrNotFound", err)
	}
	if vs := versionsOf(t, svc, imp.WorkflowID); len(vs) != 2 || !hasDraft(t, svc, imp.WorkflowID) {
		t.Fatalf("a refused switch wrote: %d versions, draft kept %v", len(vs), hasDraft(t, svc, imp.WorkflowID))
	}
	v, err := svc.SwitchVersion(ctx, imp.WorkflowID, "v1")
	if err != nil || v.Label != "v1" {
		t.Fatalf("switch: %+v %v", v, err)
	}
	vs := versionsOf(t, svc, imp.WorkflowID)
	if len(vs) != 3 || vs[0].Label != "v3" || vs[0].Notes != "draft saved before switching version" {
		t.Fatalf("versions after the switch: %d, newest %+v", len(vs), vs[0].Label)
	}
	if w, _ := svc.ResolveWorkflow(ctx, imp.WorkflowID); w.CurrentVersionID != imp.VersionID || hasDraft(t, svc, imp.WorkflowID) {
		t.Errorf("after the switch: current %s (want v1), draft kept %v", w.CurrentVersionID, hasDraft(t, svc, imp.WorkflowID))
	}
	bad := draftGraph(int64(4))
	bad.Nodes = append(bad.Nodes, node("x", "no.such.type", nil))
	if err := svc.SaveDraft(ctx, imp.WorkflowID, bad, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SwitchVersion(ctx, imp.WorkflowID, "v2"); err != nil {
		t.Fatal(err)
	}
	if vs := versionsOf(t, svc, imp.WorkflowID); len(vs) != 3 || !hasDraft(t, svc, imp.WorkflowID) {
		t.Errorf("an invalid draft: %d versions (want 3), draft kept %v (want true)", len(vs), hasDraft(t, svc, imp.WorkflowID))
	}
}

// TestSaveVersionKeepsItsFacts: a large version saved (the window's Save version) on SQLite,
// whose store prepares it aside while it is validated, is kept with the plan facts of its
// graph as stored, with its facts file written for the next process; a save refused writes
// neither.
func TestSaveVersionKeepsItsFacts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	home := t.TempDir()
	svc, done := coldService(t, home)
	defer done()
	g := bigChain(300)
	wf := perfImport(t, svc, "chain300", g)
	g.Nodes[150].Params = map[string]any{"expression": "a + 7"}
	v, err := svc.SaveVersion(ctx, wf, g, "edit", "", true)
	if err != nil || v.Label != "v2" {
		t.Fatal(v.Label, err)
	}
	if kept, equal := svc.SavedFactsAreWorkedOut(v); !kept || !equal {
		t.Errorf("v2 kept with facts %v, equal to its graph's as stored %v; want both", kept, equal)
	}
	if _, err := os.Stat(filepath.Join(home, "cache", "versions", v.ID+".facts")); err != nil {
		t.Errorf("v2 has no facts file: %v", err)
	}
	bad := bigChain(300)
	bad.Nodes[7].Type = "no.such"
	if _, err := svc.SaveVersion(ctx, wf, bad, "bad", "", true); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("saving an invalid graph: %v, want ErrInvalid", err)
	}
	if vs := versionsOf(t, svc, wf); len(vs) != 2 {
		t.Errorf("%d versions after a refused save, want 2", len(vs))
	}
	files, _ := filepath.Glob(filepath.Join(home, "cache", "versions", "*.facts"))
	if len(files) != 2 {
		t.Errorf("facts files %v, want v1's (the import's) and v2's", files)
	}
}

// TestRunOfADraftKeepsTheStateRecord: the window's Run of an edited draft in a process that
// did not hold the workflow's state (a window just opened) reads it while the draft is hashed
// and validated, as a run of a version does, so the run's generations join the workflow's
// state record at its end: the next process that plans reads the record alone, nothing since.
func TestRunOfADraftKeepsTheStateRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := libRegistry(t)
	st := sqliteStore(t)
	first := freshService(t, st, reg, 0)
	g := recChain(6)
	imp := importGraph(t, first, "chain", g)
	runAndWait(t, first, engine.RunRequest{Workflow: imp.WorkflowID})
	first.WaitRecords() // as a process that ended: its run's record is written
	for k, changed := range []bool{false, true} {
		g.Nodes[3].Params = map[string]any{"expression": fmt.Sprintf("a + %d", 10*(k+1))}
		opened := freshService(t, st, reg, 0) // holds no state of the workflow
		started, err := opened.RunDraft(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Draft: &g, Changed: changed})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := opened.Wait(ctx, started.Runs[0].ID); err != nil || r.Status != engine.RunCompleted || started.Saved.ID == "" {
			t.Fatalf("changed %v: the draft's run %s (%v)", changed, r.Status, err)
		}
		opened.WaitRecords()
		rec, err := st.StateRecord(ctx, imp.WorkflowID, 1000)
		if err != nil || rec.Data == nil && rec.Text == "" || rec.Now != rec.Epoch || len(rec.Since) != 0 {
			t.Errorf("changed %v: the state record is %d generations behind (epoch %d, now %d; %v), want none",
				changed, len(rec.Since), rec.Epoch, rec.Now, err)
		}
	}
}
