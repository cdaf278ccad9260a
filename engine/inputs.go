package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// MediaResolver turns a media input given as text (a path, "@path") into an asset reference.
type MediaResolver func(decl InputDecl, text string) (AssetRef, error)

// ValidateInputs checks given values against the declared inputs: unknown names, missing
// required inputs, wrong types. It returns the coerced values with defaults filled, or a
// *ValidationError naming every bad input.
func ValidateInputs(decls []InputDecl, given map[string]any, media MediaResolver) (map[string]any, error) {
	var probs []Problem
	byName := map[string]InputDecl{}
	for _, d := range decls {
		byName[d.Name] = d
	}
	names := sortedKeys(given)
	for _, name := range names {
		if _, ok := byName[name]; !ok {
			probs = append(probs, Problem{Input: name, Message: fmt.Sprintf("unknown input (declared: %s)", declaredNames(decls))})
		}
	}
	out := make(map[string]any, len(decls))
	for _, d := range decls {
		v, ok := given[d.Name]
		if !ok || v == nil {
			switch {
			case d.Default != nil:
				v = d.Default
			case d.Required:
				probs = append(probs, Problem{Input: d.Name, Message: fmt.Sprintf("required %s input is missing", d.Type)})
				continue
			default:
				out[d.Name] = zeroValue(d.Type)
				continue
			}
		}
		if IsMediaType(d.Type) {
			ref, err := coerceMedia(d, v, media)
			if err != nil {
				probs = append(probs, Problem{Input: d.Name, Message: err.Error()})
				continue
			}
			out[d.Name] = map[string]any{"asset": ref.Asset, "mime": ref.Mime, "name": ref.Name}
			continue
		}
		cv, err := CoerceValue(d.Type, v)
		if err != nil {
			probs = append(probs, Problem{Input: d.Name, Message: err.Error()})
			continue
		}
		out[d.Name] = cv
	}
	if len(probs) > 0 {
		return nil, &ValidationError{Problems: probs}
	}
	return out, nil
}

func declaredNames(decls []InputDecl) string {
	if len(decls) == 0 {
		return "none"
	}
	n := make([]string, len(decls))
	for i, d := range decls {
		n[i] = d.Name
	}
	sort.Strings(n)
	return strings.Join(n, ", ")
}

// zeroValue is what an optional input without default holds.
func zeroValue(t string) any {
	switch t {
	case TypeString:
		return ""
	}
	return nil
}

func coerceMedia(d InputDecl, v any, media MediaResolver) (AssetRef, error) {
	if ref, ok := AsAssetRef(v); ok {
		if !ValidSHA(ref.Asset) {
			return AssetRef{}, fmt.Errorf("asset reference %q is not a sha256", ref.Asset)
		}
		return ref, nil
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return AssetRef{}, fmt.Errorf("want %s file (@path or an asset reference), got %s", article(d.Type), jsonKind(v))
	}
	if media == nil {
		return AssetRef{}, fmt.Errorf("cannot read files here")
	}
	return media(d, strings.TrimPrefix(s, "@"))
}

// CoerceValue converts v to the declared type t, accepting text forms (from a command line
// or a form field) of numbers, booleans and JSON. Anything else is an error saying what was wrong.
func CoerceValue(t string, v any) (any, error) {
	switch t {
	case TypeString:
		switch x := v.(type) {
		case string:
			return x, nil
		case float64, int64, int, bool:
			return ToText(x), nil
		}
		return nil, fmt.Errorf("want text, got %s", jsonKind(v))
	case TypeNumber, TypeInteger:
		return coerceNumber(t, v)
	case TypeBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes", "1", "on":
				return true, nil
			case "false", "no", "0", "off":
				return false, nil
			}
			return nil, fmt.Errorf("want true or false, got %q", x)
		}
		return nil, fmt.Errorf("want true or false, got %s", jsonKind(v))
	case TypeObject, TypeArray:
		if s, ok := v.(string); ok {
			var parsed any
			if err := UnmarshalJSON([]byte(s), &parsed); err != nil {
				return nil, fmt.Errorf("want %s as JSON: %v", article(t), err)
			}
			v = parsed
		}
		n, err := Normalize(v)
		if err != nil {
			return nil, err
		}
		if t == TypeObject {
			if _, ok := n.(map[string]any); !ok {
				return nil, fmt.Errorf("want an object, got %s", jsonKind(n))
			}
		} else if _, ok := n.([]any); !ok {
			return nil, fmt.Errorf("want an array, got %s", jsonKind(n))
		}
		return n, nil
	case TypeAny:
		return Normalize(v)
	}
	return nil, fmt.Errorf("unknown type %q", t)
}

// coerceNumber gives a number input its canonical value (int64 when whole, else float64).
// An integer input refuses a fraction, and a float64 past 2^53 (a number that came through
// JavaScript or a float may already be rounded there: such an integer is given as text or
// as a JSON integer, which are read exactly).
func coerceNumber(t string, v any) (any, error) {
	var n any
	var err error
	fromFloat := false
	switch x := v.(type) {
	case string:
		n, err = ParseNumber(x)
		if err != nil {
			if errors.Is(err, ErrNumberRange) {
				return nil, err
			}
			return nil, fmt.Errorf("want %s, got %q", article(t), x)
		}
	case json.Number:
		if n, err = NumberFromJSON(x); err != nil {
			return nil, err
		}
	case float64, float32:
		fromFloat = true
		if n, err = Normalize(x); err != nil {
			return nil, fmt.Errorf("want a finite number, got %v", x)
		}
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if n, err = Normalize(x); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("want %s, got %s", article(t), jsonKind(v))
	}
	if t != TypeInteger {
		return n, nil
	}
	switch y := n.(type) {
	case float64:
		if y == math.Trunc(y) {
			return nil, fmt.Errorf("integer %v: %w", v, ErrNumberRange)
		}
		return nil, fmt.Errorf("want an integer, got %v", v)
	case int64:
		if fromFloat && (y >= maxExactFloat || y <= -maxExactFloat) {
			return nil, fmt.Errorf("integer %v is past 2^53, where a floating-point number may already be rounded: give it as text", v)
		}
	}
	return n, nil
}

// ParseNumber reads a number written as text (a command line, a form field): an integer
// exactly as int64, anything else as float64, in the canonical shape of NumberFromJSON.
// An integer beyond int64 is an error wrapping ErrNumberRange, never a rounded float.
func ParseNumber(s string) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty")
	}
	if isIntegerText(s) {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (a 64-bit integer holds -9223372036854775808 to 9223372036854775807)", s, ErrNumberRange)
		}
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%q is not a finite number", s)
	}
	return numberFromFloat(f)
}

// isIntegerText reports whether s is an optional sign and decimal digits.
func isIntegerText(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseNumber(s string) (float64, error) {
	n, err := ParseNumber(s)
	if err != nil {
		return 0, err
	}
	f, _ := ToFloat(n)
	return f, nil
}

func article(t string) string { return withArticle(t) }

// Article puts "a" or "an" before a word ("an image", "a video"), for messages.
func Article(word string) string { return withArticle(word) }

// jsonKind names the JSON type of a value for error messages.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("text %q", x)
	case float64, int, int64, json.Number:
		return fmt.Sprintf("the number %v", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}
