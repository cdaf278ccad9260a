package storetest

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

var generationTests = []test{
	{"SaveGenerationsRoundTrip", testSaveGenerations},
	{"SaveGenerationsAllOrNothing", testSaveAllOrNothing},
	{"ListGenerations", testListGenerations},
	{"CurrentGenerations", testCurrentGenerations},
	{"CurrentGenerationsFollowTheRule", testCurrentFollowsRule},
	{"SelectGeneration", testSelectGeneration},
	{"DeleteGeneration", testDeleteGeneration},
	{"DeleteGenerationKeepsAssetsInUse", testDeleteKeepsAssetsInUse},
	{"ConcurrentSavesAndReads", testConcurrentGenerations},
	{"GenerationEpoch", testGenerationEpoch},
	{"NumbersKeepTheirType", testNumbersKeepTheirType},
}

// testNumbersKeepTheirType: every value read back has the Go types of engine.Normalize —
// whole numbers int64 (exact past 2^53), others float64 — in generation outputs and cost,
// run inputs, outputs and approvals, and graph params and defaults.
func testNumbersKeepTheirType(t *testing.T, s engine.Store) {
	const big = int64(9007199254740993)
	value := map[string]any{"big": big, "half": 0.5, "whole": int64(4), "neg": int64(-3),
		"nested": map[string]any{"list": []any{int64(1), 2.5, big}}}
	w, v, err := s.CreateWorkflow(ctx(), engine.Workflow{Name: "numbers"}, engine.Version{Graph: engine.Graph{
		Inputs: []engine.InputDecl{{Name: "n", Type: engine.TypeInteger, Default: big}},
		Nodes:  []engine.Node{{ID: "a", Type: "t", Params: map[string]any{"seed": big, "scale": 0.25, "obj": value}}},
	}})
	must(t, "CreateWorkflow", err)
	r, err := s.CreateRun(ctx(), engine.Run{WorkflowID: w.ID, VersionID: v.ID, Inputs: value})
	must(t, "CreateRun", err)
	r.Status, r.Outputs = engine.RunCompleted, value
	r.Snapshot = engine.Snapshot{Approvals: map[string]engine.Approval{"a": {Message: "ok?", Value: value}}}
	must(t, "UpdateRun", s.UpdateRun(ctx(), r))
	g := mkGen(r, "a", engine.GenCompleted, at(1))
	g.Outputs, g.Cost = value, map[string]any{"tokens": int64(12), "usd": 0.002}
	save(t, s, g)

	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v\nwant %#v", what, got, want)
		}
	}
	gv, err := s.GetVersion(ctx(), v.ID)
	must(t, "GetVersion", err)
	check("input default", gv.Graph.Inputs[0].Default, big)
	check("params", gv.Graph.Nodes[0].Params, map[string]any{"seed": big, "scale": 0.25, "obj": value})
	gr, err := s.GetRun(ctx(), r.ID)
	must(t, "GetRun", err)
	check("run inputs", gr.Inputs, value)
	check("run outputs", gr.Outputs, value)
	check("approval value", gr.Snapshot.Approvals["a"].Value, value)
	listed, err := s.ListRuns(ctx(), w.ID, 1)
	must(t, "ListRuns", err)
	check("listed run inputs", listed[0].Inputs, value)
	gg, err := s.GetGeneration(ctx(), g.ID)
	must(t, "GetGeneration", err)
	check("generation outputs", gg.Outputs, value)
	check("generation cost", gg.Cost, map[string]any{"tokens": int64(12), "usd": 0.002})
	cur, err := s.CurrentGenerations(ctx(), w.ID)
	must(t, "CurrentGenerations", err)
	check("current generation outputs", cur.Current["a"].Outputs, value)
}

