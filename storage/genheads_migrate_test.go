package storage

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestHeadsMigrationChainsExistingGenerations opens a home written by the build before 0013:
// every node's existing generations are chained newest first and its head names its latest
// completed one (by created_at, then seq) and whether one failed, so the timeline and the
// current generations read as before; the next write and a deletion keep the chain.
func TestHeadsMigrationChainsExistingGenerations(t *testing.T) {
	ctx := context.Background()
	home, db := homeBefore(t, "_generation_heads.sql")
	for _, q := range []string{
		`INSERT INTO workflows (id, name, created_at, updated_at) VALUES ('w1', 'old', 0, 0), ('w2', 'other', 0, 0)`,
		// a: completed twice (the later created_at written first), then failed; b: only failed;
		// c: completed, then running; w2 has an a of its own.
		`INSERT INTO generations (id, workflow_id, node_id, status, created_at) VALUES
			('a1', 'w1', 'a', 'completed', 20), ('b1', 'w1', 'b', 'failed', 11), ('a2', 'w1', 'a', 'completed', 10),
			('x1', 'w2', 'a', 'completed', 12), ('c1', 'w1', 'c', 'completed', 13), ('a3', 'w1', 'a', 'failed', 30),
			('c2', 'w1', 'c', 'running', 31)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, home, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	timeline := func(wf, node string) string {
		t.Helper()
		gens, err := s.ListGenerations(ctx, wf, node)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, g := range gens {
			ids = append(ids, g.ID)
		}
		return strings.Join(ids, ",")
	}
	current := func(wf string) string {
		t.Helper()
		st, err := s.CurrentGenerations(ctx, wf)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for node, g := range st.Current {
			out = append(out, node+"="+g.ID)
		}
		for node := range st.Failed {
			out = append(out, node+"=failed")
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	for _, c := range []struct{ wf, node, want string }{
		{"w1", "a", "a3,a1,a2"}, {"w1", "b", "b1"}, {"w1", "c", "c2,c1"}, {"w2", "a", "x1"}, {"w1", "d", ""},
	} {
		if got := timeline(c.wf, c.node); got != c.want {
			t.Errorf("after 0013: timeline of %s/%s = %q, want %q", c.wf, c.node, got, c.want)
		}
	}
	if got, want := current("w1"), "a=a1 b=failed c=c1"; got != want {
		t.Errorf("after 0013: current of w1 = %q, want %q", got, want)
	}
	if got, want := current("w2"), "a=x1"; got != want {
		t.Errorf("after 0013: current of w2 = %q, want %q", got, want)
	}
	// A new generation goes in front of its node's chain; deleting one in the middle links
	// around it, deleting the current one makes the next latest completed current.
	if _, err := s.SaveGenerations(ctx, []engine.Generation{{ID: "a4", WorkflowID: "w1", NodeID: "a", Status: engine.GenFailed}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a3", "a1"} {
		if err := s.DeleteGeneration(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := timeline("w1", "a"), "a4,a2"; got != want {
		t.Errorf("after a write and deletions: timeline of a = %q, want %q", got, want)
	}
	if got, want := current("w1"), "a=a2 b=failed c=c1"; got != want {
		t.Errorf("after a write and deletions: current of w1 = %q, want %q", got, want)
	}
}
