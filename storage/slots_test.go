package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestTakeSlotsOrdersRunsSharingARank: the owner's queued runs come from the runs_queue index
// by queue rank only; runs that share a rank (made in the same millisecond by two processes,
// or moved) are still picked in the whole queue order (rank, creation, seq), however many
// other runs follow them, and the slot goes to the earliest.
func TestTakeSlotsOrdersRunsSharingARank(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "ranks"}, engine.Version{})
	if err != nil {
		t.Fatal(err)
	}
	base := time.UnixMilli(1_000_000)
	mk := func(created time.Duration) engine.Run {
		r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunQueued, Owner: "A",
			CreatedAt: base.Add(created)})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Made in this order (seq), all at one rank; created: late, early, middle; then later runs.
	late, early, middle := mk(3*time.Millisecond), mk(time.Millisecond), mk(2*time.Millisecond)
	var after []engine.Run
	for i := range 3 {
		after = append(after, mk(time.Duration(10+i)*time.Millisecond))
	}
	for _, r := range []engine.Run{late, early, middle} {
		if _, err := s.w.ExecContext(ctx, `UPDATE runs SET queue_rank = 5 WHERE id = ?`, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	all := []string{late.ID, early.ID, middle.ID}
	for _, r := range after {
		all = append(all, r.ID)
	}
	take := func(limit, cap int) []string {
		t.Helper()
		got, err := s.TakeSlots(ctx, engine.SlotRequest{Owner: "A", Queued: all, Limit: limit, Cap: cap,
			PausedKey: engine.SettingQueuePaused, Alive: func(string) bool { return true }})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got, want := take(1, 1), []string{early.ID}; !slices.Equal(got, want) {
		t.Fatalf("limit 1: %v, want the earliest created %v", got, want)
	}
	if got, want := take(2, 2), []string{early.ID, middle.ID}; !slices.Equal(got, want) {
		t.Fatalf("limit 2: %v, want %v", got, want)
	}
	if got, want := take(4, 4), []string{early.ID, middle.ID, late.ID, after[0].ID}; !slices.Equal(got, want) {
		t.Fatalf("limit 4: %v, want %v", got, want)
	}
}
