package nodes

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/flowbench/flowbench/engine"
)

// exprEnv compiles the expressions of one kind of param, each against the variables its
// node provides, and caches the programs by text: a large graph evaluates the same few
// expressions thousands of times.
type exprEnv struct {
	opts     []expr.Option
	programs sync.Map // expression text → *vm.Program
	count    atomic.Int64
}

// mathEnv serves math.expr: handles a…d and the flow inputs.
var mathEnv = newExprEnv()

// valueEnv serves control.if and control.switch: the value handle and the flow inputs.
var valueEnv = newExprEnv()

// newExprEnv declares only the type of inputs. The other variables stay undeclared (and
// allowed), so the checker types them as any: a nil in the env map would type them as nil
// and refuse a + 1. The caller puts them in the env it runs with.
func newExprEnv() *exprEnv {
	env := map[string]any{"inputs": map[string]any{}, exprLimitsVar: (*exprLimits)(nil)}
	opts := append([]expr.Option{expr.Env(env), expr.AllowUndefinedVariables()}, exprGuardOptions()...)
	return &exprEnv{opts: opts}
}

// maxCachedPrograms bounds each program cache; past it the cache starts afresh, which
// only costs recompiling (expression text may come from flow inputs, so it is unbounded).
const maxCachedPrograms = 4096

// exprScratch is what one evaluation of a node's expression needs besides the VM: the
// variables map and the limits, recycled (scratchVars) so a node executing does not
// allocate them. Nothing outlives the evaluation: a result made from the variables map
// ($env) is a copy (jsonResult normalizes it).
type exprScratch struct {
	vars map[string]any
	lim  exprLimits
}

var scratchVars = sync.Pool{New: func() any { return &exprScratch{vars: make(map[string]any, 8)} }}

// done clears the scratch and returns it to the pool.
func (s *exprScratch) done() {
	clear(s.vars)
	s.lim = exprLimits{}
	scratchVars.Put(s)
}

// machines recycles expr VMs, whose stacks are otherwise allocated on every evaluation.
var machines = sync.Pool{New: func() any { return new(vm.VM) }}

// compile returns the cached program for src, compiling it on first use.
func (e *exprEnv) compile(src string) (*vm.Program, error) {
	if p, ok := e.programs.Load(src); ok {
		return p.(*vm.Program), nil
	}
	p, err := e.compileUncached(src)
	if err != nil {
		return nil, err
	}
	if _, loaded := e.programs.LoadOrStore(src, p); !loaded {
		if e.count.Add(1) > maxCachedPrograms {
			e.programs.Clear()
			e.count.Store(0)
		}
	}
	return p, nil
}

func (e *exprEnv) compileUncached(src string) (p *vm.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return expr.Compile(src, e.opts...)
}

// eval compiles (or reuses) src and runs it over vars, within the limits of one
// evaluation (exprlimits.go); a cancelled ctx stops it. Errors name the param and quote the
// expression.
func (e *exprEnv) eval(ctx context.Context, param, src string, vars map[string]any) (any, error) {
	return e.evalWithin(ctx, param, src, vars, newExprLimits(ctx))
}

// evalWithin is eval with the evaluation's limits given (fresh ones: newExprLimits or
// exprLimits.reset).
func (e *exprEnv) evalWithin(ctx context.Context, param, src string, vars map[string]any, lim *exprLimits) (any, error) {
	p, err := e.compile(src)
	if err != nil {
		return nil, fmt.Errorf("param %q: %s: %s", param, quoteExpr(src), exprMessage(err))
	}
	vars[exprLimitsVar] = lim
	machine := machines.Get().(*vm.VM)
	out, err := machine.Run(p, vars)
	machines.Put(machine)
	if err != nil {
		return nil, fmt.Errorf("param %q: evaluating %s: %s", param, quoteExpr(src), exprMessage(err))
	}
	return out, nil
}

// exprMessage renders an expr error on one line with its position.
func exprMessage(err error) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		if fe.Line > 0 {
			return fmt.Sprintf("%s (line %d, column %d)", fe.Message, fe.Line, fe.Column+1)
		}
		return fe.Message
	}
	return err.Error()
}

// quoteExpr quotes an expression for an error message, shortening a long one.
func quoteExpr(src string) string {
	const max = 80
	r := []rune(src)
	if len(r) > max {
		return fmt.Sprintf("%q…", string(r[:max]))
	}
	return fmt.Sprintf("%q", src)
}

// jsonResult turns an expression result into a JSON-like value; NaN and infinities,
// which JSON cannot hold, are an error.
func jsonResult(param, src string, v any) (any, error) {
	if f, ok := v.(float64); ok {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("param %q: %s gave %v, which is not a JSON number", param, quoteExpr(src), f)
		}
		return f, nil
	}
	n, err := engine.Normalize(v)
	if err != nil {
		return nil, fmt.Errorf("param %q: %s: result %w", param, quoteExpr(src), err)
	}
	return n, nil
}

// noFlowInputs is the inputs variable of a run without inputs. An expression cannot change
// a map, and a result holding it is a copy (jsonResult), so every evaluation shares it.
var noFlowInputs = map[string]any{}

// flowInputs is the inputs variable of an expression: never nil, so inputs.x is null
// rather than an error when the run has no inputs.
func flowInputs(in *engine.NodeInput) map[string]any {
	if in.FlowInputs == nil {
		return noFlowInputs
	}
	return in.FlowInputs
}

// clockCall spots expr's now(), the one builtin whose result changes between runs.
var clockCall = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bnow\s*\(`) })

// deterministicUnlessClock builds a DeterministicWhen for a node whose expression params
// are pure unless they read the clock.
func deterministicUnlessClock(params ...string) func(map[string]any) bool {
	return func(p map[string]any) bool {
		for _, name := range params {
			// The plain test first: it spares the pattern for every expression without "now".
			if text := engine.ToText(p[name]); strings.Contains(text, "now") && clockCall().MatchString(text) {
				return false
			}
		}
		return true
	}
}
