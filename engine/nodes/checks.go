package nodes

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/dop251/goja"

	"github.com/flowbench/flowbench/engine"
)

// Param checks: graph validation calls them (ParamSpec.Check), so a version never holds a
// setting that cannot run and the editor shows the problem under the field while it is
// typed. A check is given the param as written. Text holding a {{name}} is only complete
// once the run fills in the flow input, so checks of code-like params leave it to the run.

// hasInputRefs reports whether s holds a {{name}} that the engine fills in at run time.
func hasInputRefs(s string) bool { return len(engine.TemplateRefs(s)) > 0 }

// checkExpression returns a Check that compiles an expression as env would run it.
func checkExpression(env *exprEnv) func(string) error {
	return func(src string) error {
		if strings.TrimSpace(src) == "" || hasInputRefs(src) {
			return nil
		}
		if _, err := env.compile(src); err != nil {
			return fmt.Errorf("%s does not compile: %s", quoteExpr(src), exprMessage(err))
		}
		return nil
	}
}

// checkRegexPattern compiles a text.regex pattern (Go RE2 syntax).
func checkRegexPattern(pattern string) error {
	if hasInputRefs(pattern) {
		return nil
	}
	if _, err := regexp.Compile(pattern); err != nil {
		return fmt.Errorf("invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	return nil
}

// checkRegexFlags accepts only the flags text.regex knows.
func checkRegexFlags(flags string) error {
	if hasInputRefs(flags) {
		return nil
	}
	for _, f := range flags {
		if f != 'i' && f != 'm' && f != 's' {
			return fmt.Errorf("unknown flag %q (use i, m or s)", f)
		}
	}
	return nil
}

// checkTemplate parses a text template: every {{ is closed by }} and names something.
func checkTemplate(tpl string) error {
	rest, pos := tpl, 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			return nil
		}
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			return fmt.Errorf("the {{ at character %d is never closed with }}", len([]rune(tpl[:pos+i]))+1)
		}
		if strings.TrimSpace(rest[i+2:i+2+j]) == "" {
			return fmt.Errorf("the {{}} at character %d names nothing (write {{a}} or {{input_name}})", len([]rune(tpl[:pos+i]))+1)
		}
		pos += i + 2 + j + 2
		rest = tpl[pos:]
	}
}

// checkCode compiles a code.js body without running it.
func checkCode(src string) error {
	if strings.TrimSpace(src) == "" || hasInputRefs(src) {
		return nil
	}
	if _, err := compileCode(src); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "code.js: "))
	}
	return nil
}

// checkHeaders reads http.request's headers written as text: a JSON object.
func checkHeaders(text string) error {
	t := strings.TrimSpace(text)
	if t == "" || hasInputRefs(t) {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return nil // the engine reports text that is not JSON
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("want a JSON object of text values, got %s", typeName(v))
	}
	return nil
}

// compileCode compiles a code.js body in its wrapper; the wrapper shares the first line with
// the code, so line numbers match the editor's.
func compileCode(src string) (*goja.Program, error) {
	prg, err := goja.Compile(codeSrcName, "(function (a, b, c, d, inputs) {"+src+"\n})", false)
	if err != nil {
		return nil, codeSyntaxError(err)
	}
	return prg, nil
}