// testGenerationEpoch: the epoch grows with every change of a workflow's generations or
// selections, by the batch size for a commit, and agrees with CurrentGenerations.
func testGenerationEpoch(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	_, ov := mkWorkflow(t, s, "B")
	wf := v.WorkflowID
	epoch := func() int64 {
		t.Helper()
		e, err := s.GenerationEpoch(ctx(), wf)
		must(t, "GenerationEpoch", err)
		return e
	}
	if e := epoch(); e != 0 {
		t.Fatalf("epoch of a workflow without generations = %d, want 0", e)
	}
	r := mkRun(t, s, v, at(1), "")
	or := mkRun(t, s, ov, at(1), "")
	a1, a2, b1 := mkGen(r, "a", engine.GenCompleted, at(2)), mkGen(r, "a", engine.GenCompleted, at(3)), mkGen(r, "b", engine.GenFailed, at(3))
	batch := []engine.Generation{a1, a2, b1, mkGen(or, "a", engine.GenCompleted, at(2))}
	epochs, err := s.SaveGenerations(ctx(), batch)
	must(t, "SaveGenerations", err)
	if epochs[wf] != 3 || epochs[ov.WorkflowID] != 1 || len(epochs) != 2 {
		t.Errorf("epochs after a batch = %v, want %s:3 %s:1", epochs, wf, ov.WorkflowID)
	}
	if batch[0].Seq <= 0 || batch[1].Seq <= batch[0].Seq || batch[2].Seq <= batch[1].Seq {
		t.Errorf("Seq not filled in order: %d %d %d", batch[0].Seq, batch[1].Seq, batch[2].Seq)
	}
	// CreatedAt comes back as stored (to the millisecond), so an in-memory order agrees.
	sub := mkGen(r, "c", engine.GenCompleted, at(4).Add(1234567*time.Nanosecond))
	saved := []engine.Generation{sub}
	_, err = s.SaveGenerations(ctx(), saved)
	must(t, "SaveGenerations", err)
	if stored, _ := s.GetGeneration(ctx(), sub.ID); !saved[0].CreatedAt.Equal(stored.CreatedAt) || saved[0].Seq != stored.Seq {
		t.Errorf("filled CreatedAt %v seq %d, stored %v seq %d", saved[0].CreatedAt, saved[0].Seq, stored.CreatedAt, stored.Seq)
	}
	st, err := s.CurrentGenerations(ctx(), wf)
	must(t, "CurrentGenerations", err)
	if st.Epoch != 4 || st.Current["a"].Seq != batch[1].Seq {
		t.Errorf("CurrentGenerations epoch %d, seq of a %d; want 4, %d", st.Epoch, st.Current["a"].Seq, batch[1].Seq)
	}
	last := epoch()
	for _, step := range []struct {
		what string
		do   func() error
	}{
		{"select", func() error { return s.SelectGeneration(ctx(), wf, "a", a1.ID) }},
		{"clear", func() error { return s.SelectGeneration(ctx(), wf, "a", "") }},
		{"delete", func() error { return s.DeleteGeneration(ctx(), a2.ID) }},
	} {
		must(t, step.what, step.do())
		if e := epoch(); e <= last {
			t.Errorf("epoch after %s = %d, want more than %d", step.what, e, last)
		} else {
			last = e
		}
	}
	if e, _ := s.GenerationEpoch(ctx(), ov.WorkflowID); e != 1 {
		t.Errorf("another workflow's epoch moved to %d", e)
	}
	if e, err := s.GenerationEpoch(ctx(), "nope"); err != nil || e != 0 {
		t.Errorf("epoch of an unknown workflow = %d, %v", e, err)
	}
}

