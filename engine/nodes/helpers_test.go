package nodes_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
)

var sharedRegistry = sync.OnceValues(func() (*engine.Registry, error) {
	r := engine.NewRegistry()
	return r, nodes.Register(r)
})

// nodeType looks typ up in a registry filled by nodes.Register.
func nodeType(tb testing.TB, typ string) *engine.NodeType {
	tb.Helper()
	r, err := sharedRegistry()
	if err != nil {
		tb.Fatalf("Register: %v", err)
	}
	t, ok := r.Get(typ)
	if !ok {
		tb.Fatalf("node type %q is not registered", typ)
	}
	return t
}

// nodeInput builds what a node sees: every key of inputs counts as a connected handle.
func nodeInput(params, inputs map[string]any) *engine.NodeInput {
	in := &engine.NodeInput{
		NodeID:    "n1",
		Params:    params,
		Inputs:    map[string]any{},
		Connected: map[string]bool{},
	}
	for k, v := range inputs {
		in.Inputs[k] = v
		in.Connected[k] = true
	}
	return in
}

// runNode runs typ's RunFunc on in.
func runNode(tb testing.TB, typ string, in *engine.NodeInput) (map[string]any, error) {
	tb.Helper()
	return nodeType(tb, typ).Run(context.Background(), in)
}

// nodeCase is one table row shared by the family tests.
type nodeCase struct {
	name    string
	typ     string
	params  map[string]any
	inputs  map[string]any
	flow    map[string]any
	want    map[string]any // exact output map, normalized
	wantErr string         // substring of the error
}

func runCases(t *testing.T, cases []nodeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := nodeInput(tc.params, tc.inputs)
			in.FlowInputs = tc.flow
			got, err := runNode(t, tc.typ, in)
			checkResult(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func checkResult(t *testing.T, got map[string]any, err error, want map[string]any, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil {
			t.Fatalf("got %v, want error containing %q", got, wantErr)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %q does not contain %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	gotN, err := engine.NormalizeOutputs(got)
	if err != nil {
		t.Fatalf("outputs are not JSON: %v", err)
	}
	wantN, err := engine.NormalizeOutputs(want)
	if err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	// Canonical JSON tells an inactive handle (absent) from an active null one.
	if g, w := engine.ToText(gotN), engine.ToText(wantN); g != w {
		t.Fatalf("outputs\n got  %s\n want %s", g, w)
	}
}
