package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPropertySortEdges: edges sorted by their ends compared one by one, unstably, their ids
// cleared (edgesForHash, no NUL in any end) are the edges sorted stably by the joined ends
// content hashes were first made with (sortEdgesJoined), ids cleared: the same edges in the
// same places, so the same hash; ends holding NUL bytes take the joined comparison. Ends are
// drawn from a few short strings, prefixes of each other, so that ties and prefixes are
// common.
func TestPropertySortEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 11))
	for round := range 2000 {
		words := []string{"", "a", "ab", "abc", "b", "n1", "n10", "n2", "\x01", "z"}
		if round%4 == 0 {
			words = append(words, "a\x00", "a\x00b", "\x00")
		}
		pick := func() string { return words[rng.IntN(len(words))] }
		edges := make([]Edge, rng.IntN(40))
		for i := range edges {
			edges[i] = Edge{ID: string(rune('A' + i)), Source: pick(), SourceHandle: pick(), Target: pick(), TargetHandle: pick()}
		}
		want := slices.Clone(edges)
		sortEdgesJoined(want)
		for i := range want {
			want[i].ID = ""
		}
		edges = edgesForHash(edges)
		if !slices.Equal(edges, want) {
			t.Fatalf("round %d: sorted %v, want %v", round, edges, want)
		}
	}
}
