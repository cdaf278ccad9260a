package engine

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"testing"
)

// TestValidateUnless: a validation not told to stop finds what ValidateGraph finds, on
// random graphs valid or not; told to stop (before it starts, or while it runs on a large
// graph, as runVersion stops it once a version equals the draft), it gives up with
// errGivenUp, never a problem it did not finish finding.
func TestValidateUnless(t *testing.T) {
	reg := factsRegistry(t)
	r := rand.New(rand.NewPCG(5, 8))
	for round := range 300 {
		g := factsGraph(r)
		if round%3 == 0 && len(g.Nodes) > 0 { // a problem or two
			g.Nodes[r.IntN(len(g.Nodes))].Type = "no.such"
			g.Edges = append(g.Edges, Edge{Source: "nope", SourceHandle: "result", Target: g.Nodes[0].ID, TargetHandle: "a"})
		}
		var unset atomic.Bool
		want := ValidateGraph(reg, g)
		for _, got := range []error{validateUnless(reg, g, nil, nil), validateUnless(reg, g, nil, &unset)} {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: validateUnless = %v, ValidateGraph = %v", round, got, want)
			}
		}
		var set atomic.Bool
		set.Store(true)
		if err := validateUnless(reg, g, nil, &set); !errors.Is(err, errGivenUp) {
			t.Fatalf("round %d: stopped before it began: %v, want errGivenUp", round, err)
		}
	}
	big := Graph{}
	for i := range 50 * stopEvery {
		big.Nodes = append(big.Nodes, Node{ID: fmt.Sprintf("n%d", i), Type: "math.expr", Params: map[string]any{"expression": "a + 1"}})
		if i > 0 {
			big.Edges = append(big.Edges, Edge{Source: fmt.Sprintf("n%d", i-1), SourceHandle: "result", Target: fmt.Sprintf("n%d", i), TargetHandle: "a"})
		}
	}
	var stop atomic.Bool
	done := make(chan error, 1)
	go func() { done <- validateUnless(reg, big, nil, &stop) }()
	stop.Store(true)
	if err := <-done; err != nil && !errors.Is(err, errGivenUp) {
		t.Errorf("stopped while it ran: %v, want errGivenUp (or nil when it had finished)", err)
	}
}

// TestGoAsideRaisesPanicsWhereWaited: work begun aside gives its result to wait; a panic in it
// does not end the process but is raised again by wait, on the waiting goroutine (where the
// window binding's recover catches a panic of a bound method), and discard drops it.
func TestGoAsideRaisesPanicsWhereWaited(t *testing.T) {
	if got := goAside(func() int { return 7 }).wait(); got != 7 {
		t.Errorf("wait = %d, want 7", got)
	}
	boom := func() int { panic("boom") }
	goAside(boom).discard()
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the panic of the work aside", r)
		}
	}()
	goAside(boom).wait()
	t.Error("wait returned after the work panicked")
}
