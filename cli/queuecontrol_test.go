package cli_test

import (
	"encoding/json"
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
	var finished []string
	for _, wait := range waits {
		r := wait()
		var out struct {
			RunID  string `json:"run_id"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal([]byte(strings.TrimSpace(r.stdout)), &out); err != nil {
			t.Fatalf("run output: %v\n%s", err, r)
		}
		if out.RunID != cancelled {
			finished = append(finished, out.RunID)
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
