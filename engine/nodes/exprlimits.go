package nodes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// Expressions (math.expr, control.if, control.switch) run with bounded memory and time
// (SPEC §17): a node fails, never the app.
//
// expr-lang's VM already bounds ranges and the lists its builtins make (vm.MemoryBudget,
// a million items), but not the size of text: repeat checks only its count, so
// repeat(repeat("a", 999999), 999999) asks for a terabyte and the Go runtime kills the
// process. And nothing bounds time: nested loops over a large list run for hours. So every
// expression is compiled with a patch that routes what can grow text or take long through
// guards sharing one exprLimits per evaluation:
//
//   - a + b goes through exprAdd, which counts the bytes of text it makes;
//   - repeat and replace work out the size of their result before making it;
//   - each step of a loop (the body of map, filter, reduce, all, …) ticks the clock, stops
//     on the time limit or a cancelled run, and refuses a step whose text or list alone is
//     over the limit.

// Limits of one evaluation; variables so tests can lower them.
var (
	// exprMaxBytes bounds the text one evaluation makes, counted over all its steps.
	exprMaxBytes = 64 << 20
	// exprMaxItems bounds a list one loop step gives.
	exprMaxItems = 1 << 20
	// exprTimeLimit bounds one evaluation's time.
	exprTimeLimit = 5 * time.Second
)

// exprLimitsVar is the hidden variable an evaluation's limits travel in.
const exprLimitsVar = "__fb_limits"

// exprLimits is one evaluation's budget.
type exprLimits struct {
	ctx      context.Context
	deadline time.Time
	bytes    int
	ticks    uint
}

var (
	errExprMemory = errors.New("expression memory limit")
	errExprTime   = errors.New("expression time limit")
)

func newExprLimits(ctx context.Context) *exprLimits {
	l := &exprLimits{}
	l.reset(ctx)
	return l
}

// reset makes l the limits of a new evaluation starting now.
func (l *exprLimits) reset(ctx context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	*l = exprLimits{ctx: ctx, deadline: time.Now().Add(exprTimeLimit)}
}

// grow accounts for n more bytes of text, refusing to go over the budget before they are
// allocated.
// n is a float64 so the size of a result too large for an int can still be told.
func (l *exprLimits) grow(what string, n float64) error {
	if n > float64(exprMaxBytes-l.bytes) {
		return fmt.Errorf("%w: %s would make %s of text, over the %d MB an expression may make", errExprMemory, what, sizeText(n), exprMaxBytes>>20)
	}
	l.bytes += int(n)
	return nil
}

// tick is one step of work; every 256 steps it looks at the clock and the run.
func (l *exprLimits) tick() error {
	l.ticks++
	if l.ticks%256 != 0 {
		return nil
	}
	if err := l.ctx.Err(); err != nil {
		return err
	}
	if time.Now().After(l.deadline) {
		return fmt.Errorf("%w: stopped after %s", errExprTime, exprTimeLimit)
	}
	return nil
}

func sizeText(n float64) string {
	switch {
	case n >= 1<<40:
		return fmt.Sprintf("%.3g TB", n/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.3g GB", n/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.3g MB", n/(1<<20))
	}
	return fmt.Sprintf("%.0f bytes", n)
}

// limitsOf is the first argument of a guard function: the evaluation's limits.
func limitsOf(args []any) (*exprLimits, error) {
	if len(args) > 0 {
		if l, ok := args[0].(*exprLimits); ok && l != nil {
			return l, nil
		}
	}
	return nil, errors.New("expression limits are missing") // only reachable by a bug
}

// exprGuardOptions are the compile options that put every evaluation under exprLimits.
func exprGuardOptions() []expr.Option {
	return []expr.Option{
		expr.Function("__fb_add", exprAdd),
		expr.Function("__fb_tick", exprTick),
		expr.Function("__fb_repeat", exprRepeat),
		expr.Function("__fb_replace", exprReplace),
		expr.Patch(exprGuard{}),
	}
}

// exprGuard rewrites an expression's tree so its growth and loops go through the guards.
type exprGuard struct{}

func guardCall(fn string, args ...ast.Node) *ast.CallNode {
	return &ast.CallNode{
		Callee:    &ast.IdentifierNode{Value: fn},
		Arguments: append([]ast.Node{&ast.IdentifierNode{Value: exprLimitsVar}}, args...),
	}
}

