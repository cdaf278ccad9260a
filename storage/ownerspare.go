package storage

import (
	"os"
	"path/filepath"
	"strings"
)

// Spare owner files. Every process that opens a data home holds an owner file, and each used to
// create a file and remove it at its end: on a file system without a journal, ext4 then looks
// through the inodes freed in the last seconds for one it may reuse (recently_deleted), which
// cost every command ~0.6 ms once commands follow one another. A process that ends renames
// its file to a spare instead, and the next one takes a spare and renames it to its own owner
// name: no file is created or removed. A file is renamed only while its taker holds its lock,
// so an owner's name never names an unlocked file of a live process, and a spare is never
// taken twice (the second taker fails to lock it, or finds its name gone).

// sparePrefix starts the names of spare owner files: "spare-<owner>.lock".
const sparePrefix = "spare-"

// maxSpares bounds the spares a sweep keeps (as many as processes ever ended at once).
const maxSpares = 16

func spareName(owner string) string { return sparePrefix + owner + ".lock" }

func isSpare(name string) bool {
	return strings.HasPrefix(name, sparePrefix) && strings.HasSuffix(name, ".lock")
}

// takeSpare locks a spare among entries (of dir) and renames it to owner's file; nil when no
// spare could be taken.
func takeSpare(dir string, entries []os.DirEntry, owner string) *os.File {
	for _, e := range entries {
		if !isSpare(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			continue // taken (renamed) or removed meanwhile
		}
		if err := tryLock(f); err != nil {
			f.Close() // another process is taking it
			continue
		}
		if err := os.Rename(path, filepath.Join(dir, owner+".lock")); err != nil {
			// Taken and given back as another spare between our open and our lock (the file
			// has another name now), or a system that cannot rename an open file.
			unlock(f)
			f.Close()
			continue
		}
		return f
	}
	return nil
}

// removeSpare removes the spare at path unless a process is taking it.
func removeSpare(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := tryLock(f); err != nil {
		return false
	}
	defer unlock(f)
	return os.Remove(path) == nil
}
