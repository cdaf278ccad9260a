package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	datahome "github.com/flowbench/flowbench/home"
)

func TestAssetHandlerServesOnlyWellFormedHashes(t *testing.T) {
	home := t.TempDir()
	dh, err := datahome.Open(context.Background(), home, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer dh.Close()
	svc := dh.Service
	app := NewApp(svc, home, slog.New(slog.DiscardHandler))
	png := []byte("\x89PNG\r\n\x1a\n0000")
	ref, err := svc.Store().PutAsset(context.Background(), png, "image/png", "a.png")
	if err != nil {
		t.Fatal(err)
	}
	html, err := svc.Store().PutAsset(context.Background(), []byte("<html><script>alert(1)</script></html>"), "text/html", "x.html")
	if err != nil {
		t.Fatal(err)
	}
	h := app.assetHandler()
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://wails.localhost"+path, nil))
		return rec
	}
	ok := get("/assets/" + ref.Asset)
	body, _ := io.ReadAll(ok.Body)
	if ok.Code != http.StatusOK || string(body) != string(png) || ok.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("asset: %d %q %q", ok.Code, ok.Header().Get("Content-Type"), body)
	}
	if ct := get("/assets/" + html.Asset).Header().Get("Content-Type"); strings.Contains(ct, "html") {
		t.Fatalf("HTML asset served as %q", ct)
	}
	for _, bad := range []string{"/assets/../flowbench.db", "/assets/" + strings.ToUpper(ref.Asset), "/assets/" + ref.Asset[:10],
		"/assets/" + strings.Repeat("0", 64), "/flowbench.db", "/assets/%2e%2e%2fflowbench.db"} {
		if code := get(bad).Code; code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", bad, code)
		}
	}
}

func TestCheckIDRefusesStrangeIDs(t *testing.T) {
	for _, id := range []string{"", "../x", strings.Repeat("a", 200), "a b", "x\x00"} {
		if checkID("run", id) == nil {
			t.Errorf("%q accepted", id)
		}
	}
	if err := checkID("run", "01a1fdf6-3e64-7c15-840f-eb7ae84c1350"); err != nil {
		t.Fatal(err)
	}
}

