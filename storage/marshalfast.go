package storage

import (
	"math"
	"slices"
	"strconv"
)

// Generations are saved one a node, so their outputs are encoded without encoding/json's
// reflection when they hold only plain JSON values: appendMarshal writes exactly the bytes
// json.Marshal writes for those (TestMarshalFastIsJSONMarshal, FuzzMarshalFast), and
// anything else goes through json.Marshal.

// appendMarshal appends v as json.Marshal encodes it, for null, booleans, integers, float64s
// json writes without an exponent, strings of printable ASCII json writes as they are (no
// quote, backslash or HTML character), and maps and lists of those; ok is false for
// anything else (b is then to be dropped).
func appendMarshal(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case bool:
		return strconv.AppendBool(b, x), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case int:
		return strconv.AppendInt(b, int64(x), 10), true
	case float64:
		if a := math.Abs(x); math.IsNaN(x) || math.IsInf(x, 0) || (a != 0 && (a < 1e-6 || a >= 1e21)) {
			return b, false
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64), true
	case string:
		return appendMarshalString(b, x)
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
			if b, ok = appendMarshalString(b, k); !ok {
				return b, false
			}
			b = append(b, ':')
			if b, ok = appendMarshal(b, x[k]); !ok {
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
			if b, ok = appendMarshal(b, e); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	}
	return b, false
}

func appendMarshalString(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return b, false
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}
