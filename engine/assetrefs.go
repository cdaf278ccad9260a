package engine

import (
	"encoding/json"
	"slices"
)

// ValidSHA reports whether s is a sha256 in 64 lowercase hex digits.
func ValidSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// AssetRefs returns the sorted, distinct hashes of the asset references nested in v.
func AssetRefs(v any) []string {
	var refs []string
	walkRefs(v, &refs)
	slices.Sort(refs)
	return slices.Compact(refs)
}

// GraphAssetRefs returns the assets a graph refers to, in node params and input defaults.
func GraphAssetRefs(g Graph) []string {
	var refs []string
	for _, n := range g.Nodes {
		walkRefs(n.Params, &refs)
	}
	for _, in := range g.Inputs {
		walkRefs(in.Default, &refs)
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

func walkRefs(v any, refs *[]string) {
	switch x := v.(type) {
	case nil, string, bool, float64, float32, int, int64, int32, uint, uint64, json.Number:
	case map[string]any:
		if ref, ok := AsAssetRef(x); ok && ValidSHA(ref.Asset) {
			*refs = append(*refs, ref.Asset)
		}
		for _, e := range x {
			walkRefs(e, refs)
		}
	case []any:
		for _, e := range x {
			walkRefs(e, refs)
		}
	case AssetRef, *AssetRef:
		if ref, ok := AsAssetRef(x); ok && ValidSHA(ref.Asset) {
			*refs = append(*refs, ref.Asset)
		}
	default:
		// Any other Go value (a struct, a typed slice) is looked at in its JSON form,
		// which is how it will be stored.
		b, err := json.Marshal(x)
		if err != nil {
			return
		}
		var y any
		if json.Unmarshal(b, &y) == nil {
			walkRefs(y, refs)
		}
	}
}
