package nodes

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// How the media nodes run ffmpeg and ffprobe (SPEC §12): found on PATH or through the
// ffmpeg_path setting; progress read from -progress pipe:1; cancelling the run kills the
// process; a failure carries the end of what ffmpeg wrote on stderr.

const (
	// ffmpegWaitDelay is how long a killed ffmpeg may take to close its pipes.
	ffmpegWaitDelay = 2 * time.Second
	// stderrTail is how much of ffmpeg's stderr a node error keeps (its last lines).
	stderrTail = 2048
)

// ffmpegInstallHint says how to install ffmpeg on each OS and how to point Flowbench at it.
const ffmpegInstallHint = "Install ffmpeg (it includes ffprobe): " +
	"Debian/Ubuntu: sudo apt install ffmpeg; " +
	"Fedora: sudo dnf install ffmpeg-free (or ffmpeg from RPM Fusion); " +
	"macOS: brew install ffmpeg; " +
	"Windows: winget install Gyan.FFmpeg (or choco install ffmpeg). " +
	"Or point Flowbench at it: flowbench settings set ffmpeg_path /path/to/ffmpeg"

// errToolMissing marks a node error caused by ffmpeg or ffprobe not being found.
var errToolMissing = errors.New("not installed")

// toolError is a missing ffmpeg or ffprobe, with where it was looked for.
type toolError struct{ tool, where string }

func (e *toolError) Error() string {
	return fmt.Sprintf("%s was not found (%s). %s", e.tool, e.where, ffmpegInstallHint)
}

func (e *toolError) Unwrap() error { return errToolMissing }

// findTool locates ffmpeg or ffprobe (name): the ffmpeg_path setting (the ffmpeg executable,
// ffprobe next to it, or a folder holding both) when set, else PATH.
func findTool(ctx context.Context, in *engine.NodeInput, name string) (string, error) {
	setting := ""
	if in.Settings != nil {
		v, ok, err := in.Settings.GetSetting(ctx, engine.SettingFFmpegPath)
		if err != nil {
			return "", fmt.Errorf("reading the %s setting: %w", engine.SettingFFmpegPath, err)
		}
		if ok {
			setting = strings.TrimSpace(v)
		}
	}
	if setting == "" {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", &toolError{tool: name, where: "not on PATH, and the " + engine.SettingFFmpegPath + " setting is empty"}
		}
		return p, nil
	}
	where := "the " + engine.SettingFFmpegPath + " setting is " + setting
	st, err := os.Stat(setting)
	if err != nil {
		return "", &toolError{tool: name, where: where + ", which does not exist"}
	}
	p := setting
	switch {
	case st.IsDir():
		p = filepath.Join(setting, name)
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
	case name != "ffmpeg":
		base := filepath.Base(setting)
		if !strings.Contains(base, "ffmpeg") {
			return "", &toolError{tool: name, where: where + ", and no " + name + " can be found next to it"}
		}
		p = filepath.Join(filepath.Dir(setting), strings.Replace(base, "ffmpeg", name, 1))
	}
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		return "", &toolError{tool: name, where: where + ", and " + p + " does not exist"}
	}
	return p, nil
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) > w.max {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-w.max:]...)
	}
	return len(p), nil
}

// String is the kept text, starting at a whole line when it was cut.
func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := string(w.buf)
	if len(w.buf) >= w.max {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	return strings.TrimSpace(s)
}

// ffmpegRun is one ffmpeg invocation.
type ffmpegRun struct {
	bin  string
	args []string // after the common options
	// duration is the length in seconds of what is written, for progress; 0: unknown.
	duration float64
	// progress, when set, receives completion in 0..1 read from -progress pipe:1.
	progress func(float64)
}

// commonArgs start every ffmpeg command: quiet except errors, never read stdin or ask, and
// output without the encoder's version or dates so equal inputs give equal bytes.
var commonArgs = []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y"}

// bitexact are output options that keep version strings, dates and random stream serial
// numbers out of the file.
var bitexact = []string{"-map_metadata", "-1", "-fflags", "+bitexact", "-flags", "+bitexact"}

