package nodes_test

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "passes value", typ: "util.delay", params: map[string]any{"ms": 20.0},
			inputs: map[string]any{"value": map[string]any{"k": "v"}},
			want:   map[string]any{"value": map[string]any{"k": "v"}}},
		{name: "zero", typ: "util.delay", params: map[string]any{"ms": 0.0},
			want: map[string]any{"value": nil}},
		{name: "integer text", typ: "util.delay", params: map[string]any{"ms": "5"},
			inputs: map[string]any{"value": 1.0}, want: map[string]any{"value": 1.0}},
		{name: "negative", typ: "util.delay", params: map[string]any{"ms": -1.0},
			wantErr: `param "ms": -1 is negative`},
		{name: "fraction", typ: "util.delay", params: map[string]any{"ms": 1.5},
			wantErr: `param "ms": 1.5 is not a whole number`},
		{name: "not a number", typ: "util.delay", params: map[string]any{"ms": "soon"},
			wantErr: `param "ms": soon is not a number`},
	})
}

func TestDelayWaits(t *testing.T) {
	t.Parallel()
	start := time.Now()
	if _, err := runNode(t, "util.delay", nodeInput(map[string]any{"ms": 50.0}, nil)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("returned after %v, want at least 50ms", d)
	}
}

func TestDelayCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	in := nodeInput(map[string]any{"ms": 60000.0}, map[string]any{"value": 1.0})
	done := make(chan error, 1)
	go func() {
		_, err := nodeType(t, "util.delay").Run(ctx, in)
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second): // a hang guard: the delay itself is 60 s
		t.Fatal("delay did not stop on cancel")
	}
}

func TestRandom(t *testing.T) {
	t.Parallel()
	runCases(t, []nodeCase{
		{name: "single value range", typ: "util.random",
			params: map[string]any{"min": 7.0, "max": 7.0}, want: map[string]any{"value": 7.0}},
		{name: "min above max", typ: "util.random",
			params: map[string]any{"min": 5.0, "max": 1.0}, wantErr: `param "min": min 5 is greater than max 1`},
		{name: "bad seed", typ: "util.random",
			params: map[string]any{"seed": "abc"}, wantErr: `param "seed": abc is not a number`},
		{name: "fractional max", typ: "util.random",
			params: map[string]any{"max": 2.5}, wantErr: `param "max": 2.5 is not a whole number`},
		{name: "huge bound", typ: "util.random",
			params: map[string]any{"max": 1e300}, wantErr: `param "max"`},
	})
}

func TestRandomSeeded(t *testing.T) {
	t.Parallel()
	params := map[string]any{"seed": 42.0, "min": 1.0, "max": 6.0}
	first, err := runNode(t, "util.random", nodeInput(params, nil))
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		got, err := runNode(t, "util.random", nodeInput(params, nil))
		if err != nil {
			t.Fatal(err)
		}
		if got["value"] != first["value"] {
			t.Fatalf("seeded value changed: %v then %v", first["value"], got["value"])
		}
	}
	seen := map[any]bool{}
	for seed := range 50 {
		got, err := runNode(t, "util.random", nodeInput(map[string]any{"seed": float64(seed), "min": 1.0, "max": 6.0}, nil))
		if err != nil {
			t.Fatal(err)
		}
		v, ok := got["value"].(int)
		if !ok || v < 1 || v > 6 {
			t.Fatalf("seed %d: value %v outside 1..6", seed, got["value"])
		}
		seen[v] = true
	}
	if len(seen) < 4 {
		t.Errorf("50 seeds gave only %d distinct values", len(seen))
	}
}

func TestRandomUnseededInRange(t *testing.T) {
	t.Parallel()
	seen := map[int]bool{}
	for range 500 {
		got, err := runNode(t, "util.random", nodeInput(map[string]any{"min": -2.0, "max": 2.0}, nil))
		if err != nil {
			t.Fatal(err)
		}
		v := got["value"].(int)
		if v < -2 || v > 2 {
			t.Fatalf("value %d outside -2..2", v)
		}
		seen[v] = true
	}
	if len(seen) != 5 {
		t.Errorf("500 draws hit %d of 5 values", len(seen))
	}
}

func TestRandomDeterminism(t *testing.T) {
	t.Parallel()
	nt := nodeType(t, "util.random")
	for _, tc := range []struct {
		params map[string]any
		want   bool
	}{
		{map[string]any{"seed": 3.0}, true},
		{map[string]any{"seed": 0.0}, true},
		{map[string]any{"seed": ""}, false},
		{map[string]any{"seed": nil}, false},
		{map[string]any{}, false},
	} {
		if got := nt.IsDeterministic(tc.params); got != tc.want {
			t.Errorf("IsDeterministic(%v) = %v, want %v", tc.params, got, tc.want)
		}
	}
}
