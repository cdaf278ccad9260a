package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

type settingsOut struct {
	Settings []struct {
		Key     string `json:"key"`
		Value   string `json:"value"`
		Default string `json:"default"`
		Set     bool   `json:"set"`
	} `json:"settings"`
}

func (s settingsOut) get(key string) (string, bool, bool) {
	for _, x := range s.Settings {
		if x.Key == key {
			return x.Value, x.Set, true
		}
	}
	return "", false, false
}

// TestSettings: settings lists the known settings; set checks and stores one, and an empty
// value puts back the default. Bad keys and values are refused (exit 2) and change nothing.
func TestSettings(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	var out settingsOut
	h.json(&out, "settings", "--json")
	for _, key := range []string{"run_cap", "max_image_pixels", "ffmpeg_path"} {
		if _, set, ok := out.get(key); !ok || set {
			t.Errorf("fresh home: %s listed %v, set %v; want listed, not set", key, ok, set)
		}
	}
	dir := t.TempDir()
	ffmpeg := filepath.Join(dir, "ffmpeg")
	if err := os.WriteFile(ffmpeg, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.ok("settings", "set", "ffmpeg_path", ffmpeg)
	h.ok("settings", "set", "run_cap", "3")
	h.json(&out, "settings", "--json")
	if v, set, _ := out.get("ffmpeg_path"); v != ffmpeg || !set {
		t.Errorf("ffmpeg_path = %q (set %v), want %s", v, set, ffmpeg)
	}
	if v, _, _ := out.get("run_cap"); v != "3" {
		t.Errorf("run_cap = %q, want 3", v)
	}
	if r := h.ok("settings"); !strings.Contains(r.stdout, ffmpeg) || !strings.Contains(r.stdout, "ffmpeg_path") {
		t.Errorf("settings does not show the ffmpeg path:\n%s", r)
	}

	h.refused([]string{"ffmpeg_path", "does not exist"}, "settings", "set", "ffmpeg_path", filepath.Join(dir, "nope"))
	h.refused([]string{"ffmpeg_path", "absolute"}, "settings", "set", "ffmpeg_path", "ffmpeg")
	h.refused([]string{"run_cap", "1 to 64"}, "settings", "set", "run_cap", "0")
	h.refused([]string{"unknown setting", "colour"}, "settings", "set", "colour", "red")
	h.refused([]string{"settings set KEY VALUE"}, "settings", "set", "run_cap")
	h.json(&out, "settings", "--json")
	if v, _, _ := out.get("ffmpeg_path"); v != ffmpeg {
		t.Errorf("a refused set changed ffmpeg_path to %q", v)
	}

	h.ok("settings", "set", "ffmpeg_path", "")
	h.json(&out, "settings", "--json")
	if v, set, _ := out.get("ffmpeg_path"); v != "" || set {
		t.Errorf("after clearing, ffmpeg_path = %q (set %v)", v, set)
	}
}

// TestSettingsFFmpegPathReachesNodes: a run after `settings set ffmpeg_path` uses that path;
// one pointing at a folder without ffmpeg fails the node with the install hint.
func TestSettingsFFmpegPathReachesNodes(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg is not installed (make setup installs it)")
	}
	t.Parallel()
	h := newHome(t)
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	if msg, err := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
		"testsrc=size=96x64:rate=10:duration=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip).CombinedOutput(); err != nil {
		t.Fatalf("making a clip: %v %s", err, msg)
	}
	h.ok("import", filepath.Join("..", "testdata", "video-contact-sheet.json"))
	empty := t.TempDir()
	h.ok("settings", "set", "ffmpeg_path", empty)
	r := h.run("run", "Video contact sheet", "--input", "video=@"+clip)
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "apt install ffmpeg") {
		t.Fatalf("want the run to fail with the install hint:\n%s", r)
	}
	h.ok("settings", "set", "ffmpeg_path", "")
	var run struct {
		Status  string         `json:"status"`
		Outputs map[string]any `json:"outputs"`
	}
	h.json(&run, "run", "Video contact sheet", "--input", "video=@"+clip, "--json")
	if run.Status != "completed" || run.Outputs["sheet"] == nil {
		t.Fatalf("contact sheet run: %+v", run)
	}
}

// TestSettingsCheckFFmpeg: settings check ffmpeg finds ffmpeg as the media nodes would and
// reports its version; a setting pointing nowhere is exit 1 saying why; bad usage exit 2.
func TestSettingsCheckFFmpeg(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	var res struct {
		OK      bool   `json:"ok"`
		FFmpeg  string `json:"ffmpeg"`
		Version string `json:"version"`
		Error   string `json:"error"`
	}
	h.json(&res, "settings", "check", "ffmpeg", "--json")
	if !res.OK || res.FFmpeg == "" || !strings.HasPrefix(res.Version, "ffmpeg version ") {
		t.Fatalf("check = %+v", res)
	}
	h.ok("settings", "set", "ffmpeg_path", t.TempDir())
	r := h.run("settings", "check", "ffmpeg")
	if r.code != 1 || !strings.Contains(r.stdout, "not usable") || !strings.Contains(r.stdout, "Install ffmpeg") {
		t.Fatalf("check with a folder without ffmpeg: %s", r)
	}
	h.refused([]string{"settings check ffmpeg"}, "settings", "check", "nothing")
}
