package storage

import (
	"fmt"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// BenchmarkEncodeSnapshot writes the run records of a 10,000-node chain's runs: a run from
// the last node (9,999 entries of Reused, one executed record), a changed run (5,000
// executed for a reason, 5,000 reused for another) and a full run; and reads them back.
func BenchmarkEncodeSnapshot(b *testing.B) {
	gen := func(i int) string { return fmt.Sprintf("01a24c7a-%04x-7d92-848a-17c77d820c17", i) }
	from := engine.Snapshot{Nodes: map[string]engine.NodeRecord{
		"n9999": {Status: engine.NodeExecuted, Reasons: []string{engine.ReasonTarget}, GenerationID: gen(9999)}}}
	changed := engine.Snapshot{Nodes: map[string]engine.NodeRecord{}}
	full := engine.Snapshot{Nodes: map[string]engine.NodeRecord{}}
	for i := range 10000 {
		id := fmt.Sprintf("n%d", i)
		full.Nodes[id] = engine.NodeRecord{Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: gen(i)}
		if i < 9999 {
			from.Reused = append(from.Reused, engine.ReusedNode{NodeID: id, GenerationID: gen(i)})
		}
		if i < 5000 {
			changed.Nodes[id] = engine.NodeRecord{Status: engine.NodeReused, Reasons: []string{engine.ReasonInputsUnchanged}, GenerationID: gen(i)}
		} else {
			changed.Nodes[id] = engine.NodeRecord{Status: engine.NodeExecuted, Reasons: []string{engine.ReasonUpstreamChanged}, GenerationID: gen(i)}
		}
	}
	for _, c := range []struct {
		name string
		s    engine.Snapshot
	}{{"from", from}, {"changed", changed}, {"full", full}} {
		b.Run(c.name+"/encode", func(b *testing.B) {
			for b.Loop() {
				if _, _, err := encodeSnapshot(c.s); err != nil {
					b.Fatal(err)
				}
			}
		})
		text, packed, _ := encodeSnapshot(c.s)
		b.Run(c.name+"/decode", func(b *testing.B) {
			b.ReportMetric(float64(len(text)+len(packed)), "bytes")
			for b.Loop() {
				var s engine.Snapshot
				if err := decodeSnapshot(text, packed, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
