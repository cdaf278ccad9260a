package storetest

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

var workflowTests = []test{
	{"CreateWorkflow", testCreateWorkflow},
	{"CreateWorkflowRefusesEmptyName", func(t *testing.T, s engine.Store) {
		_, _, err := s.CreateWorkflow(ctx(), engine.Workflow{Name: " "}, engine.Version{})
		wantErr(t, "CreateWorkflow with empty name", err, engine.ErrInvalid)
	}},
	{"GetUnknown", testGetUnknown},
	{"AddVersion", testAddVersion},
	{"AddVersionReturnsWhatIsRead", testAddVersionReturnsWhatIsRead},
	{"AddVersionConcurrent", testAddVersionConcurrent},
	{"VersionWithContent", testVersionWithContent},
	{"ListVersionsNewestFirst", testListVersions},
	{"SetCurrentVersion", testSetCurrentVersion},
	{"FindWorkflows", testFindWorkflows},
	{"ListWorkflows", testListWorkflows},
	{"UpdateWorkflow", testUpdateWorkflow},
	{"Drafts", testDrafts},
	{"DeleteWorkflow", testDeleteWorkflow},
	{"ReturnedValuesAreCopies", testCopies},
}

func testCreateWorkflow(t *testing.T, s engine.Store) {
	w, v, err := s.CreateWorkflow(ctx(),
		engine.Workflow{Name: "Thumbnail", Description: "d", Tags: []string{"images", "x"}, CreatedAt: base},
		engine.Version{Notes: "first", ParentID: "", Graph: sampleGraph(), ContentHash: "abc", CreatedAt: base})
	must(t, "CreateWorkflow", err)
	if w.ID == "" || v.ID == "" {
		t.Fatalf("ids not assigned: workflow %q version %q", w.ID, v.ID)
	}
	if v.Seq != 1 || v.Label != "v1" || v.WorkflowID != w.ID {
		t.Errorf("first version = seq %d label %q workflow %q, want 1 v1 %s", v.Seq, v.Label, v.WorkflowID, w.ID)
	}
	if w.CurrentVersionID != v.ID {
		t.Errorf("current version = %q, want %q", w.CurrentVersionID, v.ID)
	}
	got, err := s.GetWorkflow(ctx(), w.ID)
	must(t, "GetWorkflow", err)
	if got.Name != "Thumbnail" || got.Description != "d" || !equalStrings(got.Tags, []string{"images", "x"}) ||
		got.CurrentVersionID != v.ID || !got.CreatedAt.Equal(base) {
		t.Errorf("GetWorkflow = %+v", got)
	}
	gv, err := s.GetVersion(ctx(), v.ID)
	must(t, "GetVersion", err)
	if gv.Label != "v1" || gv.Seq != 1 || gv.Notes != "first" || gv.ContentHash != "abc" || !gv.CreatedAt.Equal(base) {
		t.Errorf("GetVersion = %+v", gv)
	}
	want, _ := engine.Normalize(sampleGraph())
	have, _ := engine.Normalize(gv.Graph)
	if !reflect.DeepEqual(have, want) {
		t.Errorf("graph round trip:\n got %v\nwant %v", have, want)
	}
	if n := gv.Graph.Nodes[1].Params["height"]; n != int64(0) {
		t.Errorf("number param = %#v, want int64 0", n)
	}
	if gv.Graph.Inputs[0].Default != int64(256) {
		t.Errorf("input default = %#v, want int64 256", gv.Graph.Inputs[0].Default)
	}
}