func testSaveGenerations(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	r := mkRun(t, s, v, at(1), "seed=7")
	created := at(2).Add(123*time.Millisecond + 456*time.Microsecond)
	ok := engine.Generation{
		ID: genID(), WorkflowID: v.WorkflowID, NodeID: "small", RunID: r.ID, VersionID: v.ID,
		Status: engine.GenCompleted,
		Outputs: map[string]any{
			"text":  "héllo <b>",
			"n":     7,
			"f":     1.5,
			"deep":  map[string]any{"list": []any{1, map[string]any{"x": nil, "ok": true}}, "s": []string{"a"}},
			"image": engine.AssetRef{Asset: shaOf([]byte("img")), Mime: "image/png", Name: "a.png"},
		},
		DurationMS: 42, Cost: map[string]any{"tokens": 12}, ConfigHash: "cfg1", InputFingerprint: "fp1",
		CreatedAt: created,
	}
	failed := engine.Generation{
		ID: genID(), WorkflowID: v.WorkflowID, NodeID: "out", RunID: r.ID, VersionID: v.ID,
		Status: engine.GenFailed, Error: "node out: boom", DurationMS: 1, CreatedAt: at(3),
	}
	save(t, s, ok, failed)

	got, err := s.GetGeneration(ctx(), ok.ID)
	must(t, "GetGeneration", err)
	wantOut, _ := engine.NormalizeOutputs(ok.Outputs)
	if !reflect.DeepEqual(got.Outputs, wantOut) {
		t.Errorf("outputs = %#v\nwant %#v", got.Outputs, wantOut)
	}
	if got.Outputs["n"] != int64(7) {
		t.Errorf("number output = %#v, want int64 (a whole number stays an integer)", got.Outputs["n"])
	}
	if got.WorkflowID != v.WorkflowID || got.NodeID != "small" || got.RunID != r.ID || got.VersionID != v.ID ||
		got.Status != engine.GenCompleted || got.DurationMS != 42 || got.ConfigHash != "cfg1" || got.InputFingerprint != "fp1" ||
		got.Error != "" {
		t.Errorf("GetGeneration = %+v", got)
	}
	if got.Cost["tokens"] != int64(12) {
		t.Errorf("cost = %#v", got.Cost)
	}
	if want := created.Truncate(time.Millisecond); !got.CreatedAt.Equal(want) {
		t.Errorf("created_at = %v, want %v (millisecond precision)", got.CreatedAt, want)
	}
	if got.VersionLabel != "v1" || got.RunLabel != "seed=7" || got.Selected {
		t.Errorf("labels = %q %q selected %v", got.VersionLabel, got.RunLabel, got.Selected)
	}
	gf, err := s.GetGeneration(ctx(), failed.ID)
	must(t, "GetGeneration failed", err)
	if gf.Status != engine.GenFailed || gf.Error != "node out: boom" || len(gf.Outputs) != 0 || gf.Cost != nil {
		t.Errorf("failed generation = %+v", gf)
	}
	// Returned values are copies.
	got.Outputs["deep"].(map[string]any)["list"].([]any)[0] = "mutated"
	again, _ := s.GetGeneration(ctx(), ok.ID)
	if again.Outputs["deep"].(map[string]any)["list"].([]any)[0] != int64(1) {
		t.Errorf("mutating returned outputs changed the store")
	}
	_, err = s.SaveGenerations(ctx(), nil)
	must(t, "empty batch", err)
}

func testSaveAllOrNothing(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	r := mkRun(t, s, v, at(1), "")
	good := mkGen(r, "a", engine.GenCompleted, at(2))
	bad := mkGen(r, "b", engine.GenCompleted, at(2))
	bad.WorkflowID = "nope"
	_, err := s.SaveGenerations(ctx(), []engine.Generation{good, bad})
	wantErr(t, "SaveGenerations with an unknown workflow", err, engine.ErrNotFound, engine.ErrInvalid)
	if _, err := s.GetGeneration(ctx(), good.ID); err == nil {
		t.Errorf("a refused batch wrote its first generation")
	}
	save(t, s, good)
	dup := mkGen(r, "c", engine.GenCompleted, at(3))
	_, err = s.SaveGenerations(ctx(), []engine.Generation{dup, good})
	wantErr(t, "SaveGenerations with a duplicate id", err, engine.ErrConflict)
	if _, err := s.GetGeneration(ctx(), dup.ID); err == nil {
		t.Errorf("a refused batch wrote its first generation")
	}
	noNode := mkGen(r, "", engine.GenCompleted, at(3))
	_, err = s.SaveGenerations(ctx(), []engine.Generation{noNode})
	wantErr(t, "SaveGenerations without node id", err, engine.ErrInvalid)
	noStatus := mkGen(r, "x", "", at(3))
	_, err = s.SaveGenerations(ctx(), []engine.Generation{noStatus})
	wantErr(t, "SaveGenerations without status", err, engine.ErrInvalid)
}

