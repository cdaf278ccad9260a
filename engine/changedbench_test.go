package engine_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
	"github.com/flowbench/flowbench/storage"
)

// coldService opens home as a command-line process does (its own store and service, nothing
// in memory) and returns it with the function that closes both.
func coldService(tb testing.TB, home string) (*engine.Service, func()) {
	tb.Helper()
	st, err := storage.Open(context.Background(), home, nil)
	if err != nil {
		tb.Fatal(err)
	}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		tb.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: 4})
	if err != nil {
		tb.Fatal(err)
	}
	return svc, func() { svc.Close(); st.Close() }
}

// BenchmarkChain10kChangedAndFrom is issue 15's targets for a 10,000-node math.expr chain,
// each run by a service opened for it on the SQLite data home, as a CLI command is (the
// whole-process figures: scripts/bench-chain.sh). One op: a full run; an edit of the middle
// node (a new value, so the half after it reruns) planned (plan --changed, which must
// explain every node) and run (run --changed); and a run from the last node (run --from).
// It reports changed-%-of-full (target ≤ 55) and from-%-of-full (target ≤ 20).
func BenchmarkChain10kChangedAndFrom(b *testing.B) {
	ctx := context.Background()
	home := b.TempDir()
	g := bigChain(benchNodes)
	svc, done := coldService(b, home)
	wf := perfImport(b, svc, "chain10k", g)
	done()
	mid := benchNodes / 2
	last := fmt.Sprintf("n%d", benchNodes-1)
	timed := func(req engine.RunRequest, check func(engine.Run)) time.Duration {
		svc, done := coldService(b, home)
		defer done()
		start := time.Now()
		r := runAndWait(b, svc, req)
		took := time.Since(start)
		if r.Status != engine.RunCompleted {
			b.Fatalf("%+v: %s %s", req, r.Status, r.Error)
		}
		check(r)
		return took
	}
	var full, changed, from, plan time.Duration
	for i := 0; i < b.N; i++ {
		full += timed(engine.RunRequest{Workflow: wf}, func(engine.Run) {})
		// a value no node had: the half after it computes new values (no cache hit)
		editMiddle(g, i+1)
		svc, done := coldService(b, home)
		if _, err := svc.SaveVersion(ctx, wf, g, fmt.Sprint("edit ", i), "", true); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		p, err := svc.PlanChanged(ctx, wf, "", nil)
		plan += time.Since(start)
		done()
		if err != nil || len(p.Nodes) != len(g.Nodes) || p.Rerun != benchNodes-mid+1 {
			b.Fatalf("plan --changed: %v, %d nodes, %d rerun", err, len(p.Nodes), p.Rerun)
		}
		for id, pn := range p.Nodes {
			if pn.Action != engine.ActionReuse && len(pn.Reasons) == 0 {
				b.Fatalf("plan --changed does not explain %s: %+v", id, pn)
			}
		}
		changed += timed(engine.RunRequest{Workflow: wf, Changed: true}, func(r engine.Run) {
			recs := r.Snapshot.Records()
			if recs[last].Status != engine.NodeExecuted || recs["n0"].Status != engine.NodeReused {
				b.Fatalf("changed run: %s %s", recs[last].Status, recs["n0"].Status)
			}
		})
		from += timed(engine.RunRequest{Workflow: wf, From: last}, func(engine.Run) {})
	}
	n := float64(b.N)
	b.ReportMetric(float64(full.Microseconds())/1000/n, "full-ms")
	b.ReportMetric(float64(changed.Microseconds())/1000/n, "changed-ms")
	b.ReportMetric(float64(from.Microseconds())/1000/n, "from-ms")
	b.ReportMetric(float64(plan.Microseconds())/1000/n, "plan-changed-ms")
	b.ReportMetric(100*float64(changed)/float64(full), "changed-%-of-full")
	b.ReportMetric(100*float64(from)/float64(full), "from-%-of-full")
}

// BenchmarkChain10kColdFrom is one run from the last node of a 10,000-node chain that ran, by
// a service opened for it (as a CLI command is): what BenchmarkChain10kChangedAndFrom's
// from-ms measures, alone, to profile.
func BenchmarkChain10kColdFrom(b *testing.B) {
	home := b.TempDir()
	svc, done := coldService(b, home)
	wf := perfImport(b, svc, "chain10k", bigChain(benchNodes))
	runAndWait(b, svc, engine.RunRequest{Workflow: wf})
	done()
	last := fmt.Sprintf("n%d", benchNodes-1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		svc, done := coldService(b, home)
		if r := runAndWait(b, svc, engine.RunRequest{Workflow: wf, From: last}); r.Status != engine.RunCompleted {
			b.Fatal(r.Status, r.Error)
		}
		done()
	}
}