func (exprGuard) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		if n.Operator == "+" {
			ast.Patch(node, guardCall("__fb_add", n.Left, n.Right))
		}
	case *ast.BuiltinNode:
		switch n.Name {
		case "repeat":
			ast.Patch(node, guardCall("__fb_repeat", n.Arguments...))
		case "replace":
			ast.Patch(node, guardCall("__fb_replace", n.Arguments...))
		}
	case *ast.PredicateNode:
		n.Node = guardCall("__fb_tick", n.Node)
	}
}

// exprAdd is a + b, counting the text it makes.
func exprAdd(args ...any) (any, error) {
	l, err := limitsOf(args)
	if err != nil {
		return nil, err
	}
	if len(args) != 3 {
		return nil, fmt.Errorf("+ takes two operands")
	}
	if err := l.tick(); err != nil {
		return nil, err
	}
	if a, ok := args[1].(string); ok {
		if b, ok := args[2].(string); ok {
			if err := l.grow("+", float64(len(a))+float64(len(b))); err != nil {
				return nil, err
			}
			return a + b, nil
		}
	}
	return runtime.Add(args[1], args[2]), nil
}

// exprTick is one step of a loop: it passes the step's value on.
func exprTick(args ...any) (any, error) {
	l, err := limitsOf(args)
	if err != nil {
		return nil, err
	}
	if len(args) != 2 {
		return nil, fmt.Errorf("internal: tick takes one value")
	}
	if err := l.tick(); err != nil {
		return nil, err
	}
	switch v := args[1].(type) {
	case string:
		if len(v) > exprMaxBytes {
			return nil, fmt.Errorf("%w: a step made %s of text, over the %d MB an expression may make", errExprMemory, sizeText(float64(len(v))), exprMaxBytes>>20)
		}
	case []any:
		if len(v) > exprMaxItems {
			return nil, fmt.Errorf("%w: a step made a list of %d items, over the %d an expression may make", errExprMemory, len(v), exprMaxItems)
		}
	}
	return args[1], nil
}

// exprRepeat is expr's repeat(s, n), refused before it allocates more than the budget.
func exprRepeat(args ...any) (any, error) {
	l, err := limitsOf(args)
	if err != nil {
		return nil, err
	}
	if len(args) != 3 {
		return nil, fmt.Errorf("repeat takes text and a count (got %d arguments)", len(args)-1)
	}
	s, ok := args[1].(string)
	if !ok {
		return nil, fmt.Errorf("repeat: want text, got %s", typeName(args[1]))
	}
	n, ok := wholeNumber(args[2])
	if !ok || n < 0 {
		return nil, fmt.Errorf("repeat: want a count of 0 or more, got %v", args[2])
	}
	if err := l.grow(fmt.Sprintf("repeat(…, %d)", n), float64(len(s))*float64(n)); err != nil {
		return nil, err
	}
	return strings.Repeat(s, n), nil
}

// exprReplace is expr's replace(s, old, new[, n]), its result's size worked out first.
func exprReplace(args ...any) (any, error) {
	l, err := limitsOf(args)
	if err != nil {
		return nil, err
	}
	if len(args) != 4 && len(args) != 5 {
		return nil, fmt.Errorf("replace takes 3 or 4 arguments (got %d)", len(args)-1)
	}
	var strs [3]string
	for i := range strs {
		s, ok := args[i+1].(string)
		if !ok {
			return nil, fmt.Errorf("replace: argument %d: want text, got %s", i+1, typeName(args[i+1]))
		}
		strs[i] = s
	}
	s, old, repl := strs[0], strs[1], strs[2]
	limit := -1
	if len(args) == 5 {
		n, ok := wholeNumber(args[4])
		if !ok {
			return nil, fmt.Errorf("replace: want a whole count, got %v", args[4])
		}
		limit = n
	}
	count := strings.Count(s, old)
	if old == "" {
		count = utf8.RuneCountInString(s) + 1
	}
	if limit >= 0 && limit < count {
		count = limit
	}
	size := float64(len(s)) + float64(count)*float64(len(repl)-len(old))
	if err := l.grow("replace", size); err != nil {
		return nil, err
	}
	return strings.Replace(s, old, repl, limit), nil
}

// wholeNumber reads a count: an integer of any Go kind, or a float64 without a fraction.
func wholeNumber(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		if x != float64(int64(x)) || x > 1<<62 || x < -(1<<62) {
			return 0, false
		}
		return int(x), true
	case float32:
		return wholeNumber(float64(x))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return runtime.ToInt(x), true
	}
	return 0, false
}
