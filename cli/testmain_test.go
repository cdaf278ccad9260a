package cli_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/flowbench/flowbench/cli"
)

// TestMain lets the test binary double as the flowbench CLI: a test starts os.Args[0] with
// FLOWBENCH_CLI_MAIN=1 and the subcommand's arguments, so every command the tests run is a
// real process with its own storage, owner lock and exit status.
func TestMain(m *testing.M) {
	if os.Getenv("FLOWBENCH_CLI_MAIN") == "1" {
		os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
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
