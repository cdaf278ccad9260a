package cli

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// printHumanBefore is printHuman as it was written with fmt over the merged records: the
// lines printHuman must keep giving.
func printHumanBefore(r engine.Run) string {
	var w strings.Builder
	fmt.Fprintf(&w, "run %s  %s  %s  %s\n", r.ID, r.VersionLabel, r.Label, r.Status)
	records := r.Snapshot.Records()
	ids := make([]string, 0, len(records))
	for id := range records {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := records[id]
		line := fmt.Sprintf("  %-20s %-9s", id, n.Status)
		if n.DurationMS > 0 {
			line += fmt.Sprintf(" %d ms", n.DurationMS)
		}
		if len(n.Reasons) > 0 {
			line += "  (" + strings.Join(n.Reasons, ", ") + ")"
		}
		if n.Error != "" {
			line += "  " + n.Error
		}
		fmt.Fprintf(&w, "%s\n", line)
	}
	names := make([]string, 0, len(r.Outputs))
	for k := range r.Outputs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&w, "output %s = %s\n", k, engine.ToText(r.Outputs[k]))
	}
	if r.Error != "" {
		fmt.Fprintf(&w, "error: %s\n", r.Error)
	}
	return w.String()
}

// TestPrintHumanLines: a run's summary reads exactly as the fmt-formatted one did: ids and
// statuses padded in runes (wide, accented and overlong ids), durations, reasons, errors,
// nodes known only as reused (one listed twice, one also in Nodes), outputs and the error.
func TestPrintHumanLines(t *testing.T) {
	runs := []engine.Run{
		{ID: "r1", VersionLabel: "v1", Label: "Run #1", Status: engine.RunCompleted},
		{ID: "r2", VersionLabel: "v3", Label: "retry of Run #1", Status: engine.RunFailed, Error: "node b: boom",
			Outputs: map[string]any{"z": int64(3), "a": "text", "m": map[string]any{"k": []any{1.5, nil}}},
			Snapshot: engine.Snapshot{
				Nodes: map[string]engine.NodeRecord{
					"a":                                   {Status: engine.NodeExecuted, Reasons: []string{"target"}, DurationMS: 12},
					"b":                                   {Status: engine.NodeFailed, Reasons: []string{"upstream_changed", "config_changed"}, Error: "boom"},
					"ünïcødé":                             {Status: engine.NodeSkipped},
					"画像の処理":                               {Status: engine.NodeUntouched, Reasons: []string{}},
					"ééééééééééééé":                       {Status: engine.NodeExecuted}, // 26 bytes, 13 runes: padded
					strings.Repeat("x", 45):               {Status: engine.NodeExecuted},
					"an-id-longer-than-twenty-characters": {Status: engine.NodeCancelled, DurationMS: -1},
					"shared":                              {Status: engine.NodeExecuted, Reasons: []string{"shared"}, DurationMS: 1},
				},
				Reused: []engine.ReusedNode{{NodeID: "c", GenerationID: "g1"}, {NodeID: "c", GenerationID: "g1"},
					{NodeID: "shared", GenerationID: "g2"}, {NodeID: "Ä", GenerationID: "g3"}},
			}},
	}
	// Many ids sharing their first 8 bytes or being prefixes of others, in Nodes, in Reused
	// (some twice) or both.
	rng := rand.New(rand.NewPCG(1, 2))
	many := engine.Run{ID: "r3", Status: engine.RunCompleted, Snapshot: engine.Snapshot{Nodes: map[string]engine.NodeRecord{}}}
	for range 3000 {
		id := []string{"n", "node-000", "node-0000", "a\x00", "ab"}[rng.IntN(5)] + strconv.Itoa(rng.IntN(500))
		if rng.IntN(3) == 0 {
			id = id[:rng.IntN(len(id)+1)]
		}
		if rng.IntN(2) == 0 {
			many.Snapshot.Nodes[id] = engine.NodeRecord{Status: engine.NodeExecuted, Reasons: []string{"changed"}, DurationMS: int64(rng.IntN(3))}
		} else {
			many.Snapshot.Reused = append(many.Snapshot.Reused, engine.ReusedNode{NodeID: id, GenerationID: "g"})
		}
	}
	runs = append(runs, many)
	for _, r := range runs {
		var out bytes.Buffer
		(&cmd{out: &out}).printHuman(r)
		if want := printHumanBefore(r); out.String() != want {
			t.Errorf("printHuman:\n%s\nwant:\n%s", out.String(), want)
		}
	}
}

// BenchmarkPrintHuman prints the summary of a run from the last node of a 10,000-node chain.
func BenchmarkPrintHuman(b *testing.B) {
	r := engine.Run{ID: "r", Status: engine.RunCompleted, Snapshot: engine.Snapshot{Nodes: map[string]engine.NodeRecord{
		"n9999": {Status: engine.NodeExecuted, Reasons: []string{"target"}}}}}
	for i := range 9999 {
		r.Snapshot.Reused = append(r.Snapshot.Reused, engine.ReusedNode{NodeID: "n" + strconv.Itoa(i), GenerationID: "g"})
	}
	for b.Loop() {
		(&cmd{out: io.Discard}).printHuman(r)
	}
}
