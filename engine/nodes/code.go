package nodes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/flowbench/flowbench/engine"
)

// Limits of one code.js execution.
const (
	codeDefaultTimeout = 5000   // ms
	codeMaxTimeout     = 60000  // ms
	codeMaxCallDepth   = 10000  // nested JS calls before a RangeError-like stop
	codeMaxLogLines    = 1000   // console lines kept per execution
	codeMaxLogLine     = 10_000 // bytes per console line
	codeSrcName        = "code.js"
)

// codeHeapLimit is how far the process heap may grow during one execution before it is
// stopped; a variable so tests can lower it.
var codeHeapLimit uint64 = 256 << 20

// codeMemSample is how often the watchdog samples the heap.
const codeMemSample = 10 * time.Millisecond

// registerCode adds code.js.
func registerCode(r *engine.Registry) error {
	return registerAll(r, engine.NodeType{
		Type:  "code.js",
		Group: "code",
		Title: "JavaScript",
		Description: "Runs a JavaScript function body over inputs a…d; return gives the result. " +
			"Flow inputs are in the object inputs; console.log writes to the run log. The code " +
			"runs sandboxed: no require, files, network or process, and a time limit.",
		Inputs: anyInputs("Available to the code as a variable of the same name"),
		Outputs: []engine.Handle{
			{Name: "result", Type: engine.TypeAny, Description: "What the code returns (JSON values only)"},
		},
		Params: []engine.ParamSpec{
			{Name: "code", Kind: engine.ParamCode, Label: "Code", Required: true,
				Default:     "return a;",
				Description: "A function body over a, b, c, d and inputs.NAME; return gives the result",
				Check:       checkCode},
			{Name: "timeout_ms", Kind: engine.ParamInteger, Label: "Time limit (ms)",
				Default: codeDefaultTimeout, Description: "The code is stopped after this long (at most 60000)"},
		},
		Deterministic: true,
		// Same code and inputs give the same result, unless the code reads the clock or
		// the random generator. A plain text search is enough: a false positive only
		// costs a cache miss.
		DeterministicWhen: func(p map[string]any) bool {
			code := engine.ToText(p["code"])
			return !strings.Contains(code, "Math.random") && !strings.Contains(code, "Date")
		},
		Run: runCode,
	})
}

// codeBootstrap runs before the user's code in each fresh runtime. It captures the
// builtins the node relies on, so code that overwrites JSON or String cannot confuse
// argument passing or error reports, and returns the helpers the Go side calls.
const codeBootstrap = `(function (log) {
	var parse = JSON.parse, stringify = JSON.stringify, isFinite = Number.isFinite;
	var str = String, join = Array.prototype.join, map = Array.prototype.map;
	function show(v) {
		if (typeof v === "string") return v;
		try {
			var s = stringify(v);
			if (s !== undefined) return s;
		} catch (e) {}
		try { return str(v); } catch (e) { return "(unprintable value)"; }
	}
	function ResultError(message) { this.message = message; }
	function where(k) { return k === "" ? "the result" : "key " + stringify(str(k)); }
	function print() { log(join.call(map.call(arguments, show), " ")); }
	return {
		console: { log: print, info: print, warn: print, error: print, debug: print },
		run: function (fn, args) { return fn.apply(undefined, parse(args)); },
		toJSON: function (v) {
			return stringify(v, function (k, x) {
				switch (typeof x) {
				case "function": throw new ResultError(where(k) + " is a function, which is not JSON");
				case "symbol": throw new ResultError(where(k) + " is a symbol, which is not JSON");
				case "bigint": throw new ResultError(where(k) + " is a BigInt, which is not JSON (use Number)");
				case "number":
					if (!isFinite(x)) throw new ResultError(where(k) + " is " + str(x) +
						", which is not a JSON number (is an input unconnected?)");
				}
				return x;
			});
		},
		describe: function (e) {
			try {
				if (e instanceof ResultError) return e.message;
				if (e instanceof Error) return str(e.name) + ": " + str(e.message);
			} catch (x) {}
			return "uncaught " + show(e);
		}
	};
})`

// codeBootstrapProgram is compiled once; a goja Program may run in many runtimes at once.
var codeBootstrapProgram = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("flowbench-bootstrap.js", codeBootstrap, true)
})

// Reasons the watchdog stops an execution.
var (
	errCodeTimeout = errors.New("time limit reached")
	errCodeMemory  = errors.New("memory limit reached")
)