// TestCurrentGenerationsBinding: one call gives every node's current generation, picks
// included, and refuses a malformed id.
func TestCurrentGenerationsBinding(t *testing.T) {
	ctx := context.Background()
	a, svc := newStoredApp(ctx, t)
	imp, err := a.ImportJSON(`{"format":"flowbench.workflow/1","name":"two","nodes":[
		{"id":"a","type":"math.expr","params":{"expression":"6 * 7"}},
		{"id":"out","type":"io.output","params":{"name":"answer"}}],
		"edges":[{"source":"a","sourceHandle":"result","target":"out","targetHandle":"value"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i := 0; i < 2; i++ {
		r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
		if err != nil {
			t.Fatal(err)
		}
		done, err := svc.Wait(ctx, r.ID)
		if err != nil || done.Status != engine.RunCompleted {
			t.Fatalf("run: %v %v", done.Status, err)
		}
		if i == 0 {
			first = done.Snapshot.Records()["a"].GenerationID
		}
	}
	if err := a.SelectGeneration(imp.WorkflowID, "a", first); err != nil {
		t.Fatal(err)
	}
	cur, err := a.CurrentGenerations(imp.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 2 || cur["a"].ID != first || !cur["a"].Selected || cur["out"].Outputs["value"] != int64(42) {
		t.Errorf("current generations: %+v", cur)
	}
	if _, err := a.CurrentGenerations("../etc"); err == nil {
		t.Error("a malformed workflow id was accepted")
	}
}

// TestStartBatchOfDraftReportsSavedVersion: Run ×N on an edited draft saves it as a version
// and every run of the batch says so (the header then shows that version, not the draft);
// the runs are labelled by the input that varies, the default-valued one included.
func TestStartBatchOfDraftReportsSavedVersion(t *testing.T) {
	ctx := context.Background()
	a, svc := newStoredApp(ctx, t)
	imp, err := a.ImportJSON(`{"format":"flowbench.workflow/1","name":"sweep",
		"inputs":[{"name":"seed","type":"integer","default":1},{"name":"topic","type":"string","default":"owls"}],
		"nodes":[{"id":"in","type":"flow.inputs"},{"id":"a","type":"math.expr","params":{"expression":"a * 2"}}],
		"edges":[{"source":"in","sourceHandle":"seed","target":"a","targetHandle":"a"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	v, err := svc.GetVersion(ctx, imp.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	g := v.Graph
	g.Nodes[1].Params = map[string]any{"expression": "a * 3"} // the edited draft
	runs, err := a.StartBatch(RunRequest{WorkflowID: imp.WorkflowID, Graph: &g},
		[]map[string]any{{"seed": 1, "topic": "owls"}, {"seed": 2, "topic": "owls"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range runs {
		if r.SavedVersion != "v2" || r.VersionLabel != "v2" {
			t.Errorf("run %d: saved %q, version %q; want v2", i+1, r.SavedVersion, r.VersionLabel)
		}
		if want := []string{"seed=1", "seed=2"}[i]; r.Label != want {
			t.Errorf("run %d labelled %q, want %q", i+1, r.Label, want)
		}
		if _, err := svc.Wait(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	gens, err := a.RunGenerations(runs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := engine.ToFloat(gens["a"].Outputs["result"]); v != 6 || gens["a"].RunID != runs[1].ID {
		t.Errorf("run 2's generation of a: %+v", gens["a"])
	}
	if _, err := a.RunGenerations("../x"); err == nil {
		t.Error("a malformed run id was accepted")
	}
}

// TestWindowAsksBeforeResumingMany: when the window opens it resumes a handful of queued
// runs left by a process that stopped by itself, but more than that wait for the person's
// answer (OrphanedRuns lists them; ResumeOrphanedRuns / CancelOrphanedRuns act on them).
func TestWindowAsksBeforeResumingMany(t *testing.T) {
	for _, n := range []int{autoResumeOrphans, autoResumeOrphans + 1} {
		home := t.TempDir()
		h, err := datahome.Open(context.Background(), home, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		svc := h.Service
		imp, err := svc.Import(context.Background(), []byte(`{"format":"flowbench.workflow/1","name":"W","nodes":[
			{"id":"a","type":"math.expr","params":{"expression":"2"}},{"id":"out","type":"io.output","params":{"name":"r"}}],
			"edges":[{"source":"a","sourceHandle":"result","target":"out","targetHandle":"value"}]}`), "")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for i := 0; i < n; i++ {
			r, err := svc.Store().CreateRun(context.Background(), engine.Run{ID: engine.NewID(), WorkflowID: imp.WorkflowID, VersionID: imp.VersionID,
				Status: engine.RunQueued, Mode: engine.ModeFull, Owner: "11111111-1111-1111-1111-111111111111", Inputs: map[string]any{}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		app := NewApp(svc, home, slog.New(slog.DiscardHandler))
		app.recoverRuns(context.Background())
		q, err := app.OrphanedRuns()
		if err != nil {
			t.Fatal(err)
		}
		if n <= autoResumeOrphans {
			if q.Count != 0 {
				t.Fatalf("%d orphans: %d left to ask about, want all resumed", n, q.Count)
			}
			for _, id := range ids {
				if r, err := svc.Wait(context.Background(), id); err != nil || r.Status != engine.RunCompleted {
					t.Fatalf("resumed run %s: %s %v", id, r.Status, err)
				}
			}
		} else {
			if q.Count != n || len(q.Runs) == 0 || q.Runs[0].ID != ids[0] || q.Runs[0].WorkflowName != "W" {
				t.Fatalf("%d orphans: asked about %+v", n, q)
			}
			if r, _, _ := svc.GetRun(context.Background(), ids[0]); r.Status != engine.RunQueued {
				t.Fatalf("an orphan started without asking: %s", r.Status)
			}
			if c, err := app.CancelOrphanedRuns(); err != nil || c != n {
				t.Fatalf("cancel: %d, %v", c, err)
			}
			if q, _ := app.OrphanedRuns(); q.Count != 0 {
				t.Fatalf("after cancel: %+v", q)
			}
		}
		h.Close()
	}
}

// newStoredApp is an App on a service with every node type over a store in a temporary
// folder; both are closed when the test ends.
func newStoredApp(ctx context.Context, t *testing.T) (*App, *engine.Service) {
	t.Helper()
	h, err := datahome.Open(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return NewApp(h.Service, "", nil), h.Service
}

// TestStartRunOfDraftAndUseVersion: the window's Run on an edited draft runs it as a new
// version and drops the draft; running it again saves nothing; switching back to v1 keeps a
// new valid draft as a version first.
func TestStartRunOfDraftAndUseVersion(t *testing.T) {
	ctx := context.Background()
	a, svc := newStoredApp(ctx, t)
	imp, err := a.ImportJSON(`{"format":"flowbench.workflow/1","name":"draft",
		"nodes":[{"id":"a","type":"math.expr","params":{"expression":"2"}},{"id":"out","type":"io.output","params":{"name":"r"}}],
		"edges":[{"source":"a","sourceHandle":"result","target":"out","targetHandle":"value"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.OpenWorkflow(imp.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	g := d.Current.Graph
	g.Nodes[0].Params = map[string]any{"expression": "3"}
	if err := a.SaveDraft(imp.WorkflowID, g, d.Current.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.StartRun(RunRequest{WorkflowID: imp.WorkflowID, Graph: &g, From: "../x"}); err == nil {
		t.Error("a malformed block id was accepted")
	}
	for i, want := range []string{"v2", ""} {
		ri, err := a.StartRun(RunRequest{WorkflowID: imp.WorkflowID, Graph: &g})
		if err != nil {
			t.Fatal(err)
		}
		if ri.SavedVersion != want || ri.VersionLabel != "v2" {
			t.Errorf("run %d: saved %q on %s; want saved %q on v2", i+1, ri.SavedVersion, ri.VersionLabel, want)
		}
		if r, err := svc.Wait(ctx, ri.ID); err != nil || r.Outputs["r"] != int64(3) {
			t.Fatalf("run %d: %v %v", i+1, r.Outputs, err)
		}
	}
	if d, _ := a.OpenWorkflow(imp.WorkflowID); d.Draft != nil || d.Current.Label != "v2" {
		t.Fatalf("after the run: draft %v, current %s; want no draft, v2", d.Draft != nil, d.Current.Label)
	}
	g.Nodes[0].Params = map[string]any{"expression": "4"}
	if err := a.SaveDraft(imp.WorkflowID, g, ""); err != nil {
		t.Fatal(err)
	}
	if v, err := a.UseVersion(imp.WorkflowID, imp.VersionID); err != nil || v.Label != "v1" {
		t.Fatalf("use v1: %+v %v", v, err)
	}
	d, _ = a.OpenWorkflow(imp.WorkflowID)
	if d.Draft != nil || d.Current.Label != "v1" || len(d.Versions) != 3 || d.Versions[0].Notes != "draft saved before switching version" {
		t.Errorf("after switching: draft %v, current %s, %d versions", d.Draft != nil, d.Current.Label, len(d.Versions))
	}
}

// TestPlanChangedBindings: the window's preview of Run changed, of a saved version, of the
// editor's graph sent whole and of its patch: the edited node reruns (reason changed), the
// rest is reused; a malformed workflow id is refused.
func TestPlanChangedBindings(t *testing.T) {
	ctx := context.Background()
	a, svc := newStoredApp(ctx, t)
	imp, err := a.ImportJSON(`{"format":"flowbench.workflow/1","name":"changed","nodes":[
		{"id":"a","type":"math.expr","params":{"expression":"6 * 7"}},
		{"id":"b","type":"math.expr","params":{"expression":"a + 1"}},
		{"id":"out","type":"io.output","params":{"name":"answer"}}],
		"edges":[{"source":"a","sourceHandle":"result","target":"b","targetHandle":"a"},
		{"source":"b","sourceHandle":"result","target":"out","targetHandle":"value"}]}`, "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: imp.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	if done, err := svc.Wait(ctx, r.ID); err != nil || done.Status != engine.RunCompleted {
		t.Fatalf("run: %v %v", done.Status, err)
	}
	p, err := a.PlanChanged(imp.WorkflowID, "", nil)
	if err != nil || !p.Changed || p.Rerun != 0 || p.Nodes["b"].Action != engine.ActionReuse {
		t.Fatalf("unchanged version: %+v %v, want everything reused", p, err)
	}
	v, err := svc.GetVersion(ctx, imp.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	b := v.Graph.Nodes[1]
	b.Params = map[string]any{"expression": "a + 2"}
	edited := v.Graph
	edited.Nodes = append([]engine.Node(nil), v.Graph.Nodes...)
	edited.Nodes[1] = b
	for what, plan := range map[string]func() (engine.Plan, error){
		"patch": func() (engine.Plan, error) {
			return a.PlanGraphPatchChanged(imp.WorkflowID, engine.GraphPatch{BaseVersionID: imp.VersionID, Changed: []engine.Node{b}}, nil)
		},
		"graph": func() (engine.Plan, error) { return a.PlanGraphChanged(imp.WorkflowID, edited, nil) },
	} {
		p, err := plan()
		if err != nil || !p.Changed || p.VersionID != "" {
			t.Fatalf("%s: %v changed=%v version=%q", what, err, p.Changed, p.VersionID)
		}
		if n := p.Nodes["b"]; n.Action != engine.ActionRerun || !slices.Contains(n.Reasons, engine.ReasonChanged) {
			t.Errorf("%s: b %+v, want rerun: changed", what, n)
		}
		if n := p.Nodes["a"]; n.Action != engine.ActionReuse {
			t.Errorf("%s: a %+v, want reused", what, n)
		}
	}
	for _, err := range []error{
		func() error { _, err := a.PlanChanged("../etc", "", nil); return err }(),
		func() error { _, err := a.PlanGraphChanged("", edited, nil); return err }(),
		func() error {
			_, err := a.PlanGraphPatchChanged("../etc", engine.GraphPatch{BaseVersionID: imp.VersionID}, nil)
			return err
		}(),
	} {
		if err == nil {
			t.Error("a malformed workflow id was accepted")
		}
	}
}
