package engine

import (
	"crypto/sha256"
	"encoding/hex"
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
