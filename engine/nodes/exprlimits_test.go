package nodes

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// withExprLimits lowers the expression limits for one test (tests using it do not run in
// parallel with each other).
func withExprLimits(t *testing.T, bytes, items int, limit time.Duration) {
	t.Helper()
	b, i, l := exprMaxBytes, exprMaxItems, exprTimeLimit
	exprMaxBytes, exprMaxItems, exprTimeLimit = bytes, items, limit
	t.Cleanup(func() { exprMaxBytes, exprMaxItems, exprTimeLimit = b, i, l })
}

// TestExpressionLimits: an expression that would take unbounded memory or time is a node
// error (SPEC §17), found before the memory is allocated; it never takes the process down.
// The limits stay at their defaults where the point is that the guard refuses before
// allocating (the test itself then allocates little); they are lowered where the guard
// must watch work grow step by step.
func TestExpressionLimits(t *testing.T) {
	big := make([]any, 5000)
	for i := range big {
		big[i] = i
	}
	cases := []struct {
		name  string
		env   *exprEnv
		src   string
		vars  map[string]any
		low   bool // lower the limits: 1 MB of text, 1000 items, 200 ms
		want  error
		wantS string
	}{
		{"math.expr repeat of repeat", mathEnv, `len(repeat(repeat("a", 999999), 999999))`, nil, false, errExprMemory, "repeat"},
		{"control.if repeat of repeat", valueEnv, `len(repeat(repeat("a", 999999), 999999)) > 0`, nil, false, errExprMemory, "repeat"},
		{"repeat overflowing int", mathEnv, `repeat("ab", 9223372036854775807)`, nil, false, errExprMemory, "repeat"},
		{"doubling by +", mathEnv, `reduce(1..64, #acc + #acc, "a")`, nil, true, errExprMemory, "+"},
		{"doubling by let and +", mathEnv, `let s = repeat("x", 1000); let t = s+s+s+s+s+s+s+s+s+s; let u = t+t+t+t+t+t+t+t+t+t; u+u+u+u+u+u+u+u+u+u`, nil, true, errExprMemory, "+"},
		{"growing by replace", mathEnv, `reduce(1..40, replace(#acc, "a", "aaaa"), "aa")`, nil, true, errExprMemory, "replace"},
		{"replace of itself", mathEnv, `let s = repeat("a", 2000); replace(s, "a", s)`, nil, true, errExprMemory, "replace"},
		{"list doubling", mathEnv, `reduce(1..64, concat(#acc, #acc), [1])`, nil, true, errExprMemory, "list"},
		{"nested loops over a list", valueEnv, `all(value, {all(value, {all(value, {true})})})`, map[string]any{"value": big}, true, errExprTime, "stopped"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.low {
				// A memory case gets a time limit it cannot reach on a busy machine, so the
				// error it hits is the memory one; only the time case has the short limit.
				limit := time.Minute
				if c.want == errExprTime {
					limit = 200 * time.Millisecond
				}
				withExprLimits(t, 1<<20, 1000, limit)
			}
			vars := map[string]any{"inputs": map[string]any{}}
			for k, v := range c.vars {
				vars[k] = v
			}
			done := make(chan error, 1)
			go func() {
				_, err := c.env.eval(context.Background(), "expression", c.src, vars)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), c.want.Error()) || !strings.Contains(err.Error(), c.wantS) || !strings.Contains(err.Error(), `param "expression"`) {
					t.Fatalf("err = %v, want %v naming %q and the param", err, c.want, c.wantS)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("the expression did not stop (a hang, not a limit)")
			}
		})
	}
}

// TestExpressionCancelled: a cancelled run stops a long evaluation.
func TestExpressionCancelled(t *testing.T) {
	big := make([]any, 5000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := valueEnv.eval(ctx, "condition", `all(value, {all(value, {all(value, {true})})})`, map[string]any{"value": big, "inputs": map[string]any{}})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("a cancelled evaluation did not stop")
	}
}

// TestExpressionGuardsKeepMeaning: the guarded operators give what expr-lang gives.
func TestExpressionGuardsKeepMeaning(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src  string
		vars map[string]any
		want any
	}{
		{`1 + 2`, nil, 3},
		{`a + 0.5`, map[string]any{"a": 1.0}, 1.5},
		{`"ab" + "cd"`, nil, "abcd"},
		{`repeat("ab", 3)`, nil, "ababab"},
		{`replace("a-b-c", "-", "+")`, nil, "a+b+c"},
		{`replace("a-b-c", "-", "+", 1)`, nil, "a+b-c"},
		{`replace("ab", "", "_")`, nil, "_a_b_"},
		{`map(1..3, # + 1)`, nil, []any{2, 3, 4}},
		{`filter(1..6, # % 2 == 0)`, nil, []any{2, 4, 6}},
		{`reduce(1..4, #acc + #, 0)`, nil, 10},
		{`all(1..3, # > 0) && any(1..3, # == 2) && none(1..3, # > 5)`, nil, true},
		{`count(1..10, # > 7)`, nil, 3},
		{`sortBy([3, 1, 2], #)`, nil, []any{1, 2, 3}},
		{`find(["x", "yy"], len(#) == 2)`, nil, "yy"},
		{`let s = "a"; s + s`, nil, "aa"},
	}
	for _, c := range cases {
		vars := map[string]any{"inputs": map[string]any{}}
		for k, v := range c.vars {
			vars[k] = v
		}
		got, err := mathEnv.eval(context.Background(), "expression", c.src, vars)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s = %#v, want %#v", c.src, got, c.want)
		}
	}
}
