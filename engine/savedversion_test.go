package engine_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// versionReads counts the versions a service reads from its store.
type versionReads struct {
	*memstore.Store
	got, listed atomic.Int64
}

func (s *versionReads) GetVersion(ctx context.Context, id string) (engine.Version, error) {
	s.got.Add(1)
	return s.Store.GetVersion(ctx, id)
}

func (s *versionReads) ListVersions(ctx context.Context, workflowID string) ([]engine.Version, error) {
	s.listed.Add(1)
	return s.Store.ListVersions(ctx, workflowID)
}

// TestRunAfterASaveReadsNoVersionBack: the window's run of an edited draft finds whether the
// draft equals a version by its content hash (engine.VersionFinder), not by reading every
// version, and the version a save stores (the draft's, SaveVersion's) is kept by the service:
// the changed run that follows neither lists the versions nor reads the version back, and
// runs what was saved.
func TestRunAfterASaveReadsNoVersionBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := testRegistry(t)
	st := &versionReads{Store: memstore.New()}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	imp := draftWorkflow(t, svc)
	completedRun(t, svc, engine.RunRequest{Workflow: imp.WorkflowID})
	reads := func() (int64, int64) { return st.got.Swap(0), st.listed.Swap(0) }
	reads()

	g := draftGraph(int64(2))
	started, err := svc.RunDraft(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Draft: &g, Changed: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Wait(ctx, started.Runs[0].ID)
	if err != nil || r.Status != engine.RunCompleted || r.Outputs["r"] != int64(2) || r.VersionLabel != "v2" || started.Saved.Label != "v2" {
		t.Fatalf("changed run of the draft: %s %v %s (%v), want v2 saved and run to r=2", r.Status, r.Outputs, r.VersionLabel, err)
	}
	if got, listed := reads(); got != 0 || listed != 0 {
		t.Errorf("the draft's changed run read %d versions and listed them %d times, want none", got, listed)
	}

	v3, err := svc.SaveVersion(ctx, imp.WorkflowID, draftGraph(int64(3)), "three", "", true)
	if err != nil {
		t.Fatal(err)
	}
	reads()
	r = completedRun(t, svc, engine.RunRequest{Workflow: imp.WorkflowID, Changed: true})
	if r.VersionID != v3.ID || r.Outputs["r"] != int64(3) {
		t.Errorf("changed run after SaveVersion ran %s to %v, want %s to r=3", r.VersionLabel, r.Outputs, v3.Label)
	}
	if got, listed := reads(); got != 0 || listed != 0 {
		t.Errorf("the changed run after SaveVersion read %d versions and listed them %d times, want none", got, listed)
	}

	// A draft equal to an older version runs that version, saving nothing.
	g = draftGraph(int64(2))
	started, err = svc.RunDraft(ctx, engine.RunRequest{Workflow: imp.WorkflowID, Draft: &g, Changed: true})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = svc.Wait(ctx, started.Runs[0].ID); err != nil || started.Saved.ID != "" || r.VersionLabel != "v2" || r.Outputs["r"] != int64(2) {
		t.Errorf("a draft equal to v2: saved %q, ran %s to %v (%v); want nothing saved, v2 run to r=2", started.Saved.Label, r.VersionLabel, r.Outputs, err)
	}
	if _, listed := reads(); listed != 0 {
		t.Errorf("finding the version equal to the draft listed the versions %d times, want none", listed)
	}
}
