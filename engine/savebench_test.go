package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// BenchmarkChain10kDraftSave is the save of an edited 10,000-node chain as a version on the
// SQLite data home (what the window's Run of an edited draft, Save version and a switch of
// version pay before anything runs): the graph normalized, validated, hashed, stored and
// kept. One op: the middle node edited to a new value, saved as the next version.
func BenchmarkChain10kDraftSave(b *testing.B) {
	ctx := context.Background()
	svc, wf, g := chainService(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		editMiddle(g, i+1)
		v, err := svc.SaveVersion(ctx, wf, g, "edit", "", true)
		if err != nil || v.Label != fmt.Sprint("v", i+2) {
			b.Fatal("saving the edit: ", v.Label, err)
		}
	}
}

// BenchmarkChain10kDraftParts times the save's pure steps on the same graph: normalizing,
// validating and hashing it (what the window's Run of an unchanged draft pays too), and the
// three for an edited draft from the pieces of the version it was edited from.
func BenchmarkChain10kDraftParts(b *testing.B) {
	g := bigChain(benchNodes)
	reg := libRegistry(b)
	b.Run("normalize", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			engine.NormalizeGraph(g)
		}
	})
	n := engine.NormalizeGraph(g)
	b.Run("validate", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := engine.ValidateGraph(reg, n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hash", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			engine.ContentHash(n)
		}
	})
	// the middle node edited, normalized, validated and hashed from the version before
	b.Run("from-base", func(b *testing.B) {
		fromBase := engine.DraftFromBase(reg, g)
		edited := g
		edited.Nodes = append([]engine.Node(nil), g.Nodes...)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			editMiddle(edited, i+1)
			if _, err := fromBase(edited); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkChain10kSaveDraft is the editor's autosave of an edited 10,000-node chain on the
// SQLite data home (SaveDraft, what the window calls, debounced, while a person edits). One
// op: the middle node edited, the draft saved.
func BenchmarkChain10kSaveDraft(b *testing.B) {
	ctx := context.Background()
	svc, wf, g := chainService(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		editMiddle(g, i+1)
		if err := svc.SaveDraft(ctx, wf, g, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChain10kPlanGraph is the window's plan preview of the editor's graph (PlanGraph)
// of a 10,000-node chain with 8 versions that has run: one op plans from the last node of
// the graph with its middle node edited (no version equals it), then of the graph of the
// current version (found among the versions by its content hash).
func BenchmarkChain10kPlanGraph(b *testing.B) {
	ctx := context.Background()
	svc, wf, g := chainService(b)
	mid, last := benchNodes/2, fmt.Sprintf("n%d", benchNodes-1)
	for i := range 7 {
		editMiddle(g, i+1)
		if _, err := svc.SaveVersion(ctx, wf, g, "edit", "", true); err != nil {
			b.Fatal(err)
		}
	}
	completedRun(b, svc, engine.RunRequest{Workflow: wf})
	edited := g
	edited.Nodes = append([]engine.Node(nil), g.Nodes...)
	edited.Nodes[mid].Params = map[string]any{"expression": "a + 99999999"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if p, err := svc.PlanGraph(ctx, wf, edited, last, nil); err != nil || p.VersionID != "" {
			b.Fatal("the edited graph's plan: ", p.VersionID, err)
		}
		if p, err := svc.PlanGraph(ctx, wf, g, last, nil); err != nil || p.VersionID == "" {
			b.Fatal("the current version's plan: ", err)
		}
	}
}
