package memstore

import (
	"encoding/json"
	"slices"

	"github.com/flowbench/flowbench/engine"
)

// validSHA reports whether s is a sha256 in 64 lowercase hex digits.
func validSHA(s string) bool {
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

// assetRefs returns the sorted, distinct hashes of the asset references nested in v.
func assetRefs(v any) []string {
	var refs []string
	walkRefs(v, &refs)
	slices.Sort(refs)
	return slices.Compact(refs)
}

// graphRefs returns the assets a graph refers to, in node params and input defaults.
func graphRefs(g engine.Graph) []string {
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
		if ref, ok := engine.AsAssetRef(x); ok && validSHA(ref.Asset) {
			*refs = append(*refs, ref.Asset)
		}
		for _, e := range x {
			walkRefs(e, refs)
		}
	case []any:
		for _, e := range x {
			walkRefs(e, refs)
		}
	case engine.AssetRef, *engine.AssetRef:
		if ref, ok := engine.AsAssetRef(x); ok && validSHA(ref.Asset) {
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
