package cli_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/cli"
)

// TestMain lets the test binary double as the flowbench binary: a test starts os.Args[0] with
// FLOWBENCH_CLI_MAIN=1 and the command line, so every command the tests run is a real process
// with its own storage, owner lock and exit status, through the same cli.Entry as the real
// binaries. Its window prints "window opened: ARGS" (or panics when FLOWBENCH_TEST_WINDOW=panic).
func TestMain(m *testing.M) {
	if os.Getenv("FLOWBENCH_CLI_MAIN") == "1" {
		cli.QuietPanics()
		os.Exit(cli.Entry(os.Args[1:], os.Stdout, os.Stderr, fakeWindow(os.Stdout)))
	}
	// A command that misses --home must not touch the user's data: point the default home
	// (XDG_DATA_HOME/flowbench) at a scratch folder and drop any FLOWBENCH_HOME.
	scratch, err := os.MkdirTemp("", "flowbench-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Unsetenv("FLOWBENCH_HOME")
	os.Setenv("XDG_DATA_HOME", scratch)
	code := m.Run()
	os.RemoveAll(scratch)
	os.Exit(code)
}

// fakeWindow stands in for the window: it says it opened, with the arguments it got.
func fakeWindow(out io.Writer) cli.WindowFunc {
	return func(args []string, home string) int {
		if os.Getenv("FLOWBENCH_TEST_WINDOW") == "panic" {
			panic("gtk: failed to init GTK") // a runtime panic, like GTK failing to start
		}
		fmt.Fprintf(out, "window opened: %s (home %q)\n", strings.Join(args, " "), home)
		return 0
	}
}
