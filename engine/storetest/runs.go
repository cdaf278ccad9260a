package storetest

import (
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

var runTests = []test{
	{"CreateRunNumbers", testCreateRunNumbers},
	{"CreateRunConcurrent", testCreateRunConcurrent},
	{"CreateRunRefusesForeignVersion", func(t *testing.T, s engine.Store) {
		w, _ := mkWorkflow(t, s, "A")
		_, ov := mkWorkflow(t, s, "B")
		_, err := s.CreateRun(ctx(), engine.Run{WorkflowID: w.ID, VersionID: ov.ID})
		wantErr(t, "CreateRun with another workflow's version", err, engine.ErrInvalid, engine.ErrNotFound)
		_, err = s.CreateRun(ctx(), engine.Run{WorkflowID: w.ID, VersionID: "nope"})
		wantErr(t, "CreateRun with unknown version", err, engine.ErrInvalid, engine.ErrNotFound)
	}},
	{"UpdateRunRoundTrip", testUpdateRun},
	{"ListRuns", testListRuns},
	{"ListRunsByStatus", testListRunsByStatus},
	{"LatestStartedRun", testLatestStartedRun},
	{"ChildRunNamesParent", testChildRun},
}

// testChildRun: a subworkflow's child run keeps the run and node that started it, in GetRun
// and in lists (SPEC §15).
func testChildRun(t *testing.T, s engine.Store) {
	_, pv := mkWorkflow(t, s, "Parent")
	cw, cv := mkWorkflow(t, s, "Child")
	parent := mkRun(t, s, pv, at(1), "")
	child, err := s.CreateRun(ctx(), engine.Run{WorkflowID: cw.ID, VersionID: cv.ID, Status: engine.RunRunning,
		ParentRunID: parent.ID, ParentNodeID: "sub", CreatedAt: at(2)})
	must(t, "CreateRun child", err)
	if child.ParentRunID != parent.ID || child.ParentNodeID != "sub" {
		t.Errorf("created child = %q/%q, want %q/sub", child.ParentRunID, child.ParentNodeID, parent.ID)
	}
	got, err := s.GetRun(ctx(), child.ID)
	must(t, "GetRun", err)
	if got.ParentRunID != parent.ID || got.ParentNodeID != "sub" {
		t.Errorf("GetRun child = %q/%q, want %q/sub", got.ParentRunID, got.ParentNodeID, parent.ID)
	}
	got.Status = engine.RunCompleted
	must(t, "UpdateRun", s.UpdateRun(ctx(), got))
	list, err := s.ListRuns(ctx(), "", 0)
	must(t, "ListRuns", err)
	found := false
	for _, r := range list {
		if r.ID == child.ID {
			found = r.ParentRunID == parent.ID && r.ParentNodeID == "sub"
		}
		if r.ID == parent.ID && r.ParentRunID != "" {
			t.Errorf("top-level run has parent %q", r.ParentRunID)
		}
	}
	if !found {
		t.Errorf("ListRuns does not list the child under its parent: %+v", list)
	}
}

func testCreateRunNumbers(t *testing.T, s engine.Store) {
	w, v := mkWorkflow(t, s, "A")
	_, ov := mkWorkflow(t, s, "B")
	r1, err := s.CreateRun(ctx(), engine.Run{
		WorkflowID: w.ID, VersionID: v.ID, Mode: engine.ModeFromBlock, FromNode: "small",
		Inputs: map[string]any{"width": 64, "photo": map[string]any{"asset": shaOf([]byte("x")), "mime": "image/png"}},
		Label:  "width=64", CreatedAt: at(1),
	})
	must(t, "CreateRun", err)
	r2 := mkRun(t, s, v, at(2), "")
	o1 := mkRun(t, s, ov, at(3), "")
	if r1.ID == "" || r1.Number != 1 || r2.Number != 2 || o1.Number != 1 {
		t.Errorf("numbers = %d %d (other workflow %d), want 1 2 (1)", r1.Number, r2.Number, o1.Number)
	}
	if r1.VersionLabel != "v1" {
		t.Errorf("VersionLabel = %q, want v1", r1.VersionLabel)
	}
	// without a label, the number names it, in the same write
	if stored, _ := s.GetRun(ctx(), r2.ID); r2.Label != "Run #2" || stored.Label != "Run #2" || r1.Label != "width=64" {
		t.Errorf("labels %q (stored %q), %q; want Run #2 and width=64 kept", r2.Label, stored.Label, r1.Label)
	}
	got, err := s.GetRun(ctx(), r1.ID)
	must(t, "GetRun", err)
	if got.Number != 1 || got.WorkflowID != w.ID || got.VersionID != v.ID || got.VersionLabel != "v1" ||
		got.Mode != engine.ModeFromBlock || got.FromNode != "small" || got.Label != "width=64" ||
		got.Status != engine.RunQueued || !got.CreatedAt.Equal(at(1)) || got.StartedAt != nil || got.FinishedAt != nil {
		t.Errorf("GetRun = %+v", got)
	}
	if got.Inputs["width"] != int64(64) || got.Inputs["photo"].(map[string]any)["mime"] != "image/png" {
		t.Errorf("inputs = %#v", got.Inputs)
	}
}

func testCreateRunConcurrent(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	const n = 16
	numbers := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.CreateRun(ctx(), engine.Run{WorkflowID: v.WorkflowID, VersionID: v.ID})
			numbers[i], errs[i] = r.Number, err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		must(t, "concurrent CreateRun", err)
	}
	sort.Ints(numbers)
	for i, num := range numbers {
		if num != i+1 {
			t.Fatalf("numbers = %v, want 1…%d each once", numbers, n)
		}
	}
}

