package main

import (
	"context"
	"sync"

	"github.com/flowbench/flowbench/engine"
)

// OpenedFile is what became of the workflow file the window was started with (`flowbench
// FILE.json`, the desktop entry's %f): the workflow it was imported as, or why it was not.
// An empty Path means there is none (left to report).
type OpenedFile struct {
	Path         string `json:"path"`
	WorkflowID   string `json:"workflow_id"`
	VersionLabel string `json:"version_label"`
	Created      bool   `json:"created"`
	Error        string `json:"error"`
}

// openedFile holds the result of the startup import until the window takes it.
type openedFile struct {
	mu      sync.Mutex
	pending *OpenedFile
}

// openAtStart imports the file the window was started with, off the startup path: the path
// came from the OS (the person opened the file), so it becomes a chosen path; when the import
// is done the window hears "openfile" and takes the result (TakeOpenedFile). It returns at
// once; done (for tests) is closed when the result is ready.
func (a *App) openAtStart(ctx context.Context, path string) (done <-chan struct{}) {
	ch := make(chan struct{})
	if path == "" {
		close(ch)
		return ch
	}
	a.chosen.add(path)
	go func() {
		defer close(ch)
		res := OpenedFile{Path: path}
		r, err := a.importFile(ctx, path)
		if err != nil {
			a.log.Warn("opening the workflow file given on the command line", "path", path, "err", err)
			res.Error = err.Error()
		} else {
			res.WorkflowID, res.VersionLabel, res.Created = r.WorkflowID, r.VersionLabel, r.Created
		}
		a.opened.mu.Lock()
		a.opened.pending = &res
		a.opened.mu.Unlock()
		a.emit(ctx, "openfile", path)
	}()
	return ch
}

// importFile reads a chosen workflow file and imports it (engine.OpenFile: the same file
// opened again gives the workflow it was imported as).
func (a *App) importFile(ctx context.Context, path string) (engine.ImportResult, error) {
	data, err := engine.ReadFile(ctx, path, 64<<20)
	if err != nil {
		return engine.ImportResult{}, err
	}
	return a.svc.OpenFile(ctx, data)
}

// TakeOpenedFile returns the result of importing the file the window was started with, once:
// later calls (and calls before the import finished) get an empty Path. The window calls it
// when it loads and on "openfile", so the result is seen whichever comes first.
func (a *App) TakeOpenedFile() OpenedFile {
	a.opened.mu.Lock()
	defer a.opened.mu.Unlock()
	if a.opened.pending == nil {
		return OpenedFile{}
	}
	r := *a.opened.pending
	a.opened.pending = nil
	return r
}
