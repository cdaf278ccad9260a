//go:build unix

package main

import (
	"os"
	"syscall"
)

// execWindow replaces this process with the window (same pid: a launcher or a script that
// waits on flowbench waits on the window). It returns only on failure.
func execWindow(path string, args []string) error {
	return syscall.Exec(path, append([]string{path}, args...), os.Environ())
}
