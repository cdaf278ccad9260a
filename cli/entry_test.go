package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/cli"
)

// everyCommand is the subcommands of SPEC §8, §12 and §14 that this build has.
var everyCommand = []string{"import", "export", "delete", "list", "versions", "version", "run", "plan", "approve", "runs",
	"generations", "select", "nodes", "diff", "restore", "queue", "cancel", "retry", "resume", "providers", "settings", "help"}

// entry runs cli.Entry in this process with a fake window.
func entry(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = cli.Entry(args, &out, &errb, fakeWindow(&out))
	return code, out.String(), errb.String()
}

// TestHelpOnEverySubcommand: `flowbench CMD --help` (and -h, and `help CMD`) prints that
// command's usage and exits 0, wherever the flag sits, without opening any data home.
func TestHelpOnEverySubcommand(t *testing.T) {
	home := t.TempDir() + "/never-created"
	for _, c := range everyCommand {
		for _, args := range [][]string{{c, "--help"}, {c, "-h"}, {c, "x", "--json", "--help", "--home", home}, {"help", c}} {
			code, out, errOut := entry(args...)
			if code != 0 || !strings.HasPrefix(out, "usage: flowbench "+c) || errOut != "" {
				t.Errorf("flowbench %s: exit %d, stdout %q, stderr %q; want exit 0 and %q's usage", strings.Join(args, " "), code, out, errOut, c)
			}
		}
	}
	code, out, _ := entry("help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	// The overview lists every form of every command, as the command's own usage has it.
	for _, c := range everyCommand {
		_, own, _ := entry(c, "--help")
		head, _, _ := strings.Cut(own, "\n\n")
		for _, line := range strings.Split(head, "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(line, "usage:"))
			if !strings.Contains(out, "\n  "+line) {
				t.Errorf("flowbench help lacks %q (from flowbench %s --help):\n%s", line, c, out)
			}
		}
	}
	if _, err := statDir(home); err == nil {
		t.Errorf("--help created the data home %s", home)
	}
}

// TestUnknownCommandIsUsageError: a first argument that is not a command is exit 2 naming
// it (with a suggestion when one is close), and never opens the window.
func TestUnknownCommandIsUsageError(t *testing.T) {
	for _, tc := range []struct{ args, want []string }{
		{[]string{"runz"}, []string{`unknown command "runz"`, `did you mean "run"`}},
		{[]string{"--home", "/tmp/x", "imprt", "f.json"}, []string{`unknown command "imprt"`, `"import"`}},
		{[]string{"workflows"}, []string{`unknown command "workflows"`}},
		{[]string{"help", "runz"}, []string{`unknown command "runz"`}},
		{[]string{"Run"}, []string{`unknown command "Run"`}},
	} {
		code, out, errOut := entry(tc.args...)
		if code != cli.ExitUsage || strings.Contains(out, "window opened") {
			t.Errorf("flowbench %s: exit %d, stdout %q; want exit 2 and no window", strings.Join(tc.args, " "), code, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("flowbench %s: stderr %q lacks %q", strings.Join(tc.args, " "), errOut, w)
			}
		}
	}
}

// TestNoSubcommandOpensWindow: no arguments, only --home, or a flag the window takes (the
// dev build's -devserver) go to the window with the arguments as given.
func TestNoSubcommandOpensWindow(t *testing.T) {
	for _, args := range [][]string{{}, {"--home", "/tmp/h"}, {"--home=/tmp/h"}, {"-devserver", "127.0.0.1:1", "-assetdir", "d"}} {
		code, out, errOut := entry(args...)
		want := "window opened: " + strings.Join(args, " ")
		if code != 0 || !strings.HasPrefix(out, want) || errOut != "" {
			t.Errorf("flowbench %s: exit %d, stdout %q, stderr %q; want %q", strings.Join(args, " "), code, out, errOut, want)
		}
	}
	if _, out, _ := entry("--home", "/tmp/h"); !strings.Contains(out, `(home "/tmp/h")`) {
		t.Errorf("the window did not get the home: %q", out)
	}
}

// TestVersionCommand: --version, `version` alone and `version --json` print the version.
func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"--home", "/nowhere", "version"}} {
		code, out, _ := entry(args...)
		if code != 0 || out != "flowbench "+cli.Version+"\n" {
			t.Errorf("flowbench %s: exit %d, %q", strings.Join(args, " "), code, out)
		}
	}
	if code, out, _ := entry("version", "--json"); code != 0 || out != `{"version":"`+cli.Version+`"}`+"\n" {
		t.Errorf("version --json: exit %d, %q", code, out)
	}
	if code, _, errOut := entry("version", "frobnicate"); code != cli.ExitUsage || !strings.Contains(errOut, "frobnicate") {
		t.Errorf("version frobnicate: exit %d, %q", code, errOut)
	}
}

