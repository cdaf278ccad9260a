package engine_test

import (
	"context"
	"os"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// benchPipeline imports testdata/image-pipeline.json (image.noise 2048² → blur → resize →
// grid → output) into a fresh service.
func benchPipeline(b *testing.B) *engine.Service {
	b.Helper()
	data, err := os.ReadFile("../testdata/image-pipeline.json")
	if err != nil {
		b.Fatal(err)
	}
	svc := libraryService(b, memstore.New())
	if _, err := svc.Import(context.Background(), data, ""); err != nil {
		b.Fatal(err)
	}
	return svc
}

func benchRun(b *testing.B, svc *engine.Service, req engine.RunRequest) {
	b.Helper()
	r, err := svc.StartRun(context.Background(), req)
	if err != nil {
		b.Fatal(err)
	}
	final, err := svc.Wait(context.Background(), r.ID)
	if err != nil || final.Status != engine.RunCompleted {
		b.Fatalf("run: %v %s %s", err, final.Status, final.Error)
	}
}

// BenchmarkImagePipelineFull is a full run of the realistic media pipeline.
func BenchmarkImagePipelineFull(b *testing.B) {
	svc := benchPipeline(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchRun(b, svc, engine.RunRequest{Workflow: "Image pipeline"})
	}
}

// BenchmarkImagePipelineFromLast runs from the pipeline's last node after a full run: every
// image step is reused, so it must cost far less than the full run (target ≥ 10× faster).
func BenchmarkImagePipelineFromLast(b *testing.B) {
	svc := benchPipeline(b)
	benchRun(b, svc, engine.RunRequest{Workflow: "Image pipeline"})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchRun(b, svc, engine.RunRequest{Workflow: "Image pipeline", From: "out_grid"})
	}
}
