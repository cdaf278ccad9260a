package nodes

import (
	"context"
	"os/exec"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// FFmpegCheck is what checking the ffmpeg the media nodes would run found: where ffmpeg and
// ffprobe are and the version ffmpeg reports, or why they cannot be used.
type FFmpegCheck struct {
	OK bool `json:"ok"`
	// Setting is the ffmpeg_path setting checked ("" when PATH is searched).
	Setting string `json:"setting"`
	FFmpeg  string `json:"ffmpeg"`
	FFprobe string `json:"ffprobe"`
	// Version is the first line of `ffmpeg -version`.
	Version string `json:"version"`
	Error   string `json:"error,omitempty"`
}

// CheckFFmpeg finds ffmpeg and ffprobe as the media nodes do (the ffmpeg_path setting, else
// PATH) and runs `ffmpeg -version`.
func CheckFFmpeg(ctx context.Context, settings engine.SettingReader) FFmpegCheck {
	var res FFmpegCheck
	if settings != nil {
		if v, ok, err := settings.GetSetting(ctx, engine.SettingFFmpegPath); err == nil && ok {
			res.Setting = strings.TrimSpace(v)
		}
	}
	in := &engine.NodeInput{Settings: settings}
	bin, err := findTool(ctx, in, "ffmpeg")
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.FFmpeg = bin
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-hide_banner", "-version").Output()
	if err != nil {
		res.Error = bin + " -version failed: " + err.Error() + ". " + ffmpegInstallHint
		return res
	}
	res.Version, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	probe, err := findTool(ctx, in, "ffprobe")
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.FFprobe = probe
	res.OK = true
	return res
}