// BenchmarkChain10kWarmChanged is issue 15's changed-run target in the window's case: one
// service (the window's, open with its memory warm) runs the 10,000-node chain fully, then
// the middle node is edited to a new value and saved, and a changed run follows, as a person
// runs, edits and runs again. It reports changed-%-of-full (target ≤ 55), each pair's
// ratio's median (changed-%-median) and the two runs' times.
func BenchmarkChain10kWarmChanged(b *testing.B) {
	ctx := context.Background()
	svc, wf, g := chainService(b)
	completedRun(b, svc, engine.RunRequest{Workflow: wf})
	var full, changed time.Duration
	ratios := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		completedRun(b, svc, engine.RunRequest{Workflow: wf})
		f := time.Since(start)
		b.StopTimer()
		svc.WaitRecords() // the state record the run's end writes after reporting it
		editMiddle(g, i+1)
		if _, err := svc.SaveVersion(ctx, wf, g, fmt.Sprint("edit ", i), "", true); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start = time.Now()
		r := completedRun(b, svc, engine.RunRequest{Workflow: wf, Changed: true})
		c := time.Since(start)
		b.StopTimer()
		svc.WaitRecords()
		b.StartTimer()
		if recs := r.Snapshot.Records(); recs[fmt.Sprintf("n%d", benchNodes-1)].Status != engine.NodeExecuted || recs["n0"].Status != engine.NodeReused {
			b.Fatal("changed run: the half after the edit must execute, the half before it be reused")
		}
		full, changed = full+f, changed+c
		ratios = append(ratios, 100*float64(c)/float64(f))
	}
	n := float64(b.N)
	slices.Sort(ratios)
	b.ReportMetric(float64(full.Microseconds())/1000/n, "full-ms")
	b.ReportMetric(float64(changed.Microseconds())/1000/n, "changed-ms")
	b.ReportMetric(100*float64(changed)/float64(full), "changed-%-of-full")
	b.ReportMetric(ratios[len(ratios)/2], "changed-%-median")
}

// BenchmarkChain10kDraftChanged is BenchmarkChain10kWarmChanged as the window does it: after
// the full run, the middle node is edited in the editor and Run changed is asked with the
// editor's graph (RunDraft): the draft is validated, found to differ from every version
// (the workflow has one more version each time), saved and run. draft-changed-ms includes
// all of that; it reports draft-changed-%-of-full, and draft-queued-ms: until RunDraft returns
// (the draft saved as a version, the run planned and queued).
func BenchmarkChain10kDraftChanged(b *testing.B) {
	ctx := context.Background()
	svc, wf, g := chainService(b)
	completedRun(b, svc, engine.RunRequest{Workflow: wf})
	var full, changed, started time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		completedRun(b, svc, engine.RunRequest{Workflow: wf})
		full += time.Since(start)
		svc.WaitRecords() // the state record the run's end writes after reporting it
		editMiddle(g, i+1)
		draft := g
		start = time.Now()
		st, err := svc.RunDraft(ctx, engine.RunRequest{Workflow: wf, Draft: &draft, Changed: true})
		if err != nil {
			b.Fatal(err)
		}
		started += time.Since(start)
		if r, err := svc.Wait(ctx, st.Runs[0].ID); err != nil || r.Status != engine.RunCompleted || st.Saved.ID == "" {
			b.Fatal("the edited draft's changed run: ", r.Status, err)
		}
		changed += time.Since(start)
		svc.WaitRecords()
	}
	n := float64(b.N)
	b.ReportMetric(float64(full.Microseconds())/1000/n, "full-ms")
	b.ReportMetric(float64(changed.Microseconds())/1000/n, "draft-changed-ms")
	b.ReportMetric(float64(started.Microseconds())/1000/n, "draft-queued-ms")
	b.ReportMetric(100*float64(changed)/float64(full), "draft-changed-%-of-full")
}

// chainService opens a service on a new SQLite data home (closed at the benchmark's end) with
// the 10,000-node chain imported: its workflow id and graph.
func chainService(b *testing.B) (*engine.Service, string, engine.Graph) {
	g := bigChain(benchNodes)
	svc, done := coldService(b, b.TempDir())
	b.Cleanup(done)
	return svc, perfImport(b, svc, "chain10k", g), g
}

// editMiddle sets the chain's middle node to "a + 1000000·k": a value no node had for k ≥ 1,
// so the half after it computes new values (no cache hit).
func editMiddle(g engine.Graph, k int) {
	g.Nodes[benchNodes/2].Params = map[string]any{"expression": fmt.Sprintf("a + %d", 1000000*k)}
}