func testListGenerations(t *testing.T, s engine.Store) {
	w, v1 := mkWorkflow(t, s, "A")
	v2 := mkVersion(t, s, w, true)
	r1 := mkRun(t, s, v1, at(1), "first")
	r2 := mkRun(t, s, v2, at(2), "second")
	g1 := mkGen(r1, "n", engine.GenCompleted, at(3))
	g2 := mkGen(r2, "n", engine.GenFailed, at(5))
	g3 := mkGen(r2, "n", engine.GenCompleted, at(4))
	other := mkGen(r2, "m", engine.GenCompleted, at(6))
	save(t, s, g1, g2)
	save(t, s, g3, other)
	must(t, "SelectGeneration", s.SelectGeneration(ctx(), w.ID, "n", g1.ID))
	list, err := s.ListGenerations(ctx(), w.ID, "n")
	must(t, "ListGenerations", err)
	got := ids(list, func(g engine.Generation) string { return g.ID })
	if want := []string{g2.ID, g3.ID, g1.ID}; !equalStrings(got, want) {
		t.Fatalf("ListGenerations = %v, want %v (newest first)", got, want)
	}
	for _, g := range list {
		wantVersion, wantRun := "v2", "second"
		if g.ID == g1.ID {
			wantVersion, wantRun = "v1", "first"
		}
		if g.VersionLabel != wantVersion || g.RunLabel != wantRun || g.Selected != (g.ID == g1.ID) {
			t.Errorf("generation %s: version %q run %q selected %v", g.ID, g.VersionLabel, g.RunLabel, g.Selected)
		}
	}
	if list, _ := s.ListGenerations(ctx(), w.ID, "none"); len(list) != 0 {
		t.Errorf("ListGenerations of a node without any = %d", len(list))
	}
}

func testCurrentGenerations(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	r := mkRun(t, s, v, at(1), "")
	_, ov := mkWorkflow(t, s, "B")
	or := mkRun(t, s, ov, at(1), "")
	old := mkGen(r, "a", engine.GenCompleted, at(2))
	latest := mkGen(r, "a", engine.GenCompleted, at(3))
	failedLatest := mkGen(r, "a", engine.GenFailed, at(4))
	onlyFailed := mkGen(r, "b", engine.GenFailed, at(2))
	selOld := mkGen(r, "c", engine.GenCompleted, at(2))
	cNew := mkGen(r, "c", engine.GenCompleted, at(9))
	foreign := mkGen(or, "a", engine.GenCompleted, at(10))
	dSel := mkGen(r, "d", engine.GenCompleted, at(5)) // selected and the latest
	dSel.Cost = map[string]any{"usd": 0.5}
	save(t, s, old, latest, failedLatest, onlyFailed, selOld, cNew, foreign, dSel)
	must(t, "SelectGeneration", s.SelectGeneration(ctx(), v.WorkflowID, "c", selOld.ID))
	must(t, "SelectGeneration", s.SelectGeneration(ctx(), v.WorkflowID, "d", dSel.ID))
	st, err := s.CurrentGenerations(ctx(), v.WorkflowID)
	must(t, "CurrentGenerations", err)
	cur := st.Current
	if len(cur) != 3 {
		t.Errorf("CurrentGenerations has %d nodes, want 3 (a, c, d): %v", len(cur), cur)
	}
	// each current generation is the whole record, as reading it alone gives it
	for node, g := range cur {
		one, err := s.GetGeneration(ctx(), g.ID)
		must(t, "GetGeneration", err)
		if !reflect.DeepEqual(*g, one) {
			t.Errorf("current of %s\n = %+v\nGetGeneration gives %+v", node, *g, one)
		}
	}
	if cur["a"].ID != latest.ID {
		t.Errorf("current of a = %s, want the latest completed %s (a failed latest does not count)", cur["a"].ID, latest.ID)
	}
	if _, ok := cur["b"]; ok {
		t.Errorf("node with only a failed generation has a current one")
	}
	if !st.Failed["b"] || len(st.Failed) != 1 {
		t.Errorf("Failed = %v, want only b (a has a completed generation)", st.Failed)
	}
	if cur["c"].ID != selOld.ID || !cur["c"].Selected {
		t.Errorf("current of c = %s (selected %v), want the selected older %s", cur["c"].ID, cur["c"].Selected, selOld.ID)
	}
	if cur["a"].Selected || cur["a"].VersionLabel != "v1" || cur["a"].Outputs["value"] != "a" {
		t.Errorf("current of a = %+v", cur["a"])
	}
	must(t, "clear selection", s.SelectGeneration(ctx(), v.WorkflowID, "c", ""))
	st, _ = s.CurrentGenerations(ctx(), v.WorkflowID)
	cur = st.Current
	if cur["c"].ID != cNew.ID {
		t.Errorf("after clearing, current of c = %s, want %s", cur["c"].ID, cNew.ID)
	}
}

