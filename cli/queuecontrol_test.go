package cli_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestQueueMoveRetryAndClear drives queue control from the command line: a paused queue
// holds runs queued by other processes, `queue move` reorders them (the order `queue
// --json` shows and the order they start in), a cancelled run is retried with its inputs
// and labelled "retry of …", and bad input is refused naming the run.
func TestQueueMoveRetryAndClear(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(crashWorkflow(t))
	h.ok("settings", "set", "run_cap", "1")
	h.ok("queue", "pause")
	var waits []func() result
	for _, seed := range []string{"1", "2", "3"} {
		_, wait := startCLI(t, h, "run", "Crash", "--input", "seed="+seed, "--input", "ms=0", "--json")
		waits = append(waits, wait)
		waitQueue(t, h, "run "+seed+" queued", func(q queueOut) bool { return len(q.Queued) == len(waits) })
	}
	q := waitQueue(t, h, "three queued", func(q queueOut) bool { return len(q.Queued) == 3 })
	first, last := q.Queued[0].ID, q.Queued[2].ID

	h.ok("queue", "move", last, "--to", "1")
	q = waitQueue(t, h, "moved", func(queueOut) bool { return true })
	if q.Queued[0].ID != last || q.Queued[1].ID != first {
		t.Fatalf("after move %s --to 1: %+v", last, q.Queued)
	}
	h.refused([]string{`"nope"`}, "queue", "move", "nope", "--to", "1")
	h.refused([]string{"--to", "0"}, "queue", "move", first, "--to", "0")
	h.refused([]string{"queue move RUN --to N"}, "queue", "move", first)
	h.refused([]string{first[:8]}, "queue", "move", first[:8], "--to", "1")

	// A cancelled queued run, retried once the queue runs again.
	cancelled := q.Queued[2].ID
	h.ok("cancel", cancelled)
	h.ok("queue", "resume")
	for _, wait := range waits {
		r := wait()
		var out struct {
			RunID  string `json:"run_id"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &out); err != nil {
			t.Fatalf("run output: %v\n%s", err, r)
		}
		if out.RunID == "" {
			t.Fatalf("run output names no run:\n%s", r)
		}
	}
	var runs struct {
		Runs []struct {
			ID        string `json:"id"`
			Status    string `json:"status"`
			Label     string `json:"label"`
			VersionID string `json:"version_id"`
			CreatedAt string `json:"created_at"`
		} `json:"runs"`
	}
	h.json(&runs, "runs", "--json")
	started := map[string]string{}
	var label, version string
	for _, r := range runs.Runs {
		started[r.ID] = r.Status
		if r.ID == cancelled {
			label, version = r.Label, r.VersionID
		}
	}
	if started[cancelled] != "cancelled" || started[last] != "completed" {
		t.Fatalf("statuses after resume: %v", started)
	}
	h.refused([]string{last, "completed"}, "retry", last)
	h.refused([]string{last, "completed", "not queued"}, "queue", "move", last, "--to", "1")
	h.refused([]string{`"nope"`}, "retry", "nope")

	var retried struct {
		RunID     string `json:"run_id"`
		Status    string `json:"status"`
		VersionID string `json:"version_id"`
		Outputs   struct {
			Double float64 `json:"double"`
		} `json:"outputs"`
	}
	h.json(&retried, "retry", cancelled, "--json")
	if retried.Status != "completed" || retried.VersionID != version || retried.RunID == cancelled {
		t.Fatalf("retry: %+v (version %s)", retried, version)
	}
	h.json(&runs, "runs", "--json")
	if runs.Runs[0].ID != retried.RunID || runs.Runs[0].Label != "retry of "+label {
		t.Fatalf("newest run %+v, want the retry labelled %q", runs.Runs[0], "retry of "+label)
	}
	if r := h.ok("queue", "clear"); !strings.Contains(r.stdout, "cleared") {
		t.Fatalf("queue clear:\n%s", r)
	}
	h.json(&runs, "runs", "--json")
	if len(runs.Runs) != 4 {
		t.Fatalf("runs after queue clear: %d, want all 4 kept in the history", len(runs.Runs))
	}
}

// TestRunCapAcrossCommandLineProcesses: three `run --batch` commands on one data home at run
// cap 2 never run more than 2 runs at once between them (each used to run its own 2), and
// every run completes. `queue --json` is read while they go: it can miss a moment, never
// invent one.
func TestRunCapAcrossCommandLineProcesses(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(crashWorkflow(t))
	h.ok("settings", "set", "run_cap", "2")
	var waits []func() result
	for b := range 3 {
		var lines []string
		for i := range 3 {
			lines = append(lines, `{"seed": `+strconv.Itoa(b*10+i)+`, "ms": 150}`)
		}
		batch := writeFile(t, "batch"+strconv.Itoa(b)+".jsonl", strings.Join(lines, "\n")+"\n")
		_, wait := startCLI(t, h, "run", "Crash", "--batch", batch, "--json")
		waits = append(waits, wait)
	}
	done := make(chan struct{})
	peak := 0
	go func() {
		defer close(done)
		for i := 0; i < 400; i++ {
			r := h.run("queue", "--json")
			var q queueOut
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &q) != nil {
				continue
			}
			peak = max(peak, len(q.Running))
			if len(q.Running)+len(q.Queued) == 0 && i > 0 {
				return
			}
		}
	}()
	for _, wait := range waits {
		r := wait()
		if r.code != 0 || strings.Count(r.stdout, `"status":"completed"`) != 3 {
			t.Fatalf("a batch:\n%s", r)
		}
	}
	<-done
	if peak > 2 {
		t.Fatalf("queue --json showed %d runs running at once at cap 2", peak)
	}
}
