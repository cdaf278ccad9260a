//go:build dev

package main

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// devDropEvent lets the browser end-to-end tests drop files the way the OS does: the dev
// build (never the packaged app) hands this event's {x, y, paths} to the same handler as a
// real drop, so the dropped paths join the chosen ones and "filedrop" reaches the page.
const devDropEvent = "e2e:filedrop"

func (a *App) devHooks(ctx context.Context) {
	runtime.EventsOn(ctx, devDropEvent, func(data ...any) {
		if len(data) == 0 {
			return
		}
		if d, ok := parseDrop(data[0]); ok {
			a.dropped(d.X, d.Y, d.Paths)
		}
	})
}
