//go:build unix

package engine

import (
	"os"
	"syscall"
)

// openReadFlags open a file for reading without waiting for a FIFO's writer.
const openReadFlags = os.O_RDONLY | syscall.O_NONBLOCK
