package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// fileReadStall is how long reading a file may go without any progress before it fails: a
// file on a stuck network mount must not hold a command or a run forever.
var fileReadStall = 5 * time.Second

// openChecked opens a file for ReadFile once it is known to be a regular file (a variable so
// a test can stand in a reader that never answers).
var openChecked = openRegular

// errReadAbandoned ends a read whose caller stopped waiting.
var errReadAbandoned = errors.New("read abandoned")

// ReadFile reads the whole of a file a person named: a media input, a batch or import file,
// a linked file. Anything but a regular file (a FIFO, device, directory or socket) is refused
// before it is opened for reading, the file is opened without blocking and checked again once
// open, and the read fails, naming the path, when no data arrives for a few seconds or ctx
// ends (Ctrl-C). maxBytes > 0 refuses larger files. Refusals wrap ErrInvalid.
func ReadFile(ctx context.Context, path string, maxBytes int64) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	progress := make(chan struct{}, 1)
	var abandoned atomic.Bool
	go func() {
		data, err := readChecked(path, maxBytes, func() bool {
			select {
			case progress <- struct{}{}:
			default:
			}
			return !abandoned.Load()
		})
		done <- result{data, err}
	}()
	defer abandoned.Store(true)
	stall := time.NewTimer(fileReadStall)
	defer stall.Stop()
	for {
		select {
		case r := <-done:
			return r.data, r.err
		case <-progress:
			if !stall.Stop() {
				select {
				case <-stall.C:
				default:
				}
			}
			stall.Reset(fileReadStall)
		case <-ctx.Done():
			return nil, fmt.Errorf("reading %s: %w", path, ctx.Err())
		case <-stall.C:
			return nil, fmt.Errorf("reading %s: no data for %s (a stalled disk or network file?)", path, fileReadStall)
		}
	}
}

// OpenFile opens a file a person named for streaming (hashing a linked file). Like ReadFile
// it refuses anything but a regular file before opening it and opens without blocking.
func OpenFile(path string) (io.ReadCloser, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, unwrapPathErr(err))
	}
	if err := CheckRegular(path, fi); err != nil {
		return nil, err
	}
	return openChecked(path)
}

// readChecked does ReadFile's work; more reports progress and says whether to go on.
func readChecked(path string, maxBytes int64, more func() bool) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, unwrapPathErr(err))
	}
	if err := CheckRegular(path, fi); err != nil {
		return nil, err
	}
	if maxBytes > 0 && fi.Size() > maxBytes {
		return nil, fmt.Errorf("%s is larger than %d MB: %w", path, maxBytes>>20, ErrInvalid)
	}
	r, err := openChecked(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var buf bytes.Buffer
	if fi.Size() > 0 {
		buf.Grow(int(fi.Size()) + 1)
	}
	chunk := make([]byte, 1<<20)
	for {
		if !more() {
			return nil, errReadAbandoned
		}
		n, err := r.Read(chunk)
		buf.Write(chunk[:n])
		if maxBytes > 0 && int64(buf.Len()) > maxBytes {
			return nil, fmt.Errorf("%s is larger than %d MB: %w", path, maxBytes>>20, ErrInvalid)
		}
		if errors.Is(err, io.EOF) {
			return buf.Bytes(), nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, unwrapPathErr(err))
		}
	}
}

// openRegular opens path without blocking (opening a FIFO for reading would wait for a
// writer) and checks that what it opened is a regular file (the path may have been swapped
// since it was looked at).
func openRegular(path string) (io.ReadCloser, error) {
	f, err := os.OpenFile(path, openReadFlags, 0)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, unwrapPathErr(err))
	}
	fi, err := f.Stat()
	if err == nil {
		err = CheckRegular(path, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// pathGuardKey carries a PathGuard in a context.
type pathGuardKey struct{}

// PathGuard says whether a file named in a call may be read (nil error) or why not.
type PathGuard func(path string) error

// WithPathGuard returns ctx carrying guard: files named by calls made with it (ImportFile, a
// media input given as a path) are read only when guard allows them. The window uses it so
// bound methods read only paths the person chose in a dialog or dropped (SPEC §17).
func WithPathGuard(ctx context.Context, guard PathGuard) context.Context {
	return context.WithValue(ctx, pathGuardKey{}, guard)
}

// PathAllowed applies ctx's path guard to path; without a guard every path is allowed.
func PathAllowed(ctx context.Context, path string) error {
	if g, ok := ctx.Value(pathGuardKey{}).(PathGuard); ok && g != nil {
		return g(path)
	}
	return nil
}

// CheckRegular refuses, naming path, a file that is not a regular file.
func CheckRegular(path string, fi fs.FileInfo) error {
	m := fi.Mode()
	var what string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "not a regular file (" + m.Type().String() + ")"
		return fmt.Errorf("%s is %s: %w", path, what, ErrInvalid)
	}
	return fmt.Errorf("%s is %s, not a regular file: %w", path, what, ErrInvalid)
}

// WriteFileAtomic writes data to path through a temporary file in the same folder and a
// rename, so a crash never leaves half a file; on every error the temporary file is removed.
func WriteFileAtomic(path string, data []byte) (err error) {
	if fi, serr := os.Stat(path); serr == nil && fi.IsDir() {
		return fmt.Errorf("writing %s: it is a folder; name a file: %w", path, ErrInvalid)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPathErr(err))
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPathErr(err))
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPathErr(err))
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPathErr(err))
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPathErr(err))
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPathErr(err))
	}
	return nil
}