func testUpdateRun(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	r := mkRun(t, s, v, at(1), "")
	started, finished := at(2).Add(123*time.Millisecond), at(5)
	r.Status = engine.RunPaused
	r.Label = "prompt=\"red fox\" seed=7"
	r.Error = "node x: boom"
	r.Outputs = map[string]any{"thumbnail": map[string]any{"asset": shaOf([]byte("y")), "mime": "image/png"}, "n": 3}
	r.Snapshot = engine.Snapshot{
		Nodes: map[string]engine.NodeRecord{
			"small": {Status: engine.NodeExecuted, Reasons: []string{"target"}, GenerationID: "g1", DurationMS: 12, Error: ""},
			"out":   {Status: engine.NodeFailed, Reasons: []string{"downstream_of_target"}, Error: "bad"},
		},
		Approvals: map[string]engine.Approval{"ok": {Message: "Go?", Value: map[string]any{"k": 1}, Decided: true, Approved: true}},
	}
	r.Owner = "proc-1"
	r.StartedAt, r.FinishedAt = &started, &finished
	r.Inputs = map[string]any{"width": 1} // not mutable: ignored
	must(t, "UpdateRun", s.UpdateRun(ctx(), r))
	got, err := s.GetRun(ctx(), r.ID)
	must(t, "GetRun", err)
	if got.Status != engine.RunPaused || got.Label != r.Label || got.Error != r.Error || got.Owner != "proc-1" {
		t.Errorf("scalars = %+v", got)
	}
	if got.StartedAt == nil || !got.StartedAt.Equal(started) || got.FinishedAt == nil || !got.FinishedAt.Equal(finished) {
		t.Errorf("times = %v %v, want %v %v", got.StartedAt, got.FinishedAt, started, finished)
	}
	if got.Inputs["width"] != int64(64) {
		t.Errorf("UpdateRun changed inputs: %v", got.Inputs)
	}
	wantOut, _ := engine.NormalizeOutputs(r.Outputs)
	if !reflect.DeepEqual(got.Outputs, wantOut) {
		t.Errorf("outputs = %#v, want %#v", got.Outputs, wantOut)
	}
	wantSnap, _ := engine.Normalize(r.Snapshot)
	gotSnap, _ := engine.Normalize(got.Snapshot)
	if !reflect.DeepEqual(gotSnap, wantSnap) {
		t.Errorf("snapshot = %v, want %v", gotSnap, wantSnap)
	}
	if got.Snapshot.Nodes["small"].GenerationID != "g1" || !got.Snapshot.Approvals["ok"].Approved {
		t.Errorf("snapshot fields lost: %+v", got.Snapshot)
	}
	// Times can be cleared again (resume after restart).
	r.StartedAt, r.FinishedAt, r.Status = nil, nil, engine.RunQueued
	must(t, "UpdateRun", s.UpdateRun(ctx(), r))
	got, _ = s.GetRun(ctx(), r.ID)
	if got.StartedAt != nil || got.FinishedAt != nil || got.Status != engine.RunQueued {
		t.Errorf("after clearing times: %v %v %s", got.StartedAt, got.FinishedAt, got.Status)
	}
}

