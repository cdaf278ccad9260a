package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/storage"
)

// noRecords is a store that keeps no state record: a service on it always plans from the
// store's CurrentGenerations (the slow path the record must agree with).
type noRecords struct {
	engine.Store
	reads int
}

func (s *noRecords) StateRecord(ctx context.Context, workflowID string, maxSince int64) (engine.StateRecord, error) {
	s.reads++
	return engine.StateRecord{}, nil
}

func (s *noRecords) SaveStateRecord(context.Context, string, int64, []byte) (bool, error) {
	return false, nil
}

// recordCounter counts the state-record reads that found a record, and the whole-state reads;
// it passes a SQLite store's version facts files on (counting those found).
type recordCounter struct {
	engine.Store
	records, wholes int
	facts           atomic.Int64
}

func (s *recordCounter) VersionFacts(id string) string {
	if fs, ok := s.Store.(engine.VersionFactsStore); ok {
		d := fs.VersionFacts(id)
		if d != "" {
			s.facts.Add(1)
		}
		return d
	}
	return ""
}

func (s *recordCounter) SaveVersionFacts(id string, data []byte) {
	if fs, ok := s.Store.(engine.VersionFactsStore); ok {
		fs.SaveVersionFacts(id, data)
	}
}

func (s *recordCounter) StateRecord(ctx context.Context, workflowID string, maxSince int64) (engine.StateRecord, error) {
	r, err := s.Store.StateRecord(ctx, workflowID, maxSince)
	if (r.Data != nil || r.Text != "") && r.SinceRead && r.Now-r.Epoch == int64(len(r.Since)) {
		s.records++
	}
	return r, err
}

func (s *recordCounter) CurrentGenerations(ctx context.Context, workflowID string) (engine.CurrentState, error) {
	s.wholes++
	return s.Store.CurrentGenerations(ctx, workflowID)
}

func freshService(t *testing.T, store engine.Store, reg *engine.Registry, slack int64) *engine.Service {
	t.Helper()
	svc := cacheService(t, store, reg)
	svc.SetStateRecordSlack(slack)
	check := svc.CheckMadeTogether()
	t.Cleanup(func() {
		taken, contradicted := check()
		madeTogetherTaken.Add(taken)
		if contradicted > 0 {
			t.Errorf("%d of %d nodes taken as fed what their generation saw (made by one run with their upstream) would see other values", contradicted, taken)
		}
	})
	return svc
}

// madeTogetherTaken counts the nodes fresh services' plans took as fed what their generation
// saw without working its fingerprint out (each checked against it).
var madeTogetherTaken atomic.Int64

// planJSON is what a plan says, for comparing plans.
func planJSON(t *testing.T, p engine.Plan) string {
	t.Helper()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestPropertyStateRecordPlansAsWholeState: over random graphs and edits (the run-from-block
// property's), with runs from a block, changed runs, selections and deletions made by
// "processes" (fresh services) in turn, a fresh service planning from the state record plans
// exactly what one planning from the whole state (and without version facts files) does
// (every node's action, reasons and source generation, cache and cutoff previews included),
// and a run it starts gives the values a full run gives. Every fifth graph is on SQLite,
// where the fresh services also plan from the facts files earlier ones wrote. The slack is 0
// or the default, so records are rewritten at once or read with the generations written
// after them.
func TestPropertyStateRecordPlansAsWholeState(t *testing.T) {
	t.Parallel()
	reg := libRegistry(t)
	graphs := 80
	if testing.Short() {
		graphs = 20
	}
	t.Cleanup(func() { // after every graph's subtest
		if madeTogetherTaken.Load() == 0 {
			t.Error("no plan took a node as made with its upstream by one run")
		}
	})
	for i := range graphs {
		seed := int64(20261206 + i)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			checkStateRecordProperty(t, reg, seed)
		})
	}
}

