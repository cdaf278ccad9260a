package cli_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/storage"
)

type queueOut struct {
	Cap     int        `json:"cap"`
	Running []queueRun `json:"running"`
	Queued  []queueRun `json:"queued"`
}

type queueRun struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Label      string `json:"label"`
	OwnerAlive bool   `json:"owner_alive"`
}

// startCLI starts a command in the background; stop kills it (SIGKILL) and waits.
func startCLI(t *testing.T, h *home, args ...string) (cmd *exec.Cmd, wait func() result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	cmd = cliCommand(ctx, nil, append(args, "--home", h.dir)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	var r result
	go func() {
		err := cmd.Wait()
		r = result{args: args, code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
		if err != nil && r.code == 0 {
			r.code = -1
		}
		close(done)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); <-done; cancel() })
	return cmd, func() result { <-done; return r }
}

// waitQueue polls `queue --json` until ok accepts it (a hang guard of a minute, no timing).
func waitQueue(t *testing.T, h *home, what string, ok func(queueOut) bool) queueOut {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var q queueOut
		h.json(&q, "queue", "--json")
		if ok(q) {
			return q
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened; queue %+v", what, q)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// killedBatch queues n runs of Crash with cap 1 (the first waits a minute, the rest are
// quick), waits until all are stored, and SIGKILLs the batch: one run left running by a dead
// process and n-1 queued orphans.
func killedBatch(t *testing.T, h *home, n int) {
	t.Helper()
	lines := []string{`{"seed": 0, "ms": 60000}`}
	for i := 1; i < n; i++ {
		lines = append(lines, fmt.Sprintf(`{"seed": %d, "ms": 0}`, i))
	}
	batch := writeFile(t, "batch.jsonl", strings.Join(lines, "\n")+"\n")
	cmd, wait := startCLI(t, h, "run", "Crash", "--batch", batch, "--max-concurrent", "1", "--json")
	waitQueue(t, h, "the batch queued its runs", func(q queueOut) bool { return len(q.Running) == 1 && len(q.Queued) == n-1 })
	cmd.Process.Signal(syscall.SIGKILL)
	wait()
}

// TestOrphanedQueueAfterKilledBatch: the queued runs of a killed batch are listed as
// orphaned by `queue`, survive any other command's start untouched, and can be resumed
// (they run in the resuming process) or cancelled from the command line; the run it was
// running becomes interrupted, keeping what finished, and cannot be cancelled any more.
func TestOrphanedQueueAfterKilledBatch(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(crashWorkflow(t))
	killedBatch(t, h, 5)

	var q queueOut
	h.json(&q, "queue", "--json")
	if len(q.Running) != 0 || len(q.Queued) != 4 || q.Cap < 1 {
		t.Fatalf("after the kill: %+v", q)
	}
	for _, r := range q.Queued {
		if r.OwnerAlive || r.Status != "queued" {
			t.Fatalf("queued run of a killed batch: %+v", r)
		}
	}
	h.ok("list") // another command's start leaves them queued
	var again queueOut
	h.json(&again, "queue", "--json")
	if len(again.Queued) != 4 {
		t.Fatalf("a command's start changed the orphans: %+v", again)
	}
	runs := h.runs()
	var interrupted string
	for _, r := range runs.Runs {
		if r.Status == "interrupted" {
			interrupted = r.ID
		}
	}
	if interrupted == "" {
		t.Fatalf("no interrupted run: %+v", runs)
	}
	// It keeps what finished before the kill: the inputs node, before the minute's wait.
	var snapshot string
	var packed []byte
	if err := openDB(t, h.dir).QueryRow(`SELECT snapshot, reused FROM runs WHERE id = ?`, interrupted).Scan(&snapshot, &packed); err != nil {
		t.Fatal(err)
	}
	if snap, err := storage.DecodeSnapshot(snapshot, packed); err != nil || snap.Nodes["in"].Status != engine.NodeExecuted {
		t.Fatalf("the interrupted run's snapshot does not say the inputs node finished: %s %x (%v)", snapshot, packed, err)
	}
	h.refused([]string{interrupted, "interrupted"}, "cancel", interrupted)
	h.refused([]string{`"no-such-run"`}, "cancel", "no-such-run")
	h.refused([]string{`"no-such-run"`}, "cancel", q.Queued[0].ID, "no-such-run") // checked before any is cancelled
	h.json(&again, "queue", "--json")
	if len(again.Queued) != 4 {
		t.Fatalf("a refused cancel cancelled something: %+v", again)
	}

	// Resume: every orphan runs here, in its order, and completes.
	r := h.ok("resume", "--orphaned", "--json")
	lines := decodeLines(t, r)
	if len(lines) != 4 {
		t.Fatalf("resume printed %d runs:\n%s", len(lines), r)
	}
	for i, l := range lines {
		if got, want := string(l["run_id"]), `"`+q.Queued[i].ID+`"`; got != want || string(l["status"]) != `"completed"` {
			t.Fatalf("resumed run %d: %s %s, want %s completed", i, got, l["status"], want)
		}
	}
	h.json(&again, "queue", "--json")
	if len(again.Queued)+len(again.Running) != 0 {
		t.Fatalf("after resume: %+v", again)
	}
	if r := h.ok("resume", "--orphaned"); !strings.Contains(r.stdout, "no queued runs") {
		t.Fatalf("resume with nothing to resume:\n%s", r)
	}

	// Cancel: a second killed batch's orphans, all at once.
	killedBatch(t, h, 4)
	h.json(&q, "queue", "--json")
	var c struct {
		Runs []struct {
			RunID  string `json:"run_id"`
			Status string `json:"status"`
		} `json:"runs"`
	}
	h.json(&c, "cancel", "--orphaned", "--json")
	if len(c.Runs) != 3 {
		t.Fatalf("cancel --orphaned: %+v", c)
	}
	for i, x := range c.Runs {
		if x.Status != "cancelled" || x.RunID != q.Queued[i].ID {
			t.Fatalf("cancel --orphaned: %+v, queue was %+v", c, q)
		}
	}
	h.json(&again, "queue", "--json")
	if len(again.Queued)+len(again.Running) != 0 {
		t.Fatalf("after cancel --orphaned: %+v", again)
	}
}

// TestCancelRunOfAnotherProcess: `flowbench cancel RUN` stops a run another live process
// is running (it is asked, and stops it itself): that process reports it cancelled (exit 1),
// and the cancel waits until it has.
func TestCancelRunOfAnotherProcess(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(crashWorkflow(t))
	_, wait := startCLI(t, h, "run", "Crash", "--input", "seed=1", "--input", "ms=60000", "--json")
	q := waitQueue(t, h, "the run started", func(q queueOut) bool { return len(q.Running) == 1 && q.Running[0].OwnerAlive })
	id := q.Running[0].ID
	r := h.ok("cancel", id)
	if !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, "cancelled") {
		t.Fatalf("cancel:\n%s", r)
	}
	ran := wait()
	if ran.code != 1 || !strings.Contains(ran.stdout, `"status":"cancelled"`) {
		t.Fatalf("the cancelled run's process:\n%s", ran)
	}
	h.refused([]string{id, "cancelled"}, "cancel", id)
}

// TestQueuePauseAndResume: `queue pause` holds a run another command queues (it waits,
// listed as queued), `queue --json` says so, and `queue resume` lets it run to the end.
func TestQueuePauseAndResume(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	h.importFile(crashWorkflow(t))
	h.ok("queue", "pause")
	_, wait := startCLI(t, h, "run", "Crash", "--input", "seed=4", "--input", "ms=0", "--json")
	q := waitQueue(t, h, "the run queued", func(q queueOut) bool { return len(q.Queued) == 1 })
	var paused struct {
		Paused bool `json:"paused"`
	}
	h.json(&paused, "queue", "--json")
	if !paused.Paused || len(q.Running) != 0 || !q.Queued[0].OwnerAlive {
		t.Fatalf("paused queue: %+v, paused %v", q, paused.Paused)
	}
	h.ok("queue", "resume")
	r := wait()
	if r.code != 0 || !strings.Contains(r.stdout, `"status":"completed"`) || !strings.Contains(r.stderr, "queue is paused") {
		t.Fatalf("the run after resume:\n%s", r)
	}
	h.json(&paused, "queue", "--json")
	if paused.Paused {
		t.Fatal("still paused after resume")
	}
}
