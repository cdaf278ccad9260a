package storetest

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// recText is a record's bytes, given as Data or as Text.
func recText(rec engine.StateRecord) string {
	if rec.Data != nil {
		return string(rec.Data)
	}
	return rec.Text
}

func hasRecord(rec engine.StateRecord) bool { return rec.Data != nil || rec.Text != "" }

var stateRecordTests = []test{
	{"SaveAndRead", testStateRecordSaveAndRead},
	{"SinceAndEpoch", testStateRecordSince},
	{"GoesWithWorkflow", testStateRecordGoesWithWorkflow},
	{"RunInputs", testRunInputs},
}

// testRunInputs: a run's inputs alone are GetRun's, numbers with their types; an unknown run
// is ErrNotFound.
func testRunInputs(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	inputs := map[string]any{"width": int64(3), "scale": 1.5, "name": "x", "list": []any{int64(1), "two"}}
	r, err := s.CreateRun(ctx(), engine.Run{WorkflowID: v.WorkflowID, VersionID: v.ID, Status: engine.RunQueued, Mode: engine.ModeFull,
		Inputs: inputs, CreatedAt: at(2)})
	must(t, "CreateRun", err)
	whole, err := s.GetRun(ctx(), r.ID)
	must(t, "GetRun", err)
	got, err := s.RunInputs(ctx(), r.ID)
	must(t, "RunInputs", err)
	if !reflect.DeepEqual(got, whole.Inputs) || got["width"] != int64(3) {
		t.Errorf("RunInputs = %#v, GetRun's = %#v", got, whole.Inputs)
	}
	if _, err := s.RunInputs(ctx(), "nope"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("RunInputs of an unknown run: %v, want ErrNotFound", err)
	}
}

// testStateRecordSaveAndRead: a record is kept only for the workflow's epoch of the moment,
// comes back as saved with that epoch, and a later one replaces it.
func testStateRecordSaveAndRead(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	wf := v.WorkflowID
	rec, err := s.StateRecord(ctx(), wf, 100)
	must(t, "StateRecord", err)
	if hasRecord(rec) || rec.Now != 0 {
		t.Fatalf("a workflow without a record: %+v", rec)
	}
	if rec, err := s.StateRecord(ctx(), "nope", 100); err != nil || hasRecord(rec) {
		t.Fatalf("unknown workflow: %+v %v", rec, err)
	}
	if ok, err := s.SaveStateRecord(ctx(), wf, 1, []byte("one")); err != nil || ok {
		t.Fatalf("a record for an epoch the workflow is not at was kept: %v %v", ok, err)
	}
	if ok, err := s.SaveStateRecord(ctx(), "nope", 0, []byte("one")); err != nil || ok {
		t.Fatalf("a record of an unknown workflow was kept: %v %v", ok, err)
	}
	if ok, err := s.SaveStateRecord(ctx(), wf, 0, []byte("zero")); err != nil || !ok {
		t.Fatalf("SaveStateRecord at the workflow's epoch: %v %v", ok, err)
	}
	rec, err = s.StateRecord(ctx(), wf, 100)
	must(t, "StateRecord", err)
	if recText(rec) != "zero" || rec.Epoch != 0 || rec.Now != 0 || !rec.SinceRead || len(rec.Since) != 0 {
		t.Fatalf("record = %+v, want zero at epoch 0 with nothing since", rec)
	}
	r := mkRun(t, s, v, at(1), "")
	_, err = s.SaveGenerations(ctx(), []engine.Generation{mkGen(r, "a", engine.GenCompleted, at(2))})
	must(t, "SaveGenerations", err)
	big := bytes.Repeat([]byte{0, 1, 2, 0xff}, 300_000) // binary, over a megabyte
	if ok, err := s.SaveStateRecord(ctx(), wf, 1, big); err != nil || !ok {
		t.Fatalf("SaveStateRecord at epoch 1: %v %v", ok, err)
	}
	rec, err = s.StateRecord(ctx(), wf, 100)
	must(t, "StateRecord", err)
	if recText(rec) != string(big) || rec.Epoch != 1 || rec.Now != 1 || len(rec.Since) != 0 {
		t.Fatalf("record after replacing: %d bytes at epoch %d (now %d), %d since", len(recText(rec)), rec.Epoch, rec.Now, len(rec.Since))
	}
}

