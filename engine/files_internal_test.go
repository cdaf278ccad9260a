package engine

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stuckFile stands in for a regular file on a stalled disk: its reads never return until it
// is closed.
type stuckFile struct{ r *io.PipeReader }

func (s stuckFile) Read(p []byte) (int, error) { return s.r.Read(p) }
func (s stuckFile) Close() error               { return s.r.Close() }

// TestReadFileGivesUpOnStalledFile: a file that yields no data fails with its name after
// the stall limit, and an interrupt (ctx) ends the wait at once. Not parallel: it swaps
// package hooks.
func TestReadFileGivesUpOnStalledFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slow.png")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	opened := make(chan *io.PipeWriter, 2)
	openChecked = func(string) (io.ReadCloser, error) {
		r, w := io.Pipe()
		opened <- w
		return stuckFile{r}, nil
	}
	stall := fileReadStall
	fileReadStall = 50 * time.Millisecond
	defer func() {
		for range 2 {
			(<-opened).Close()
		}
		openChecked, fileReadStall = openRegular, stall
	}()
	done := make(chan error, 1)
	go func() {
		_, err := ReadFile(context.Background(), path, 0)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "no data") {
			t.Errorf("stalled read: err = %v, want one naming %s", err, path)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("a stalled read never gave up")
	}

	fileReadStall = time.Hour // only the interrupt can end the next read
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, err := ReadFile(ctx, path, 0)
		done <- err
	}()
	w := <-opened // the read is under way
	opened <- w
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), path) {
			t.Errorf("interrupted read: err = %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("an interrupt did not end a stalled read")
	}
}
