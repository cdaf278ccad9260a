package nodes

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/flowbench/flowbench/engine"
)

// registerText adds the text nodes.
func registerText(r *engine.Registry) error {
	textOut := []engine.Handle{{Name: "text", Type: engine.TypeString, Description: "The resulting text"}}
	return registerAll(r,
		engine.NodeType{
			Type:  "text.template",
			Group: "text",
			Title: "Template",
			Description: "Fills a text template: {{a}}…{{d}} are the input handles, any other " +
				"{{name}} a flow input.",
			Inputs:  anyInputs("Value for {{a}}…{{d}}, formatted as text (null is empty)"),
			Outputs: textOut,
			Params: []engine.ParamSpec{
				{Name: "template", Kind: engine.ParamText, Label: "Template", Default: "{{a}}",
					Description: "Text with {{a}}…{{d}} for the handles and {{name}} for flow inputs",
					Check:       checkTemplate},
			},
			LocalNames:    abcd,
			Deterministic: true,
			Run:           runTemplate,
		},
		engine.NodeType{
			Type:          "text.concat",
			Group:         "text",
			Title:         "Concatenate",
			Description:   "Joins the connected, non-null inputs a…d in order, with a separator between them.",
			Inputs:        anyInputs("Value to append, formatted as text"),
			Outputs:       textOut,
			Params:        []engine.ParamSpec{separatorParam("")},
			Deterministic: true,
			Run:           runConcat,
		},
		engine.NodeType{
			Type:        "text.split",
			Group:       "text",
			Title:       "Split text",
			Description: "Splits text into a list of items at each separator.",
			Inputs: []engine.Handle{
				{Name: "text", Type: engine.TypeString, Required: true, Description: "Text to split"},
			},
			Outputs: []engine.Handle{
				{Name: "items", Type: engine.TypeArray, Description: "The pieces, as strings"},
			},
			Params: []engine.ParamSpec{
				separatorParam("\n"),
				{Name: "trim", Kind: engine.ParamBoolean, Label: "Trim spaces", Default: true,
					Description: "Remove spaces around each item"},
				{Name: "skip_empty", Kind: engine.ParamBoolean, Label: "Skip empty items", Default: true,
					Description: "Leave out items that are empty (after trimming)"},
			},
			Deterministic: true,
			Run:           runSplit,
		},
		engine.NodeType{
			Type:        "text.join",
			Group:       "text",
			Title:       "Join list",
			Description: "Joins the items of a list into one text, with a separator between them.",
			Inputs: []engine.Handle{
				{Name: "items", Type: engine.TypeArray, Required: true, Description: "Items, each formatted as text"},
			},
			Outputs:       textOut,
			Params:        []engine.ParamSpec{separatorParam("\n")},
			Deterministic: true,
			Run:           runJoin,
		},
		engine.NodeType{
			Type:  "text.regex",
			Group: "text",
			Title: "Regex",
			Description: "Finds a regular expression (Go RE2 syntax) in text: the first match, " +
				"all matches, the first match's groups, and the text with matches replaced.",
			Inputs: []engine.Handle{
				{Name: "text", Type: engine.TypeString, Required: true, Description: "Text to search"},
			},
			Outputs: []engine.Handle{
				{Name: "match", Type: engine.TypeString, Description: "The first match, or null"},
				{Name: "matches", Type: engine.TypeArray, Description: "Every match, in order"},
				{Name: "groups", Type: engine.TypeArray, Description: "The first match's capture groups"},
				{Name: "replaced", Type: engine.TypeString, Description: "The text with every match replaced"},
			},
			Params: []engine.ParamSpec{
				{Name: "pattern", Kind: engine.ParamString, Label: "Pattern", Required: true,
					Description: `Regular expression, e.g. (\w+)@(\w+)`, Check: checkRegexPattern},
				{Name: "replace", Kind: engine.ParamString, Label: "Replace with", Default: "",
					Description: "Replacement for each match; $1 or ${name} insert groups (empty removes matches)"},
				{Name: "flags", Kind: engine.ParamString, Label: "Flags", Default: "",
					Description: "i: ignore case, m: ^ and $ match at line breaks, s: . matches line breaks",
					Check:       checkRegexFlags},
			},
			Deterministic: true,
			Run:           runRegex,
		},
	)
}

