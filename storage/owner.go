package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
)

// OwnerLock marks this process as alive for the runs it owns: a file under home/owners held
// with an exclusive flock, which the OS releases when the process dies, however it dies.
type OwnerLock struct {
	ID   string
	dir  string
	file *os.File
}

// isOwnerID reports whether s can be an owner id: 36 characters of [0-9a-f-] (a regular
// expression compiled at every process's init cost more than the checks it made).
func isOwnerID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') && c != '-' {
			return false
		}
	}
	return true
}

// AcquireOwner locks a new owner file in home: a spare file a finished process left
// (takeSpare), renamed to the new owner's name, or else a new file.
func AcquireOwner(home string) (*OwnerLock, error) {
	dir := filepath.Join(home, "owners")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating owners folder: %w", err)
	}
	id := uuid.NewString()
	entries, _ := os.ReadDir(dir) // unreadable: no spare, no sweep; the create below reports it
	f := takeSpare(dir, entries, id)
	if f == nil {
		var err error
		f, err = os.OpenFile(filepath.Join(dir, id+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			return nil, fmt.Errorf("creating owner lock: %w", err)
		}
		if err := tryLock(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("locking owner file: %w", err)
		}
	}
	// The pid, for a person looking; writing it also makes the file's time now (the sweep
	// leaves files of the last minute alone).
	pid := fmt.Appendf(nil, "%d\n", os.Getpid())
	if _, err := f.WriteAt(pid, 0); err == nil {
		_ = f.Truncate(int64(len(pid)))
	}
	l := &OwnerLock{ID: id, dir: dir, file: f}
	l.sweep(entries, time.Now())
	return l, nil
}

// staleAfter is how old an unlocked owner file must be before a sweep removes it: a file
// just created is unlocked for a moment before its process takes the lock.
const staleAfter = time.Minute

// sweep removes the owner files (and cancel requests) of processes that are gone: a killed
// process cannot remove its own. It costs one lock probe per file, and files only pile up
// while processes die, so each start finds at most the few left since the last one.
func (l *OwnerLock) sweep(entries []os.DirEntry, now time.Time) (removed int) {
	spares := 0
	for _, e := range entries {
		name := e.Name()
		if isSpare(name) {
			if spares++; spares > maxSpares && removeSpare(filepath.Join(l.dir, name)) {
				removed++
			}
			continue
		}
		owner, isLock := strings.CutSuffix(name, ".lock")
		if !isLock {
			// a cancel request "<owner>.<run>.cancel" whose owner is gone
			if o, _, ok := strings.Cut(name, "."); ok && strings.HasSuffix(name, ".cancel") && o != l.ID && isOwnerID(o) {
				if _, err := os.Stat(filepath.Join(l.dir, o+".lock")); errors.Is(err, os.ErrNotExist) && old(e, now) {
					if os.Remove(filepath.Join(l.dir, name)) == nil {
						removed++
					}
				}
			}
			continue
		}
		if owner == l.ID || !isOwnerID(owner) || !old(e, now) {
			continue
		}
		if !l.Alive(owner) { // Alive removes the file of a gone owner
			removed++
		}
	}
	return removed
}

func old(e os.DirEntry, now time.Time) bool {
	info, err := e.Info()
	return err == nil && now.Sub(info.ModTime()) > staleAfter
}

// RequestCancel asks the live process that owns a run to cancel it: a file
// "<owner>.<run>.cancel" that the owner picks up (TakeCancelRequests).
func RequestCancel(home, owner, runID string) error {
	if !isOwnerID(owner) || strings.ContainsAny(runID, `/\.`) || runID == "" {
		return fmt.Errorf("cannot ask owner %q to cancel run %q", owner, runID)
	}
	path := filepath.Join(home, "owners", owner+"."+runID+".cancel")
	return os.WriteFile(path, nil, 0o644)
}

// TakeCancelRequests returns the runs other processes asked this one to cancel, and removes
// the requests.
func (l *OwnerLock) TakeCancelRequests() []string {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return nil
	}
	var ids []string
	prefix := l.ID + "."
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".cancel") {
			continue
		}
		id := strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".cancel")
		if os.Remove(filepath.Join(l.dir, name)) == nil && id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// Alive reports whether the process that owns id still holds its lock. An unknown or
// malformed owner counts as gone.
func (l *OwnerLock) Alive(id string) bool {
	if id == l.ID {
		return true
	}
	if !isOwnerID(id) {
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

// Release gives this process's owner file up: renamed to a spare (while still locked, so no
// other process sees it unlocked under this owner's name) for the next process to take, or,
// when it cannot be renamed, removed.
func (l *OwnerLock) Release() {
	if l.file == nil {
		return
	}
	name := filepath.Join(l.dir, l.ID+".lock") // not l.file.Name(): a spare taken was opened by its spare name
	spare := os.Rename(name, filepath.Join(l.dir, spareName(l.ID))) == nil
	unlock(l.file)
	l.file.Close()
	if !spare {
		os.Remove(name)
	}
	l.file = nil
}