func testSelectGeneration(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	r := mkRun(t, s, v, at(1), "")
	_, ov := mkWorkflow(t, s, "B")
	or := mkRun(t, s, ov, at(1), "")
	a1 := mkGen(r, "a", engine.GenCompleted, at(2))
	a2 := mkGen(r, "a", engine.GenCompleted, at(3))
	b1 := mkGen(r, "b", engine.GenCompleted, at(2))
	f1 := mkGen(or, "a", engine.GenCompleted, at(2))
	save(t, s, a1, a2, b1, f1)
	wf := v.WorkflowID
	must(t, "select a1", s.SelectGeneration(ctx(), wf, "a", a1.ID))
	must(t, "select a2", s.SelectGeneration(ctx(), wf, "a", a2.ID)) // replaces
	list, _ := s.ListGenerations(ctx(), wf, "a")
	for _, g := range list {
		if g.Selected != (g.ID == a2.ID) {
			t.Errorf("generation %s selected = %v", g.ID, g.Selected)
		}
	}
	wantErr(t, "select another node's generation", s.SelectGeneration(ctx(), wf, "a", b1.ID), engine.ErrInvalid, engine.ErrNotFound)
	wantErr(t, "select another workflow's generation", s.SelectGeneration(ctx(), wf, "a", f1.ID), engine.ErrInvalid, engine.ErrNotFound)
	wantErr(t, "select unknown generation", s.SelectGeneration(ctx(), wf, "a", "nope"), engine.ErrNotFound)
	if g, _ := s.GetGeneration(ctx(), a2.ID); !g.Selected {
		t.Errorf("refused selections cleared the pick")
	}
	must(t, "clear", s.SelectGeneration(ctx(), wf, "a", ""))
	must(t, "clear twice", s.SelectGeneration(ctx(), wf, "a", ""))
	if g, _ := s.GetGeneration(ctx(), a2.ID); g.Selected {
		t.Errorf("cleared selection still selected")
	}
}

