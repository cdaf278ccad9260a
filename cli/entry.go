package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
)

// WindowFunc opens the window with the command line's arguments (--home included) and the
// data home it names ("" for the default); it returns the exit status. A workflow file to open
// (FileArg) is among the arguments as an absolute path.
type WindowFunc func(args []string, home string) int

// Entry is the whole command line of both binaries (SPEC §8): a subcommand runs headless; no
// subcommand opens the window through window (which checks there is a display: CheckDisplay,
// exit 2 without one). A first argument that is an existing regular file named *.json (a
// desktop entry's %f: the file manager opening a .flowbench.json) opens the window with that
// file, passed on as an absolute path; any other first argument that is neither a subcommand
// nor a flag is a usage error, never the window. No panic reaches the user as a trace: it
// becomes one line and exit 1.
func Entry(args []string, stdout, stderr io.Writer, window WindowFunc) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "flowbench: internal error: %v (please report it; GOTRACEBACK=all shows where)\n", oneLine(fmt.Sprint(r)))
			code = ExitFailed
		}
	}()
	rest, home, err := ExtractHome(args)
	if err != nil {
		fmt.Fprintln(stderr, "flowbench:", err)
		return ExitUsage
	}
	if IsCommand(rest) {
		return Main(args, stdout, stderr)
	}
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		if abs, ok := openableFile(rest[0]); ok {
			args = replaceArg(args, rest[0], abs)
		} else if strings.HasSuffix(strings.ToLower(rest[0]), ".json") {
			fmt.Fprintf(stderr, "flowbench: cannot open %q: it is not an existing regular file (see flowbench help)\n", rest[0])
			return ExitUsage
		} else {
			fmt.Fprintf(stderr, "flowbench: unknown command %q%s (see flowbench help)\n", rest[0], suggest(rest[0]))
			return ExitUsage
		}
	}
	if window == nil {
		fmt.Fprintln(stderr, "flowbench: this build has no window; subcommands work (see flowbench help)")
		return ExitUsage
	}
	return window(args, home)
}

// openableFile says whether arg names a workflow file the window opens: an existing regular
// file (symlinks followed) whose name ends in .json; it returns its absolute path.
func openableFile(arg string) (string, bool) {
	if !strings.HasSuffix(strings.ToLower(arg), ".json") {
		return "", false
	}
	fi, err := os.Stat(arg)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return "", false
	}
	return abs, true
}

// replaceArg returns args with the first argument equal to old (outside --home's value)
// replaced by new.
func replaceArg(args []string, old, new string) []string {
	out := append([]string(nil), args...)
	for i := 0; i < len(out); i++ {
		if out[i] == "--home" || out[i] == "-home" {
			i++
			continue
		}
		if out[i] == old {
			out[i] = new
			break
		}
	}
	return out
}

// FileArg is the workflow file the window was asked to open (the first argument besides
// --home and its value, when it is not a flag), or "". Entry has already checked it is an
// existing *.json file and made it absolute.
func FileArg(args []string) string {
	rest, _, err := ExtractHome(args)
	if err != nil || len(rest) == 0 || strings.HasPrefix(rest[0], "-") || !filepath.IsAbs(rest[0]) {
		return ""
	}
	if !strings.HasSuffix(strings.ToLower(rest[0]), ".json") {
		return ""
	}
	return rest[0]
}

// QuietPanics keeps the report of a panic this process cannot recover (one on another
// goroutine) to its message, without a goroutine dump; GOTRACEBACK set by a developer still
// wins (SetTraceback never lowers it). The binaries' main functions call it first.
func QuietPanics() { debug.SetTraceback("none") }

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// displayEnv reads the environment; tests replace it.
var displayEnv = os.Getenv

// CheckDisplay says why the window cannot open on this machine, or nil. On Linux and the
// BSDs a window needs DISPLAY (X11) or WAYLAND_DISPLAY; Windows and macOS always have one.
func CheckDisplay() error {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "android":
		return nil
	}
	if displayEnv("DISPLAY") != "" || displayEnv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	return errors.New("no display: the window needs a graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set); " +
		"the subcommands work without one, see flowbench help")
}

// WindowBinary is the window's executable, installed next to the command-line one.
func WindowBinary() string {
	if runtime.GOOS == "windows" {
		return "flowbench-window.exe"
	}
	return "flowbench-window"
}

// FindWindow returns the path of the window binary in the folder of the running executable
// (symlinks resolved, so /usr/bin/flowbench → /opt/flowbench/flowbench finds its sibling).
func FindWindow() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find the window: locating this program: %w", err)
	}
	if real, err := filepath.EvalSymlinks(self); err == nil {
		self = real
	}
	path := filepath.Join(filepath.Dir(self), WindowBinary())
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() {
		return "", fmt.Errorf("cannot open the window: %s is missing (it is installed next to %s; reinstall Flowbench or run `make build`)",
			path, filepath.Base(self))
	}
	return path, nil
}

// suggest proposes the closest command to a mistyped one.
func suggest(word string) string {
	best, bestD := "", 3
	for _, c := range commandOrder {
		if d := editDistance(word, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