func testListRuns(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	_, ov := mkWorkflow(t, s, "B")
	a1 := mkRun(t, s, v, at(1), "")
	b1 := mkRun(t, s, ov, at(2), "")
	a2 := mkRun(t, s, v, at(3), "")
	a3 := mkRun(t, s, v, at(3), "") // same time: later insert counts as newer
	runID := func(r engine.Run) string { return r.ID }
	all, err := s.ListRuns(ctx(), "", 0)
	must(t, "ListRuns", err)
	if got, want := ids(all, runID), []string{a3.ID, a2.ID, b1.ID, a1.ID}; !equalStrings(got, want) {
		t.Errorf("ListRuns(all) = %v, want %v", got, want)
	}
	mine, _ := s.ListRuns(ctx(), v.WorkflowID, 0)
	if got, want := ids(mine, runID), []string{a3.ID, a2.ID, a1.ID}; !equalStrings(got, want) {
		t.Errorf("ListRuns(A) = %v, want %v", got, want)
	}
	limited, _ := s.ListRuns(ctx(), v.WorkflowID, 2)
	if got, want := ids(limited, runID), []string{a3.ID, a2.ID}; !equalStrings(got, want) {
		t.Errorf("ListRuns(A, 2) = %v, want %v", got, want)
	}
	if all[0].VersionLabel != "v1" || all[0].Inputs["width"] != int64(64) {
		t.Errorf("listed run lacks fields: %+v", all[0])
	}
	// A list leaves the node records out; GetRun has them.
	a3.Snapshot = engine.Snapshot{Nodes: map[string]engine.NodeRecord{"n": {Status: engine.NodeExecuted, Reasons: []string{}}}}
	must(t, "UpdateRun", s.UpdateRun(ctx(), a3))
	if listed, _ := s.ListRuns(ctx(), v.WorkflowID, 1); len(listed) != 1 || len(listed[0].Snapshot.Nodes) != 0 {
		t.Errorf("ListRuns carries a snapshot: %+v", listed)
	}
	if got, _ := s.GetRun(ctx(), a3.ID); got.Snapshot.Nodes["n"].Status != engine.NodeExecuted {
		t.Errorf("GetRun lost the snapshot: %+v", got.Snapshot)
	}
	none, err := s.ListRuns(ctx(), "nope", 0)
	if err != nil || len(none) != 0 {
		t.Errorf("ListRuns(unknown) = %v, %v", none, err)
	}
}

func testListRunsByStatus(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	_, ov := mkWorkflow(t, s, "B")
	set := func(r engine.Run, st engine.RunStatus) engine.Run {
		r.Status = st
		must(t, "UpdateRun", s.UpdateRun(ctx(), r))
		return r
	}
	r3 := set(mkRun(t, s, v, at(3), ""), engine.RunRunning)
	r1 := set(mkRun(t, s, ov, at(1), ""), engine.RunQueued)
	set(mkRun(t, s, v, at(2), ""), engine.RunCompleted)
	r4 := set(mkRun(t, s, v, at(4), ""), engine.RunQueued)
	got, err := s.ListRunsByStatus(ctx(), engine.RunQueued, engine.RunRunning)
	must(t, "ListRunsByStatus", err)
	if ids, want := ids(got, func(r engine.Run) string { return r.ID }), []string{r1.ID, r3.ID, r4.ID}; !equalStrings(ids, want) {
		t.Errorf("ListRunsByStatus(queued, running) = %v, want %v (oldest first)", ids, want)
	}
	if got, _ := s.ListRunsByStatus(ctx(), engine.RunPaused); len(got) != 0 {
		t.Errorf("ListRunsByStatus(paused) = %d runs", len(got))
	}
	if got, _ := s.ListRunsByStatus(ctx()); len(got) != 0 {
		t.Errorf("ListRunsByStatus() = %d runs, want none", len(got))
	}
}

// testLatestStartedRun: the newest run that started, past any number of newer runs that
// never did (queued, or cancelled while queued), and not another workflow's.
func testLatestStartedRun(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	_, ov := mkWorkflow(t, s, "B")
	_, err := s.LatestStartedRun(ctx(), v.WorkflowID)
	wantErr(t, "LatestStartedRun of a workflow that never ran", err, engine.ErrNotFound)
	start := func(r engine.Run, st engine.RunStatus) engine.Run {
		started := r.CreatedAt.Add(time.Second)
		r.Status, r.StartedAt = st, &started
		must(t, "UpdateRun", s.UpdateRun(ctx(), r))
		return r
	}
	start(mkRun(t, s, v, at(1), "old"), engine.RunCompleted)
	want := start(mkRun(t, s, v, at(2), "ran"), engine.RunFailed)
	for i := range 3 {
		r := mkRun(t, s, v, at(3+i), "")
		if i == 1 {
			r.Status = engine.RunCancelled // cancelled while queued: no start time
			must(t, "UpdateRun", s.UpdateRun(ctx(), r))
		}
	}
	start(mkRun(t, s, ov, at(9), "other workflow"), engine.RunCompleted)
	got, err := s.LatestStartedRun(ctx(), v.WorkflowID)
	must(t, "LatestStartedRun", err)
	if got.ID != want.ID || got.Label != "ran" || got.StartedAt == nil || len(got.Inputs) != 1 {
		t.Errorf("LatestStartedRun = %s %q %+v, want %s", got.ID, got.Label, got, want.ID)
	}
}
