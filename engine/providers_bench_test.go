package engine_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/engine/nodes"
	"github.com/flowbench/flowbench/internal/fakes"
)

// BenchmarkProviderPoolSweep is issue 13's pool target: a provider of 4 fake image servers,
// each taking 500 ms per job and running one at a time, and 40 unseeded image.generate runs
// at run cap 8. The ideal wall time is 40 × 0.5 s / 4 = 5 s (target ≤ 6 s); wall-s per
// sweep is reported. Run with -benchtime=1x.
func BenchmarkProviderPoolSweep(b *testing.B) {
	const servers, runs, job = 4, 40, 500 * time.Millisecond
	st := memstore.New()
	urls := make([]string, servers)
	for i := range urls {
		srv := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{Delay: job}))
		b.Cleanup(srv.Close)
		urls[i] = srv.URL
	}
	ctx := context.Background()
	if err := st.PutProvider(ctx, engine.Provider{Name: "pool", Kind: engine.ProviderOpenAI, URLs: urls, Concurrency: 1}); err != nil {
		b.Fatal(err)
	}
	reg := engine.NewRegistry()
	if err := nodes.Register(reg); err != nil {
		b.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, RunCap: 8})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(svc.Close)
	wf := `{"format":"flowbench.workflow/1","name":"sweep","nodes":[
		{"id":"gen","type":"image.generate","params":{"provider":"pool","model":"fake-image","prompt":"a fox","width":64,"height":64}},
		{"id":"out","type":"io.output","params":{"name":"seed"}}],
		"edges":[{"source":"gen","sourceHandle":"seed","target":"out","targetHandle":"value"}]}`
	if _, err := svc.Import(ctx, []byte(wf), ""); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var wall time.Duration
	for range b.N {
		start := time.Now()
		ids := make([]string, runs)
		for i := range ids {
			r, err := svc.StartRun(ctx, engine.RunRequest{Workflow: "sweep"})
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = r.ID
		}
		for _, id := range ids {
			final, err := svc.Wait(ctx, id)
			if err != nil || final.Status != engine.RunCompleted {
				b.Fatalf("run %s: %v %s %s", id, err, final.Status, final.Error)
			}
		}
		wall += time.Since(start)
	}
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s")
	st2 := svc.Providers()
	states, _ := st2.PoolStates(ctx, "pool")
	for i, s := range states {
		b.ReportMetric(float64(s.Jobs)/float64(b.N), fmt.Sprintf("jobs-url%d", i+1))
	}
}
