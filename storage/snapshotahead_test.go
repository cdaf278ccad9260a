package storage_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestSnapshotEncodedAhead: a run's end record written with its snapshot encoded ahead
// (EncodeSnapshot, as the executor has it done while the last generations commit) reads back
// as the same record written without it; an encoding of another snapshot (sizes that differ)
// is not used.
func TestSnapshotEncodedAhead(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "ahead"}, engine.Version{})
	if err != nil {
		t.Fatal(err)
	}
	gen := func(i int) string { return fmt.Sprintf("01a24c7a-%04x-7d92-848a-17c77d820c17", i) }
	snap := engine.Snapshot{Nodes: map[string]engine.NodeRecord{
		"odd id \"q\"": {Status: engine.NodeFailed, Reasons: []string{engine.ReasonChanged, engine.ReasonConfigChanged}, Error: "boom"},
		"ok":           {Status: engine.NodeExecuted, Reasons: []string{engine.ReasonUpstreamChanged}, GenerationID: gen(1), DurationMS: 3},
	}, Approvals: map[string]engine.Approval{"ok": {Message: "go?"}}}
	for i := range 300 {
		snap.Reused = append(snap.Reused, engine.ReusedNode{NodeID: fmt.Sprintf("n%d", i), GenerationID: gen(i + 10)})
		snap.Nodes[fmt.Sprintf("m%d", i)] = engine.NodeRecord{Status: engine.NodeExecuted, Reasons: []string{engine.ReasonUpstreamChanged}, GenerationID: gen(i + 1000)}
	}
	smaller := engine.Snapshot{Nodes: map[string]engine.NodeRecord{"ok": snap.Nodes["ok"]}, Reused: snap.Reused[:10]}
	write := func(encoded any) engine.Snapshot {
		t.Helper()
		r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID})
		if err != nil {
			t.Fatal(err)
		}
		r.Status, r.Snapshot = engine.RunCompleted, snap
		r.Snapshot.Encoded = encoded
		if err := s.UpdateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetRun(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Snapshot
	}
	plain := write(nil)
	if len(plain.Records()) != len(snap.Records()) {
		t.Fatalf("stored %d records, want %d", len(plain.Records()), len(snap.Records()))
	}
	for name, enc := range map[string]any{"ahead": s.EncodeSnapshot(snap), "of another snapshot": s.EncodeSnapshot(smaller), "foreign": "not an encoding"} {
		if got := write(enc); !reflect.DeepEqual(got, plain) {
			t.Errorf("%s: stored %+v\nwant %+v", name, got, plain)
		}
	}
}
