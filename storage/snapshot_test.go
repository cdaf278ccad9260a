package storage

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestEncodeSnapshotMatchesEncodingJSON: the hand-written snapshot encoder decodes to what
// encoding/json's encoding decodes to, for plain and awkward strings alike.
func TestEncodeSnapshotMatchesEncodingJSON(t *testing.T) {
	for name, s := range map[string]engine.Snapshot{
		"empty":    {},
		"no nodes": {Nodes: map[string]engine.NodeRecord{}},
		"records": {Nodes: map[string]engine.NodeRecord{
			"n1":      {Status: engine.NodeReused, Reasons: []string{}, GenerationID: "0193-abc"},
			"n2":      {Status: engine.NodeExecuted, Reasons: []string{engine.ReasonTarget, engine.ReasonInputsUnchanged}, DurationMS: 42},
			"n3":      {Status: engine.NodeFailed, Error: "bad \"quote\" \\ <tag> & é \x01 \xff", DurationMS: -1},
			"ünïcode": {Status: engine.NodePending},
		}},
		"approvals": {Nodes: map[string]engine.NodeRecord{"gate": {Status: engine.NodePaused, Reasons: []string{}}},
			Approvals: map[string]engine.Approval{"gate": {Message: "ok?", Value: map[string]any{"x": 1.5}, Decided: true, Approved: true}}},
	} {
		t.Run(name, func(t *testing.T) { checkSnapshotEncoding(t, s) })
	}
}

func checkSnapshotEncoding(t *testing.T, s engine.Snapshot) {
	t.Helper()
	got, err := encodeSnapshot(s)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid([]byte(got)) {
		t.Fatalf("not JSON: %s", got)
	}
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var a, b engine.Snapshot
	if err := json.Unmarshal([]byte(got), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("decoded differently:\n got %+v\nwant %+v", a, b)
	}
}

// FuzzEncodeSnapshot feeds arbitrary ids, statuses, reasons and errors to the encoder.
func FuzzEncodeSnapshot(f *testing.F) {
	f.Add("n1", "reused", "target", "gen", "", int64(0))
	f.Add("a\"b", "failed", "\\", "<&>", "é\x00\xff", int64(-7))
	f.Fuzz(func(t *testing.T, id, status, reason, gen, msg string, ms int64) {
		checkSnapshotEncoding(t, engine.Snapshot{Nodes: map[string]engine.NodeRecord{
			id:  {Status: status, Reasons: []string{reason}, GenerationID: gen, DurationMS: ms, Error: msg},
			"x": {Status: status},
		}})
	})
}
