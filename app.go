package main

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/flowbench/flowbench/cli"
	"github.com/flowbench/flowbench/engine"
)

// App is the one type bound to the window: thin methods over the engine service that validate
// every argument as if it came from a stranger, and the bridge of engine events to the window.
type App struct {
	ctx   context.Context
	svc   *engine.Service
	home  string
	log   *slog.Logger
	unsub func()
	// chosen are the paths the person picked or dropped: bound methods read no others.
	chosen chosenPaths
	emit   func(ctx context.Context, name string, data ...any)
	// openPath is the workflow file the window was started with ("" for none); opened holds
	// what its import gave until the window takes it (openfile.go).
	openPath string
	opened   openedFile
}

// NewApp binds a service to the window.
func NewApp(svc *engine.Service, home string, log *slog.Logger) *App {
	a := &App{svc: svc, home: home, log: log, emit: runtime.EventsEmit}
	a.ctx = engine.WithPathGuard(context.Background(), a.chosen.check)
	return a
}

func (a *App) startup(ctx context.Context) {
	// Every bound method works with this context: files it names are read only when the
	// person chose or dropped them.
	a.ctx = engine.WithPathGuard(ctx, a.chosen.check)
	a.unsub = a.svc.Bus.Subscribe(newEventBridge(ctx).forward)
	a.svc.FollowQueue() // the queue overlay shows a pause made by any process at once
	a.recoverRuns(ctx)
	runtime.OnFileDrop(ctx, a.dropped)
	a.devHooks(ctx)
	a.openAtStart(a.ctx, a.openPath)
}

// autoResumeOrphans is how many queued runs left by a process that stopped the window
// resumes by itself when it opens; with more, it asks first (OrphanedRuns).
const autoResumeOrphans = 5

// recoverRuns settles the runs of processes that are gone when the window opens: running
// ones become interrupted; a handful of queued ones are resumed here; more wait for the
// person's answer to "N queued runs from a previous session" (Resume / Cancel).
func (a *App) recoverRuns(ctx context.Context) {
	rep, err := a.svc.Recover(ctx, false)
	if err != nil {
		a.log.Error("recovering runs", "err", err)
		return
	}
	resumed := 0
	if n := len(rep.Queued); n > 0 && n <= autoResumeOrphans {
		runs, err := a.svc.ResumeOrphaned(ctx, rep.Queued...)
		if err != nil {
			a.log.Error("resuming queued runs", "err", err)
		}
		resumed = len(runs)
	}
	if len(rep.Interrupted)+len(rep.Queued) > 0 {
		a.log.Info("recovered runs", "interrupted", len(rep.Interrupted), "resumed", resumed, "waiting", len(rep.Queued)-resumed)
	}
}

func (a *App) shutdown(ctx context.Context) {
	if a.unsub != nil {
		a.unsub()
	}
}

func (a *App) beforeClose(ctx context.Context) bool { return false }

func (a *App) menuEvent(name string) { runtime.EventsEmit(a.ctx, "menu", name) }

func (a *App) quit() { runtime.Quit(a.ctx) }

var idRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,128}$`)

func checkID(kind, id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("%s id %q is malformed: %w", kind, id, engine.ErrInvalid)
	}
	return nil
}

// Version returns the build's version string.
func (a *App) Version() string { return cli.Version }

// Home returns the data folder in use.
func (a *App) Home() string { return a.home }

// OpenExternal opens a link in the OS browser, never inside the app.
func (a *App) OpenExternal(url string) error {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return fmt.Errorf("only http(s) links open: %w", engine.ErrInvalid)
	}
	runtime.BrowserOpenURL(a.ctx, url)
	return nil
}