func testGetUnknown(t *testing.T, s engine.Store) {
	_, err := s.GetWorkflow(ctx(), "nope")
	wantErr(t, "GetWorkflow", err, engine.ErrNotFound)
	_, err = s.GetVersion(ctx(), "nope")
	wantErr(t, "GetVersion", err, engine.ErrNotFound)
	_, err = s.GetRun(ctx(), "nope")
	wantErr(t, "GetRun", err, engine.ErrNotFound)
	_, err = s.GetGeneration(ctx(), "nope")
	wantErr(t, "GetGeneration", err, engine.ErrNotFound)
	_, _, err = s.GetDraft(ctx(), "nope")
	wantErr(t, "GetDraft", err, engine.ErrNotFound)
	_, err = s.ListVersions(ctx(), "nope")
	wantErr(t, "ListVersions", err, engine.ErrNotFound)
	err = s.UpdateRun(ctx(), engine.Run{ID: "nope", Status: engine.RunFailed})
	wantErr(t, "UpdateRun", err, engine.ErrNotFound)
	err = s.DeleteGeneration(ctx(), "nope")
	wantErr(t, "DeleteGeneration", err, engine.ErrNotFound)
	err = s.DeleteWorkflow(ctx(), "nope")
	wantErr(t, "DeleteWorkflow", err, engine.ErrNotFound)
	_, err = s.AddVersion(ctx(), engine.Version{WorkflowID: "nope"}, true)
	wantErr(t, "AddVersion", err, engine.ErrNotFound)
	err = s.SaveDraft(ctx(), "nope", sampleGraph(), "")
	wantErr(t, "SaveDraft", err, engine.ErrNotFound)
	_, err = s.CreateRun(ctx(), engine.Run{WorkflowID: "nope", VersionID: "nope"})
	wantErr(t, "CreateRun", err, engine.ErrNotFound)
}

func testAddVersion(t *testing.T, s engine.Store) {
	w, v1 := mkWorkflow(t, s, "A")
	v2, err := s.AddVersion(ctx(), engine.Version{WorkflowID: w.ID, Notes: "second", ParentID: v1.ID, Graph: sampleGraph()}, false)
	must(t, "AddVersion", err)
	if v2.Seq != 2 || v2.Label != "v2" || v2.ParentID != v1.ID || v2.Notes != "second" || v2.CreatedAt.IsZero() {
		t.Errorf("v2 = %+v", v2)
	}
	got, _ := s.GetWorkflow(ctx(), w.ID)
	if got.CurrentVersionID != v1.ID {
		t.Errorf("makeCurrent=false switched current to %q", got.CurrentVersionID)
	}
	v3 := mkVersion(t, s, w, true)
	if v3.Seq != 3 || v3.Label != "v3" {
		t.Errorf("v3 = seq %d label %q", v3.Seq, v3.Label)
	}
	got, _ = s.GetWorkflow(ctx(), w.ID)
	if got.CurrentVersionID != v3.ID {
		t.Errorf("makeCurrent=true: current = %q, want %q", got.CurrentVersionID, v3.ID)
	}
	// Labels are per workflow.
	w2, _ := mkWorkflow(t, s, "B")
	if v := mkVersion(t, s, w2, false); v.Label != "v2" {
		t.Errorf("second workflow's second version label = %q, want v2", v.Label)
	}
	// A label given by the caller is ignored.
	v4, err := s.AddVersion(ctx(), engine.Version{WorkflowID: w.ID, Label: "v99", Seq: 99}, false)
	must(t, "AddVersion", err)
	if v4.Label != "v4" || v4.Seq != 4 {
		t.Errorf("caller label kept: %q seq %d", v4.Label, v4.Seq)
	}
}

