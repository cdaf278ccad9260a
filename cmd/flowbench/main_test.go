package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// goTool returns the go command, or skips: these tests build and inspect the real binary.
func goTool(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	return goBin
}

// TestLinksNoGUI: the command-line binary's dependencies hold no Wails package (which would
// link GTK and WebKitGTK and cost every command ~120 ms to start), and on Linux the built
// binary loads no GTK or WebKit library.
func TestLinksNoGUI(t *testing.T) {
	goBin := goTool(t)
	out, err := exec.Command(goBin, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "wailsapp") || strings.Contains(dep, "webkit") || strings.Contains(dep, "gtk") {
			t.Errorf("cmd/flowbench depends on %s: the command line must not link the GUI", dep)
		}
	}
	if runtime.GOOS != "linux" {
		return
	}
	bin := build(t, goBin, t.TempDir())
	ldd, err := exec.Command("ldd", bin).CombinedOutput()
	if err != nil {
		t.Skipf("ldd: %v", err)
	}
	for _, lib := range []string{"gtk", "webkit", "gdk", "glib"} {
		if strings.Contains(string(ldd), lib) {
			t.Errorf("the binary loads %s:\n%s", lib, ldd)
		}
	}
}

func build(t *testing.T, goBin, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "flowbench")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard only
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.code = ee.ExitCode()
	default:
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return r
}

// TestOpensWindowBinary: with no subcommand the binary starts flowbench-window from its own
// folder (found through a symlink to it), passing the arguments through; without the window
// binary it says what is missing (exit 1); without a display it says so (exit 2); a mistyped
// command is exit 2 and starts nothing.
func TestOpensWindowBinary(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake window is a shell script")
	}
	goBin := goTool(t)
	dir := t.TempDir()
	bin := build(t, goBin, dir)
	base := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_DATA_HOME=" + dir}
	withDisplay := append(base, "DISPLAY=:99")

	r := run(t, bin, withDisplay, "--home", dir)
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(dir, "flowbench-window")) || !strings.Contains(r.stderr, "missing") {
		t.Fatalf("no window binary: want exit 1 naming it, got %+v", r)
	}

	window := filepath.Join(dir, "flowbench-window")
	script := "#!/bin/sh\necho \"window pid $$ args: $*\"\n"
	if err := os.WriteFile(window, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "flowbench")
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{bin, link} {
		r = run(t, b, withDisplay, "--home", "/data/home")
		if r.code != 0 || !strings.Contains(r.stdout, "args: --home /data/home") {
			t.Fatalf("%s --home /data/home: want the window with the args, got %+v", b, r)
		}
		r = run(t, b, append(base, "WAYLAND_DISPLAY=wayland-0"))
		if r.code != 0 || !strings.Contains(r.stdout, "window pid") {
			t.Fatalf("%s under Wayland: want the window, got %+v", b, r)
		}
	}

	r = run(t, bin, base)
	if r.code != 2 || !strings.Contains(r.stderr, "no display") || r.stdout != "" {
		t.Fatalf("no display: want exit 2 saying so and no window, got %+v", r)
	}
	r = run(t, bin, withDisplay, "runz")
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, `"runz"`) {
		t.Fatalf("runz: want exit 2 and no window, got %+v", r)
	}
	r = run(t, bin, base, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "flowbench ") {
		t.Fatalf("--version: got %+v", r)
	}
	r = run(t, bin, base, "list", "--json", "--home", filepath.Join(dir, "h"))
	if r.code != 0 || !strings.Contains(r.stdout, `"workflows"`) {
		t.Fatalf("list: got %+v", r)
	}
}
