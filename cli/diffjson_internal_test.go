package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestWriteRunDiffIsEncodingJSON: `flowbench diff --json` writes exactly what encoding/json
// wrote before (SPEC §13's shape, the same bytes): sorted node ids, null sides and reasons,
// strings that need escaping (quotes, control characters, non-ASCII, U+2028, HTML characters
// left as they are), workflows only when the runs' workflows differ.
func TestWriteRunDiffIsEncodingJSON(t *testing.T) {
	side := func(st engine.NodeStatus, reasons []string, gen string, ms int64) *engine.NodeSide {
		return &engine.NodeSide{Status: st, Reasons: reasons, GenerationID: gen, DurationMS: ms}
	}
	diffs := []engine.RunDiff{
		{A: "run-a", B: "run-b",
			Version: engine.SidePair{A: "v1", B: "v2"},
			Inputs:  map[string]engine.Pair{"n": {A: 1.0, B: 2.0}, "text <&>": {A: "a\u2028b", B: nil}},
			Graph: engine.GraphDiff{NodesAdded: []string{"x"}, NodesRemoved: []string{}, EdgesAdded: []string{"a.out->x.in"}, EdgesRemoved: []string{},
				NodesChanged: map[string]map[string]engine.Pair{"m": {"expression": {A: "a + 1", B: "a * 2"}}}},
			Nodes: map[string]engine.NodeDiff{
				"z":         {A: side(engine.NodeExecuted, []string{}, "g1", 12), B: side(engine.NodeReused, []string{"cached"}, "g1", 0), SameOutput: true},
				"a":         {A: nil, B: side(engine.NodeFailed, []string{"input \"x\" changed", "tab\there", "é"}, "", 3)},
				"q\"uote\n": {A: side(engine.NodeUntouched, nil, "", 0), B: nil},
				"<b>&":      {A: side("pending", []string{"\x7f\x01"}, "g\u2029", -1), B: side(engine.NodeExecuted, []string{}, "g2", 1<<40)},
			},
			Outputs: map[string]engine.SidePair{"out": {A: map[string]any{"k": []any{1.5, "s"}}, B: nil}},
		},
		{A: "a", B: "b", Workflows: &engine.SidePair{A: "w1", B: "w2"}, Version: engine.SidePair{A: "v", B: "v", Same: true}},
	}
	for _, d := range diffs {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeRunDiff(&got, d); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("writeRunDiff\n got %s\nwant %s", got.String(), want.String())
		}
	}
}
