package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// canonicalJSON encodes v with sorted map keys and no HTML escaping, so equal values hash equal.
func canonicalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Normalize turns any Go value a node produced into its JSON form (maps of any, float64
// numbers), the same shape it has after a round trip through the database.
func Normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, float64:
		return v, nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	}
	b, err := canonicalJSON(v)
	if err != nil {
		return nil, fmt.Errorf("value is not JSON: %w", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// NormalizeOutputs normalizes every value of an output map.
func NormalizeOutputs(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		n, err := Normalize(v)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

// HashValue is the content hash of a JSON-like value. Media values hash by their asset
// reference, which already names the content.
func HashValue(v any) string {
	b, err := canonicalJSON(v)
	if err != nil {
		b = []byte(fmt.Sprintf("%#v", v))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// AsAssetRef reads a media value, accepting the map form it has after JSON decoding.
func AsAssetRef(v any) (AssetRef, bool) {
	switch r := v.(type) {
	case AssetRef:
		return r, r.Asset != ""
	case *AssetRef:
		if r == nil {
			return AssetRef{}, false
		}
		return *r, r.Asset != ""
	case map[string]any:
		sha, _ := r["asset"].(string)
		if sha == "" {
			return AssetRef{}, false
		}
		mime, _ := r["mime"].(string)
		name, _ := r["name"].(string)
		return AssetRef{Asset: sha, Mime: mime, Name: name}, true
	}
	return AssetRef{}, false
}
