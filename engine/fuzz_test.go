package engine_test

import (
	"errors"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// FuzzParseFile feeds arbitrary bytes to the workflow file parser: it must never panic, and
// anything it refuses is refused as invalid input.
func FuzzParseFile(f *testing.F) {
	f.Add([]byte(`{"format":"flowbench.workflow/1","name":"x","nodes":[{"id":"a","type":"t.const"}],"edges":[]}`))
	f.Add([]byte(`{"nodes":[{"id":"a","type":"text.template","params":{"template":"{{who}}"}}],"edges":[]}`))
	f.Add([]byte(`{"nodes":[],"input_schema":{"properties":{"n":{"type":"integer"}},"required":["n"]}}`))
	f.Add([]byte(`{"format":"flowbench.bundle/1","name":"b","versions":[{"label":"v1","nodes":[],"edges":[]}]}`))
	f.Add([]byte(`{"format": 3}`))
	f.Add([]byte(`[1,2`))
	reg, _ := testRegistry(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := engine.ParseFile(data)
		if err != nil {
			if !errors.Is(err, engine.ErrInvalid) {
				t.Fatalf("refusal is not ErrInvalid: %v", err)
			}
			return
		}
		if pf.Workflow != nil {
			g := engine.NormalizeGraph(pf.Workflow.Graph())
			_ = engine.ValidateGraph(reg, g)
			_ = engine.ContentHash(g)
		}
	})
}

// FuzzCoerceInput checks input coercion never panics and never accepts a fraction or text
// that is not a number for an integer input.
func FuzzCoerceInput(f *testing.F) {
	for _, s := range []string{"7", "1.5", "abc", "", "1e309", "-0", "true", `{"a":1}`, "[1,2]", "NaN", "0x10"} {
		f.Add(s)
	}
	types := []string{engine.TypeString, engine.TypeNumber, engine.TypeInteger, engine.TypeBoolean, engine.TypeObject, engine.TypeArray}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range types {
			v, err := engine.CoerceValue(typ, s)
			if err != nil {
				continue
			}
			if typ == engine.TypeInteger {
				if _, ok := v.(int64); !ok {
					t.Fatalf("integer input accepted %q as %v", s, v)
				}
			}
		}
		decls := []engine.InputDecl{{Name: "n", Type: engine.TypeInteger, Required: true}, {Name: "s", Type: engine.TypeString}}
		_, _ = engine.ValidateInputs(decls, map[string]any{"n": s, s: 1}, nil)
	})
}