// testAddVersionReturnsWhatIsRead: the version AddVersion returns holds the graph a reader
// of it gets (GetVersion), whether the graph given reads back as itself (plain values, as
// the engine saves them) or not (Go ints, whole floats, empty params, escapes, non-ASCII),
// and shares nothing with the graph given.
func testAddVersionReturnsWhatIsRead(t *testing.T, s engine.Store) {
	w, _ := mkWorkflow(t, s, "A")
	plain := engine.Graph{Inputs: []engine.InputDecl{{Name: "k", Type: engine.TypeNumber, Default: 1.5}},
		Nodes: []engine.Node{{ID: "n1", Type: "math.expr", Params: map[string]any{"expression": "a + 1", "l": []any{int64(2), "x"}}, Position: &engine.Position{X: 0.5, Y: -3}},
			{ID: "n2", Type: "math.expr", Params: map[string]any{"expression": "a + 1000001"}}},
		Edges: []engine.Edge{{Source: "n1", SourceHandle: "result", Target: "n2", TargetHandle: "a"}}}
	odd := sampleGraph()
	odd.Nodes[0].Params = map[string]any{}
	odd.Nodes[1].Params["whole"] = 2.0
	odd.Nodes[1].Params["text"] = "a < b & é \u2028"
	odd.Nodes[2].Label = "ünï"
	for _, g := range []engine.Graph{plain, odd, {}} {
		v, err := s.AddVersion(ctx(), engine.Version{WorkflowID: w.ID, Graph: g}, false)
		must(t, "AddVersion", err)
		got, err := s.GetVersion(ctx(), v.ID)
		must(t, "GetVersion", err)
		if !reflect.DeepEqual(v.Graph, got.Graph) {
			t.Errorf("AddVersion returned %#v, GetVersion reads %#v", v.Graph, got.Graph)
		}
		if len(v.Graph.Nodes) > 0 {
			v.Graph.Nodes[len(v.Graph.Nodes)-1].Params["added"] = int64(1)
			if _, ok := g.Nodes[len(g.Nodes)-1].Params["added"]; ok {
				t.Errorf("the returned graph shares its params with the one given")
			}
		}
	}
}

// testVersionWithContent: a store that finds versions by content hash (engine.VersionFinder)
// names the newest of the workflow's versions with it, none of another workflow's, "" for a
// hash no version has.
func testVersionWithContent(t *testing.T, s engine.Store) {
	vf, ok := s.(engine.VersionFinder)
	if !ok {
		t.Skip("the store does not find versions by content")
	}
	w, _ := mkWorkflow(t, s, "A") // v1 of each has content "h1"
	w2, first := mkWorkflow(t, s, "B")
	add := func(w engine.Workflow, hash string) engine.Version {
		t.Helper()
		v, err := s.AddVersion(ctx(), engine.Version{WorkflowID: w.ID, Graph: sampleGraph(), ContentHash: hash}, false)
		must(t, "AddVersion", err)
		return v
	}
	add(w, "h4")
	newest := add(w, "h1")
	add(w, "h2")
	other := add(w2, "h3")
	for _, c := range []struct {
		w          engine.Workflow
		hash, want string
	}{{w, "h1", newest.ID}, {w, "h3", ""}, {w2, "h3", other.ID}, {w2, "h1", first.ID}, {w2, "h2", ""}, {w, "nope", ""}} {
		got, err := vf.VersionWithContent(ctx(), c.w.ID, c.hash)
		must(t, "VersionWithContent", err)
		if got != c.want {
			t.Errorf("VersionWithContent(%s, %s) = %q, want %q", c.w.Name, c.hash, got, c.want)
		}
	}
}

func testAddVersionConcurrent(t *testing.T, s engine.Store) {
	w, _ := mkWorkflow(t, s, "A")
	const n = 16
	var wg sync.WaitGroup
	labels := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := s.AddVersion(ctx(), engine.Version{WorkflowID: w.ID, Graph: sampleGraph()}, i%2 == 0)
			labels[i], errs[i] = v.Label, err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		must(t, "concurrent AddVersion", err)
	}
	sort.Slice(labels, func(i, j int) bool {
		return len(labels[i]) < len(labels[j]) || len(labels[i]) == len(labels[j]) && labels[i] < labels[j]
	})
	for i, l := range labels {
		if want := fmt.Sprintf("v%d", i+2); l != want {
			t.Fatalf("labels = %v, want v2…v%d each once", labels, n+1)
		}
	}
	vs, err := s.ListVersions(ctx(), w.ID)
	must(t, "ListVersions", err)
	if len(vs) != n+1 {
		t.Errorf("ListVersions: %d versions, want %d", len(vs), n+1)
	}
}

