//go:build dev

package main

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Events of the dev build (never the packaged app) that let the browser end-to-end tests act
// as the person at the OS: devDropEvent's {x, y, paths} goes to the same handler as a real
// drop (the paths join the chosen ones and "filedrop" reaches the page); devChooseEvent's
// {paths, token} does what choosing them in a file dialog does, then devChosenEvent answers
// with the token.
const (
	devDropEvent   = "e2e:filedrop"
	devChooseEvent = "e2e:choose"
	devChosenEvent = "e2e:chosen"
)

func (a *App) devHooks(ctx context.Context) {
	runtime.EventsOn(ctx, devDropEvent, func(data ...any) {
		if len(data) == 0 {
			return
		}
		if d, ok := parseDrop(data[0]); ok {
			a.dropped(d.X, d.Y, d.Paths)
		}
	})
	runtime.EventsOn(ctx, devChooseEvent, func(data ...any) {
		if len(data) == 0 {
			return
		}
		if d, ok := parseDrop(data[0]); ok {
			a.chosen.add(d.Paths...)
			m, _ := data[0].(map[string]any)
			a.emit(a.ctx, devChosenEvent, m["token"])
		}
	})
}
