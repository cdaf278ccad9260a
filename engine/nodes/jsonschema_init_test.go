package nodes

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"testing"
)

// The jsonschema library compiles its drafts' metaschemas on the first NewCompiler, not in
// its init (third_party/jsonschema): a process that never checks a json_schema, such as
// every CLI command without an llm.chat node, does not pay ~3.5 ms and 1.7 MB for them.
// The package's init is read from GODEBUG=inittrace=1 of this test binary run again with no
// test: its allocations, not its time (upstream's init made ~21,000).
func TestJSONSchemaInitCompilesNothing(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	m := regexp.MustCompile(`init github.com/santhosh-tekuri/jsonschema/v6 @\S+ ms, \S+ ms clock, \d+ bytes, (\d+) allocs`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no init line for the jsonschema package in:\n%s", out)
	}
	if n, _ := strconv.Atoi(string(m[1])); n > 2000 {
		t.Fatalf("the jsonschema package's init made %d allocations: it compiles its metaschemas again", n)
	}
}

// Schemas still meet their draft's metaschema when the drafts are compiled on first use,
// from several goroutines at once (the first NewCompiler of each races the others).
func TestJSONSchemaDraftsOnFirstUse(t *testing.T) {
	cases := []struct {
		schema string
		ok     bool
	}{
		{`{"type":"object","properties":{"a":{"type":"integer","minimum":1}},"required":["a"]}`, true},
		{`{"type":5}`, false},
		{`{"minLength":-1}`, false},
		{`{"$schema":"http://json-schema.org/draft-04/schema#","exclusiveMinimum":true,"minimum":0}`, true},
		{`{"$schema":"http://json-schema.org/draft-04/schema#","exclusiveMinimum":3}`, false},
		{`{"$schema":"http://json-schema.org/draft-07/schema#","items":[{"type":"string"}]}`, true},
		{`{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":{"type":"string"}}`, false},
	}
	var wg sync.WaitGroup
	for range 4 {
		for _, c := range cases {
			wg.Go(func() {
				_, err := compileSchema(c.schema)
				if (err == nil) != c.ok {
					t.Errorf("compileSchema(%s): error %v, want ok=%v", c.schema, err, c.ok)
				}
			})
		}
	}
	wg.Wait()
	s, err := compileSchema(`{"type":"object","properties":{"a":{"type":"integer","minimum":1}},"required":["a"]}`)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(map[string]any{"a": 0}); err == nil {
		t.Fatal(`{"a":0} met a schema asking for a ≥ 1`)
	}
	if err := s.Validate(map[string]any{"a": 2}); err != nil {
		t.Fatalf(`{"a":2}: %v`, err)
	}
}