// TestPanicBecomesOneLine: a panic (here in the window, as when GTK cannot start) prints one
// line and exits 1, in a real process: no "goroutine" dump reaches the user.
func TestPanicBecomesOneLine(t *testing.T) {
	r := runCLI(t, []string{"FLOWBENCH_TEST_WINDOW=panic", "GOTRACEBACK="})
	if r.code != 1 {
		t.Fatalf("want exit 1:\n%s", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "internal error") || strings.Contains(r.stderr, "goroutine") {
		t.Fatalf("want one line on stderr:\n%s", r)
	}
}

// TestUnknownCommandInProcess runs the binary: `flowbench runz` is exit 2 and no window.
func TestUnknownCommandInProcess(t *testing.T) {
	r := runCLI(t, nil, "runz", "--home", t.TempDir())
	if r.code != 2 || strings.Contains(r.stdout, "window opened") || !strings.Contains(r.stderr, `"runz"`) {
		t.Fatalf("want exit 2 naming runz:\n%s", r)
	}
	r = runCLI(t, nil, "runs", "--help")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "usage: flowbench runs") {
		t.Fatalf("want runs usage:\n%s", r)
	}
}

func statDir(path string) (os.FileInfo, error) { return os.Stat(path) }

// TestFileArgumentOpensWindow: `flowbench FILE.json` (the desktop entry's Exec=flowbench %f)
// opens the window with the file as an absolute path, which FileArg finds; a missing file, a
// directory, a file not named *.json and a mistyped command stay usage errors (exit 2, named).
func TestFileArgumentOpensWindow(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, "x.flowbench.json")
	if err := os.WriteFile(wf, []byte(`{"format":"flowbench.workflow/v1"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "d.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, args := range [][]string{{wf}, {"x.flowbench.json"}, {"--home", "/tmp/h", "./x.flowbench.json"}} {
		code, out, errOut := entry(args...)
		if code != 0 || !strings.HasPrefix(out, "window opened: ") || !strings.Contains(out, wf) || errOut != "" {
			t.Errorf("flowbench %s: exit %d, stdout %q, stderr %q; want the window with %s", strings.Join(args, " "), code, out, errOut, wf)
			continue
		}
		got := strings.Fields(strings.TrimPrefix(strings.SplitN(out, " (home", 2)[0], "window opened: "))
		if f := cli.FileArg(got); f != wf {
			t.Errorf("flowbench %s: the window's FileArg(%q) = %q, want %q", strings.Join(args, " "), got, f, wf)
		}
	}
	if f := cli.FileArg([]string{"--home", "/tmp/h"}); f != "" {
		t.Errorf("FileArg without a file = %q", f)
	}
	for _, bad := range []string{"missing.json", "d.json", "notes.txt", "runz"} {
		code, out, errOut := entry(bad)
		if code != cli.ExitUsage || strings.Contains(out, "window opened") || !strings.Contains(errOut, `"`+bad+`"`) {
			t.Errorf("flowbench %s: exit %d, stdout %q, stderr %q; want exit 2 naming it and no window", bad, code, out, errOut)
		}
	}
}
