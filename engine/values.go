package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
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

// Numbers (SPEC §3). A value in memory holds a number as int64 when it is whole and fits
// (an integer input, a JSON number without fraction or exponent, 8/4 worked out as 2.0),
// and as float64 otherwise. That is exactly the shape a value has after a round trip
// through JSON (a whole float64 is written "2"), so a fresh value and the same value read
// back from the database feed a node the same Go types. Normalize makes that shape from
// what a node produced; UnmarshalJSON reads JSON into it. Integers are never rounded:
// a JSON integer that fits neither int64 nor a float64 exactly is an error.

// ErrNumberRange is wrapped by errors about integers that cannot be held exactly.
var ErrNumberRange = errors.New("integer out of range")

// maxExactFloat is 2^53: from it on a float64 no longer holds every integer (2^53+1 rounds to it).
const maxExactFloat = 1 << 53

// numberFromFloat is a float64 in the canonical shape: int64 when whole and in range.
func numberFromFloat(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v is not a JSON number", f)
	}
	// -2^63 ≤ f < 2^63: every whole float64 in that range converts to int64 exactly.
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		return int64(f), nil
	}
	return f, nil
}

// NumberFromJSON converts a JSON number literal to its canonical value: int64 for an
// integer that fits, float64 for anything else that a float64 holds as written (a fraction,
// an exponent, a whole number written by a float64 like 1e21), and an error wrapping
// ErrNumberRange for an integer that would be rounded.
func NumberFromJSON(n json.Number) (any, error) {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || strconv.FormatFloat(f, 'f', -1, 64) != s {
			return nil, fmt.Errorf("%s: %w (a 64-bit integer holds -9223372036854775808 to 9223372036854775807)", s, ErrNumberRange)
		}
		return f, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("%s is not a number", s)
	}
	return numberFromFloat(f)
}

// Normalize turns any Go value a node produced into its JSON form: maps of any, lists of
// any, strings, booleans, nil, and numbers as int64 or float64 (see above). It is the same
// shape as after a round trip through the database, and shares no map or list with v.
func Normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, int64:
		return v, nil
	case string:
		if !utf8.ValidString(x) {
			return viaJSON(v) // encoding/json replaces invalid bytes; do as storage will
		}
		return v, nil
	case float64:
		return numberFromFloat(x)
	case float32:
		return numberFromFloat(float64(x))
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return normalizeUint(uint64(x))
	case uint64:
		return normalizeUint(x)
	case json.Number:
		return NumberFromJSON(x)
	case map[string]any:
		if x == nil {
			return nil, nil // JSON null, as after a round trip
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := Normalize(e)
			if err != nil {
				return nil, err
			}
			if !utf8.ValidString(k) {
				return viaJSON(v)
			}
			out[k] = n
		}
		return out, nil
	case []any:
		if x == nil {
			return nil, nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			n, err := Normalize(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	return viaJSON(v)
}

func normalizeUint(u uint64) (any, error) {
	if u > math.MaxInt64 {
		return nil, fmt.Errorf("%d: %w", u, ErrNumberRange)
	}
	return int64(u), nil
}

// viaJSON normalizes any other value (a struct, a typed map) by encoding it.
func viaJSON(v any) (any, error) {
	b, err := canonicalJSON(v)
	if err != nil {
		return nil, fmt.Errorf("value is not JSON: %w", err)
	}
	var out any
	if err := UnmarshalJSON(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// UnmarshalJSON is json.Unmarshal with numbers in their canonical shape: every number that
// lands in an any (a param, an input value, an output, however deeply nested) is int64 or
// float64 as NumberFromJSON says, never a rounded float64. Every JSON that holds values —
// database columns, workflow files, input files, batch lines — is read through it.
func UnmarshalJSON(data []byte, v any) error {
	if t := reflect.TypeOf(v); t != nil && !canHoldAny(t) {
		return json.Unmarshal(data, v) // no number can land in an any
	}
	// Plain JSON into a fresh map or any: the fast reader (fastjson.go), which gives the same
	// value or gives up.
	switch p := v.(type) {
	case *map[string]any:
		if *p == nil && len(data) > 0 && data[0] == '{' {
			if x, ok := fastAny(data); ok {
				*p = x.(map[string]any)
				return nil
			}
		}
	case *any:
		if *p == nil {
			if x, ok := fastAny(data); ok {
				*p = x
				return nil
			}
		}
	}
	return unmarshalJSONSlow(data, v)
}

// unmarshalJSONSlow is UnmarshalJSON through encoding/json alone.
func unmarshalJSONSlow(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = errors.New("invalid character after top-level value")
		}
	}
	if err != nil {
		// json.Unmarshal words a syntax error as callers expect (with its offset).
		var discard any
		if serr := json.Unmarshal(data, &discard); serr != nil {
			return serr
		}
		return err
	}
	return FixNumbers(v)
}

// DecodeJSON reads the next JSON value of dec (which must have UseNumber set) into v with
// numbers in their canonical shape, for streams such as batch lines.
func DecodeJSON(dec *json.Decoder, v any) error {
	if err := dec.Decode(v); err != nil {
		return err
	}
	return FixNumbers(v)
}

// FixNumbers replaces, in place, every json.Number held in an any inside *v (a pointer to a
// value decoded with UseNumber) by its canonical int64 or float64.
func FixNumbers(v any) error {
	switch p := v.(type) {
	case *any:
		n, err := fixAny(*p)
		*p = n
		return err
	case *map[string]any:
		_, err := fixAny(*p)
		return err
	case *[]any:
		_, err := fixAny(*p)
		return err
	}
	return fixValue(reflect.ValueOf(v))
}

// fixAny converts the numbers of a decoded JSON value, changing maps and lists in place.
func fixAny(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return NumberFromJSON(x)
	case map[string]any:
		for k, e := range x {
			n, err := fixAny(e)
			if err != nil {
				return nil, atPath("."+k, err)
			}
			x[k] = n
		}
	case []any:
		for i, e := range x {
			n, err := fixAny(e)
			if err != nil {
				return nil, atPath(fmt.Sprintf("[%d]", i), err)
			}
			x[i] = n
		}
	}
	return v, nil
}

