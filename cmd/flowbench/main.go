// Command flowbench is the command users run: every subcommand headless, and with no
// subcommand the window, which lives in its own binary (flowbench-window, next to this one).
// This binary links no GUI library, so a command-line call does not pay for loading
// GTK and WebKitGTK (docs/PERFORMANCE.md); it must never import Wails.
package main

import (
	"fmt"
	"os"

	"github.com/flowbench/flowbench/cli"
)

func main() {
	cli.QuietPanics()
	stop := startProfile()
	code := cli.Entry(os.Args[1:], os.Stdout, os.Stderr, openWindow)
	stop()
	os.Exit(code)
}

// openWindow replaces this process with the window binary, passing the arguments through.
func openWindow(args []string, _ string) int {
	if err := cli.CheckDisplay(); err != nil {
		fmt.Fprintln(os.Stderr, "flowbench:", err)
		return cli.ExitUsage
	}
	path, err := cli.FindWindow()
	if err != nil {
		fmt.Fprintln(os.Stderr, "flowbench:", err)
		return cli.ExitFailed
	}
	if err := execWindow(path, args); err != nil {
		fmt.Fprintln(os.Stderr, "flowbench: starting the window:", err)
		return cli.ExitFailed
	}
	return cli.ExitOK
}