func testListVersions(t *testing.T, s engine.Store) {
	w, v1 := mkWorkflow(t, s, "A")
	v2 := mkVersion(t, s, w, false)
	v3 := mkVersion(t, s, w, false)
	other, _ := mkWorkflow(t, s, "B")
	mkVersion(t, s, other, false)
	vs, err := s.ListVersions(ctx(), w.ID)
	must(t, "ListVersions", err)
	got := ids(vs, func(v engine.Version) string { return v.ID })
	if want := []string{v3.ID, v2.ID, v1.ID}; !equalStrings(got, want) {
		t.Errorf("ListVersions = %v, want %v (newest first)", got, want)
	}
	if vs[2].Graph.Nodes[0].ID != "in" {
		t.Errorf("ListVersions does not carry the graph: %+v", vs[2].Graph)
	}
}

func testSetCurrentVersion(t *testing.T, s engine.Store) {
	w, v1 := mkWorkflow(t, s, "A")
	v2 := mkVersion(t, s, w, false)
	must(t, "SetCurrentVersion", s.SetCurrentVersion(ctx(), w.ID, v2.ID))
	got, _ := s.GetWorkflow(ctx(), w.ID)
	if got.CurrentVersionID != v2.ID {
		t.Errorf("current = %q, want %q", got.CurrentVersionID, v2.ID)
	}
	must(t, "SetCurrentVersion back", s.SetCurrentVersion(ctx(), w.ID, v1.ID))
	_, ov := mkWorkflow(t, s, "B")
	err := s.SetCurrentVersion(ctx(), w.ID, ov.ID)
	wantErr(t, "SetCurrentVersion to another workflow's version", err, engine.ErrNotFound, engine.ErrInvalid)
	wantErr(t, "SetCurrentVersion to unknown version", s.SetCurrentVersion(ctx(), w.ID, "nope"), engine.ErrNotFound)
	wantErr(t, "SetCurrentVersion of unknown workflow", s.SetCurrentVersion(ctx(), "nope", v1.ID), engine.ErrNotFound)
	got, _ = s.GetWorkflow(ctx(), w.ID)
	if got.CurrentVersionID != v1.ID {
		t.Errorf("refused switch changed current to %q", got.CurrentVersionID)
	}
}

func testFindWorkflows(t *testing.T, s engine.Store) {
	a1, _ := mkWorkflow(t, s, "Alpha")
	a2, _ := mkWorkflow(t, s, "Alpha")
	mkWorkflow(t, s, "Alphabet")
	mkWorkflow(t, s, "alpha")
	got, err := s.FindWorkflows(ctx(), "Alpha")
	must(t, "FindWorkflows", err)
	gotIDs := ids(got, func(w engine.Workflow) string { return w.ID })
	sort.Strings(gotIDs)
	want := []string{a1.ID, a2.ID}
	sort.Strings(want)
	if !equalStrings(gotIDs, want) {
		t.Errorf("FindWorkflows(Alpha) = %v, want %v", gotIDs, want)
	}
	for _, name := range []string{"Alph", "nope", ""} {
		got, err := s.FindWorkflows(ctx(), name)
		must(t, "FindWorkflows", err)
		if len(got) != 0 {
			t.Errorf("FindWorkflows(%q) = %d workflows, want none", name, len(got))
		}
	}
}

func testListWorkflows(t *testing.T, s engine.Store) {
	a, av1 := mkWorkflow(t, s, "A")
	mkVersion(t, s, a, false)
	b, _ := mkWorkflow(t, s, "B")
	mkRun(t, s, av1, at(10), "")
	r2 := mkRun(t, s, av1, at(20), "")
	r2.Status = engine.RunFailed
	must(t, "UpdateRun", s.UpdateRun(ctx(), r2))
	list, err := s.ListWorkflows(ctx())
	must(t, "ListWorkflows", err)
	if len(list) != 2 {
		t.Fatalf("ListWorkflows: %d summaries, want 2", len(list))
	}
	byID := map[string]engine.WorkflowSummary{}
	for _, w := range list {
		byID[w.ID] = w
	}
	sa, sb := byID[a.ID], byID[b.ID]
	if sa.Name != "A" || sa.Versions != 2 || sa.LastRunStatus != engine.RunFailed || sa.LastRunAt == nil || !sa.LastRunAt.Equal(at(20)) {
		t.Errorf("summary of A = %+v (last run at %v)", sa, sa.LastRunAt)
	}
	if sa.CurrentVersionID != av1.ID {
		t.Errorf("summary of A current version = %q", sa.CurrentVersionID)
	}
	if sb.Versions != 1 || sb.LastRunStatus != "" || sb.LastRunAt != nil {
		t.Errorf("summary of B = %+v", sb)
	}
}

