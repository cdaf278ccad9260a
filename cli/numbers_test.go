package cli_test

import (
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestIntegersFromTheCommandLine: an integer given by --input, --inputs FILE or a batch line
// reaches math.expr as an integer (a % 2 works) and is kept exactly past 2^53; a fraction or
// an integer past int64 is refused naming the input, nothing run.
func TestIntegersFromTheCommandLine(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	wf := writeWorkflow(t, "Parity",
		[]engine.InputDecl{{Name: "n", Type: engine.TypeInteger, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("same", "math.expr", params{"expression": "a"}),
			nd("odd", "math.expr", params{"expression": "a % 2"}), nd("named", "math.expr", params{"expression": "inputs.n % 3"}),
			nd("o1", "io.output", params{"name": "same"}), nd("o2", "io.output", params{"name": "odd"}),
			nd("o3", "io.output", params{"name": "named"})},
		[]engine.Edge{ed("in", "n", "same", "a"), ed("in", "n", "odd", "a"), ed("same", "result", "o1", "value"),
			ed("odd", "result", "o2", "value"), ed("named", "result", "o3", "value")})
	h.importFile(wf)

	r := h.ok("run", "Parity", "--input", "n=9007199254740993", "--json")
	if !strings.Contains(r.stdout, `"same":9007199254740993`) || !strings.Contains(r.stdout, `"odd":1`) || !strings.Contains(r.stdout, `"named":0`) {
		t.Errorf("--input n=9007199254740993:\n%s", r)
	}
	file := writeFile(t, "inputs.json", `{"n": 9007199254740995}`)
	r = h.ok("run", "Parity", "--inputs", file, "--json")
	if !strings.Contains(r.stdout, `"same":9007199254740995`) || !strings.Contains(r.stdout, `"odd":1`) {
		t.Errorf("--inputs {n: 9007199254740995}:\n%s", r)
	}
	batch := writeFile(t, "batch.jsonl", "{\"n\": 9007199254740997}\n{\"n\": 4}\n")
	h.ok("run", "Parity", "--batch", batch, "--json")
	same := h.run("generations", "Parity", "same", "--json")
	odd := h.generations("Parity", "odd")
	if !strings.Contains(same.stdout, `"result":9007199254740997`) || len(odd.Generations) != 4 {
		t.Errorf("batch: same's generations:\n%s\nodd's: %+v", same, odd)
	}
	for _, g := range odd.Generations {
		if g.Status != "completed" {
			t.Errorf("odd generation %+v", g)
		}
	}

	h.refused([]string{`input "n"`, "want an integer"}, "run", "Parity", "--input", "n=1.5")
	h.refused([]string{`input "n"`, "out of range"}, "run", "Parity", "--input", "n=99999999999999999999")
	h.refused([]string{"batch line 1", "out of range"}, "run", "Parity", "--batch", writeFile(t, "bad.jsonl", "{\"n\": 99999999999999999999}\n"))
	if got := len(h.generations("Parity", "odd").Generations); got != 4 {
		t.Errorf("a refused command ran: odd has %d generations", got)
	}
}
