package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/flowbench/flowbench/engine"
)

// chosenPaths are the files the person chose in a file dialog or dropped on the window in
// this session: the only paths bound methods read (SPEC §17). A page that calls a bound
// method with a path of its own making is refused.
type chosenPaths struct {
	mu  sync.Mutex
	set map[string]bool
}

// add records paths the person chose or dropped.
func (c *chosenPaths) add(paths ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set == nil {
		c.set = map[string]bool{}
	}
	for _, p := range paths {
		if p != "" && filepath.IsAbs(p) {
			c.set[filepath.Clean(p)] = true
		}
	}
}

// check is the engine.PathGuard of the window: nil for a chosen path, else why not.
func (c *chosenPaths) check(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("path %q is not absolute: %w", path, engine.ErrInvalid)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.set[filepath.Clean(path)] {
		return fmt.Errorf("%s was not chosen in a file dialog or dropped on the window: only those files can be read: %w",
			path, engine.ErrInvalid)
	}
	return nil
}

// parseDrop reads a drop ({x, y, paths}) that arrived as an event's decoded JSON.
func parseDrop(v any) (FileDrop, bool) {
	data, err := json.Marshal(v)
	if err != nil {
		return FileDrop{}, false
	}
	var d FileDrop
	if err := json.Unmarshal(data, &d); err != nil || len(d.Paths) == 0 {
		return FileDrop{}, false
	}
	return d, true
}

// dropped handles files dropped from the OS: they become chosen paths, then the window hears
// of them ("filedrop") and decides what to do with them.
func (a *App) dropped(x, y int, paths []string) {
	a.chosen.add(paths...)
	a.emit(a.ctx, "filedrop", FileDrop{X: x, Y: y, Paths: paths})
}