func testDeleteGeneration(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	r := mkRun(t, s, v, at(1), "")
	wf := v.WorkflowID
	solo, err := s.PutAsset(ctx(), []byte("solo bytes"), "image/png", "solo.png")
	must(t, "PutAsset", err)
	shared, err := s.PutAsset(ctx(), []byte("shared bytes"), "image/png", "shared.png")
	must(t, "PutAsset", err)
	path, err := s.AssetPath(solo.Asset)
	must(t, "AssetPath", err)
	g1 := mkGen(r, "n", engine.GenCompleted, at(2))
	g1.Outputs = map[string]any{"image": solo, "list": []any{map[string]any{"nested": map[string]any{"asset": shared.Asset}}}}
	g2 := mkGen(r, "n", engine.GenCompleted, at(3))
	g2.Outputs = map[string]any{"image": map[string]any{"asset": shared.Asset, "mime": "image/png"}}
	save(t, s, g1, g2)
	must(t, "SelectGeneration", s.SelectGeneration(ctx(), wf, "n", g1.ID))

	must(t, "DeleteGeneration", s.DeleteGeneration(ctx(), g1.ID))
	_, err = s.GetGeneration(ctx(), g1.ID)
	wantErr(t, "GetGeneration after delete", err, engine.ErrNotFound)
	st, _ := s.CurrentGenerations(ctx(), wf)
	cur := st.Current
	if cur["n"].ID != g2.ID || cur["n"].Selected {
		t.Errorf("after deleting the selected generation, current = %s selected %v, want %s unselected", cur["n"].ID, cur["n"].Selected, g2.ID)
	}
	_, err = s.OpenAsset(ctx(), solo.Asset)
	wantErr(t, "OpenAsset of an asset nothing references", err, engine.ErrNotFound)
	if path != "" {
		if _, err := osStat(path); err == nil {
			t.Errorf("asset file %s still exists after its last generation was deleted", path)
		}
	}
	rc, err := s.OpenAsset(ctx(), shared.Asset)
	must(t, "OpenAsset of an asset another generation references", err)
	rc.Close()

	must(t, "DeleteGeneration", s.DeleteGeneration(ctx(), g2.ID))
	_, err = s.OpenAsset(ctx(), shared.Asset)
	wantErr(t, "OpenAsset after its last generation was deleted", err, engine.ErrNotFound)
	wantErr(t, "DeleteGeneration twice", s.DeleteGeneration(ctx(), g2.ID), engine.ErrNotFound)
}

// testDeleteKeepsAssetsInUse checks that an asset is kept while a version's params, a
// draft or a run's inputs still refer to it, or while a node that just stored it has
// not yet saved its generation.
func testDeleteKeepsAssetsInUse(t *testing.T, s engine.Store) {
	put := func(data string) engine.AssetRef {
		ref, err := s.PutAsset(ctx(), []byte(data), "image/png", "")
		must(t, "PutAsset", err)
		return ref
	}
	inVersion, inDraft, inRun, fresh := put("version"), put("draft"), put("run"), put("fresh")
	g := sampleGraph()
	g.Nodes = append(g.Nodes, engine.Node{ID: "load", Type: "image.load", Params: map[string]any{"asset": inVersion}})
	w, v, err := s.CreateWorkflow(ctx(), engine.Workflow{Name: "A"}, engine.Version{Graph: g})
	must(t, "CreateWorkflow", err)
	dg := sampleGraph()
	dg.Inputs[1].Default = inDraft
	must(t, "SaveDraft", s.SaveDraft(ctx(), w.ID, dg, v.ID))
	r, err := s.CreateRun(ctx(), engine.Run{WorkflowID: w.ID, VersionID: v.ID, Inputs: map[string]any{"photo": inRun}})
	must(t, "CreateRun", err)
	gen := mkGen(r, "load", engine.GenCompleted, at(1))
	gen.Outputs = map[string]any{"a": inVersion, "b": inDraft, "c": inRun, "d": fresh}
	save(t, s, gen)
	// The same bytes are stored again by a node whose generation is not saved yet.
	put("fresh")
	must(t, "DeleteGeneration", s.DeleteGeneration(ctx(), gen.ID))
	for _, ref := range []engine.AssetRef{inVersion, inDraft, inRun, fresh} {
		rc, err := s.OpenAsset(ctx(), ref.Asset)
		if err != nil {
			t.Errorf("asset %s removed while still in use: %v", ref.Asset, err)
			continue
		}
		rc.Close()
	}
}

