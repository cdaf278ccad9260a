package engine

import (
	"reflect"
	"testing"
)

// TestGraphJSONFollowsEveryField: appendGraph and StoredGraph name a graph's fields one by one
// (no reflection); a field added to Graph, InputDecl, Node, Edge or Position that they do not
// write or copy would be dropped from every saved version without a word. A graph with every
// field of every one of those structs set (by reflection, so a new field is set too) must come
// out of both as it does out of encoding/json and DecodeGraph.
func TestGraphJSONFollowsEveryField(t *testing.T) {
	var g Graph
	fillFields(t, reflect.ValueOf(&g).Elem())
	fast := 0
	checkGraphJSON(t, g, &fast)
	if fast != 1 {
		t.Fatalf("appendGraph did not take the graph with every field set: %#v", g)
	}
	kept := 0
	checkStoredGraph(t, g, &kept)
	if kept != 1 {
		t.Fatalf("StoredGraph did not keep the graph with every field set: %#v", g)
	}
}

// fillFields sets every field of the struct v (and of the structs it holds) to a value that
// is not its zero and that reads back as itself.
func fillFields(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			f.SetString(name + "-1")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Float64:
			f.SetFloat(float64(i) + 1.5)
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(i) + 2)
		case reflect.Interface, reflect.Map:
			if f.Type() == reflect.TypeFor[map[string]any]() || f.Kind() == reflect.Interface {
				f.Set(reflect.ValueOf(map[string]any{"k": "v", "n": int64(3)}))
				continue
			}
			t.Fatalf("field %s: a map of %s, not one this test fills", name, f.Type())
		case reflect.Pointer:
			p := reflect.New(f.Type().Elem())
			fillFields(t, p.Elem())
			f.Set(p)
		case reflect.Slice:
			s := reflect.MakeSlice(f.Type(), 1, 1)
			if e := s.Index(0); e.Kind() == reflect.Struct {
				fillFields(t, e)
			} else {
				t.Fatalf("field %s: a slice of %s, not one this test fills", name, e.Type())
			}
			f.Set(s)
		case reflect.Struct:
			fillFields(t, f)
		default:
			t.Fatalf("field %s: a %s, not one this test fills", name, f.Kind())
		}
	}
}