func separatorParam(def string) engine.ParamSpec {
	return engine.ParamSpec{Name: "separator", Kind: engine.ParamString, Label: "Separator", Default: def,
		Description: `Text between items (\n is a line break)`}
}

func runTemplate(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	// One pass over the template as written fills handles and flow inputs alike: filling
	// the engine-resolved text would expand a {{name}} that arrived inside a value.
	tpl := in.String("template", "")
	if raw, ok := in.RawParams["template"]; ok && raw != nil {
		tpl = engine.ToText(raw)
	}
	text, err := engine.RenderTemplate(tpl, func(name string) (any, bool) {
		switch name {
		case "a", "b", "c", "d":
			return in.Inputs[name], true
		}
		v, ok := in.FlowInputs[name]
		return v, ok
	})
	if err != nil {
		return nil, fmt.Errorf("param %q: %w", "template", err)
	}
	return map[string]any{"text": text}, nil
}

func runConcat(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	sep := in.String("separator", "")
	var parts []string
	for _, h := range abcd {
		if v := in.Inputs[h]; v != nil {
			parts = append(parts, engine.ToText(v))
		}
	}
	return map[string]any{"text": strings.Join(parts, sep)}, nil
}

func runSplit(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	text, err := inputText(in, "text")
	if err != nil {
		return nil, err
	}
	sep := in.String("separator", "\n")
	trim := in.Bool("trim", true)
	skipEmpty := in.Bool("skip_empty", true)
	items := []any{}
	for _, p := range strings.Split(text, sep) {
		if trim {
			p = strings.TrimSpace(p)
		}
		if skipEmpty && p == "" {
			continue
		}
		items = append(items, p)
	}
	return map[string]any{"items": items}, nil
}

func runJoin(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	v, err := requireInput(in, "items")
	if err != nil {
		return nil, err
	}
	var parts []string
	switch items := v.(type) {
	case []any:
		parts = make([]string, len(items))
		for i, it := range items {
			parts[i] = engine.ToText(it)
		}
	case []string:
		parts = items
	default:
		return nil, fmt.Errorf("input %q: expected an array, got %s", "items", typeName(v))
	}
	return map[string]any{"text": strings.Join(parts, in.String("separator", "\n"))}, nil
}

func runRegex(_ context.Context, in *engine.NodeInput) (map[string]any, error) {
	re, err := compileRegex(in.String("pattern", ""), in.String("flags", ""))
	if err != nil {
		return nil, err
	}
	text, err := inputText(in, "text")
	if err != nil {
		return nil, err
	}
	all := re.FindAllStringSubmatchIndex(text, -1)
	matches := make([]any, len(all))
	for i, loc := range all {
		matches[i] = text[loc[0]:loc[1]]
	}
	var match any
	groups := []any{}
	if len(all) > 0 {
		first := all[0]
		match = text[first[0]:first[1]]
		for g := 1; g < len(first)/2; g++ {
			if first[2*g] < 0 {
				groups = append(groups, nil) // the group did not take part in the match
				continue
			}
			groups = append(groups, text[first[2*g]:first[2*g+1]])
		}
	}
	return map[string]any{
		"match":    match,
		"matches":  matches,
		"groups":   groups,
		"replaced": re.ReplaceAllString(text, in.String("replace", "")),
	}, nil
}

// maxCachedRegexps bounds the compiled-pattern cache, like maxCachedPrograms.
const maxCachedRegexps = 1024

var (
	regexps     sync.Map // flags + "\x00" + pattern → *regexp.Regexp
	regexpCount atomic.Int64
)

// compileRegex compiles pattern with flags (any of i, m, s), caching the result.
func compileRegex(pattern, flags string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, fmt.Errorf("param %q is required", "pattern")
	}
	key := flags + "\x00" + pattern
	if re, ok := regexps.Load(key); ok {
		return re.(*regexp.Regexp), nil
	}
	src := pattern
	if flags != "" {
		for _, f := range flags {
			if f != 'i' && f != 'm' && f != 's' {
				return nil, fmt.Errorf("param %q: unknown flag %q (use i, m or s)", "flags", f)
			}
		}
		src = "(?" + flags + ")" + pattern
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("param %q: invalid regular expression %q: %w", "pattern", pattern, err)
	}
	if _, loaded := regexps.LoadOrStore(key, re); !loaded {
		if regexpCount.Add(1) > maxCachedRegexps {
			regexps.Clear()
			regexpCount.Store(0)
		}
	}
	return re, nil
}
