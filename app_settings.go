package main

import (
	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
)

// ListSettings returns the data home's settings (run_cap, max_image_pixels, ffmpeg_path, …)
// with their values and defaults, as `flowbench settings --json` does.
func (a *App) ListSettings() ([]engine.Setting, error) {
	return a.svc.Settings(a.ctx)
}

// SetSetting changes one setting ("" puts back its default) and returns them all; a bad value
// is refused naming the key.
func (a *App) SetSetting(key, value string) ([]engine.Setting, error) {
	if err := a.svc.SetSetting(a.ctx, key, value); err != nil {
		return nil, err
	}
	return a.svc.Settings(a.ctx)
}

// CheckFFmpeg finds ffmpeg and ffprobe as the media nodes would (the ffmpeg_path setting,
// else PATH) and runs `ffmpeg -version`.
func (a *App) CheckFFmpeg() (nodes.FFmpegCheck, error) {
	return nodes.CheckFFmpeg(a.ctx, a.svc.Store()), nil
}
