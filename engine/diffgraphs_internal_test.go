package engine

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestScanGraphMatchesEncodingJSON: the diff's graph scanner reads what encoding/json reads
// into the same struct (escaped ids, null and nested params kept as their text, whitespace,
// keys it does not need, missing fields), and refuses layouts it does not expect so the
// caller decodes them with encoding/json.
func TestScanGraphMatchesEncodingJSON(t *testing.T) {
	same := []string{
		`{"nodes":[{"id":"a","type":"math.expr","params":{"expression":"a + 1","x":{"y":["}",{"z":"\"{"}]}}},
		  {"id":"b\"q\\u00e9\n","type":"t","parentId":"g","params":null,"position":{"x":1,"y":2}},
		  {"type":"no id"},
		  {"id":"c","params":{}}],
		 "edges":[{"id":"e1","source":"a","sourceHandle":"result","target":"b\"q\u00e9\n","targetHandle":"a"},{"source":"x","target":"y"}],
		 "inputs":[{"name":"n"}],"groups":[]}`,
		` { "edges" : [ ] , "nodes" : [ { "id" : "a" , "params" : { "k" : [ 1 , 2.5e3 , true , null ] } } ] } `,
		`{"nodes":null,"edges":null}`,
		`{}`,
	}
	for _, text := range same {
		var want, got diffGraphJSON
		if err := json.Unmarshal([]byte(text), &want); err != nil {
			t.Fatalf("encoding/json: %v\n%s", err, text)
		}
		if err := scanGraph([]byte(text), &got); err != nil {
			t.Fatalf("scanGraph: %v\n%s", err, text)
		}
		if len(want.Nodes) == 0 {
			want.Nodes = nil
		}
		if len(got.Nodes) == 0 {
			got.Nodes = nil
		}
		if len(want.Edges) == 0 {
			want.Edges = nil
		}
		if len(got.Edges) == 0 {
			got.Edges = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("scanGraph\n got %+v\nwant %+v\n%s", got, want, text)
		}
	}
	for _, text := range []string{
		`{"nodes":[{"id":"a","params":"text"}]}`,
		`{"nodes":{"a":{}}}`,
		`{"nodes":[["a"]]}`,
		`{"nodes":[{"id":7}]}`,
		`{"edges":[{"source":1}]}`,
		`{"nodes":[{"id":"a"`,
		`{"nodes":[{"id":"a","x":tru}]}`,
		`{"nodes":[{"id":"a","x":{"y":"}"}]}`,
		`{"nodes":[{"id":"a"}]} x`,
		`{"nodes":[{"id":"a" "type":"t"}]}`,
		`{"nodes":[{"id":"a\x"}]}`,
		`{"edges":[{"source":"a"},]}`,
	} {
		var g diffGraphJSON
		if err := scanGraph([]byte(text), &g); err == nil {
			t.Errorf("scanGraph accepted %s: %+v", text, g)
		}
	}
}
