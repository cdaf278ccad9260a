package engine

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
)

// findCycleMaps is findCycle as it was first written, over maps: the reference
// TestPropertyFindCycle holds findCycle to.
func findCycleMaps(g Graph) []string {
	adj := make(map[string][]string, len(g.Nodes))
	parents := parentsOf(g)
	for _, e := range g.Edges {
		if parents[e.Target] == e.Source || parents[e.Source] == e.Target {
			continue
		}
		adj[e.Source] = append(adj[e.Source], e.Target)
	}
	ids := make([]string, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}
	sort.Strings(ids)
	color := map[string]int{}
	var stack, found []string
	var visit func(id string) bool
	visit = func(id string) bool {
		color[id] = 1
		stack = append(stack, id)
		for _, next := range adj[id] {
			switch color[next] {
			case 1:
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i] == next {
						found = append([]string(nil), stack[i:]...)
						return true
					}
				}
			case 0:
				if visit(next) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = 2
		return false
	}
	for _, id := range ids {
		if color[id] == 0 && visit(id) {
			return found
		}
	}
	return nil
}

// TestPropertyFindCycle: findCycle reports the cycle the walk over maps reported, on random
// graphs with cycles or none, duplicate ids, edges naming missing nodes, and loop groups'
// edges with their children.
func TestPropertyFindCycle(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 23))
	cycles := 0
	for round := range 3000 {
		n := 1 + rng.IntN(30)
		id := func() string { return "n" + strconv.Itoa(rng.IntN(n+3)) } // a few name no node
		g := Graph{}
		for i := range n {
			node := Node{ID: "n" + strconv.Itoa(i)}
			if rng.IntN(10) == 0 {
				node.ID = id() // a duplicate, now and then
			}
			if rng.IntN(8) == 0 {
				node.ParentID = id()
			}
			g.Nodes = append(g.Nodes, node)
		}
		acyclic := round%2 == 0
		for range rng.IntN(3 * n) {
			a, b := id(), id()
			if acyclic && a >= b {
				a, b = b, a
			}
			g.Edges = append(g.Edges, Edge{Source: a, Target: b})
		}
		want, got := findCycleMaps(g), findCycle(g)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: findCycle = %v, the walk over maps finds %v (%+v)", round, got, want, g)
		}
		if len(got) > 0 {
			cycles++
		}
	}
	if cycles < 300 || cycles > 2700 {
		t.Errorf("%d of 3000 graphs had a cycle: the rounds test too little of one kind", cycles)
	}
}