func testConcurrentGenerations(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	r := mkRun(t, s, v, at(1), "")
	const writers, perWriter = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter*3)
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				g := mkGen(r, "n", engine.GenCompleted, at(w*100+i))
				_, err := s.SaveGenerations(ctx(), []engine.Generation{g})
				errs <- err
			}
		}()
		go func() {
			defer wg.Done()
			for range perWriter {
				_, err := s.ListGenerations(ctx(), v.WorkflowID, "n")
				errs <- err
				_, err = s.CurrentGenerations(ctx(), v.WorkflowID)
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, "concurrent access", err)
	}
	list, _ := s.ListGenerations(ctx(), v.WorkflowID, "n")
	if len(list) != writers*perWriter {
		t.Errorf("%d generations, want %d", len(list), writers*perWriter)
	}
}

// testCurrentFollowsRule: what CurrentGenerations answers is what engine's one rule
// (engine.Outranks, engine.CurrentOf) picks from each node's listed generations, for
// histories with failures, picks, and several generations made in the same millisecond.
func testCurrentFollowsRule(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "rule")
	r := mkRun(t, s, v, at(1), "")
	statuses := []engine.GenStatus{engine.GenCompleted, engine.GenFailed, engine.GenCompleted, engine.GenCompleted, engine.GenFailed}
	var all []engine.Generation
	nodes := []string{"n0", "n1", "n2", "n3", "n4", "n5", "n6"}
	for i, node := range nodes {
		// node i gets i+1 generations; every other one shares its millisecond with the one before
		for j := 0; j <= i; j++ {
			st := statuses[(i+j)%len(statuses)]
			if i == 1 {
				st = engine.GenFailed // a node whose every execution failed
			}
			all = append(all, mkGen(r, node, st, at(10+j-j%2)))
		}
	}
	// saved in two batches, newest-looking first, so insertion order differs from time order
	save(t, s, all[len(all)/2:]...)
	save(t, s, all[:len(all)/2]...)
	// picks: an older completed generation of n4, the newest completed one of n6
	pick := func(node string, nth int) {
		t.Helper()
		gens, err := s.ListGenerations(ctx(), v.WorkflowID, node)
		must(t, "ListGenerations", err)
		var done []engine.Generation
		for _, g := range gens {
			if g.Status == engine.GenCompleted {
				done = append(done, g)
			}
		}
		must(t, "SelectGeneration", s.SelectGeneration(ctx(), v.WorkflowID, node, done[nth].ID))
	}
	pick("n4", 1)
	pick("n6", 0)

	st, err := s.CurrentGenerations(ctx(), v.WorkflowID)
	must(t, "CurrentGenerations", err)
	for _, node := range nodes {
		gens, err := s.ListGenerations(ctx(), v.WorkflowID, node)
		must(t, "ListGenerations", err)
		want := engine.CurrentOf(gens)
		got := ""
		if g := st.Current[node]; g != nil {
			got = g.ID
		}
		if got != want {
			t.Errorf("%s: CurrentGenerations says %q, the rule says %q (generations %v)", node, got, want, ids(gens, func(g engine.Generation) string { return g.ID }))
		}
		if st.Failed[node] != (want == "") {
			t.Errorf("%s: Failed = %v with current %q", node, st.Failed[node], want)
		}
		// the incremental form (what a process applies as its own commits land) agrees too
		inc := engine.NewCurrentState(0)
		for i := len(gens) - 1; i >= 0; i-- {
			g := gens[i]
			inc.Offer(&g)
		}
		if g := inc.Current[node]; (g == nil && want != "") || (g != nil && g.ID != want) {
			t.Errorf("%s: offering the generations oldest first picks %v, want %q", node, g, want)
		}
	}
	if st.Current["n4"] == nil || !st.Current["n4"].Selected || st.Current["n1"] != nil || !st.Failed["n1"] {
		t.Errorf("picks and failures not as set up: n4 %+v, n1 failed %v", st.Current["n4"], st.Failed["n1"])
	}
}
