package storage

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestMarshalFastIsJSONMarshal: what engine.AppendMarshalJSON encodes is byte for byte
// json.Marshal's (stored outputs stay as they were), and what it refuses (escapes, HTML characters,
// non-ASCII, exponents, other types) encode goes on to json.Marshal for.
func TestMarshalFastIsJSONMarshal(t *testing.T) {
	values := []any{
		nil, true, false, int64(0), int64(-7), int64(math.MaxInt64), int64(math.MinInt64), 3, 1.5, -0.25, math.Copysign(0, -1),
		1e20, 1e21, 1e-6, 1e-7, 123456789.125, "", "plain text 123", "quote\"d", "back\\slash", "tab\t", "é", "<&>", "{{name}}",
		map[string]any{}, map[string]any(nil), []any{}, []any(nil), map[string]any{"result": int64(3)},
		map[string]any{"b": int64(1), "a": []any{"x", nil, 2.5}, "c": map[string]any{"z": true, "y": []any{}}},
		map[string]any{"k\"": 1}, map[string]any{"<": 1}, map[string]any{"a": 1e300}, map[string]any{"9": 1, "10": 2, "A": 3, "a": 4, "": 5},
		map[string]any{"a": float32(1.5)}, []string{"typed"}, map[string]string{"typed": "map"}, json.Number("12"),
	}
	fast := 0
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if b, ok := engine.AppendMarshalJSON(nil, v); ok {
			fast++
			if string(b) != string(want) {
				t.Errorf("AppendMarshalJSON(%#v) = %s, json.Marshal gives %s", v, b, want)
			}
		}
		if got, err := encode("value", v); err != nil || got != string(want) {
			t.Errorf("encode(%#v) = %s, %v; json.Marshal gives %s", v, got, err, want)
		}
	}
	if fast < 20 {
		t.Errorf("only %d values took the fast path", fast)
	}
	if _, err := encode("value", map[string]any{"x": math.NaN()}); err == nil {
		t.Error("NaN encoded")
	}
}

// FuzzMarshalFast: engine.AppendMarshalJSON never disagrees with json.Marshal.
func FuzzMarshalFast(f *testing.F) {
	f.Add("a", 1.5, int64(3), true)
	f.Add("<\u2028\"", 1e-9, int64(-1), false)
	f.Fuzz(func(t *testing.T, s string, x float64, n int64, b bool) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		v := map[string]any{s: []any{s, x, n, b, nil, map[string]any{"k": s}}, "x": x}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := engine.AppendMarshalJSON(nil, v); ok && string(got) != string(want) {
			t.Errorf("AppendMarshalJSON(%#v) = %s, json.Marshal gives %s", v, got, want)
		}
		if got, _ := encode("value", v); got != string(want) {
			t.Errorf("encode(%#v) = %s, json.Marshal gives %s", v, got, want)
		}
	})
}
