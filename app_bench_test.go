package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// editorChain is a chain of n math.expr nodes as the editor sends it: each node placed, each
// edge with its id.
func editorChain(n int) engine.Graph {
	var g engine.Graph
	for i := range n {
		g.Nodes = append(g.Nodes, engine.Node{ID: fmt.Sprintf("n%d", i), Type: "math.expr",
			Params: map[string]any{"expression": "a + 1"}, Position: &engine.Position{X: float64(i * 220), Y: 120}})
		if i > 0 {
			g.Edges = append(g.Edges, engine.Edge{ID: fmt.Sprintf("e%d", i), Source: fmt.Sprintf("n%d", i-1), SourceHandle: "result",
				Target: fmt.Sprintf("n%d", i), TargetHandle: "a"})
		}
	}
	return g
}

// BenchmarkBindingStartRunDecode10k is what the Wails binding does with the window's
// StartRun of a 10,000-node editor graph before App.StartRun is called: the call message
// decoded with encoding/json (its args kept as raw JSON), then the argument decoded into a
// RunRequest with encoding/json (wails v2 internal/frontend/dispatcher processCallMessage and
// internal/binding BoundMethod.ParseArgs). "graph-fast" decodes the same graph with the
// engine's decoder (engine.DecodeGraph), for comparison. SaveDraft and CheckGraph pay the same
// for their graph argument.
func BenchmarkBindingStartRunDecode10k(b *testing.B) {
	type callMessage struct { // wails' dispatcher's
		Name       string            `json:"name"`
		Args       []json.RawMessage `json:"args"`
		CallbackID string            `json:"callbackID"`
	}
	g := editorChain(10000)
	arg, err := json.Marshal(RunRequest{WorkflowID: "wf", Graph: &g, Inputs: map[string]any{}, Changed: true})
	if err != nil {
		b.Fatal(err)
	}
	msg, err := json.Marshal(callMessage{Name: "main.App.StartRun", Args: []json.RawMessage{arg}, CallbackID: "main.App.StartRun-1"})
	if err != nil {
		b.Fatal(err)
	}
	message := "C" + string(msg)
	b.Run("binding", func(b *testing.B) {
		b.SetBytes(int64(len(message)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var payload callMessage
			if err := json.Unmarshal([]byte(message[1:]), &payload); err != nil {
				b.Fatal(err)
			}
			var req RunRequest
			if err := json.Unmarshal(payload.Args[0], &req); err != nil || len(req.Graph.Nodes) != 10000 {
				b.Fatal("decoding the argument: ", err)
			}
		}
	})
	b.Run("message", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var payload callMessage
			if err := json.Unmarshal([]byte(message[1:]), &payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	text, err := json.Marshal(g)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("graph-fast", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var got engine.Graph
			if err := engine.DecodeGraph(text, &got); err != nil || len(got.Nodes) != 10000 {
				b.Fatal("decoding the graph: ", err)
			}
		}
	})
}

// BenchmarkBindingSaveDraftDecode10k is the binding's decoding of one autosave of a
// 10,000-node editor graph with one param edited: "whole" the call message and arguments of
// SaveDraft (the whole graph), "patch" those of SaveDraftPatch (the graph's patch of its base
// version: one node), both as BenchmarkBindingStartRunDecode10k decodes them; "apply" is
// engine.ApplyGraphPatch making the graph from the (cached, decoded) base, which the patch's
// path adds in the backend.
func BenchmarkBindingSaveDraftDecode10k(b *testing.B) {
	type callMessage struct { // wails' dispatcher's
		Name       string            `json:"name"`
		Args       []json.RawMessage `json:"args"`
		CallbackID string            `json:"callbackID"`
	}
	base := editorChain(10000)
	edited := base.Nodes[5000]
	edited.Params = map[string]any{"expression": "a + 2"}
	patch := engine.GraphPatch{BaseVersionID: "v1", Changed: []engine.Node{edited}}
	message := func(name string, args ...any) []byte {
		var raw []json.RawMessage
		for _, a := range args {
			text, err := json.Marshal(a)
			if err != nil {
				b.Fatal(err)
			}
			raw = append(raw, text)
		}
		msg, err := json.Marshal(callMessage{Name: name, Args: raw, CallbackID: name + "-1"})
		if err != nil {
			b.Fatal(err)
		}
		return msg
	}
	whole := message("main.App.SaveDraft", "wf", base, "v1")
	patched := message("main.App.SaveDraftPatch", "wf", patch)
	b.Run("whole", func(b *testing.B) {
		b.SetBytes(int64(len(whole)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var payload callMessage
			if err := json.Unmarshal(whole, &payload); err != nil {
				b.Fatal(err)
			}
			var g engine.Graph
			if err := json.Unmarshal(payload.Args[1], &g); err != nil || len(g.Nodes) != 10000 {
				b.Fatal("decoding the argument: ", err)
			}
		}
	})
	b.Run("patch", func(b *testing.B) {
		b.SetBytes(int64(len(patched)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var payload callMessage
			if err := json.Unmarshal(patched, &payload); err != nil {
				b.Fatal(err)
			}
			var p engine.GraphPatch
			if err := json.Unmarshal(payload.Args[1], &p); err != nil || len(p.Changed) != 1 {
				b.Fatal("decoding the argument: ", err)
			}
		}
	})
	b.Run("apply", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if g, err := engine.ApplyGraphPatch(base, patch); err != nil || len(g.Nodes) != 10000 {
				b.Fatal("applying: ", err)
			}
		}
	})
}
