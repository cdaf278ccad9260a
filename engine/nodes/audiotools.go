// The audio nodes that run ffmpeg: video.extract_audio, audio.convert and audio.waveform.
package nodes

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// audioFormats are the formats audio.convert and video.extract_audio write: the ffmpeg
// muxer and encoder options, the extension and the mime type.
var audioFormats = map[string]audioFormat{
	"wav":  {[]string{"-c:a", "pcm_s16le", "-f", "wav"}, ".wav", "audio/wav"},
	"mp3":  {[]string{"-c:a", "libmp3lame", "-q:a", "2", "-f", "mp3"}, ".mp3", "audio/mpeg"},
	"ogg":  {[]string{"-c:a", "libvorbis", "-q:a", "5", "-f", "ogg"}, ".ogg", "audio/ogg"},
	"flac": {[]string{"-c:a", "flac", "-f", "flac"}, ".flac", "audio/flac"},
}

var audioFormatNames = []string{"wav", "mp3", "ogg", "flac"}

// audioFormat is how ffmpeg writes one audio format.
type audioFormat struct {
	args      []string
	ext, mime string
}

// audioFormatParam is the format named by param "format" (wav by default).
func audioFormatParam(in *engine.NodeInput) (audioFormat, error) {
	format := in.String("format", "wav")
	af, ok := audioFormats[format]
	if !ok {
		return audioFormat{}, fmt.Errorf("param %q: %q is not one of %s", "format", format, strings.Join(audioFormatNames, ", "))
	}
	return af, nil
}

func runExtractAudio(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src, err := inputMedia(ctx, in, "video", engine.TypeVideo)
	if err != nil {
		return nil, err
	}
	af, err := audioFormatParam(in)
	if err != nil {
		return nil, err
	}
	bin, info, err := ffmpegForStream(ctx, in, src, "video", true, "sound track")
	if err != nil {
		return nil, err
	}
	dir, cleanup, err := tempDir()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	args := append([]string{"-i", "file:" + src.path, "-map", "0:a:0", "-vn", "-sn"}, af.args...)
	return encodeToAsset(ctx, in, bin, args, info.Duration, dir, "audio"+af.ext, "audio", af.mime, stem(src.ref, "video")+af.ext)
}

func runAudioConvert(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src, err := inputMedia(ctx, in, "audio", engine.TypeAudio)
	if err != nil {
		return nil, err
	}
	af, err := audioFormatParam(in)
	if err != nil {
		return nil, err
	}
	rate, err := optionalInt(in, "sample_rate", 8000, 192000)
	if err != nil {
		return nil, err
	}
	channels, err := optionalInt(in, "channels", 1, 8)
	if err != nil {
		return nil, err
	}
	bin, info, err := ffmpegForStream(ctx, in, src, "audio", true, "audio stream")
	if err != nil {
		return nil, err
	}
	start, end, err := span(in, info.Duration)
	if err != nil {
		return nil, err
	}
	dir, cleanup, err := tempDir()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	args := []string{"-ss", secs(start), "-i", "file:" + src.path, "-t", secs(end - start), "-map", "0:a:0", "-vn", "-sn"}
	if rate > 0 {
		args = append(args, "-ar", strconv.Itoa(rate))
	}
	if channels > 0 {
		args = append(args, "-ac", strconv.Itoa(channels))
	}
	args = append(args, af.args...)
	return encodeToAsset(ctx, in, bin, args, end-start, dir, "audio"+af.ext, "audio", af.mime, stem(src.ref, "audio")+af.ext)
}

func runAudioWaveform(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src, err := inputMedia(ctx, in, "audio", engine.TypeAudio)
	if err != nil {
		return nil, err
	}
	width, err := in.Int("width", 800)
	if err != nil {
		return nil, err
	}
	height, err := in.Int("height", 200)
	if err != nil {
		return nil, err
	}
	if err := checkSide("width", width, 16); err != nil {
		return nil, err
	}
	if height < 16 || height > 4096 {
		return nil, fmt.Errorf("param %q: %d is out of range (16..4096)", "height", height)
	}
	bin, info, err := ffmpegForStream(ctx, in, src, "audio", true, "audio stream")
	if err != nil {
		return nil, err
	}
	dir, cleanup, err := tempDir()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	args := []string{"-i", "file:" + src.path, "-filter_complex",
		fmt.Sprintf("[0:a:0]aformat=channel_layouts=mono,showwavespic=s=%dx%d:colors=0x3b82f6[w]", width, height),
		"-map", "[w]", "-frames:v", "1", "-c:v", "png", "-f", "image2"}
	return encodeToAsset(ctx, in, bin, args, info.Duration, dir, "waveform.png", "image", "image/png", stem(src.ref, "audio")+"-waveform.png")
}
