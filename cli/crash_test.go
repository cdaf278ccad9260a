package cli_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/storage"
)

// crashBatchLines is how many runs each killed batch queues.
const crashBatchLines = 40

// crashWorkflow is flow.inputs → util.delay(ms) → math.expr (seed × 2) → io.output.
func crashWorkflow(t testing.TB) string {
	return writeWorkflow(t, "Crash",
		[]engine.InputDecl{{Name: "seed", Type: engine.TypeInteger, Required: true}, {Name: "ms", Type: engine.TypeInteger, Default: 30}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("wait", "util.delay", params{"ms": "{{ms}}"}),
			nd("calc", "math.expr", params{"expression": "a * 2"}), nd("out", "io.output", params{"name": "double"})},
		[]engine.Edge{ed("in", "seed", "wait", "value"), ed("wait", "value", "calc", "a"), ed("calc", "result", "out", "value")})
}

var crashNodes = []string{"in", "wait", "calc", "out"}

// TestCrashRecovery starts `run --batch --max-concurrent 4 --json` as a child process and
// SIGKILLs it at several points: early (starting, queuing), in the middle of the runs, and
// right after it printed a result line. After each kill new processes reopen the home and
// must find: a database that opens and passes integrity_check; every generation the killed
// process reported still there; every completed run with all its nodes' generations; runs
// that were running now interrupted (the kill released the owner lock), queued ones still
// queued; no generation without its run and no stored JSON that does not parse; and a new
// run that works.
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(crashWorkflow(t))
	var lines []string
	for i := 0; i < crashBatchLines; i++ {
		lines = append(lines, fmt.Sprintf(`{"seed": %d, "ms": %d}`, i, 20+(i*7)%41))
	}
	batch := writeFile(t, "batch.jsonl", strings.Join(lines, "\n")+"\n")

	// A kill point is a delay after the process started, or after its first result line.
	kills := []struct {
		name      string
		delay     time.Duration
		afterLine bool
	}{
		{"50ms", 50 * time.Millisecond, false},
		{"150ms", 150 * time.Millisecond, false},
		{"400ms", 400 * time.Millisecond, false},
		{"while writing", 0, true},
		{"250ms", 250 * time.Millisecond, false},
		{"while writing+15ms", 15 * time.Millisecond, true},
		{"700ms", 700 * time.Millisecond, false},
	}
	seen := map[string]bool{}
	for _, k := range kills {
		printed := killBatch(t, h, batch, k.delay, k.afterLine)
		runs := h.runs()
		var mine []string
		byID := map[string]string{}
		for _, r := range runs.Runs {
			byID[r.ID] = r.Status
			if !seen[r.ID] {
				seen[r.ID] = true
				mine = append(mine, r.ID)
			}
		}
		count := map[string]int{}
		for _, id := range mine {
			count[byID[id]]++
		}
		t.Logf("kill %-20s printed %2d lines; its runs: %v", k.name, len(printed), count)
		if len(mine) > crashBatchLines {
			t.Errorf("kill %s: %d new runs from a batch of %d", k.name, len(mine), crashBatchLines)
		}
		for status, n := range count {
			switch status {
			case "completed", "queued":
			case "interrupted":
				if n > 4 {
					t.Errorf("kill %s: %d runs interrupted, but at most 4 ran at once", k.name, n)
				}
			default:
				t.Errorf("kill %s: %d runs are %s after recovery (want completed, interrupted or queued)", k.name, n, status)
			}
		}
		if k.afterLine && count["completed"] == 0 {
			t.Errorf("kill %s: a result line was printed but no run is completed", k.name)
		}

		// Every run the killed process printed is completed, with its generations.
		for _, run := range printed {
			if byID[run.RunID] != "completed" {
				t.Errorf("kill %s: printed run %s is %q after recovery", k.name, run.RunID, byID[run.RunID])
			}
		}
		timelines := map[string]map[string]genOut{} // node → generation id → generation
		for _, node := range crashNodes {
			timelines[node] = map[string]genOut{}
			for _, g := range h.generations("Crash", node).Generations {
				timelines[node][g.ID] = g
			}
		}
		for _, run := range printed {
			for _, node := range crashNodes {
				id := run.Nodes[node].GenerationID
				g, ok := timelines[node][id]
				if !ok || g.RunID != run.RunID || g.Status != "completed" {
					t.Errorf("kill %s: generation %s of node %s in printed run %s is lost (%+v)", k.name, id, node, run.RunID, g)
				}
			}
		}
		// Every run listed completed has a completed generation of every node.
		for _, id := range mine {
			if byID[id] != "completed" {
				continue
			}
			for _, node := range crashNodes {
				found := false
				for _, g := range timelines[node] {
					found = found || (g.RunID == id && g.Status == "completed")
				}
				if !found {
					t.Errorf("kill %s: completed run %s has no generation of %s", k.name, id, node)
				}
			}
		}
		checkDatabase(t, h.dir, k.name)

		// Queued runs stay queued for CLI commands: a second process lists the same.
		again := h.runs()
		for _, r := range again.Runs {
			if r.Status != byID[r.ID] {
				t.Errorf("kill %s: run %s was %s, a second process lists it %s", k.name, r.ID, byID[r.ID], r.Status)
			}
		}
		// A new run works in the recovered home.
		if run := h.runJSON(0, "Crash", "--input", "seed=1000", "--input", "ms=1"); run.Status != "completed" || engine.ToText(run.Outputs["double"]) != "2000" {
			t.Errorf("kill %s: run after recovery: %s %v %q", k.name, run.Status, run.Outputs, run.Error)
		}
		seen[h.runs().Runs[0].ID] = true
	}
}

