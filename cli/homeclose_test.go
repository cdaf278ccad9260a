package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// TestRunClosesHomeWhilePrinting: once a run's end is recorded, `run` closes the data home
// while it prints the summary (the close folds what the run wrote into the database file).
// The summary of a 2,500-node run fills the pipe to stdout, so the process blocks printing
// until the test reads; the test reads only after the process gave its owner file up, the
// close's last step. Before, the home closed after the summary was printed: the wait below
// ran into its deadline.
func TestRunClosesHomeWhilePrinting(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("an ended process's owner file is removed there, not renamed to a spare: the release is read from a new spare")
	}
	const n = 2500
	nodes := []engine.Node{nd("in", "flow.inputs", nil)}
	edges := []engine.Edge{}
	prev := "in"
	prevHandle := "x"
	for i := range n {
		id := fmt.Sprintf("n%d", i)
		nodes = append(nodes, nd(id, "math.expr", params{"expression": "a + 1"}))
		edges = append(edges, ed(prev, prevHandle, id, "a"))
		prev, prevHandle = id, "result"
	}
	nodes = append(nodes, nd("out", "io.output", params{"name": "result"}))
	edges = append(edges, ed(prev, prevHandle, "out", "value"))
	h := newHome(t)
	h.importFile(writeWorkflow(t, "Long", []engine.InputDecl{{Name: "x", Type: "integer", Default: 1}}, nodes, edges))

	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := cliCommand(ctx, nil, "run", "Long", "--home", h.dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	// A process's owner file is renamed to a spare of its own name when its home is closed:
	// a spare the home did not hold before the run started.
	owners := filepath.Join(h.dir, "owners")
	spares := func() []string {
		entries, _ := os.ReadDir(owners)
		var names []string
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "spare-") {
				names = append(names, e.Name())
			}
		}
		return names
	}
	before := spares()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	released := false
	for deadline := time.Now().Add(time.Minute); !released && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, name := range spares() {
			if !slices.Contains(before, name) {
				released = true
			}
		}
	}
	out, rerr := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil || rerr != nil {
		t.Fatalf("run: %v %v\nstderr: %s", err, rerr, errb.String())
	}
	if len(out) < 64<<10 {
		t.Fatalf("summary of %d bytes: want more than a pipe holds (64 KiB)", len(out))
	}
	if !released {
		t.Fatal("the run's process held the data home while it printed its summary")
	}
	for _, id := range []string{"in", "n0", fmt.Sprintf("n%d", n-1), "out"} {
		if !strings.Contains(string(out), "\n  "+id+" ") {
			t.Errorf("summary without a line for %s", id)
		}
	}
}