// testStateRecordSince: the generations stored after the record come with it, oldest first,
// whole but for labels and picks; selections and deletions move Now without adding any; past
// maxSince they are not read.
func testStateRecordSince(t *testing.T, s engine.Store) {
	_, v := mkWorkflow(t, s, "A")
	_, ov := mkWorkflow(t, s, "B")
	wf := v.WorkflowID
	r, or := mkRun(t, s, v, at(1), ""), mkRun(t, s, ov, at(1), "")
	first := mkGen(r, "a", engine.GenCompleted, at(2))
	_, err := s.SaveGenerations(ctx(), []engine.Generation{first})
	must(t, "SaveGenerations", err)
	if ok, err := s.SaveStateRecord(ctx(), wf, 1, []byte("r")); err != nil || !ok {
		t.Fatalf("SaveStateRecord: %v %v", ok, err)
	}
	later := []engine.Generation{mkGen(r, "b", engine.GenCompleted, at(3)), mkGen(or, "a", engine.GenCompleted, at(3)),
		mkGen(r, "a", engine.GenFailed, at(4))}
	later[0].Outputs = map[string]any{"result": int64(7)}
	_, err = s.SaveGenerations(ctx(), later)
	must(t, "SaveGenerations", err)
	rec, err := s.StateRecord(ctx(), wf, 100)
	must(t, "StateRecord", err)
	if rec.Epoch != 1 || rec.Now != 3 || !rec.SinceRead || len(rec.Since) != 2 {
		t.Fatalf("record %+v: want epoch 1, now 3, two generations since", rec)
	}
	want0, err := s.GetGeneration(ctx(), later[0].ID)
	must(t, "GetGeneration", err)
	want0.VersionLabel, want0.RunLabel = "", ""
	got0 := rec.Since[0]
	if got0.ID != want0.ID || got0.Seq != want0.Seq || !got0.CreatedAt.Equal(want0.CreatedAt) || got0.Status != want0.Status ||
		got0.ConfigHash != want0.ConfigHash || got0.InputFingerprint != want0.InputFingerprint || got0.RunID != want0.RunID ||
		got0.VersionID != want0.VersionID || got0.Outputs["result"] != int64(7) || got0.Selected {
		t.Errorf("since[0] = %+v, want %+v", got0, want0)
	}
	if rec.Since[1].ID != later[2].ID || rec.Since[1].Status != engine.GenFailed {
		t.Errorf("since[1] = %s %s, want the failed %s", rec.Since[1].ID, rec.Since[1].Status, later[2].ID)
	}
	if rec, err := s.StateRecord(ctx(), wf, 1); err != nil || rec.SinceRead || rec.Since != nil || rec.Now != 3 || recText(rec) != "r" {
		t.Errorf("past maxSince: %+v %v, want the record and epochs without generations", rec, err)
	}
	// A pick and a deletion move the epoch on; the count of generations since tells.
	must(t, "SelectGeneration", s.SelectGeneration(ctx(), wf, "a", first.ID))
	must(t, "DeleteGeneration", s.DeleteGeneration(ctx(), later[0].ID))
	rec, err = s.StateRecord(ctx(), wf, 100)
	must(t, "StateRecord", err)
	if rec.Now != 5 || len(rec.Since) != 1 || rec.Since[0].ID != later[2].ID {
		t.Errorf("after a pick and a deletion: now %d, %d since; want 5 and the failed one", rec.Now, len(rec.Since))
	}
}

// testStateRecordGoesWithWorkflow: deleting a workflow deletes its record.
func testStateRecordGoesWithWorkflow(t *testing.T, s engine.Store) {
	w, _ := mkWorkflow(t, s, "A")
	if ok, err := s.SaveStateRecord(ctx(), w.ID, 0, []byte("r")); err != nil || !ok {
		t.Fatalf("SaveStateRecord: %v %v", ok, err)
	}
	must(t, "DeleteWorkflow", s.DeleteWorkflow(ctx(), w.ID))
	if rec, err := s.StateRecord(ctx(), w.ID, 100); err != nil || hasRecord(rec) {
		t.Errorf("record of a deleted workflow: %+v %v", rec, err)
	}
}
