package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/google/uuid"
)

// OwnerLock marks this process as alive for the runs it owns: a file under home/owners held
// with an exclusive flock, which the OS releases when the process dies, however it dies.
type OwnerLock struct {
	ID   string
	dir  string
	file *os.File
}

var ownerRE = regexp.MustCompile(`^[0-9a-f-]{36}$`)

// AcquireOwner creates and locks a new owner file in home.
func AcquireOwner(home string) (*OwnerLock, error) {
	dir := filepath.Join(home, "owners")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating owners folder: %w", err)
	}
	id := uuid.NewString()
	f, err := os.OpenFile(filepath.Join(dir, id+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("creating owner lock: %w", err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking owner file: %w", err)
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	return &OwnerLock{ID: id, dir: dir, file: f}, nil
}

// Alive reports whether the process that owns id still holds its lock. An unknown or
// malformed owner counts as gone.
func (l *OwnerLock) Alive(id string) bool {
	if id == l.ID {
		return true
	}
	if !ownerRE.MatchString(id) {
		return false
	}
	path := filepath.Join(l.dir, id+".lock")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	err = tryLock(f)
	if errors.Is(err, errLocked) {
		return true
	}
	if err == nil {
		// Its owner is gone: tidy the file while we hold the lock.
		unlock(f)
		f.Close()
		os.Remove(path)
	}
	return false
}

// Release unlocks and removes this process's owner file.
func (l *OwnerLock) Release() {
	if l.file == nil {
		return
	}
	name := l.file.Name()
	unlock(l.file)
	l.file.Close()
	os.Remove(name)
	l.file = nil
}
