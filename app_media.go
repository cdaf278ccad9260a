// Media files from the window: imported into the asset store when the person chose or dropped them.

package main

import (
	"fmt"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/flowbench/flowbench/engine"
)

// ImportMedia copies a local file into the asset store. kind is image, audio, video or file.
// Only a file the person dropped on the window or chose in a dialog in this session is
// read; its content must match kind.
func (a *App) ImportMedia(path, kind string) (engine.AssetRef, error) {
	if !filepath.IsAbs(path) {
		return engine.AssetRef{}, fmt.Errorf("path %q is not absolute: %w", path, engine.ErrInvalid)
	}
	switch kind {
	case engine.TypeImage, engine.TypeAudio, engine.TypeVideo, engine.TypeFile, "":
	default:
		return engine.AssetRef{}, fmt.Errorf("unknown media kind %q: %w", kind, engine.ErrInvalid)
	}
	return a.svc.ImportFile(a.ctx, path, kind)
}

// pickTitle is the file dialog's title for a media kind: "Choose an image file".
func pickTitle(kind string) string {
	if kind == "" {
		return "Choose a file"
	}
	return "Choose " + engine.Article(kind) + " file"
}

// PickMedia asks for a file of the given kind and imports it ("" asset when cancelled).
func (a *App) PickMedia(kind string) (engine.AssetRef, error) {
	path, err := runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{Title: pickTitle(kind)})
	if err != nil || path == "" {
		return engine.AssetRef{}, err
	}
	a.chosen.add(path)
	return a.ImportMedia(path, kind)
}

// PickFile asks for a file path without importing it (linked files).
func (a *App) PickFile(title string) (string, error) {
	path, err := runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{Title: title})
	if err == nil {
		a.chosen.add(path)
	}
	return path, err
}
