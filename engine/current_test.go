package engine_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// currentCase is one case of testdata/rules/current-generation.json, shared with the
// window's mirror of the rule (frontend/src/generations/current.test.ts).
type currentCase struct {
	Name    string `json:"name"`
	Current *struct {
		Selected bool `json:"selected"`
	} `json:"current"`
	Status         engine.GenStatus `json:"status"`
	BecomesCurrent bool             `json:"becomes_current"`
}

func TestCurrentRuleCases(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "rules", "current-generation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []currentCase }
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var cur *engine.Generation
			if c.Current != nil {
				cur = &engine.Generation{ID: "old", NodeID: "n", Status: engine.GenCompleted, Selected: c.Current.Selected, CreatedAt: t0, Seq: 1}
			}
			g := &engine.Generation{ID: "new", NodeID: "n", Status: c.Status, CreatedAt: t0.Add(time.Second), Seq: 2}
			if got := engine.Outranks(g, cur); got != c.BecomesCurrent {
				t.Errorf("Outranks = %v, want %v", got, c.BecomesCurrent)
			}
			st := engine.NewCurrentState(0)
			if cur != nil {
				st.Offer(cur)
			}
			if got := st.Offer(g); got != c.BecomesCurrent {
				t.Errorf("Offer = %v, want %v", got, c.BecomesCurrent)
			}
			if st.Failed["n"] != (c.Current == nil && c.Status == engine.GenFailed) {
				t.Errorf("Failed = %v", st.Failed)
			}
			// the same two generations in a node's list, either order, pick the same one
			want := "old"
			if c.BecomesCurrent {
				want = "new"
			} else if cur == nil {
				want = ""
			}
			list := []engine.Generation{*g}
			if cur != nil {
				list = append(list, *cur)
			}
			if got := engine.CurrentOf(list); got != want {
				t.Errorf("CurrentOf = %q, want %q", got, want)
			}
			if len(list) == 2 {
				list[0], list[1] = list[1], list[0]
				if got := engine.CurrentOf(list); got != want {
					t.Errorf("CurrentOf reversed = %q, want %q", got, want)
				}
			}
		})
	}
}