// runCode executes the code param in a fresh goja runtime.
//
// The sandbox is goja's bare ECMAScript runtime: it has no require, no file, network or
// process objects, and none are added (no goja_nodejs modules), so require, process,
// fetch and XMLHttpRequest are undefined and using them throws a ReferenceError. Only
// console is provided, writing to the run log.
//
// Limits: a watchdog interrupts the runtime on the time limit or when the run is
// cancelled, and SetMaxCallStackSize stops runaway recursion. goja has no memory limit of
// its own, so the watchdog also samples the process heap and interrupts the code when it
// has grown by more than codeHeapLimit since the execution started. That guard is
// approximate: the heap is shared with every other node running at the time (a busy
// process may stop code that allocates little, and two executions may each stay under
// the limit together). goja only checks for interrupts between JavaScript instructions,
// so the built-ins that work or allocate in one long Go call are guarded before the code
// runs (codelimits.go): sizes checked against the memory limit first, the default sort
// order and JSON.stringify's walk made of instructions the limits can stop, backtracking
// regular expressions bounded by a match timeout.
func runCode(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src := in.String("code", "")
	if strings.TrimSpace(src) == "" {
		return nil, fmt.Errorf("param %q is required", "code")
	}
	ms, err := in.Int("timeout_ms", codeDefaultTimeout)
	if err != nil {
		return nil, err
	}
	if ms <= 0 || ms > codeMaxTimeout {
		return nil, fmt.Errorf("param %q: %d is outside 1…%d", "timeout_ms", ms, codeMaxTimeout)
	}
	args, err := codeArgs(in)
	if err != nil {
		return nil, err
	}
	prg, err := compileCode(src)
	if err != nil {
		return nil, err
	}
	boot, err := codeBootstrapProgram()
	if err != nil {
		return nil, fmt.Errorf("code.js: bootstrap: %w", err)
	}

	vm := goja.New()
	vm.SetMaxCallStackSize(codeMaxCallDepth)
	if err := installCodeGuards(vm); err != nil {
		return nil, fmt.Errorf("code.js: guards: %w", err)
	}
	stop := codeWatchdog(ctx, vm, time.Duration(ms)*time.Millisecond)
	defer stop()

	out, err := execCode(vm, boot, prg, args, newConsoleLog(in))
	if err != nil {
		var intr *goja.InterruptedError
		if errors.As(err, &intr) {
			switch reason := intr.Value(); reason {
			case errCodeTimeout:
				return nil, fmt.Errorf("code.js: stopped after the %d ms time limit", ms)
			case errCodeMemory:
				return nil, fmt.Errorf("code.js: stopped at the memory limit: it grew the heap by more than %d MB", codeHeapLimit>>20)
			default:
				if e, ok := reason.(error); ok {
					return nil, fmt.Errorf("code.js: %w", e)
				}
			}
		}
		return nil, err
	}
	return map[string]any{"result": out}, nil
}

// codeHelpers are the bootstrap's functions, called from Go.
type codeHelpers struct {
	run, toJSON, describe goja.Callable
}

// execCode runs the bootstrap, then the user's function, and converts its result.
func execCode(vm *goja.Runtime, boot, prg *goja.Program, args string, log func(string)) (any, error) {
	factoryV, err := vm.RunProgram(boot)
	if err != nil {
		return nil, err
	}
	factory, _ := goja.AssertFunction(factoryV)
	helpersV, err := factory(goja.Undefined(), vm.ToValue(log))
	if err != nil {
		return nil, err
	}
	obj := helpersV.ToObject(vm)
	var h codeHelpers
	for name, dst := range map[string]*goja.Callable{"run": &h.run, "toJSON": &h.toJSON, "describe": &h.describe} {
		fn, ok := goja.AssertFunction(obj.Get(name))
		if !ok {
			return nil, fmt.Errorf("code.js: bootstrap helper %s is missing", name)
		}
		*dst = fn
	}
	if err := vm.Set("console", obj.Get("console")); err != nil {
		return nil, err
	}

	fn, err := vm.RunProgram(prg)
	if err != nil {
		return nil, h.jsError(err)
	}
	res, err := h.run(goja.Undefined(), fn, vm.ToValue(args))
	if err != nil {
		return nil, h.jsError(err)
	}
	// A returned promise has settled by now if it ever will: goja runs the job queue
	// when the call returns.
	if p, ok := promiseOf(res); ok {
		switch p.State() {
		case goja.PromiseStateFulfilled:
			res = p.Result()
		case goja.PromiseStateRejected:
			d, err := h.describe(goja.Undefined(), p.Result())
			if err != nil {
				return nil, h.jsError(err)
			}
			return nil, fmt.Errorf("code.js: the returned promise was rejected: %s", d.String())
		default:
			return nil, errors.New("code.js: the returned promise never settled (there are no timers or I/O to wait for)")
		}
	}
	text, err := h.toJSON(goja.Undefined(), res)
	if err != nil {
		return nil, h.jsError(err)
	}
	if goja.IsUndefined(text) {
		return nil, nil // return; or return undefined
	}
	var out any
	if err := json.Unmarshal([]byte(text.String()), &out); err != nil {
		return nil, fmt.Errorf("code.js: result: %w", err)
	}
	return out, nil
}

