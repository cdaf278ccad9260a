package engine_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
)

// TestRegistryFingerprintFollowsEveryField: two registries declaring the same types have the
// same fingerprint, and a change to any field of a node type that its JSON form shows (every
// field without json:"-", of the type, a handle or a param: one at a time, found by
// reflection, so a field added later is covered or fails this test) changes it; registering
// another type changes it too.
func TestRegistryFingerprintFollowsEveryField(t *testing.T) {
	build := func() *engine.Registry {
		reg := engine.NewRegistry()
		if err := nodes.Register(reg); err != nil {
			t.Fatal(err)
		}
		return reg
	}
	full := build()
	fp := full.Fingerprint()
	if other := build().Fingerprint(); other != fp || fp == "" {
		t.Fatalf("two registries built alike: %q and %q", fp, other)
	}
	run := func(context.Context, *engine.NodeInput) (map[string]any, error) { return nil, nil }
	if err := full.Register(engine.NodeType{Type: "test.extra", Run: run}); err != nil {
		t.Fatal(err)
	}
	if full.Fingerprint() == fp {
		t.Error("registering a type left the fingerprint as it was")
	}

	base := engine.NodeType{Type: "test.node", Version: 2, Group: "g", Title: "T", Description: "d",
		Inputs:  []engine.Handle{{Name: "a", Type: engine.TypeNumber, Required: true, Description: "in"}},
		Outputs: []engine.Handle{{Name: "r", Type: engine.TypeNumber, Description: "out"}},
		Params: []engine.ParamSpec{{Name: "p", Kind: engine.ParamSelect, Label: "P", Description: "pd", Default: "x",
			Options: []string{"x", "y"}, Required: true}},
		Deterministic: true, LocalNames: []string{"n"}, Run: run}
	one := func(nt engine.NodeType) string {
		reg := engine.NewRegistry()
		if err := reg.Register(nt); err != nil {
			t.Fatal(err)
		}
		return reg.Fingerprint()
	}
	baseFP := one(base)
	if one(base) != baseFP {
		t.Fatal("the same type gave two fingerprints")
	}
	seen := map[string]string{baseFP: "base"}
	for _, v := range variants(t, "NodeType", reflect.ValueOf(base)) {
		nt := v.value.Interface().(engine.NodeType)
		nt.Type = base.Type // a renamed type is another registry entry, covered by "Type" below
		if v.path == "NodeType.Type" {
			nt.Type = base.Type + "x"
		}
		got := one(nt)
		if prev, dup := seen[got]; dup {
			t.Errorf("%s: fingerprint equal to %s's", v.path, prev)
		}
		seen[got] = v.path
	}
	if len(seen) < 25 {
		t.Errorf("%d variants tried, want every field", len(seen)-1)
	}
}

type variant struct {
	path  string
	value reflect.Value
}

// variants returns copies of v, each with one JSON-visible leaf changed.
func variants(t *testing.T, path string, v reflect.Value) []variant {
	t.Helper()
	var out []variant
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			tag := f.Tag.Get("json")
			if !f.IsExported() || tag == "-" {
				continue
			}
			if tag == "" {
				t.Fatalf("%s.%s has no json tag: say whether the JSON form shows it", path, f.Name)
			}
			for _, fv := range variants(t, path+"."+f.Name, v.Field(i)) {
				c := reflect.New(v.Type()).Elem()
				c.Set(v)
				c.Field(i).Set(fv.value)
				out = append(out, variant{fv.path, c})
			}
		}
	case reflect.String:
		out = append(out, variant{path, reflect.ValueOf(v.String() + "x").Convert(v.Type())})
	case reflect.Int:
		out = append(out, variant{path, reflect.ValueOf(int(v.Int() + 1)).Convert(v.Type())})
	case reflect.Bool:
		out = append(out, variant{path, reflect.ValueOf(!v.Bool())})
	case reflect.Interface:
		for _, x := range []any{nil, "x", 1.5, []any{"x"}} {
			if !reflect.DeepEqual(v.Interface(), x) {
				nv := reflect.New(v.Type()).Elem()
				if x != nil {
					nv.Set(reflect.ValueOf(x))
				}
				out = append(out, variant{path + "=" + strings.TrimSpace(reflect.ValueOf(x).String()), nv})
			}
		}
	case reflect.Slice:
		longer := reflect.Append(v, reflect.Zero(v.Type().Elem()))
		out = append(out, variant{path + "[+]", longer})
		if v.Len() > 0 {
			for _, ev := range variants(t, path+"[0]", v.Index(0)) {
				c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
				reflect.Copy(c, v)
				c.Index(0).Set(ev.value)
				out = append(out, variant{ev.path, c})
			}
		}
	default:
		t.Fatalf("%s: a %s field: teach Registry.Fingerprint and this test about it", path, v.Kind())
	}
	return out
}