func testUpdateWorkflow(t *testing.T, s engine.Store) {
	w, v := mkWorkflow(t, s, "A")
	w.Name, w.Description, w.Tags = "Renamed", "new", []string{"z"}
	w.CurrentVersionID = "ignored"
	must(t, "UpdateWorkflow", s.UpdateWorkflow(ctx(), w))
	got, _ := s.GetWorkflow(ctx(), w.ID)
	if got.Name != "Renamed" || got.Description != "new" || !equalStrings(got.Tags, []string{"z"}) || got.CurrentVersionID != v.ID {
		t.Errorf("after update: %+v", got)
	}
	if found, _ := s.FindWorkflows(ctx(), "Renamed"); len(found) != 1 {
		t.Errorf("FindWorkflows after rename: %d", len(found))
	}
	wantErr(t, "UpdateWorkflow unknown", s.UpdateWorkflow(ctx(), engine.Workflow{ID: "nope", Name: "x"}), engine.ErrNotFound)
	w.Name = ""
	wantErr(t, "UpdateWorkflow empty name", s.UpdateWorkflow(ctx(), w), engine.ErrInvalid)
}

func testDrafts(t *testing.T, s engine.Store) {
	w, v := mkWorkflow(t, s, "A")
	_, _, err := s.GetDraft(ctx(), w.ID)
	wantErr(t, "GetDraft before save", err, engine.ErrNotFound)
	g := sampleGraph()
	must(t, "SaveDraft", s.SaveDraft(ctx(), w.ID, g, v.ID))
	got, baseID, err := s.GetDraft(ctx(), w.ID)
	must(t, "GetDraft", err)
	if baseID != v.ID || len(got.Nodes) != 3 || got.Nodes[1].Params["width"] != "{{width}}" {
		t.Errorf("GetDraft = %+v base %q", got, baseID)
	}
	g.Nodes = g.Nodes[:1]
	must(t, "SaveDraft again", s.SaveDraft(ctx(), w.ID, g, ""))
	got, baseID, _ = s.GetDraft(ctx(), w.ID)
	if len(got.Nodes) != 1 || baseID != "" {
		t.Errorf("draft not replaced: %d nodes, base %q", len(got.Nodes), baseID)
	}
	must(t, "DeleteDraft", s.DeleteDraft(ctx(), w.ID))
	_, _, err = s.GetDraft(ctx(), w.ID)
	wantErr(t, "GetDraft after delete", err, engine.ErrNotFound)
	must(t, "DeleteDraft twice", s.DeleteDraft(ctx(), w.ID))
}