// promiseOf returns the promise v holds, if it is one. ExportType, unlike Export, does not
// copy a large result just to look at its type.
func promiseOf(v goja.Value) (*goja.Promise, bool) {
	if v == nil || v.ExportType() != reflect.TypeFor[*goja.Promise]() {
		return nil, false
	}
	p, ok := v.Export().(*goja.Promise)
	return p, ok
}

// jsError turns an error from running JavaScript into a node error with the JS message
// and the line of the user's code it was thrown at. Interrupts pass through unchanged.
func (h codeHelpers) jsError(err error) error {
	var intr *goja.InterruptedError
	if errors.As(err, &intr) {
		return err
	}
	var overflow *goja.StackOverflowError
	if errors.As(err, &overflow) {
		return fmt.Errorf("code.js: RangeError: maximum call stack size exceeded%s", codeLine(overflow.Stack()))
	}
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return fmt.Errorf("code.js: %w", err)
	}
	msg := "uncaught exception"
	if d, derr := h.describe(goja.Undefined(), ex.Value()); derr == nil {
		msg = d.String()
	} else if errors.As(derr, &intr) {
		return derr
	}
	return fmt.Errorf("code.js: %s%s", msg, codeLine(ex.Stack()))
}

// codeLine is " at line N" for the innermost frame in the user's code, or "".
func codeLine(stack []goja.StackFrame) string {
	for _, f := range stack {
		if f.SrcName() == codeSrcName {
			if p := f.Position(); p.Line > 0 {
				return fmt.Sprintf(" at line %d", p.Line)
			}
		}
	}
	return ""
}

// syntaxPos splits goja's parser message "code.js: Line 3:7 Unexpected token ; (and 2 more
// errors)"; the further errors are the parser's follow-ups to the first, left out.
var syntaxPos = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + regexp.QuoteMeta(codeSrcName) + `: )?Line (\d+):(\d+) (.*?)(?: \(and \d+ more errors?\))?$`)
})

// codeSyntaxError reports a compile error as "code.js: SyntaxError: … at line N".
func codeSyntaxError(err error) error {
	var se *goja.CompilerSyntaxError
	if errors.As(err, &se) {
		if m := syntaxPos().FindStringSubmatch(se.Message); m != nil {
			return fmt.Errorf("code.js: SyntaxError: %s at line %s", m[3], m[1])
		}
		if se.File != nil {
			return fmt.Errorf("code.js: SyntaxError: %s at line %d", se.Message, se.File.Position(se.Offset).Line)
		}
		return fmt.Errorf("code.js: SyntaxError: %s", se.Message)
	}
	return fmt.Errorf("code.js: %w", err)
}

// codeArgs is the JSON array [a, b, c, d, inputs] the function is applied to. Passing
// JSON text gives the code plain JS objects it may modify freely, rather than wrappers
// around Go values that other nodes share.
func codeArgs(in *engine.NodeInput) (string, error) {
	flow := in.FlowInputs
	if flow == nil {
		flow = map[string]any{}
	}
	args := []any{in.Inputs["a"], in.Inputs["b"], in.Inputs["c"], in.Inputs["d"], flow}
	b, err := json.Marshal(args)
	if err != nil {
		return "", fmt.Errorf("code.js: inputs are not JSON: %w", err)
	}
	return string(b), nil
}

// newConsoleLog sends console output to the run log, bounded so a logging loop cannot
// flood it before the time limit stops it.
func newConsoleLog(in *engine.NodeInput) func(string) {
	n := 0
	return func(s string) {
		n++
		switch {
		case n > codeMaxLogLines+1:
			return
		case n == codeMaxLogLines+1:
			in.Log(fmt.Sprintf("console: more than %d lines; the rest is dropped", codeMaxLogLines))
			return
		}
		if len(s) > codeMaxLogLine {
			s = strings.ToValidUTF8(s[:codeMaxLogLine], "") + "…"
		}
		in.Log(s)
	}
}

// codeWatchdog interrupts vm on the time limit, on cancellation of ctx, or when the heap
// grows past codeHeapLimit. The returned stop ends the watch.
func codeWatchdog(ctx context.Context, vm *goja.Runtime, limit time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		timer := time.NewTimer(limit)
		defer timer.Stop()
		tick := time.NewTicker(codeMemSample)
		defer tick.Stop()
		base := heapBytes()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				vm.Interrupt(ctx.Err())
				return
			case <-timer.C:
				vm.Interrupt(errCodeTimeout)
				return
			case <-tick.C:
				if h := heapBytes(); h > base && h-base > codeHeapLimit {
					vm.Interrupt(errCodeMemory)
					return
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// heapMetric is the runtime/metrics name of the bytes held by heap objects; reading it,
// unlike runtime.ReadMemStats, does not stop the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
