// Package home is the composition root: it opens a data home (SPEC §2) and assembles the
// application over it — storage, the owner lock, the node registry and the engine service.
// The window (main.go), the command line (cli) and tests open a data home only through it.
package home

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
	"github.com/flowbench/flowbench/internal/keychain"
	"github.com/flowbench/flowbench/storage"
)

// Home is an open data home: the engine service assembled over its storage, held by this
// process's owner lock until Close.
type Home struct {
	// Dir is the data home's folder.
	Dir     string
	Service *engine.Service
	Store   *storage.Store
	Lock    *storage.OwnerLock
}

// EnvMaxImagePixels overrides the decoded image size limit (the max_image_pixels setting,
// default 100 megapixels) for one process.
const EnvMaxImagePixels = "FLOWBENCH_MAX_IMAGE_PIXELS"

// Open opens the data home in dir (created when missing, its database migrated) and assembles
// the service over it. Close releases everything in reverse order.
func Open(ctx context.Context, dir string, logger *slog.Logger) (*Home, error) {
	maxPixels, err := imageLimitFromEnv()
	if err != nil {
		return nil, err
	}
	// The registry and the owner lock need nothing of the database: they are made while the
	// store opens (a command's start is mostly waiting on SQLite's files and schema).
	reg := engine.NewRegistry()
	var (
		lock             *storage.OwnerLock
		regErr, lockErr  error
		registeredLocked = make(chan struct{})
	)
	go func() {
		defer close(registeredLocked)
		if regErr = nodes.Register(reg); regErr == nil {
			lock, lockErr = storage.AcquireOwner(dir)
		}
	}()
	st, err := storage.Open(ctx, dir, logger)
	<-registeredLocked
	if err == nil {
		err = cmp.Or(regErr, lockErr)
	}
	if err != nil {
		if lock != nil {
			lock.Release()
		}
		if st != nil {
			st.Close()
		}
		return nil, err
	}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg, Logger: logger, Owner: lock.ID, OwnerAlive: lock.Alive,
		RequestCancel:  func(owner, runID string) error { return storage.RequestCancel(dir, owner, runID) },
		CancelRequests: lock.TakeCancelRequests, MaxImagePixels: maxPixels, Keychain: keychain.OS{}})
	if err != nil {
		lock.Release()
		st.Close()
		return nil, err
	}
	return &Home{Dir: dir, Service: svc, Store: st, Lock: lock}, nil
}

// Close stops the service (its runs are cancelled and recorded), closes the storage and
// releases the owner lock.
func (h *Home) Close() {
	h.Service.Close()
	h.Store.Close()
	h.Lock.Release()
}

// imageLimitFromEnv reads EnvMaxImagePixels; 0 when unset.
func imageLimitFromEnv() (int64, error) {
	v := strings.TrimSpace(os.Getenv(EnvMaxImagePixels))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a whole number of pixels ≥ 1", EnvMaxImagePixels, v)
	}
	return n, nil
}

// Default is the data home's folder when none is given: FLOWBENCH_HOME, else the OS user
// data folder (SPEC §2).
func Default() string {
	if h := os.Getenv("FLOWBENCH_HOME"); h != "" {
		return h
	}
	return osDataHome(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

// osDataHome is the OS user data folder + Flowbench on goos: Windows %APPDATA%\Flowbench,
// macOS ~/Library/Application Support/Flowbench, else $XDG_DATA_HOME/flowbench or
// ~/.local/share/flowbench. Without any of those it falls back to ./flowbench-data.
func osDataHome(goos string, getenv func(string) string, userHome func() (string, error)) string {
	switch goos {
	case "windows":
		if d := getenv("APPDATA"); d != "" {
			return filepath.Join(d, "Flowbench")
		}
	case "darwin", "ios":
		if h, err := userHome(); err == nil && h != "" {
			return filepath.Join(h, "Library", "Application Support", "Flowbench")
		}
	default:
		if x := getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
			return filepath.Join(x, "flowbench")
		}
		if h, err := userHome(); err == nil && h != "" {
			return filepath.Join(h, ".local", "share", "flowbench")
		}
	}
	return "flowbench-data"
}
