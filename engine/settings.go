package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// SettingFFmpegPath is the settings key of the ffmpeg executable (or the folder holding
// ffmpeg and ffprobe) the media nodes run; empty means "find them on PATH".
const SettingFFmpegPath = "ffmpeg_path"

// SettingReader reads one setting of the data home.
type SettingReader interface {
	GetSetting(ctx context.Context, key string) (string, bool, error)
}

// Setting is one known setting as `flowbench settings` shows it.
type Setting struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Default     string `json:"default"`
	Set         bool   `json:"set"`
	Description string `json:"description"`
}

// knownSetting describes a setting the user may change and how a value is checked.
type knownSetting struct {
	key, def, desc string
	check          func(v string) error
}

var knownSettings = []knownSetting{
	{SettingRunCap, strconv.Itoa(DefaultRunCap), "How many runs execute at once (1..64); the rest wait in the queue",
		func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 64 {
				return fmt.Errorf("want a whole number from 1 to 64, got %q", v)
			}
			return nil
		}},
	{SettingMaxImagePixels, strconv.FormatInt(DefaultMaxImagePixels, 10),
		"Largest image (width × height) nodes decode; read when flowbench starts",
		func(v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return fmt.Errorf("want a whole number of pixels above 0, got %q", v)
			}
			return nil
		}},
	{SettingFFmpegPath, "", "The ffmpeg executable, or a folder holding ffmpeg and ffprobe; empty: found on PATH",
		func(v string) error {
			if v == "" {
				return nil
			}
			if !filepath.IsAbs(v) {
				return fmt.Errorf("want an absolute path, got %q", v)
			}
			if _, err := os.Stat(v); err != nil {
				return fmt.Errorf("%s does not exist", v)
			}
			return nil
		}},
	{SettingCache, "on", "Reuse a completed result with the same inputs from any workflow in a run from a block or a changed run (on or off)",
		checkOnOff},
}

// Settings lists the known settings with their stored values.
func (s *Service) Settings(ctx context.Context) ([]Setting, error) {
	out := make([]Setting, 0, len(knownSettings))
	for _, k := range knownSettings {
		v, ok, err := s.store.GetSetting(ctx, k.key)
		if err != nil {
			return nil, err
		}
		st := Setting{Key: k.key, Value: k.def, Default: k.def, Description: k.desc}
		if ok && v != "" {
			st.Value, st.Set = v, true
		}
		out = append(out, st)
	}
	return out, nil
}

// SetSetting checks and stores a known setting; an empty value puts back the default. The
// run cap applies at once; the ffmpeg path is read by each media node when it runs.
func (s *Service) SetSetting(ctx context.Context, key, value string) error {
	value = strings.TrimSpace(value)
	for _, k := range knownSettings {
		if k.key != key {
			continue
		}
		if value != "" {
			if err := k.check(value); err != nil {
				return invalidf(fmt.Sprintf("setting %s: %v", key, err))
			}
		}
		if key == SettingRunCap && value != "" {
			n, _ := strconv.Atoi(value)
			return s.SetRunCap(ctx, n)
		}
		if err := s.store.SetSetting(ctx, key, value); err != nil {
			return err
		}
		if key == SettingRunCap {
			s.capOverride.Store(0)
			s.runs.drain()
		}
		return nil
	}
	names := make([]string, len(knownSettings))
	for i, k := range knownSettings {
		names[i] = k.key
	}
	return invalidf(fmt.Sprintf("unknown setting %q (known: %s)", key, strings.Join(names, ", ")))
}