// pathError says where in a decoded value a number could not be held: nodes[0].params.seed.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return strings.TrimPrefix(e.path, ".") + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// atPath puts step in front of the path of err.
func atPath(step string, err error) error {
	if pe, ok := err.(*pathError); ok {
		return &pathError{path: step + pe.path, err: pe.err}
	}
	return &pathError{path: step, err: err}
}

var anyType = reflect.TypeFor[any]()

// holdsAny caches whether values of a type can hold an any somewhere inside.
var holdsAny sync.Map // reflect.Type → bool

func canHoldAny(t reflect.Type) bool {
	if v, ok := holdsAny.Load(t); ok {
		return v.(bool)
	}
	r := reachesAny(t, map[reflect.Type]bool{})
	holdsAny.Store(t, r)
	return r
}

// reachesAny reports whether an any is reachable from t; a type met again on the way
// (a recursive type) adds nothing new.
func reachesAny(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return reachesAny(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && reachesAny(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// fixValue walks a decoded Go value and converts the json.Numbers held in its anys.
func fixValue(rv reflect.Value) error {
	if !rv.IsValid() || !canHoldAny(rv.Type()) {
		return nil
	}
	switch rv.Kind() {
	case reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		if rv.Type() == anyType && rv.CanSet() {
			n, err := fixAny(rv.Interface())
			if err != nil {
				return err
			}
			if n == nil {
				rv.SetZero()
			} else {
				rv.Set(reflect.ValueOf(n))
			}
			return nil
		}
		return fixValue(rv.Elem())
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return fixValue(rv.Elem())
	case reflect.Struct:
		for i := range rv.NumField() {
			if f := rv.Type().Field(i); f.IsExported() {
				if err := fixValue(rv.Field(i)); err != nil {
					name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
					if name == "" {
						name = f.Name
					}
					return atPath("."+name, err)
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range rv.Len() {
			if err := fixValue(rv.Index(i)); err != nil {
				return atPath(fmt.Sprintf("[%d]", i), err)
			}
		}
	case reflect.Map:
		if rv.IsNil() {
			return nil
		}
		iter := rv.MapRange()
		for iter.Next() {
			if rv.Type().Elem() == anyType {
				n, err := fixAny(iter.Value().Interface())
				if err != nil {
					return atPath(fmt.Sprintf(".%v", iter.Key()), err)
				}
				if n == nil {
					rv.SetMapIndex(iter.Key(), reflect.Zero(anyType))
				} else {
					rv.SetMapIndex(iter.Key(), reflect.ValueOf(n))
				}
				continue
			}
			cp := reflect.New(rv.Type().Elem()).Elem()
			cp.Set(iter.Value())
			if err := fixValue(cp); err != nil {
				return atPath(fmt.Sprintf(".%v", iter.Key()), err)
			}
			rv.SetMapIndex(iter.Key(), cp)
		}
	}
	return nil
}

// NormalizeOutputs normalizes every value of an output map. A map whose values are all
// normal already is returned as it is: a node hands its outputs map over.
func NormalizeOutputs(m map[string]any) (map[string]any, error) {
	if m != nil && plainOutputs(m) {
		return m, nil // already what the copy below would hold
	}
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

// plainOutputs reports whether every value of m is a scalar Normalize returns unchanged
// (null, a boolean, an int64, valid UTF-8 text, a finite float64 with a fraction), so a
// node's outputs map can be kept as it is.
func plainOutputs(m map[string]any) bool {
	for _, v := range m {
		switch x := v.(type) {
		case nil, bool, int64:
		case string:
			if !utf8.ValidString(x) {
				return false
			}
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) || x == math.Trunc(x) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
