package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// heldRecords is recordSaves whose state record writes wait until release is closed.
type heldRecords struct {
	*recordSaves
	began   chan struct{}
	release chan struct{}
}

func (s *heldRecords) SaveStateRecord(ctx context.Context, workflowID string, epoch int64, data []byte) (bool, error) {
	s.began <- struct{}{}
	<-s.release
	return s.recordSaves.SaveStateRecord(ctx, workflowID, epoch, data)
}

// TestRunEndsBeforeItsStateRecord: a run's end is reported (Wait returns, completed) while
// the workflow's state record its end writes is still being written, since the record only
// spares a later process reads; Close waits for that write, so a command that closes after
// its run leaves the record for the next process as before.
func TestRunEndsBeforeItsStateRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	counted, fresh := recordProcesses(t, 2)
	held := &heldRecords{recordSaves: counted, began: make(chan struct{}, 1), release: make(chan struct{})}
	svc, err := engine.NewService(engine.Config{RunCap: 2, Store: held, Registry: fresh().Registry()})
	if err != nil {
		t.Fatal(err)
	}
	wf := perfImport(t, svc, "Chain", bigChain(300)) // more generations than the record may lag by
	started, err := svc.StartRun(ctx, engine.RunRequest{Workflow: wf})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-held.began:
	case <-time.After(30 * time.Second):
		t.Fatal("the run's end wrote no state record")
	}
	// the record's write is held: the run has ended all the same
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if r, err := svc.Wait(waitCtx, started.ID); err != nil || r.Status != engine.RunCompleted {
		t.Fatalf("the run while its record is written: %s (%v), want completed", r.Status, err)
	}
	closed := make(chan struct{})
	go func() {
		svc.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while the state record was still being written")
	case <-time.After(50 * time.Millisecond): // a hang check would be too long here; a late Close is caught below
	}
	close(held.release)
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return once the record was written")
	}
	if n := counted.saved.Load(); n != 1 {
		t.Errorf("%d state records written by the time Close returned, want 1", n)
	}
}
