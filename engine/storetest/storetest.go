// Package storetest is the black-box test suite every engine.Store implementation passes:
// the SQLite store and the in-memory one run the same contract.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// Run runs the store contract against stores made by open, one fresh store per subtest.
// The suite closes each store it opens; Close must tolerate being called twice.
func Run(t *testing.T, open func(t *testing.T) engine.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"workflows", workflowTests},
		{"runs", runTests},
		{"queue", queueTests},
		{"generations", generationTests},
		{"cache", cacheTests},
		{"planreads", stateRecordTests},
		{"assets", assetTests},
		{"settings", settingsTests},
		{"providers", providerTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					s := open(t)
					t.Cleanup(func() { _ = s.Close() })
					tc.fn(t, s)
				})
			}
		})
	}
}

type test struct {
	name string
	fn   func(t *testing.T, s engine.Store)
}

// base is a fixed time with millisecond precision, so round trips compare exactly.
var base = time.Date(2025, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

func at(sec int) time.Time { return base.Add(time.Duration(sec) * time.Second) }

func ctx() context.Context { return context.Background() }

// sampleGraph is a small graph with nested params, numbers and declared inputs.
func sampleGraph() engine.Graph {
	return engine.Graph{
		Inputs: []engine.InputDecl{
			{Name: "width", Type: engine.TypeInteger, Description: "Target width", Default: 256},
			{Name: "photo", Type: engine.TypeImage, Required: true},
		},
		Nodes: []engine.Node{
			{ID: "in", Type: "flow.inputs", Position: &engine.Position{X: 1, Y: 2}},
			{ID: "small", Type: "image.resize", Label: "Small", Params: map[string]any{
				"width": "{{width}}", "height": 0, "opts": map[string]any{"mode": "fit", "list": []any{1, "two"}},
			}},
			{ID: "out", Type: "io.output", Params: map[string]any{"name": "thumbnail"}},
		},
		Edges: []engine.Edge{
			{Source: "in", SourceHandle: "photo", Target: "small", TargetHandle: "image"},
			{Source: "small", SourceHandle: "image", Target: "out", TargetHandle: "value"},
		},
	}
}

func mkWorkflow(t *testing.T, s engine.Store, name string) (engine.Workflow, engine.Version) {
	t.Helper()
	w, v, err := s.CreateWorkflow(ctx(), engine.Workflow{Name: name, Tags: []string{"t"}, CreatedAt: base},
		engine.Version{Notes: "first", Graph: sampleGraph(), ContentHash: "h1", CreatedAt: base})
	if err != nil {
		t.Fatalf("CreateWorkflow(%q): %v", name, err)
	}
	return w, v
}

func mkVersion(t *testing.T, s engine.Store, w engine.Workflow, makeCurrent bool) engine.Version {
	t.Helper()
	v, err := s.AddVersion(ctx(), engine.Version{WorkflowID: w.ID, Graph: sampleGraph(), ContentHash: "h"}, makeCurrent)
	if err != nil {
		t.Fatalf("AddVersion: %v", err)
	}
	return v
}

func mkRun(t *testing.T, s engine.Store, v engine.Version, created time.Time, label string) engine.Run {
	t.Helper()
	r, err := s.CreateRun(ctx(), engine.Run{
		WorkflowID: v.WorkflowID, VersionID: v.ID, Status: engine.RunQueued, Mode: engine.ModeFull,
		Inputs: map[string]any{"width": 64}, Label: label, CreatedAt: created,
	})
	if err != nil {
		t.Fatalf("CreateRun: %v", err)
	}
	return r
}

var genSeq atomic.Int64

// genID returns a process-wide unique generation id, as the engine assigns them.
func genID() string { return fmt.Sprintf("gen-%06d", genSeq.Add(1)) }

func mkGen(r engine.Run, node string, status engine.GenStatus, created time.Time) engine.Generation {
	g := engine.Generation{
		ID: genID(), WorkflowID: r.WorkflowID, NodeID: node, RunID: r.ID, VersionID: r.VersionID,
		Status: status, Outputs: map[string]any{"value": node}, DurationMS: 5,
		ConfigHash: "cfg", InputFingerprint: "fp", CreatedAt: created,
	}
	if status == engine.GenFailed {
		g.Error = "boom"
		g.Outputs = nil
	}
	return g
}

func save(t *testing.T, s engine.Store, gens ...engine.Generation) {
	t.Helper()
	if _, err := s.SaveGenerations(ctx(), gens); err != nil {
		t.Fatalf("SaveGenerations: %v", err)
	}
}

func wantErr(t *testing.T, what string, err error, targets ...error) {
	t.Helper()
	for _, target := range targets {
		if errors.Is(err, target) {
			return
		}
	}
	t.Errorf("%s: error = %v, want one of %v", what, err, targets)
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func shaOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
