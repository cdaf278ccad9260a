//go:build windows

package main

import (
	"os"
	"syscall"
)

// attachConsole lets the Windows build print. flowbench.exe is linked as a GUI-subsystem
// program (-H windowsgui) so that opening it from the Start menu shows the window and no
// console; such a program started from cmd.exe or PowerShell gets no standard handles, and a
// subcommand would print nothing. A console-subsystem build would print, but every launch of
// the window would then open a console next to it. So: when stdout or stderr has no handle,
// attach to the parent's console (if there is one) and write to it. Handles that are already
// valid — output redirected to a file or a pipe, or Wine's terminal — are left alone.
func attachConsole() {
	out, _ := syscall.GetStdHandle(syscall.STD_OUTPUT_HANDLE)
	errh, _ := syscall.GetStdHandle(syscall.STD_ERROR_HANDLE)
	if usable(out) && usable(errh) {
		return
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // started from Explorer or the Start menu: no console to write to
	}
	if !usable(out) {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stdout = f
		}
	}
	if !usable(errh) {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stderr = f
		}
	}
}

func usable(h syscall.Handle) bool { return h != 0 && h != syscall.InvalidHandle }
