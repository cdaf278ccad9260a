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
//
// A value of a node's own that looks like that (an object with either key below) is written
// wrapped as {"$flowbench_escaped_value": value} and unwrapped on read, so no output can pass
// for a stored one. A stored value that cannot be read back (its file removed by hand) stays
// the reference it was written as, and the read goes on: one lost file does not make a
// workflow's other results unreadable.

// largeValue is the size, in bytes of JSON, above which an output value is stored as an asset.
const largeValue = 64 << 10

// largeKey is the one key of the object that stands for a value in the asset store.
const largeKey = "$flowbench_large_value"

// escapedKey wraps an output value that looks like a stored-value reference.
const escapedKey = "$flowbench_escaped_value"

// largeMime is the media type of a stored large value.
const largeMime = "application/json"

// needsEscape reports whether v could be read as a reference or a wrapped value.
func needsEscape(v any) bool {
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, large := obj[largeKey]
	_, escaped := obj[escapedKey]
	return large || escaped
}

// encodeValues encodes a map of output values as JSON, storing each value over largeValue
// bytes in the asset store; it returns the JSON and the assets it stored.
func (s *Store) encodeValues(ctx context.Context, what string, m map[string]any) (string, []string, error) {
	whole, err := encode(what, m)
	if err != nil {
		return "", nil, err
	}
	escape := false
	for _, v := range m {
		escape = escape || needsEscape(v)
	}
	if len(whole) <= largeValue && !escape {
		return whole, nil, nil
	}
	out := make(map[string]any, len(m))
	var shas []string
	for k, v := range m {
		data, err := json.Marshal(v)
		if err != nil {
			return "", nil, fmt.Errorf("encoding %s %q: %v: %w", what, k, err, engine.ErrInvalid)
		}
		if len(data) <= largeValue {
			if needsEscape(v) {
				v = map[string]any{escapedKey: v}
			}
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

// restoreValues puts stored large values back into decoded output values, and unwraps
// escaped ones.
func (s *Store) restoreValues(what string, m map[string]any) {
	for k, v := range m {
		if obj, ok := v.(map[string]any); ok && len(obj) == 1 {
			if inner, ok := obj[escapedKey]; ok {
				m[k] = inner
				continue
			}
		}
		sha, ok := largeRef(v)
		if !ok {
			continue
		}
		data, err := os.ReadFile(s.assetFile(sha))
		var val any
		if err == nil {
			err = engine.UnmarshalJSON(data, &val)
		}
		if err != nil {
			s.log.Warn("a stored large value cannot be read back", "what", what, "handle", k, "asset", sha, "err", err)
			continue
		}
		m[k] = val
	}
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
