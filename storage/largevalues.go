package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/flowbench/flowbench/engine"
)

// Large values go to the asset store (SPEC §6), not into the database: a generation's output
// or a run's output whose JSON is over largeValue bytes is stored as a content-addressed
// asset file and written in its row as {"$flowbench_large_value": SHA}. Reads put the value
// back, so nothing above storage sees the difference; the row links the asset, which goes
// when the last row naming it does. Rows stay small, so listing and planning stay fast
// whatever a node produced.

// largeValue is the size, in bytes of JSON, above which an output value is stored as an asset.
const largeValue = 64 << 10

// largeKey is the one key of the object that stands for a value in the asset store.
const largeKey = "$flowbench_large_value"

// largeMime is the media type of a stored large value.
const largeMime = "application/json"

// encodeValues encodes a map of output values as JSON, storing each value over largeValue
// bytes in the asset store; it returns the JSON and the assets it stored.
func (s *Store) encodeValues(ctx context.Context, what string, m map[string]any) (string, []string, error) {
	whole, err := encode(what, m)
	if err != nil || len(whole) <= largeValue {
		return whole, nil, err
	}
	out := make(map[string]any, len(m))
	var shas []string
	for k, v := range m {
		data, err := json.Marshal(v)
		if err != nil {
			return "", nil, fmt.Errorf("encoding %s %q: %v: %w", what, k, err, engine.ErrInvalid)
		}
		if len(data) <= largeValue {
			out[k] = v
			continue
		}
		ref, err := s.PutAsset(ctx, data, largeMime, k+".json")
		if err != nil {
			return "", nil, fmt.Errorf("storing %s %q: %w", what, k, err)
		}
		out[k] = map[string]any{largeKey: ref.Asset}
		shas = append(shas, ref.Asset)
	}
	enc, err := encode(what, out)
	slices.Sort(shas)
	return enc, slices.Compact(shas), err
}

// restoreValues puts stored large values back into decoded output values.
func (s *Store) restoreValues(what string, m map[string]any) error {
	for k, v := range m {
		sha, ok := largeRef(v)
		if !ok {
			continue
		}
		data, err := os.ReadFile(s.assetFile(sha))
		if err != nil {
			return fmt.Errorf("reading %s %q from the asset store: %w", what, k, err)
		}
		var val any
		if err := json.Unmarshal(data, &val); err != nil {
			return fmt.Errorf("decoding %s %q from asset %s: %w", what, k, sha, err)
		}
		m[k] = val
	}
	return nil
}

// largeRef reports whether v stands for a stored large value, and its asset.
func largeRef(v any) (string, bool) {
	obj, ok := v.(map[string]any)
	if !ok || len(obj) != 1 {
		return "", false
	}
	sha, ok := obj[largeKey].(string)
	return sha, ok && engine.ValidSHA(sha)
}
