package engine

import (
	"math"
	"slices"
	"strconv"
	"sync"
)

// The planner hashes every node in scope, so ConfigHash and HashValue encode plain JSON
// values (what params and outputs hold) without encoding/json's reflection, byte for byte
// as canonicalJSON would, and use canonicalJSON only for anything else.

var hashBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// keepBuf returns a hashing buffer to the pool unless a huge value grew it.
func keepBuf(bp *[]byte, b []byte) {
	if cap(b) <= 64<<10 {
		*bp = b
		hashBufs.Put(bp)
	}
}

// appendPlainJSON appends v as canonicalJSON encodes it, for null, booleans, numbers that
// encoding/json writes without an exponent, strings of printable ASCII needing no escape,
// and maps and lists of those; ok is false for anything else.
func appendPlainJSON(b []byte, v any) ([]byte, bool) { return appendPlain(b, v, false) }

// AppendMarshalJSON appends v as json.Marshal encodes it, for the plain values
// appendPlainJSON takes, except strings holding <, > or & (json.Marshal escapes them); ok is
// false for anything else, and b is then to be dropped. The store encodes generation outputs
// with it (storage's TestMarshalFastIsJSONMarshal and FuzzMarshalFast hold it to
// json.Marshal).
func AppendMarshalJSON(b []byte, v any) ([]byte, bool) { return appendPlain(b, v, true) }

// appendPlain is appendPlainJSON, refusing strings that hold <, > or & when html is set.
func appendPlain(b []byte, v any, html bool) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case bool:
		return strconv.AppendBool(b, x), true
	case float64:
		if a := math.Abs(x); math.IsNaN(x) || math.IsInf(x, 0) || (a != 0 && (a < 1e-6 || a >= 1e21)) {
			return b, false
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case int:
		return strconv.AppendInt(b, int64(x), 10), true
	case string:
		return appendPlainString(b, x, html)
	case map[string]any:
		if x == nil {
			return append(b, "null"...), true
		}
		var small [8]string
		keys := small[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendPlainString(b, k, html); !ok {
				return b, false
			}
			b = append(b, ':')
			if b, ok = appendPlain(b, x[k], html); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	case []any:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendPlain(b, e, html); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	case Graph:
		return appendGraph(b, x, html)
	}
	return b, false
}

func appendPlainString(b []byte, s string, html bool) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || html && (c == '<' || c == '>' || c == '&') {
			return b, false
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}
