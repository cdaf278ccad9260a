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

// SetProviderKey keeps a provider's API key in the OS keychain ("" removes it); never in the
// database. Without a usable keychain the error says so.
func (a *App) SetProviderKey(name, key string) error {
	return a.svc.SetProviderKey(a.ctx, name, key)
}

// ProviderKeyState says where a provider's API key comes from, for Settings → Providers:
// "env" (its api_key_env), "keychain", "none", or "unavailable" (no OS keychain here).
func (a *App) ProviderKeyState(name string) (string, error) {
	ps, err := a.svc.ListProviders(a.ctx)
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if p.Name == name && p.APIKeyEnv != "" {
			return "env", nil
		}
	}
	in, err := a.svc.ProviderKeyInKeychain(name)
	switch {
	case err != nil:
		return "unavailable", nil
	case in:
		return "keychain", nil
	}
	return "none", nil
}
