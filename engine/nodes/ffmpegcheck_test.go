package nodes_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/nodes"
)

// settingsMap is a SettingReader over a map.
type settingsMap map[string]string

func (m settingsMap) GetSetting(_ context.Context, key string) (string, bool, error) {
	v, ok := m[key]
	return v, ok, nil
}

func TestCheckFFmpeg(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is not installed (make setup installs it)")
	}
	ctx := context.Background()
	// PATH, then the setting naming the executable, then its folder
	for _, s := range []settingsMap{{}, {engine.SettingFFmpegPath: bin}, {engine.SettingFFmpegPath: filepath.Dir(bin)}} {
		res := nodes.CheckFFmpeg(ctx, s)
		if !res.OK || !strings.HasPrefix(res.Version, "ffmpeg version ") || res.FFprobe == "" || res.Error != "" {
			t.Fatalf("check with %v = %+v", s, res)
		}
	}
	// a path that does not exist, and a folder without ffmpeg: why, and how to install it
	for _, p := range []string{"/nonexistent/ffmpeg", t.TempDir()} {
		res := nodes.CheckFFmpeg(ctx, settingsMap{engine.SettingFFmpegPath: p})
		if res.OK || !strings.Contains(res.Error, p) || !strings.Contains(res.Error, "apt install ffmpeg") {
			t.Fatalf("check with %s = %+v", p, res)
		}
	}
	// an executable that is not ffmpeg
	fake := filepath.Join(t.TempDir(), "ffmpeg")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if res := nodes.CheckFFmpeg(ctx, settingsMap{engine.SettingFFmpegPath: fake}); res.OK || !strings.Contains(res.Error, fake+" -version failed") {
		t.Fatalf("check of a broken ffmpeg = %+v", res)
	}
}
