package nodes_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// The ffmpeg node tests run the real ffmpeg (a Debian package installed by make setup) on
// tiny media made with its lavfi sources.

// hangGuard only catches a hang: no test asserts how long work took (writing 4,000 frames and
// starting ffmpeg took over 30 s at load 25).
const hangGuard = 90 * time.Second

// needFFmpeg skips when ffmpeg or ffprobe is not installed.
func needFFmpeg(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Skipf("%s is not installed (make setup installs it): skipping the ffmpeg node tests", tool)
		}
	}
}

// makeMedia runs ffmpeg with args (lavfi inputs and output options) writing dir/name.
func makeMedia(tb testing.TB, dir, name string, args ...string) string {
	tb.Helper()
	out := filepath.Join(dir, name)
	all := append([]string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y"}, args...)
	cmd := exec.Command("ffmpeg", append(all, out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("making %s: %v\n%s", name, err, msg)
	}
	return out
}

// testVideo is a 320×240 30 fps H.264 MP4 of seconds length with a 440 Hz sound track.
func testVideo(tb testing.TB, seconds float64) string {
	tb.Helper()
	d := strconv.FormatFloat(seconds, 'f', -1, 64)
	return makeMedia(tb, tb.TempDir(), "clip.mp4",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration="+d,
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration="+d,
		"-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
}

// testAudio is a stereo 44.1 kHz WAV of seconds length.
func testAudio(tb testing.TB, seconds float64) string {
	tb.Helper()
	d := strconv.FormatFloat(seconds, 'f', -1, 64)
	return makeMedia(tb, tb.TempDir(), "tone.wav",
		"-f", "lavfi", "-i", "sine=frequency=330:sample_rate=44100:duration="+d, "-ac", "2", "-c:a", "pcm_s16le")
}

// putFile stores a file as an asset and returns its media value.
func putFile(tb testing.TB, store engine.AssetStore, path, mime string) map[string]any {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	ref, err := store.PutAsset(context.Background(), data, mime, filepath.Base(path))
	if err != nil {
		tb.Fatal(err)
	}
	return map[string]any{"asset": ref.Asset, "mime": ref.Mime, "name": ref.Name}
}

// probed is what ffprobe says about an output.
type probed struct {
	duration      float64
	width, height int
	codec         string // of the first stream
	frames        int    // counted video frames
	sampleRate    int
	channels      int
}

// probeAsset writes an asset to a file and asks ffprobe about it.
func probeAsset(tb testing.TB, store engine.AssetStore, v any) probed {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "probe")
	if err := os.WriteFile(p, assetBytes(tb, store, v), 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-print_format", "json",
		"-show_entries", "format=duration:stream=codec_name,width,height,nb_read_frames,sample_rate,channels", p).Output()
	if err != nil {
		tb.Fatalf("ffprobe: %v", err)
	}
	var doc struct {
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
		Streams []struct {
			Codec      string `json:"codec_name"`
			Width      int    `json:"width"`
			Height     int    `json:"height"`
			Frames     string `json:"nb_read_frames"`
			SampleRate string `json:"sample_rate"`
			Channels   int    `json:"channels"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc.Streams) == 0 {
		tb.Fatalf("ffprobe output %s: %v", out, err)
	}
	s := doc.Streams[0]
	var r probed
	r.duration, _ = strconv.ParseFloat(doc.Format.Duration, 64)
	r.width, r.height, r.codec, r.channels = s.Width, s.Height, s.Codec, s.Channels
	r.frames, _ = strconv.Atoi(s.Frames)
	r.sampleRate, _ = strconv.Atoi(s.SampleRate)
	return r
}

// imageSize reads only the header of an image asset.
func imageSize(tb testing.TB, store engine.AssetStore, v any) (int, int, string) {
	tb.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(assetBytes(tb, store, v)))
	if err != nil {
		tb.Fatalf("output is not an image: %v", err)
	}
	return cfg.Width, cfg.Height, format
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestVideoFrames(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	video := putFile(t, store, testVideo(t, 2), "video/mp4")

	out := mustRunMedia(t, store, "video.frames", map[string]any{"count": 4, "width": 160}, map[string]any{"video": video})
	images, ok := out["images"].([]any)
	if !ok || len(images) != 4 {
		t.Fatalf("images = %v, want 4", out["images"])
	}
	seen := map[string]bool{}
	for i, im := range images {
		w, h, format := imageSize(t, store, im)
		if w != 160 || h != 120 || format != "png" {
			t.Errorf("frame %d is a %d×%d %s, want a 160×120 png", i+1, w, h, format)
		}
		seen[im.(map[string]any)["asset"].(string)] = true
	}
	if len(seen) != 4 {
		t.Errorf("%d distinct frames of 4: the frames were not taken at different times", len(seen))
	}
	if fmt.Sprint(out["image"]) != fmt.Sprint(images[0]) {
		t.Errorf("image = %v, want the first frame %v", out["image"], images[0])
	}

	// fps between start and end: 0.5, 1.0, 1.5 at 2 a second from 0.5 to 2 (no width: as is).
	out = mustRunMedia(t, store, "video.frames", map[string]any{"fps": 2, "start_s": 0.5, "end_s": 2}, map[string]any{"video": video})
	images, _ = out["images"].([]any)
	if len(images) != 3 {
		t.Fatalf("fps 2 from 0.5 s to 2 s gave %d frames, want 3", len(images))
	}
	if w, h, _ := imageSize(t, store, images[0]); w != 320 || h != 240 {
		t.Errorf("frame is %d×%d, want the video's 320×240", w, h)
	}

	// The same frames again are the same assets: the node is deterministic, as declared.
	again := mustRunMedia(t, store, "video.frames", map[string]any{"fps": 2, "start_s": 0.5, "end_s": 2}, map[string]any{"video": video})
	if fmt.Sprint(again["images"]) != fmt.Sprint(out["images"]) {
		t.Errorf("a second run gave other frames: %v vs %v", again["images"], out["images"])
	}
	if !nodeType(t, "video.frames").Deterministic {
		t.Error("video.frames is not declared deterministic")
	}

	for _, c := range []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"start_s": 3}, `"start_s"`},
		{map[string]any{"start_s": -1}, `"start_s"`},
		{map[string]any{"count": 0}, `"count"`},
		{map[string]any{"start_s": 1, "end_s": 0.5}, `"start_s"`},
	} {
		if _, err := runMedia(t, store, "video.frames", c.params, map[string]any{"video": video}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want it to name %s", c.params, err, c.want)
		}
	}
}

func TestVideoThumbnail(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	video := putFile(t, store, testVideo(t, 2), "video/mp4")
	out := mustRunMedia(t, store, "video.thumbnail", map[string]any{"at_s": 1.5}, map[string]any{"video": video})
	if w, h, format := imageSize(t, store, out["image"]); w != 320 || h != 240 || format != "png" {
		t.Fatalf("thumbnail is a %d×%d %s, want a 320×240 png", w, h, format)
	}
	first := mustRunMedia(t, store, "video.thumbnail", nil, map[string]any{"video": video})
	if fmt.Sprint(first["image"]) == fmt.Sprint(out["image"]) {
		t.Error("the frames at 0 s and 1.5 s are the same image")
	}
	_, err := runMedia(t, store, "video.thumbnail", map[string]any{"at_s": 5}, map[string]any{"video": video})
	if err == nil || !strings.Contains(err.Error(), "past the end") {
		t.Fatalf("at_s past the end: err = %v", err)
	}
	// An image where a video is wanted is refused before ffmpeg runs.
	img := putImage(t, store, testImage(8, 8), "x.png")
	if _, err := runMedia(t, store, "video.thumbnail", nil, map[string]any{"video": img}); err == nil || !strings.Contains(err.Error(), "not a video") {
		t.Fatalf("image as video: err = %v", err)
	}
}

func TestVideoTrim(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	video := putFile(t, store, testVideo(t, 3), "video/mp4")
	out := mustRunMedia(t, store, "video.trim", map[string]any{"start_s": 0.5, "end_s": 2}, map[string]any{"video": video})
	ref, _ := engine.AsAssetRef(out["video"])
	if ref.Mime != "video/mp4" {
		t.Errorf("mime = %q", ref.Mime)
	}
	data := assetBytes(t, store, out["video"])
	if len(data) < 12 || string(data[4:8]) != "ftyp" {
		t.Fatalf("output is not an MP4 (%q…)", data[:min(len(data), 12)])
	}
	p := probeAsset(t, store, out["video"])
	if !near(p.duration, 1.5, 0.15) || p.codec != "h264" || p.width != 320 {
		t.Fatalf("trim is %+v, want 1.5 s of 320 wide h264", p)
	}
	if _, err := runMedia(t, store, "video.trim", map[string]any{"start_s": 2, "end_s": 1}, map[string]any{"video": video}); err == nil || !strings.Contains(err.Error(), `"start_s"`) {
		t.Fatalf("start after end: err = %v", err)
	}
}

func TestVideoFromImages(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	// Three images of different sizes and formats: each is fitted into the video's frame.
	jpg := makeMedia(t, t.TempDir(), "c.jpg", "-f", "lavfi", "-i", "testsrc=size=100x50:rate=1", "-frames:v", "1")
	images := []any{
		putImage(t, store, testImage(64, 48), "a.png"),
		putImage(t, store, testImage(30, 90), "b.png"),
		putFile(t, store, jpg, "image/jpeg"),
	}
	out := mustRunMedia(t, store, "video.from_images", map[string]any{"fps": 3}, map[string]any{"images": images})
	p := probeAsset(t, store, out["video"])
	if p.codec != "h264" || p.width != 64 || p.height != 48 || p.frames != 3 || !near(p.duration, 1, 0.1) {
		t.Fatalf("video is %+v, want 3 frames of 64×48 h264 lasting 1 s", p)
	}
	out = mustRunMedia(t, store, "video.from_images", map[string]any{"fps": 1, "width": 33, "height": 40}, map[string]any{"images": images[:2]})
	p = probeAsset(t, store, out["video"])
	if p.width != 32 || p.height != 40 || p.frames != 2 {
		t.Fatalf("video is %+v, want 2 frames of 32×40 (width made even)", p)
	}
	for _, bad := range []any{[]any{}, []any{"text"}, "x"} {
		if _, err := runMedia(t, store, "video.from_images", nil, map[string]any{"images": bad}); err == nil || !strings.Contains(err.Error(), `"images"`) {
			t.Errorf("images %v: err = %v", bad, err)
		}
	}
}

// magic checks an audio file's first bytes for its format.
func magic(data []byte, format string) bool {
	switch format {
	case "wav":
		return len(data) > 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WAVE"
	case "mp3":
		return bytes.HasPrefix(data, []byte("ID3")) || (len(data) > 2 && data[0] == 0xff && data[1]&0xe0 == 0xe0)
	case "ogg":
		return bytes.HasPrefix(data, []byte("OggS"))
	case "flac":
		return bytes.HasPrefix(data, []byte("fLaC"))
	}
	return false
}

func TestVideoExtractAudio(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	video := putFile(t, store, testVideo(t, 1), "video/mp4")
	out := mustRunMedia(t, store, "video.extract_audio", map[string]any{"format": "flac"}, map[string]any{"video": video})
	if data := assetBytes(t, store, out["audio"]); !magic(data, "flac") {
		t.Fatalf("output is not FLAC: %q", data[:min(len(data), 8)])
	}
	if p := probeAsset(t, store, out["audio"]); !near(p.duration, 1, 0.15) {
		t.Fatalf("audio lasts %v s, want 1", p.duration)
	}
	silent := putFile(t, store, makeMedia(t, t.TempDir(), "silent.mp4", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=0.5",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"), "video/mp4")
	if _, err := runMedia(t, store, "video.extract_audio", nil, map[string]any{"video": silent}); err == nil || !strings.Contains(err.Error(), "no sound track") {
		t.Fatalf("video without sound: err = %v", err)
	}
}

func TestAudioConvert(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	audio := putFile(t, store, testAudio(t, 2), "audio/wav")
	mimes := map[string]string{"wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg", "flac": "audio/flac"}
	for _, format := range []string{"wav", "mp3", "ogg", "flac"} {
		out := mustRunMedia(t, store, "audio.convert", map[string]any{"format": format, "start_s": 0.5, "end_s": 1.5},
			map[string]any{"audio": audio})
		ref, _ := engine.AsAssetRef(out["audio"])
		data := assetBytes(t, store, out["audio"])
		if !magic(data, format) || ref.Mime != mimes[format] {
			t.Errorf("%s: a %s file starting %q", format, ref.Mime, data[:min(len(data), 8)])
			continue
		}
		if p := probeAsset(t, store, out["audio"]); !near(p.duration, 1, 0.1) {
			t.Errorf("%s: lasts %v s, want 1", format, p.duration)
		}
	}
	out := mustRunMedia(t, store, "audio.convert", map[string]any{"sample_rate": 16000, "channels": 1}, map[string]any{"audio": audio})
	data := assetBytes(t, store, out["audio"])
	if !magic(data, "wav") || binary.LittleEndian.Uint16(data[22:24]) != 1 || binary.LittleEndian.Uint32(data[24:28]) != 16000 {
		t.Fatalf("want a mono 16 kHz WAV, header %x", data[:min(len(data), 44)])
	}
	// Converting the same audio twice gives the same bytes (deterministic, as declared): no
	// dates, encoder versions or random Ogg stream serials in the files.
	for _, format := range []string{"wav", "ogg", "mp3", "flac"} {
		params := map[string]any{"format": format, "sample_rate": 16000, "channels": 1}
		first := mustRunMedia(t, store, "audio.convert", params, map[string]any{"audio": audio})
		again := mustRunMedia(t, store, "audio.convert", params, map[string]any{"audio": audio})
		if fmt.Sprint(again["audio"]) != fmt.Sprint(first["audio"]) {
			t.Errorf("%s: converting twice gave different files", format)
		}
	}
	if _, err := runMedia(t, store, "audio.convert", map[string]any{"format": "aac"}, map[string]any{"audio": audio}); err == nil || !strings.Contains(err.Error(), `"format"`) {
		t.Fatalf("format aac: err = %v", err)
	}
}

func TestAudioWaveform(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	audio := putFile(t, store, testAudio(t, 1), "audio/wav")
	out := mustRunMedia(t, store, "audio.waveform", map[string]any{"width": 400, "height": 100}, map[string]any{"audio": audio})
	if w, h, format := imageSize(t, store, out["image"]); w != 400 || h != 100 || format != "png" {
		t.Fatalf("waveform is a %d×%d %s, want a 400×100 png", w, h, format)
	}
	// The tone draws something: not every pixel is transparent.
	img := assetImage(t, store, out["image"])
	drawn := false
	for y := 0; y < 100 && !drawn; y++ {
		for x := 0; x < 400; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a > 0 {
				drawn = true
				break
			}
		}
	}
	if !drawn {
		t.Fatal("the waveform image is empty")
	}
}

// TestFFmpegMissing: when the ffmpeg_path setting points nowhere, every ffmpeg node fails
// with how to install ffmpeg on each OS.
func TestFFmpegMissing(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "no-such-ffmpeg")
	if err := store.SetSetting(ctx, engine.SettingFFmpegPath, missing); err != nil {
		t.Fatal(err)
	}
	video := putFile(t, store, writeFile(t, t.TempDir(), "v.mp4", []byte("\x00\x00\x00\x18ftypmp42")), "video/mp4")
	audio := putFile(t, store, writeFile(t, t.TempDir(), "a.wav", wavBytes(8000, 0.1)), "audio/wav")
	img := putImage(t, store, testImage(8, 8), "i.png")
	cases := map[string]map[string]any{
		"video.frames": {"video": video}, "video.thumbnail": {"video": video}, "video.trim": {"video": video},
		"video.from_images": {"images": []any{img}}, "video.extract_audio": {"video": video},
		"audio.convert": {"audio": audio}, "audio.waveform": {"audio": audio},
	}
	for typ, inputs := range cases {
		in := nodeInput(nil, inputs)
		in.Assets, in.Settings = store, store
		_, err := nodeType(t, typ).Run(ctx, in)
		if err == nil {
			t.Errorf("%s ran without ffmpeg", typ)
			continue
		}
		for _, want := range []string{missing, "apt install ffmpeg", "dnf install", "brew install ffmpeg", "winget install", "choco install ffmpeg", "ffmpeg_path"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", typ, err, want)
			}
		}
	}
}

// TestFFmpegPathSetting: the setting may name the ffmpeg executable (ffprobe next to it) or
// a folder holding both.
func TestFFmpegPathSetting(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	dir := t.TempDir()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		p, _ := exec.LookPath(tool)
		if err := os.Symlink(p, filepath.Join(dir, "my-"+tool)); err != nil {
			t.Skipf("cannot make symlinks here: %v", err)
		}
		if err := os.Symlink(p, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	store := newStore(t)
	video := putFile(t, store, testVideo(t, 1), "video/mp4")
	for _, setting := range []string{filepath.Join(dir, "my-ffmpeg"), dir} {
		if err := store.SetSetting(context.Background(), engine.SettingFFmpegPath, setting); err != nil {
			t.Fatal(err)
		}
		in := nodeInput(nil, map[string]any{"video": video})
		in.Assets, in.Settings = store, store
		if _, err := nodeType(t, "video.thumbnail").Run(context.Background(), in); err != nil {
			t.Errorf("ffmpeg_path %s: %v", setting, err)
		}
	}
}

// TestFFmpegFailureSaysWhy: a file ffmpeg cannot read fails the node with ffmpeg's own words.
func TestFFmpegFailureSaysWhy(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	junk := putFile(t, store, writeFile(t, t.TempDir(), "junk.mp4", bytes.Repeat([]byte("not a video "), 100)), "video/mp4")
	_, err := runMedia(t, store, "video.trim", nil, map[string]any{"video": junk})
	if err == nil || !strings.Contains(err.Error(), "junk.mp4") || !strings.Contains(strings.ToLower(err.Error()), "invalid data") {
		t.Fatalf("err = %v, want the file named and ffprobe's message", err)
	}
}

func TestFFmpegParamChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		typ    string
		params map[string]any
		bad    string // the param with a problem, "" for none
	}{
		{"audio.convert", map[string]any{"format": "aac"}, "format"},
		{"audio.convert", map[string]any{"format": "ogg", "sample_rate": 16000.0, "channels": 1.0}, ""},
		{"audio.convert", map[string]any{"sample_rate": 100.0}, "sample_rate"},
		{"audio.convert", map[string]any{"start_s": -1.0}, "start_s"},
		{"video.extract_audio", map[string]any{"format": "mp4"}, "format"},
		{"video.frames", map[string]any{"count": 0.0}, "count"},
		{"video.frames", map[string]any{"count": 16.0, "width": 320.0, "start_s": 1.5}, ""},
		{"video.frames", map[string]any{"fps": 0.0}, "fps"},
		{"video.frames", map[string]any{"end_s": "{{x}}"}, ""},
		{"video.thumbnail", map[string]any{"at_s": -2.0}, "at_s"},
		{"video.trim", map[string]any{"end_s": "soon"}, "end_s"},
		{"video.from_images", map[string]any{"width": 8.0}, "width"},
		{"audio.waveform", map[string]any{"height": 100000.0}, "height"},
	}
	for _, c := range cases {
		var got []string
		for _, p := range paramProblems(t, c.typ, c.params) {
			if p.Param != "" {
				got = append(got, p.Param+": "+p.Message)
			}
		}
		switch {
		case c.bad == "" && len(got) > 0:
			t.Errorf("%s %v: problems %v, want none", c.typ, c.params, got)
		case c.bad != "" && (len(got) != 1 || !strings.HasPrefix(got[0], c.bad+":")):
			t.Errorf("%s %v: problems %v, want one about %s", c.typ, c.params, got, c.bad)
		}
	}
}

// ffmpegChildren lists the ffmpeg processes whose parent is this test process (Linux).
func ffmpegChildren(t *testing.T) []string {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	var found []string
	me := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || !strings.Contains(s[:i], "(ffmpeg") {
			continue
		}
		if f := strings.Fields(s[i+1:]); len(f) > 1 && f[1] == me {
			found = append(found, e.Name())
		}
	}
	return found
}

// TestFFmpegProgressAndCancel runs a long encode through the service: the node reports
// progress read from ffmpeg's -progress output, and cancelling the run kills ffmpeg.
func TestFFmpegProgressAndCancel(t *testing.T) {
	needFFmpeg(t)
	if runtime.GOOS != "linux" {
		t.Skip("the check for a left-over process reads /proc")
	}
	store := memstore.New()
	t.Cleanup(func() { _ = store.Close() })
	// 4000 frames of alternating noise at 1280×720: minutes of encoding on any machine, so
	// the run is certainly still encoding when it is cancelled.
	a := putImage(t, store, noiseImage(64, 36, 1), "a.png")
	b := putImage(t, store, noiseImage(64, 36, 2), "b.png")
	images := make([]any, 4000)
	for i := range images {
		images[i] = a
		if i%2 == 1 {
			images[i] = b
		}
	}
	wf := `{"format": "flowbench.workflow/1", "name": "long encode",
	  "inputs": [{"name": "imgs", "type": "array", "required": true}],
	  "nodes": [
	    {"id": "in", "type": "flow.inputs", "position": {"x": 0, "y": 0}},
	    {"id": "enc", "type": "video.from_images", "params": {"fps": 30, "width": 1280, "height": 720}, "position": {"x": 200, "y": 0}}
	  ],
	  "edges": [{"source": "in", "sourceHandle": "imgs", "target": "enc", "targetHandle": "images"}]}`
	reg, err := sharedRegistry()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: store, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	var progressed atomic.Bool
	progress := make(chan struct{}, 1)
	unsub := svc.Bus.Subscribe(func(e engine.Event) {
		if e.Type == engine.EventProgress && e.NodeID == "enc" && progressed.CompareAndSwap(false, true) {
			progress <- struct{}{}
		}
	})
	defer unsub()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	res, err := svc.Import(ctx, []byte(wf), "")
	if err != nil {
		t.Fatal(err)
	}
	run, err := svc.StartRun(ctx, engine.RunRequest{Workflow: res.WorkflowID, Inputs: map[string]any{"imgs": images}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-progress:
	case <-ctx.Done():
		t.Fatal("no progress from the encode within the hang guard")
	}
	if len(ffmpegChildren(t)) == 0 {
		t.Fatal("no ffmpeg process is running while the node reports progress")
	}
	if err := svc.Cancel(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	run, err = svc.Wait(ctx, run.ID)
	if err != nil {
		t.Fatalf("the run did not end after cancel: %v", err)
	}
	if run.Status != engine.RunCancelled {
		t.Fatalf("run is %s (%s), want cancelled", run.Status, run.Error)
	}
	if left := ffmpegChildren(t); len(left) > 0 {
		t.Fatalf("ffmpeg processes %v are still running after the cancel", left)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("hang guard reached")
	}
}

// noiseImage is a w×h image of seeded pseudo-random colours.
func noiseImage(w, h int, seed uint32) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	x := seed*2654435761 + 1
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

// TestVideoContactSheetFixture runs testdata/video-contact-sheet.json through the service
// with the clip given as @path (as the CLI's --input video=@clip.mp4 does): four frames of
// the clip tiled two by two.
func TestVideoContactSheetFixture(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	run, store := runFixture(t, "video-contact-sheet.json", map[string]any{"video": "@" + testVideo(t, 2)}, nil)
	frames, _ := run.Outputs["frames"].([]any)
	if len(frames) != 4 {
		t.Fatalf("frames = %v, want 4", run.Outputs["frames"])
	}
	if w, h, _ := imageSize(t, store, frames[0]); w != 480 || h != 360 {
		t.Errorf("a frame is %d×%d, want 480×360 (the 320×240 clip at width 480)", w, h)
	}
	if w, h, _ := imageSize(t, store, run.Outputs["sheet"]); w != 2*480+4 || h != 2*480+4 {
		t.Errorf("sheet is %d×%d, want 964×964", w, h)
	}
}

// TestVideoFramesLongerSound: a sound track longer than the picture does not send the
// frames past the last picture; a thumbnail there is refused, naming the video's length.
func TestVideoFramesLongerSound(t *testing.T) {
	needFFmpeg(t)
	t.Parallel()
	store := newStore(t)
	clip := makeMedia(t, t.TempDir(), "short-picture.mp4",
		"-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=1",
		"-f", "lavfi", "-i", "sine=duration=3",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac")
	video := putFile(t, store, clip, "video/mp4")
	out := mustRunMedia(t, store, "video.frames", map[string]any{"count": 4.0}, map[string]any{"video": video})
	if images, _ := out["images"].([]any); len(images) != 4 {
		t.Fatalf("images = %v, want 4", out["images"])
	}
	_, err := runMedia(t, store, "video.thumbnail", map[string]any{"at_s": 2.0}, map[string]any{"video": video})
	if err == nil || !strings.Contains(err.Error(), "past the end of the video (1 s long)") {
		t.Fatalf("thumbnail at 2 s of a 1 s picture: err = %v", err)
	}
}
