package main

import "github.com/flowbench/flowbench/engine"

// Settings lists the data home's settings as `flowbench settings` does.
func (a *App) Settings() ([]engine.Setting, error) { return a.svc.Settings(a.ctx) }

// SetSetting checks and stores one setting (an empty value puts back the default), as
// `flowbench settings set KEY VALUE` does.
func (a *App) SetSetting(key, value string) error { return a.svc.SetSetting(a.ctx, key, value) }