// run executes the command. Cancelling ctx kills the process; the error then wraps ctx's.
func (r ffmpegRun) run(ctx context.Context) error {
	args := append([]string{}, commonArgs...)
	if r.progress != nil {
		args = append(args, "-progress", "pipe:1", "-nostats")
	}
	args = append(args, r.args...)
	cmd := exec.CommandContext(ctx, r.bin, args...)
	cmd.WaitDelay = ffmpegWaitDelay
	stderr := &tailWriter{max: stderrTail}
	cmd.Stderr = stderr
	var stdout *bufio.Scanner
	if r.progress != nil {
		pipe, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		stdout = bufio.NewScanner(pipe)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", r.bin, err)
	}
	if stdout != nil {
		readProgress(stdout, r.duration, r.progress)
	}
	err := cmd.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("ffmpeg stopped: %w", ctx.Err())
	}
	if err != nil {
		msg := stderr.String()
		if msg == "" {
			msg = "(ffmpeg said nothing on stderr)"
		}
		return fmt.Errorf("ffmpeg failed (%v): %s", err, msg)
	}
	return nil
}

// readProgress reads ffmpeg's -progress key=value lines until the pipe closes, reporting
// out_time against duration.
func readProgress(sc *bufio.Scanner, duration float64, report func(float64)) {
	last := -1.0
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		var p float64
		switch key {
		case "out_time_us", "out_time_ms": // both are microseconds
			us, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || duration <= 0 {
				continue
			}
			p = min(max(us/1e6/duration, 0), 1)
		case "progress":
			if val != "end" {
				continue
			}
			p = 1
		default:
			continue
		}
		if p != last {
			last = p
			report(p)
		}
	}
}

// mediaInfo is what ffprobe says about a media file.
type mediaInfo struct {
	Duration      float64 // seconds, 0 when unknown
	VideoDuration float64 // of the first video stream, seconds, 0 when unknown
	Width, Height int     // of the first video stream
	HasVideo      bool
	HasAudio      bool
}

// probeMedia runs ffprobe on a file.
func probeMedia(ctx context.Context, in *engine.NodeInput, path string) (mediaInfo, error) {
	bin, err := findTool(ctx, in, "ffprobe")
	if err != nil {
		return mediaInfo{}, err
	}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(pctx, bin, "-v", "error", "-print_format", "json",
		"-show_entries", "format=duration:stream=codec_type,width,height,duration", "file:"+path)
	cmd.WaitDelay = ffmpegWaitDelay
	stderr := &tailWriter{max: stderrTail}
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return mediaInfo{}, fmt.Errorf("ffprobe stopped: %w", ctx.Err())
	}
	if err != nil {
		return mediaInfo{}, fmt.Errorf("ffprobe could not read the file (%v): %s", err, stderr.String())
	}
	var doc struct {
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
		Streams []struct {
			CodecType string `json:"codec_type"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
			Duration  string `json:"duration"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return mediaInfo{}, fmt.Errorf("ffprobe gave unreadable output: %v", err)
	}
	var mi mediaInfo
	mi.Duration, _ = strconv.ParseFloat(doc.Format.Duration, 64)
	for _, s := range doc.Streams {
		switch s.CodecType {
		case "video":
			if !mi.HasVideo {
				mi.HasVideo, mi.Width, mi.Height = true, s.Width, s.Height
				mi.VideoDuration, _ = strconv.ParseFloat(s.Duration, 64)
			}
		case "audio":
			mi.HasAudio = true
		default:
			continue
		}
		if d, err := strconv.ParseFloat(s.Duration, 64); err == nil && mi.Duration <= 0 {
			mi.Duration = d
		}
	}
	if mi.Duration < 0 {
		mi.Duration = 0
	}
	if mi.VideoDuration <= 0 || mi.VideoDuration > mi.Duration && mi.Duration > 0 {
		mi.VideoDuration = mi.Duration
	}
	return mi, nil
}

// h264Encoders caches, per ffmpeg executable, the H.264 encoder it has ("" when none).
var h264Encoders sync.Map

// h264Encoder picks libx264, else libopenh264, from what ffmpeg lists.
func h264Encoder(ctx context.Context, bin string) (string, error) {
	if v, ok := h264Encoders.Load(bin); ok {
		return v.(string), nil
	}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(pctx, bin, "-hide_banner", "-nostdin", "-encoders")
	cmd.WaitDelay = ffmpegWaitDelay
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return "", fmt.Errorf("ffmpeg stopped: %w", ctx.Err())
	}
	if err != nil {
		return "", fmt.Errorf("listing ffmpeg's encoders: %v", err)
	}
	enc := ""
	for _, want := range []string{"libx264", "libopenh264"} {
		if bytes.Contains(out, []byte(" "+want+" ")) {
			enc = want
			break
		}
	}
	h264Encoders.Store(bin, enc)
	return enc, nil
}

// h264Args are the encoder options of an H.264 MP4 video stream.
func h264Args(enc string) []string {
	if enc == "libx264" {
		return []string{"-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"}
	}
	return []string{"-c:v", enc, "-b:v", "4M", "-pix_fmt", "yuv420p"}
}
