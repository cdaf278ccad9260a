package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"testing"
)

// slowHash is the definition HashValue keeps to: sha256 of canonicalJSON.
func slowHash(v any) string {
	b, err := canonicalJSON(v)
	if err != nil {
		return "error"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// TestHashesAreCanonicalJSON checks that the reflection-free encoding ConfigHash and
// HashValue use gives exactly canonicalJSON's bytes, and that values it does not handle
// (escapes, non-ASCII, exponents, structs) hash through canonicalJSON itself.
func TestHashesAreCanonicalJSON(t *testing.T) {
	values := []any{
		nil, true, false, int64(0), int64(-7), 3, 1.5, -0.25, 1e20, 1e21, 1e-6, 1e-7, 123456789.125,
		math.MaxInt64, "", "plain", "quote\"d", "back\\slash", "tab\t", "é", "<&>", "{{name}}",
		map[string]any{}, map[string]any{"b": int64(1), "a": []any{"x", nil, 2.5}},
		map[string]any{"k\"": 1}, []any{}, []any(nil), map[string]any(nil),
		map[string]any{"z": map[string]any{"y": []any{map[string]any{"x": "é"}}}},
		AssetRef{Asset: "abc", Mime: "image/png"}, []string{"typed", "slice"},
	}
	for _, v := range values {
		if got, want := HashValue(v), slowHash(v); got != want {
			t.Errorf("HashValue(%#v) = %s, canonicalJSON gives %s", v, got, want)
		}
	}
	typ := &NodeType{Type: "text.template", Version: 2}
	for _, v := range values {
		b, err := canonicalJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		buf := append(append([]byte(typ.Type), 0, byte(typ.Version)), b...)
		sum := sha256.Sum256(buf)
		if got, want := ConfigHash(typ, v), hex.EncodeToString(sum[:16]); got != want {
			t.Errorf("ConfigHash(%#v) = %s, want %s", v, got, want)
		}
	}
}

// FuzzHashValue: the fast encoding never disagrees with canonicalJSON.
func FuzzHashValue(f *testing.F) {
	f.Add("a", 1.5, int64(3), true)
	f.Add("\u2028\"", 1e-9, int64(-1), false)
	f.Fuzz(func(t *testing.T, s string, x float64, n int64, b bool) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		v := map[string]any{s: []any{s, x, n, b, nil, map[string]any{"k": s}}, "x": x}
		if got, want := HashValue(v), slowHash(v); got != want {
			t.Errorf("HashValue(%#v) = %s, canonicalJSON gives %s", v, got, want)
		}
	})
}

// TestFingerprintIs: fingerprintIs is fingerprintOf compared, for handles in any order; any
// other text (another hash, another case, cut short) is not it.
func TestFingerprintIs(t *testing.T) {
	hashes := func() []handleHash {
		return []handleHash{{"b", HashValue(2)}, {"a", HashValue("x")}, {"c", HashValue(nil)}}
	}
	cfg := HashValue("config")
	want := fingerprintOf(cfg, hashes())
	if !fingerprintIs(want, cfg, hashes()) || !fingerprintIs(fingerprintOf(cfg, nil), cfg, nil) {
		t.Fatal("fingerprintIs refuses fingerprintOf")
	}
	for _, other := range []string{fingerprintOf(cfg, hashes()[:2]), fingerprintOf(HashValue("other"), hashes()), strings.ToUpper(want), want[:31], want + "0", ""} {
		if fingerprintIs(other, cfg, hashes()) {
			t.Errorf("fingerprintIs(%q) accepted; the fingerprint is %q", other, want)
		}
	}
}

// TestInputFingerprintIsItsDefinition: InputFingerprint, which keeps value hashes as bytes,
// gives fingerprintOf over HashValue of each active handle (the planner's path), for up to
// and past the handles it holds on the stack; and the fingerprints stored data depends on
// stay byte for byte what they were (the golden values come from the code before).
func TestInputFingerprintIsItsDefinition(t *testing.T) {
	cfg := ConfigHash(&NodeType{Type: "math.expr", Version: 1}, map[string]any{"expression": "a + 1"})
	if cfg != "f0240db747607001a17615775cf4a9d6" {
		t.Fatalf("config hash %s changed", cfg)
	}
	in := map[string]any{"a": int64(41), "b": "text", "c": nil, "d": map[string]any{"k": []any{1.5, true}}, "e": "é\"", "f": int64(2)}
	con := map[string]bool{"a": true, "b": true, "d": true, "e": true, "f": true}
	for _, c := range []struct {
		in   map[string]any
		con  map[string]bool
		want string
	}{
		{in, con, "3d7de60127cfe43343e392b2fbbe38bd"},
		{map[string]any{}, map[string]bool{}, "2694252ecc5540a1164703b83adf2bf7"},
		{map[string]any{"a": int64(1)}, map[string]bool{"a": true}, "5cf02f6b6ea5c7040783c0fe1a4f8873"},
	} {
		if got := InputFingerprint(cfg, c.in, c.con); got != c.want {
			t.Errorf("InputFingerprint(%v, %v) = %s, before it was %s", c.in, c.con, got, c.want)
		}
	}
	for n := 0; n <= 9; n++ {
		inputs, connected := map[string]any{}, map[string]bool{}
		var hashes []handleHash
		for i := 0; i < n; i++ {
			h := string(rune('z' - i))
			inputs[h] = []any{int64(i), h}
			if i%3 != 1 {
				connected[h] = true
				hashes = append(hashes, handleHash{h, HashValue(inputs[h])})
			}
		}
		if got, want := InputFingerprint(cfg, inputs, connected), fingerprintOf(cfg, hashes); got != want {
			t.Errorf("%d handles: InputFingerprint = %s, fingerprintOf gives %s", n, got, want)
		}
	}
}

// TestNormalizeOutputsKeepsNormalMaps: a map of values Normalize leaves as they are is kept
// (no copy); any other map is copied with its values normalized, as before.
func TestNormalizeOutputsKeepsNormalMaps(t *testing.T) {
	kept := []map[string]any{
		{}, {"result": int64(3)}, {"a": nil, "b": true, "c": "text", "d": 1.5, "e": -0.25},
	}
	for _, m := range kept {
		got, err := NormalizeOutputs(m)
		if err != nil || !sameMap(got, m) {
			t.Errorf("NormalizeOutputs(%v) = %v, %v; want the map itself", m, got, err)
		}
	}
	copied := []map[string]any{
		nil, {"n": 3}, {"f": 2.0}, {"big": 1e300}, {"s": "bad\xffutf8"}, {"m": map[string]any{"k": int64(1)}},
		{"l": []any{int64(1)}}, {"ok": int64(1), "f32": float32(0.5)}, {"u": uint64(7)},
	}
	for _, m := range copied {
		got, err := NormalizeOutputs(m)
		if err != nil {
			t.Fatalf("NormalizeOutputs(%v): %v", m, err)
		}
		if got == nil || (m != nil && sameMap(got, m)) {
			t.Errorf("NormalizeOutputs(%v) kept the map, want a normalized copy", m)
		}
		for k, v := range m {
			want, _ := Normalize(v)
			if HashValue(got[k]) != HashValue(want) || fmt.Sprintf("%T", got[k]) != fmt.Sprintf("%T", want) {
				t.Errorf("NormalizeOutputs(%v)[%q] = %#v, want %#v", m, k, got[k], want)
			}
		}
	}
	if _, err := NormalizeOutputs(map[string]any{"x": math.NaN()}); err == nil {
		t.Error("NaN output accepted")
	}
}

// sameMap reports whether a and b are the same map (not equal ones).
func sameMap(a, b map[string]any) bool {
	const probe = "\x00probe"
	if _, ok := a[probe]; ok {
		return false
	}
	a[probe] = true
	_, same := b[probe]
	delete(a, probe)
	return same
}
