//go:build !unix

package engine

import "os"

// openReadFlags open a file for reading (non-regular files are refused before opening).
const openReadFlags = os.O_RDONLY
