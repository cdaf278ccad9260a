//go:build !dev

package main

import "context"

// devHooks adds nothing outside the dev build.
func (a *App) devHooks(ctx context.Context) {}

// guardDevServer has nothing to guard outside the dev build.
func guardDevServer() error { return nil }
