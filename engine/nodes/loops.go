package nodes

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/flowbench/flowbench/engine"
)

// maxLoopItems bounds how many items a loop group accepts in one run.
const maxLoopItems = 100000

// registerLoops adds the loop groups and the approval node.
func registerLoops(r *engine.Registry) error {
	groupHandles := func() ([]engine.Handle, []engine.Handle) {
		return []engine.Handle{
				{Name: "items", Type: engine.TypeArray, Required: true, Description: "The list to loop over"},
				{Name: "result", Type: engine.TypeAny, Description: "Inside the group: the value a child gives back for one item"},
			}, []engine.Handle{
				{Name: "results", Type: engine.TypeArray, Description: "One result per item, in the items' order"},
				{Name: "item", Type: engine.TypeAny, Description: "Inside the group: the current item"},
				{Name: "index", Type: engine.TypeInteger, Description: "Inside the group: the current item's position (0-based)"},
			}
	}
	feIn, feOut := groupHandles()
	mapIn, mapOut := groupHandles()
	return registerAll(r,
		engine.NodeType{
			Type:  "control.foreach",
			Group: "control",
			Title: "For each",
			Description: "Runs the nodes inside the group once per item, one item after another, " +
				"and collects their results in order.",
			Inputs: feIn, Outputs: feOut, Container: true, Deterministic: true,
			Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return runLoop(ctx, in, 1)
			},
		},
		engine.NodeType{
			Type:  "control.map",
			Group: "control",
			Title: "Map",
			Description: "Like For each, but runs up to `concurrency` items at once; results " +
				"stay in the items' order.",
			Inputs: mapIn, Outputs: mapOut, Container: true, Deterministic: true,
			Params: []engine.ParamSpec{
				{Name: "concurrency", Kind: engine.ParamInteger, Label: "Items at once", Default: 4,
					Description: "How many items run at the same time (1–64)"},
			},
			Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				n, err := in.Int("concurrency", 4)
				if err != nil {
					return nil, err
				}
				if n < 1 || n > 64 {
					return nil, fmt.Errorf("param \"concurrency\": want 1 to 64, got %d", n)
				}
				return runLoop(ctx, in, n)
			},
		},
		engine.NodeType{
			Type:  "control.approval",
			Group: "control",
			Title: "Approval",
			Description: "Pauses the run until a person approves (optionally with an edited " +
				"value) or rejects. A rejected value stops the run with an error.",
			Inputs:  []engine.Handle{{Name: "value", Type: engine.TypeAny, Description: "The value to review"}},
			Outputs: []engine.Handle{{Name: "value", Type: engine.TypeAny, Description: "The approved (or edited) value"}},
			Params: []engine.ParamSpec{
				{Name: "message", Kind: engine.ParamText, Label: "Message", Default: "Approve to continue",
					Description: "What the reviewer is asked"},
			},
			// A rerun approval asks again; it is never cut off by unchanged inputs.
			Deterministic: false,
			Pauses:        true,
			Run:           runApproval,
		},
	)
}

// runLoop runs the group's body once per item with up to workers items at a time.
func runLoop(ctx context.Context, in *engine.NodeInput, workers int) (map[string]any, error) {
	raw := in.Inputs["items"]
	items, ok := raw.([]any)
	if !ok {
		if raw == nil {
			return nil, errors.New(`input "items" is required: connect a list`)
		}
		return nil, fmt.Errorf(`input "items": want an array, got %s`, typeName(raw))
	}
	if len(items) > maxLoopItems {
		return nil, fmt.Errorf(`input "items": %d items is more than %d`, len(items), maxLoopItems)
	}
	if in.Body == nil {
		return map[string]any{"results": make([]any, len(items))}, nil
	}
	results := make([]any, len(items))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, workers)
	for i, item := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int, item any) {
			defer wg.Done()
			defer func() { <-sem }()
			out, err := in.Body(ctx, i, item)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
					cancel()
				}
				return
			}
			results[i] = out["result"]
			done++
			in.Progress(float64(done) / float64(len(items)))
		}(i, item)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return map[string]any{"results": results}, nil
}

// runApproval pauses until a decision is recorded for this node in this run.
func runApproval(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	a := in.Approval
	if a == nil || !a.Decided {
		return nil, engine.ErrPause
	}
	if !a.Approved {
		return nil, errors.New("rejected by the reviewer")
	}
	if a.Edited {
		return map[string]any{"value": a.Value}, nil
	}
	return map[string]any{"value": in.Inputs["value"]}, nil
}