// killBatch starts the batch, kills it with SIGKILL after delay (counted from the first
// printed line when afterLine) and returns the run objects it printed in full.
func killBatch(t *testing.T, h *home, batch string, delay time.Duration, afterLine bool) []runOut {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := cliCommand(ctx, nil, "run", "Crash", "--batch", batch, "--max-concurrent", "4", "--json", "--home", h.dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, crashBatchLines+1)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		rd := bufio.NewReader(stdout)
		for {
			line, err := rd.ReadString('\n')
			if err == nil {
				lines <- line // only whole lines: a kill may cut the last one
			}
			if err != nil {
				io.Copy(io.Discard, rd)
				return
			}
		}
	}()
	var got []string
	timer := time.NewTimer(delay)
	if afterLine {
		timer.Stop()
		select {
		case l := <-lines:
			got = append(got, l)
		case <-readDone:
		}
		timer.Reset(delay)
	}
	<-timer.C
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Logf("SIGKILL: %v (the batch may have ended before)", err)
	}
	<-readDone
	cmd.Wait()
	close(lines)
	for l := range lines {
		got = append(got, l)
	}
	var out []runOut
	for _, l := range got {
		var r runOut
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Errorf("killed batch printed a line that is not a run object: %v\n%s", err, l)
			continue
		}
		if r.Status != "completed" {
			t.Errorf("killed batch printed run %s as %s", r.RunID, r.Status)
		}
		out = append(out, r)
	}
	if s := stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "DATA RACE") {
		t.Errorf("killed batch wrote on stderr:\n%s", s)
	}
	return out
}

// checkDatabase opens the home's database directly and checks it has no half-written
// state: SQLite's integrity and foreign key checks pass, every generation belongs to a
// stored run, every stored JSON value parses, and every completed run's node records
// name generations that exist.
func checkDatabase(t *testing.T, homeDir, when string) {
	t.Helper()
	u := url.URL{Path: filepath.Join(homeDir, "flowbench.db")}
	db, err := sql.Open("sqlite3", "file:"+u.EscapedPath()+"?_busy_timeout=5000&_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("%s: integrity_check = %q (%v)", when, integrity, err)
	}
	if rows, err := db.Query(`PRAGMA foreign_key_check`); err != nil {
		t.Errorf("%s: foreign_key_check: %v", when, err)
	} else {
		if rows.Next() {
			t.Errorf("%s: foreign_key_check reports violations", when)
		}
		rows.Close()
	}
	var orphans int
	if err := db.QueryRow(`SELECT COUNT(*) FROM generations g WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = g.run_id)`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%s: %d generations without their run (%v)", when, orphans, err)
	}

	gens := map[string]string{} // id → status
	rows, err := db.Query(`SELECT id, status, outputs FROM generations`)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	for rows.Next() {
		var id, status, outputs string
		if err := rows.Scan(&id, &status, &outputs); err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(outputs), &v); err != nil {
			t.Errorf("%s: generation %s outputs do not parse: %v", when, id, err)
		}
		gens[id] = status
	}
	rows.Close()

	rows, err = db.Query(`SELECT id, status, label, inputs, outputs, snapshot, reused FROM runs`)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status, label, inputs, outputs, snapshot string
		var packed []byte
		if err := rows.Scan(&id, &status, &label, &inputs, &outputs, &snapshot, &packed); err != nil {
			t.Fatal(err)
		}
		var in, out map[string]any
		snap, snapErr := storage.DecodeSnapshot(snapshot, packed)
		for name, err := range map[string]error{
			"inputs":   json.Unmarshal([]byte(inputs), &in),
			"outputs":  json.Unmarshal([]byte(outputs), &out),
			"snapshot": snapErr,
		} {
			if err != nil {
				t.Errorf("%s: run %s %s do not parse: %v", when, id, name, err)
			}
		}
		if label == "" {
			t.Errorf("%s: run %s (%s) has no label", when, id, status)
		}
		if status == "running" {
			t.Errorf("%s: run %s is still running after recovery", when, id)
		}
		if status != "completed" {
			continue
		}
		for _, node := range crashNodes {
			rec := snap.Nodes[node]
			if rec.Status != engine.NodeExecuted || gens[rec.GenerationID] != "completed" {
				t.Errorf("%s: completed run %s node %s = %+v, generation %q", when, id, node, rec, gens[rec.GenerationID])
			}
		}
	}
}
