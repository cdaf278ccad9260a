package nodes

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// maxRandomBound keeps util.random's bounds where float64 params hold integers exactly.
const maxRandomBound = 1 << 53

// registerUtility adds the utility nodes.
func registerUtility(r *engine.Registry) error {
	return registerAll(r,
		engine.NodeType{
			Type:        "util.delay",
			Group:       "utility",
			Title:       "Delay",
			Description: "Waits, then passes value on unchanged. Cancelling the run stops the wait.",
			Inputs: []engine.Handle{
				{Name: "value", Type: engine.TypeAny, Description: "The value to pass on"},
			},
			Outputs: []engine.Handle{
				{Name: "value", Type: engine.TypeAny, Description: "The same value, after the wait"},
			},
			Params: []engine.ParamSpec{
				{Name: "ms", Kind: engine.ParamInteger, Label: "Milliseconds", Default: 1000,
					Description: "How long to wait"},
			},
			Deterministic: true,
			Run:           runDelay,
		},
		engine.NodeType{
			Type:  "util.random",
			Group: "utility",
			Title: "Random number",
			Description: "A random integer between min and max, both included. With a seed the " +
				"number is always the same.",
			Outputs: []engine.Handle{
				{Name: "value", Type: engine.TypeInteger, Description: "The random integer"},
			},
			Params: []engine.ParamSpec{
				{Name: "seed", Kind: engine.ParamInteger, Label: "Seed",
					Description: "Fixes the number; leave empty for a new number every run"},
				{Name: "min", Kind: engine.ParamInteger, Label: "Minimum", Default: 0},
				{Name: "max", Kind: engine.ParamInteger, Label: "Maximum", Default: 100},
			},
			DeterministicWhen: func(p map[string]any) bool {
				v, ok := p["seed"]
				return ok && v != nil && v != ""
			},
			Run: runRandom,
		},
	)
}

// delayTick is how often a long delay reports progress.
const delayTick = 100 * time.Millisecond

func runDelay(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	ms, err := in.Int("ms", 1000)
	if err != nil {
		return nil, err
	}
	if ms < 0 {
		return nil, fmt.Errorf("param %q: %d is negative", "ms", ms)
	}
	total := time.Duration(ms) * time.Millisecond
	timer := time.NewTimer(total)
	defer timer.Stop()
	var tick <-chan time.Time
	if total >= 5*delayTick {
		t := time.NewTicker(delayTick)
		defer t.Stop()
		tick = t.C
	}
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			in.Progress(1)
			return map[string]any{"value": in.Inputs["value"]}, nil
		case <-tick:
			in.Progress(min(float64(time.Since(start))/float64(total), 1))
		}
	}
}

func runRandom(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	lo, err := in.Int("min", 0)
	if err != nil {
		return nil, err
	}
	hi, err := in.Int("max", 100)
	if err != nil {
		return nil, err
	}
	for _, b := range []struct {
		name string
		v    int
	}{{"min", lo}, {"max", hi}} {
		if b.v > maxRandomBound || b.v < -maxRandomBound {
			return nil, fmt.Errorf("param %q: %d is too large (limit ±2^53)", b.name, b.v)
		}
	}
	if lo > hi {
		return nil, fmt.Errorf("param %q: min %d is greater than max %d", "min", lo, hi)
	}
	span := int64(hi-lo) + 1
	var n int64
	if in.Has("seed") {
		seed, err := in.Int("seed", 0)
		if err != nil {
			return nil, err
		}
		n = rand.New(rand.NewPCG(uint64(seed), 0)).Int64N(span)
	} else {
		n = rand.Int64N(span)
	}
	return map[string]any{"value": lo + int(n)}, nil
}
