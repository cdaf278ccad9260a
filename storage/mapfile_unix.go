//go:build !windows

package storage

import (
	"os"
	"syscall"
	"unsafe"
)

// mapText maps the first size bytes of f read-only into memory and returns them as a string
// (ok false when the system refuses). The mapping is never undone: the decoders keep
// substrings of it, anywhere.
func mapText(f *os.File, size int) (string, bool) {
	b, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil || len(b) != size {
		return "", false
	}
	return unsafe.String(&b[0], size), true
}