func checkStateRecordProperty(t *testing.T, reg *engine.Registry, seed int64) {
	ctx := context.Background()
	rng := rand.New(rand.NewSource(seed))
	var store engine.Store = memstore.New()
	if seed%5 == 0 {
		st, err := storage.Open(ctx, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		store = st
	}
	slack := int64(0)
	if seed%2 == 0 {
		slack = 64
	}
	counted := &recordCounter{Store: store}
	pg := randomPropGraph(rng)
	g := pg.g
	a := freshService(t, store, reg, slack)
	imp := importGraph(t, a, "prop", g)
	ref := newService(t, reg, 2)
	refImp := importGraph(t, ref, "prop", g)
	x := int64(1)
	if r := runAndWait(t, a, engine.RunRequest{Workflow: imp.WorkflowID}); r.Status != engine.RunCompleted {
		t.Fatalf("seed %d: full run %s %s", seed, r.Status, r.Error)
	}
	fromRecord := 0
	picks := map[string]bool{} // nodes with a pick: their runs need not equal a full run
	for round := 1; round <= 6; round++ {
		if rng.Intn(2) == 0 { // an edit, a new current version
			g = cloneGraph(g)
			i := 1 + rng.Intn(len(pg.handles))
			g.Nodes[i].Params = map[string]any{"expression": randomExpr(rng, pg.handles[g.Nodes[i].ID])}
			if _, err := a.SaveVersion(ctx, imp.WorkflowID, g, "edit", "", true); err != nil {
				t.Fatal(err)
			}
			if _, err := ref.SaveVersion(ctx, refImp.WorkflowID, g, "edit", "", true); err != nil {
				t.Fatal(err)
			}
		}
		// Another process picks or drops a generation now and then.
		node := g.Nodes[1+rng.Intn(len(pg.handles))].ID
		if gens, err := store.ListGenerations(ctx, imp.WorkflowID, node); err == nil && len(gens) > 1 {
			pick := gens[rng.Intn(len(gens))]
			switch rng.Intn(4) {
			case 0:
				if err := store.SelectGeneration(ctx, imp.WorkflowID, node, pick.ID); err != nil {
					t.Fatal(err)
				}
				picks[node] = true
			case 1:
				if err := store.DeleteGeneration(ctx, pick.ID); err != nil {
					t.Fatal(err)
				}
			case 2:
				if err := store.SelectGeneration(ctx, imp.WorkflowID, node, ""); err != nil {
					t.Fatal(err)
				}
				delete(picks, node)
			}
		}
		var given map[string]any
		if rng.Intn(3) == 0 {
			x = int64(rng.Intn(11) - 5)
			given = map[string]any{"x": x}
		}
		// Plans of a fresh process, from the record and from the whole state.
		for k := range 3 {
			from := g.Nodes[rng.Intn(len(g.Nodes))].ID
			fast := freshService(t, counted, reg, slack)
			slow := freshService(t, &noRecords{Store: store}, reg, slack)
			var pf, ps engine.Plan
			var ef, es error
			if k == 0 {
				pf, ef = fast.PlanChanged(ctx, imp.WorkflowID, "", given)
				ps, es = slow.PlanChanged(ctx, imp.WorkflowID, "", given)
			} else {
				pf, ef = fast.PlanFrom(ctx, imp.WorkflowID, "", from, given)
				ps, es = slow.PlanFrom(ctx, imp.WorkflowID, "", from, given)
			}
			if (ef == nil) != (es == nil) {
				t.Fatalf("seed %d round %d: plan from the record: %v, from the whole state: %v", seed, round, ef, es)
			}
			if f, s := planJSON(t, pf), planJSON(t, ps); f != s {
				t.Fatalf("seed %d round %d (from %q): the plan from the record differs\nrecord: %s\nwhole:  %s", seed, round, from, f, s)
			}
		}
		before := counted.records
		// A run by a fresh process, planned from the record when there is one; a full run
		// writes the record from the state its start read and what it executed.
		req := engine.RunRequest{Workflow: imp.WorkflowID, Inputs: given}
		switch rng.Intn(3) {
		case 0:
			req.Changed = true
		case 1:
			req.From = g.Nodes[rng.Intn(len(g.Nodes))].ID
		default:
			if given == nil {
				req.Inputs = map[string]any{"x": x} // a full run takes the default otherwise
			}
		}
		run := runAndWait(t, freshService(t, counted, reg, slack), req)
		fromRecord += counted.records - before
		if run.Status != engine.RunCompleted {
			t.Fatalf("seed %d round %d: %+v: %s %s", seed, round, req, run.Status, run.Error)
		}
		if len(picks) > 0 {
			continue // a pick is reused whatever it was made from (SPEC §7)
		}
		full := runAndWait(t, ref, engine.RunRequest{Workflow: refImp.WorkflowID, Inputs: map[string]any{"x": x}})
		for id, rec := range run.Snapshot.Records() {
			if rec.Status == engine.NodeUntouched {
				continue
			}
			want := generationOutputs(t, ref, full.Snapshot.Records()[id].GenerationID)
			if got := generationOutputs(t, a, rec.GenerationID); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d round %d: %+v: node %s (%s %v) holds %v, a full run gives %v", seed, round, req, id, rec.Status, rec.Reasons, got, want)
			}
		}
		if !reflect.DeepEqual(run.Outputs, pickOutputs(run, full)) {
			t.Fatalf("seed %d round %d: outputs %v, a full run gives %v", seed, round, run.Outputs, full.Outputs)
		}
	}
	if fromRecord == 0 && slack == 0 {
		t.Errorf("seed %d: no run planned from a state record", seed)
	}
	if _, sqlite := store.(*storage.Store); sqlite {
		// A run with a plan writes the current version's facts file (if no plan read one yet;
		// the rounds' last run may have been a full run, which plans nothing).
		runAndWait(t, freshService(t, counted, reg, slack), engine.RunRequest{Workflow: imp.WorkflowID, From: g.Nodes[0].ID})
		if _, err := freshService(t, counted, reg, slack).PlanFrom(ctx, imp.WorkflowID, "", g.Nodes[0].ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, sqlite := store.(*storage.Store); sqlite && counted.facts.Load() == 0 {
		t.Errorf("seed %d: no plan read a version's facts file", seed)
	}
}

// pickOutputs are full's outputs named in run's.
func pickOutputs(run, full engine.Run) map[string]any {
	out := map[string]any{}
	for k := range run.Outputs {
		out[k] = full.Outputs[k]
	}
	return out
}

// TestStateRecordFollowsOtherProcesses: two processes (two SQLite stores on one data home)
// plan and run the same workflow in turn. Whatever the other one wrote, picked or deleted,
// each plans what a planner reading the whole state plans: its memory and the state record
// both give way to the other process's changes.
func TestStateRecordFollowsOtherProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := libRegistry(t)
	home := t.TempDir()
	stores := make([]*storage.Store, 2)
	for i := range stores {
		st, err := storage.Open(ctx, home, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	one, two := freshService(t, stores[0], reg, 0), freshService(t, stores[1], reg, 0)
	g := recChain(6)
	imp := importGraph(t, one, "chain", g)
	runAndWait(t, one, engine.RunRequest{Workflow: imp.WorkflowID})
	same := func(step string, svc *engine.Service) {
		t.Helper()
		for _, from := range []string{"n5", "n2", ""} {
			var got, want engine.Plan
			var err error
			slow := freshService(t, &noRecords{Store: stores[1]}, reg, 0)
			if from == "" {
				got, err = svc.PlanChanged(ctx, imp.WorkflowID, "", nil)
				if err == nil {
					want, err = slow.PlanChanged(ctx, imp.WorkflowID, "", nil)
				}
			} else {
				got, err = svc.PlanFrom(ctx, imp.WorkflowID, "", from, nil)
				if err == nil {
					want, err = slow.PlanFrom(ctx, imp.WorkflowID, "", from, nil)
				}
			}
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			if a, b := planJSON(t, got), planJSON(t, want); a != b {
				t.Fatalf("%s, from %q: plan %s\nwant (whole state) %s", step, from, a, b)
			}
		}
	}
	same("after one's full run, one", one)
	same("after one's full run, two", two) // two reads one's record
	// Two runs n3 again with another input: both processes' state moves on.
	r := runAndWait(t, two, engine.RunRequest{Workflow: imp.WorkflowID, From: "n3", Inputs: map[string]any{"x": 5}})
	same("after two's run, one", one)
	same("after two's run, a fresh process", freshService(t, stores[0], reg, 0))
	// Two picks an older generation of n1; then deletes the newest of n4.
	gens, err := stores[1].ListGenerations(ctx, imp.WorkflowID, "n1")
	if err != nil || len(gens) < 2 {
		t.Fatalf("n1 generations: %v %v; run from n3: %s %s %+v", len(gens), err, r.Status, r.Error, r.Snapshot.Records())
	}
	if err := two.SelectGeneration(ctx, imp.WorkflowID, "n1", gens[len(gens)-1].ID); err != nil {
		t.Fatal(err)
	}
	same("after two's pick, one", one)
	same("after two's pick, a fresh process", freshService(t, stores[0], reg, 0))
	if p, _ := one.PlanFrom(ctx, imp.WorkflowID, "", "n5", nil); p.Nodes["n1"].SourceGenerationID != gens[len(gens)-1].ID {
		t.Fatalf("one plans n1 from %s, want the pick %s", p.Nodes["n1"].SourceGenerationID, gens[len(gens)-1].ID)
	}
	if err := stores[1].DeleteGeneration(ctx, r.Snapshot.Records()["n4"].GenerationID); err != nil {
		t.Fatal(err)
	}
	same("after two's deletion, one", one)
	same("after two's deletion, a fresh process", freshService(t, stores[0], reg, 0))
	run := runAndWait(t, freshService(t, stores[0], reg, 0), engine.RunRequest{Workflow: imp.WorkflowID, From: "n5"})
	if run.Status != engine.RunCompleted || run.Snapshot.Records()["n4"].GenerationID == r.Snapshot.Records()["n4"].GenerationID {
		t.Fatalf("run after the deletion: %s %s, n4 %+v", run.Status, run.Error, run.Snapshot.Records()["n4"])
	}
}

// recChain is in (x) → n0 … n(k-1) → out, node ni computing a + i + 1 (so no two nodes
// compute the same from the same value: the cache across nodes stays out of the way).
func recChain(k int) engine.Graph {
	g := engine.Graph{Inputs: []engine.InputDecl{{Name: "x", Type: engine.TypeInteger, Default: int64(1)}},
		Nodes: []engine.Node{node("in", "flow.inputs", nil)}}
	prev, handle := "in", "x"
	for i := range k {
		id := fmt.Sprintf("n%d", i)
		g.Nodes = append(g.Nodes, node(id, "math.expr", map[string]any{"expression": fmt.Sprintf("a + %d", i+1)}))
		g.Edges = append(g.Edges, edge(prev, handle, id, "a"))
		prev, handle = id, "result"
	}
	g.Nodes = append(g.Nodes, node("out", "io.output", map[string]any{"name": "out"}))
	g.Edges = append(g.Edges, edge(prev, handle, "out", "value"))
	return g
}

// TestStateRecordDamagedFallsBack: a record that does not decode (garbage, cut short, one
// byte changed, another workflow's) is never used: the plan comes from the whole state, and
// a run from it gives the right values.
func TestStateRecordDamagedFallsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := libRegistry(t)
	store := memstore.New()
	a := freshService(t, store, reg, 0)
	imp := importGraph(t, a, "chain", recChain(5))
	other := importGraph(t, a, "other", recChain(5))
	runAndWait(t, a, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"x": 3}})
	runAndWait(t, a, engine.RunRequest{Workflow: other.WorkflowID})
	// A fresh process plans each: it writes their records.
	if _, err := freshService(t, store, reg, 0).PlanFrom(ctx, imp.WorkflowID, "", "n4", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := freshService(t, store, reg, 0).PlanFrom(ctx, other.WorkflowID, "", "n4", nil); err != nil {
		t.Fatal(err)
	}
	good, err := store.StateRecord(ctx, imp.WorkflowID, 0)
	if err != nil || good.Data == nil {
		t.Fatalf("no record after a plan: %v", err)
	}
	theirs, _ := store.StateRecord(ctx, other.WorkflowID, 0)
	want := planJSON(t, must(freshService(t, &noRecords{Store: store}, reg, 0).PlanFrom(ctx, imp.WorkflowID, "", "n4", nil)))
	flipped := append([]byte(nil), good.Data...)
	flipped[len(flipped)/2] ^= 0x20
	for name, data := range map[string][]byte{
		"garbage": []byte("not a record"), "cut short": good.Data[:len(good.Data)-7], "a byte changed": flipped,
		"another workflow's": theirs.Data, "empty": {},
	} {
		epoch := must(store.GenerationEpoch(ctx, imp.WorkflowID)) // the runs below move it on
		if ok, err := store.SaveStateRecord(ctx, imp.WorkflowID, epoch, data); err != nil || !ok {
			t.Fatalf("%s: saving: %v %v", name, ok, err)
		}
		counted := &recordCounter{Store: store}
		svc := freshService(t, counted, reg, 1<<40) // keeps the damaged record
		if got := planJSON(t, must(svc.PlanFrom(ctx, imp.WorkflowID, "", "n4", nil))); got != want || counted.wholes != 1 {
			t.Fatalf("%s: plan %s (%d whole reads)\nwant %s", name, got, counted.wholes, want)
		}
		run := runAndWait(t, freshService(t, store, reg, 1<<40), engine.RunRequest{Workflow: imp.WorkflowID, From: "n4"})
		if run.Status != engine.RunCompleted || run.Outputs["out"] != int64(18) {
			t.Fatalf("%s: run %s %s, outputs %v, want out 18", name, run.Status, run.Error, run.Outputs)
		}
	}
	// The runs above moved the epoch on: a record for a past epoch is refused.
	if ok, err := store.SaveStateRecord(ctx, imp.WorkflowID, good.Epoch, good.Data); err != nil || ok {
		t.Fatalf("a record for a past epoch was kept: %v %v", ok, err)
	}
}

// TestStateRecordFileDamagedFallsBack: on SQLite the record is also a cache file; a damaged
// file while the row is whole is never used either (the plan reads the whole state and is
// the whole state's), and the record written again is then read from its file.
func TestStateRecordFileDamagedFallsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := libRegistry(t)
	home := t.TempDir()
	store, err := storage.Open(ctx, home, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a := freshService(t, store, reg, 0)
	imp := importGraph(t, a, "chain", recChain(5))
	runAndWait(t, a, engine.RunRequest{Workflow: imp.WorkflowID, Inputs: map[string]any{"x": 3}})
	if _, err := freshService(t, store, reg, 0).PlanFrom(ctx, imp.WorkflowID, "", "n4", nil); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(home, "cache", "state", imp.WorkflowID+".*.rec"))
	if len(files) != 1 {
		t.Fatalf("record files %v, want one", files)
	}
	good, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	want := planJSON(t, must(freshService(t, &noRecords{Store: store}, reg, 0).PlanFrom(ctx, imp.WorkflowID, "", "n4", nil)))
	for name, data := range map[string][]byte{"a byte changed": flip(good, len(good)/2), "cut short": good[:len(good)-9]} {
		if err := os.WriteFile(files[0], data, 0o600); err != nil {
			t.Fatal(err)
		}
		counted := &recordCounter{Store: store}
		if got := planJSON(t, must(freshService(t, counted, reg, 0).PlanFrom(ctx, imp.WorkflowID, "", "n4", nil))); got != want || counted.wholes != 1 {
			t.Fatalf("%s: plan %s (%d whole reads)\nwant %s", name, got, counted.wholes, want)
		}
		again := &recordCounter{Store: store}
		if got := planJSON(t, must(freshService(t, again, reg, 0).PlanFrom(ctx, imp.WorkflowID, "", "n4", nil))); got != want || again.wholes != 0 || again.records != 1 {
			t.Fatalf("%s, then: plan %s (%d whole reads, %d records)\nwant %s", name, got, again.wholes, again.records, want)
		}
	}
}

