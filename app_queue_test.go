package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestQueueControlFromTheWindow: the window pauses the data home's queue (a run waits),
// moves a queued run to where another stands, resumes, retries a cancelled run and clears
// finished runs from the list; unknown or unsuitable runs are refused naming them.
func TestQueueControlFromTheWindow(t *testing.T) {
	ctx := context.Background()
	a, svc := newStoredApp(ctx, t)
	imp, err := a.ImportJSON(`{"format":"flowbench.workflow/1","name":"q",
		"inputs":[{"name":"seed","type":"integer","default":1}],
		"nodes":[{"id":"in","type":"flow.inputs"},{"id":"a","type":"math.expr","params":{"expression":"a * 2"}}],
		"edges":[{"source":"in","sourceHandle":"seed","target":"a","targetHandle":"a"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	q, err := a.SetQueuePaused(true)
	if err != nil || !q.Paused {
		t.Fatalf("pause: %+v %v", q, err)
	}
	runs, err := a.StartBatch(RunRequest{WorkflowID: imp.WorkflowID}, []map[string]any{{"seed": 1}, {"seed": 2}, {"seed": 3}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.MoveQueuedRun(runs[2].ID, runs[0].ID); err != nil {
		t.Fatal(err)
	}
	st, err := svc.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Queued) != 3 || st.Queued[0].ID != runs[2].ID || st.Queued[1].ID != runs[0].ID {
		t.Fatalf("queue after the drop: %+v", st.Queued)
	}
	if err := a.CancelRun(runs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := a.MoveQueuedRun(runs[0].ID, runs[1].ID); !errors.Is(err, engine.ErrConflict) || !strings.Contains(err.Error(), runs[1].ID) {
		t.Fatalf("drop on a run no longer queued: %v", err)
	}
	if q, err = a.SetQueuePaused(false); err != nil || q.Paused {
		t.Fatalf("resume: %+v %v", q, err)
	}
	for _, r := range []RunInfo{runs[0], runs[2]} {
		if done, err := svc.Wait(ctx, r.ID); err != nil || done.Status != engine.RunCompleted {
			t.Fatalf("run %s: %s %v", r.ID, done.Status, err)
		}
	}
	if _, err := a.RetryRun(runs[0].ID); !errors.Is(err, engine.ErrConflict) || !strings.Contains(err.Error(), runs[0].ID) {
		t.Fatalf("retry of a completed run: %v", err)
	}
	retry, err := a.RetryRun(runs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if retry.Label != "retry of "+runs[1].Label || retry.VersionID != runs[1].VersionID {
		t.Fatalf("retry %+v of %+v", retry, runs[1])
	}
	done, err := svc.Wait(ctx, retry.ID)
	if err != nil || done.Status != engine.RunCompleted || done.Inputs["seed"] != int64(2) {
		t.Fatalf("retried run: %s %v %v", done.Status, done.Inputs, err)
	}
	if q, err = a.ClearFinishedRuns(); err != nil || q.ClearedAt == "" {
		t.Fatalf("clear: %+v %v", q, err)
	}
	if q, err = a.GetQueueControl(); err != nil || q.ClearedAt == "" || q.Paused {
		t.Fatalf("state after clear: %+v %v", q, err)
	}
}
