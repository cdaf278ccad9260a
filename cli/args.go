package cli

import (
	"fmt"
	"strings"
)

// flagSpec says, per flag name, whether it takes a value.
type flagSpec map[string]bool

// parsed holds a subcommand's flags (repeatable) and positional arguments.
type parsed struct {
	flags map[string][]string
	pos   []string
}

func (p parsed) has(name string) bool { _, ok := p.flags[name]; return ok }

func (p parsed) str(name string) string {
	v := p.flags[name]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// parseArgs accepts flags before, between and after positionals: --flag value, --flag=value,
// -o value. "--" ends flags. Unknown flags are usage errors naming them.
func parseArgs(args []string, spec flagSpec) (parsed, error) {
	p := parsed{flags: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.pos = append(p.pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.pos = append(p.pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, val, hasVal = k, v, true
		}
		takes, known := spec[name]
		if !known {
			return p, usageErr("unknown flag --%s", name)
		}
		if takes && !hasVal {
			if i+1 >= len(args) {
				return p, usageErr("flag --%s needs a value", name)
			}
			i++
			val = args[i]
		} else if !takes && hasVal {
			return p, usageErr("flag --%s takes no value", name)
		}
		p.flags[name] = append(p.flags[name], val)
	}
	return p, nil
}

// usageError is a bad command line: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErr(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// ExtractHome removes --home DIR / --home=DIR from anywhere in args and returns it.
func ExtractHome(args []string) ([]string, string, error) {
	out := make([]string, 0, len(args))
	home := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--home" || a == "-home":
			if i+1 >= len(args) {
				return nil, "", usageErr("flag --home needs a directory")
			}
			home = args[i+1]
			i++
		case strings.HasPrefix(a, "--home=") || strings.HasPrefix(a, "-home="):
			home = a[strings.Index(a, "=")+1:]
		default:
			out = append(out, a)
		}
	}
	return out, home, nil
}