func testDeleteWorkflow(t *testing.T, s engine.Store) {
	w, v := mkWorkflow(t, s, "A")
	keep, kv := mkWorkflow(t, s, "B")
	v2 := mkVersion(t, s, w, false)
	inDraft, err := s.PutAsset(ctx(), []byte("only in A's draft"), "text/plain", "")
	must(t, "PutAsset", err)
	dg := sampleGraph()
	dg.Nodes[0].Params = map[string]any{"file": inDraft}
	must(t, "SaveDraft", s.SaveDraft(ctx(), w.ID, dg, v.ID))
	r := mkRun(t, s, v, at(1), "")
	kr := mkRun(t, s, kv, at(1), "")
	only, err := s.PutAsset(ctx(), []byte("only in A"), "text/plain", "a.txt")
	must(t, "PutAsset", err)
	shared, err := s.PutAsset(ctx(), []byte("shared"), "text/plain", "s.txt")
	must(t, "PutAsset", err)
	g := mkGen(r, "n", engine.GenCompleted, at(2))
	g.Outputs = map[string]any{"image": map[string]any{"asset": only.Asset, "mime": "text/plain"}, "other": []any{shared}}
	kg := mkGen(kr, "n", engine.GenCompleted, at(2))
	kg.Outputs = map[string]any{"image": shared}
	save(t, s, g, kg)
	must(t, "SelectGeneration", s.SelectGeneration(ctx(), w.ID, "n", g.ID))

	must(t, "DeleteWorkflow", s.DeleteWorkflow(ctx(), w.ID))

	_, err = s.GetWorkflow(ctx(), w.ID)
	wantErr(t, "GetWorkflow after delete", err, engine.ErrNotFound)
	for _, id := range []string{v.ID, v2.ID} {
		_, err = s.GetVersion(ctx(), id)
		wantErr(t, "GetVersion after delete", err, engine.ErrNotFound)
	}
	_, err = s.GetRun(ctx(), r.ID)
	wantErr(t, "GetRun after delete", err, engine.ErrNotFound)
	_, err = s.GetGeneration(ctx(), g.ID)
	wantErr(t, "GetGeneration after delete", err, engine.ErrNotFound)
	_, _, err = s.GetDraft(ctx(), w.ID)
	wantErr(t, "GetDraft after delete", err, engine.ErrNotFound)
	if cur, _ := s.CurrentGenerations(ctx(), w.ID); len(cur.Current) != 0 {
		t.Errorf("CurrentGenerations after delete = %v", cur)
	}
	if runs, _ := s.ListRuns(ctx(), "", 0); len(runs) != 1 || runs[0].ID != kr.ID {
		t.Errorf("ListRuns after delete = %v", ids(runs, func(r engine.Run) string { return r.ID }))
	}
	for _, ref := range []engine.AssetRef{only, inDraft} {
		_, err = s.OpenAsset(ctx(), ref.Asset)
		wantErr(t, "OpenAsset of an asset only the deleted workflow used", err, engine.ErrNotFound)
	}
	rc, err := s.OpenAsset(ctx(), shared.Asset)
	must(t, "OpenAsset of an asset another workflow uses", err)
	rc.Close()
	if _, err := s.GetGeneration(ctx(), kg.ID); err != nil {
		t.Errorf("other workflow's generation: %v", err)
	}
	if list, _ := s.ListWorkflows(ctx()); len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("ListWorkflows after delete = %+v", list)
	}
}

func testCopies(t *testing.T, s engine.Store) {
	w, v := mkWorkflow(t, s, "A")
	w.Tags[0] = "mutated"
	gv, _ := s.GetVersion(ctx(), v.ID)
	gv.Graph.Nodes[1].Params["opts"].(map[string]any)["mode"] = "mutated"
	gv.Graph.Nodes[0].Position.X = 99
	gw, _ := s.GetWorkflow(ctx(), w.ID)
	gw.Tags[0] = "mutated"
	again, _ := s.GetVersion(ctx(), v.ID)
	if again.Graph.Nodes[1].Params["opts"].(map[string]any)["mode"] != "fit" || again.Graph.Nodes[0].Position.X != 1 {
		t.Errorf("mutating a returned version changed the store: %+v", again.Graph.Nodes)
	}
	if gw2, _ := s.GetWorkflow(ctx(), w.ID); gw2.Tags[0] != "t" {
		t.Errorf("mutating returned tags changed the store: %v", gw2.Tags)
	}
	// Mutating what was passed in after the call does not change the store either.
	g := sampleGraph()
	v2, _ := s.AddVersion(ctx(), engine.Version{WorkflowID: w.ID, Graph: g}, false)
	g.Nodes[2].Params["name"] = "mutated"
	if got, _ := s.GetVersion(ctx(), v2.ID); got.Graph.Nodes[2].Params["name"] != "thumbnail" {
		t.Errorf("mutating the argument changed the stored version")
	}
}
