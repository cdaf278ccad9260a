package main

import "context"

// App is the one type bound to the window: thin methods over the engine.
type App struct {
	ctx context.Context
}

// NewApp returns an App; the engine is attached at startup.
func NewApp() *App { return &App{} }

func (a *App) startup(ctx context.Context) { a.ctx = ctx }

func (a *App) shutdown(ctx context.Context) {}

// Version returns the build's version string.
func (a *App) Version() string { return "0.1.0" }