func flip(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x10
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestPlanMadeTogetherNeedsTheWiring: a node and its upstream made by one run are taken as
// fed what the node saw under the version that run ran or one wired alike (params edited
// elsewhere); after a version that rewires the node's input to another node the same run
// made, its fingerprint is worked out and says input_changed
// (TestPropertyStateRecordPlansAsWholeState checks every answer against the fingerprint).
func TestPlanMadeTogetherNeedsTheWiring(t *testing.T) {
	ctx := context.Background()
	reg := libRegistry(t)
	g := engine.Graph{
		Nodes: []engine.Node{node("a", "math.expr", map[string]any{"expression": "1"}), node("b", "math.expr", map[string]any{"expression": "2"}),
			node("c", "math.expr", map[string]any{"expression": "a"}), node("d", "math.expr", map[string]any{"expression": "a"})},
		Edges: []engine.Edge{edge("a", "result", "c", "a"), edge("c", "result", "d", "a")},
	}
	svc := newService(t, reg, 2)
	check := svc.CheckMadeTogether()
	imp := importGraph(t, svc, "rewire", g)
	if r := runAndWait(t, svc, engine.RunRequest{Workflow: imp.WorkflowID}); r.Status != engine.RunCompleted {
		t.Fatalf("full run %s %s", r.Status, r.Error)
	}
	p, err := svc.PlanFrom(ctx, imp.WorkflowID, "", "d", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Nodes["c"]; c.Action != engine.ActionReuse {
		t.Fatalf("before the rewire c %s %v", c.Action, c.Reasons)
	}
	if taken, _ := check(); taken == 0 {
		t.Fatal("c was not taken as made with its upstream by one run")
	}
	g.Nodes[3].Params = map[string]any{"expression": "a * 2"} // d edited: wired alike
	if _, err := svc.SaveVersion(ctx, imp.WorkflowID, g, "d edited", "", true); err != nil {
		t.Fatal(err)
	}
	before, _ := check()
	if p, err = svc.PlanFrom(ctx, imp.WorkflowID, "", "d", nil); err != nil {
		t.Fatal(err)
	}
	if c := p.Nodes["c"]; c.Action != engine.ActionReuse {
		t.Fatalf("after editing d, c %s %v", c.Action, c.Reasons)
	}
	if taken, _ := check(); taken == before {
		t.Fatal("c, made by a run of a version wired alike, was not taken as made with its upstream")
	}
	g.Edges[0] = edge("b", "result", "c", "a")
	if _, err := svc.SaveVersion(ctx, imp.WorkflowID, g, "rewired", "", true); err != nil {
		t.Fatal(err)
	}
	if p, err = svc.PlanFrom(ctx, imp.WorkflowID, "", "d", nil); err != nil {
		t.Fatal(err)
	}
	if c := p.Nodes["c"]; c.Action != engine.ActionRerun || !slices.Contains(c.Reasons, engine.ReasonInputChanged) {
		t.Fatalf("after the rewire c %s %v, want a rerun for input_changed", c.Action, c.Reasons)
	}
}
