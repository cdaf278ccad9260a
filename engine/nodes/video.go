package nodes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/flowbench/flowbench/engine"
)

// The ffmpeg nodes of SPEC §12: video.frames, video.thumbnail, video.trim, video.from_images,
// video.extract_audio, audio.convert and audio.waveform. They read their input asset where
// the store keeps it, write ffmpeg's output to a temporary folder and store it as an asset.

const (
	// maxFrames bounds the images video.frames and video.from_images handle in one run.
	maxFrames = 1000
	// framesPerProcess is how many frames one ffmpeg process of video.frames takes at most.
	framesPerProcess = 8
)

// registerVideo adds the ffmpeg nodes.
func registerVideo(r *engine.Registry) error {
	videoIn := []engine.Handle{{Name: "video", Type: engine.TypeVideo, Required: true, Description: "The video"}}
	audioIn := []engine.Handle{{Name: "audio", Type: engine.TypeAudio, Required: true, Description: "The audio"}}
	formatParam := func(def string) engine.ParamSpec {
		return engine.ParamSpec{Name: "format", Kind: engine.ParamSelect, Label: "Format", Default: def,
			Options: audioFormatNames, Description: "wav (PCM 16-bit), mp3, ogg (Vorbis) or flac"}
	}
	return registerAll(r,
		engine.NodeType{
			Type:  "video.frames",
			Group: "media",
			Title: "Video frames",
			Description: "Images taken from a video with ffmpeg: Count frames evenly spaced (the middle " +
				"of equal parts) or FPS frames a second, between Start and End. Each frame is a seek, " +
				"so a long video is not decoded whole.",
			Inputs: videoIn,
			Outputs: []engine.Handle{
				{Name: "images", Type: engine.TypeArray, Description: "The frames as PNG images, in time order"},
				{Name: "image", Type: engine.TypeImage, Description: "The first frame"},
			},
			Params: []engine.ParamSpec{
				intParam("count", "Count", "How many frames, evenly spaced (ignored when FPS is set)", 8, 1, maxFrames),
				{Name: "fps", Kind: engine.ParamNumber, Label: "FPS", Check: checkFPS,
					Description: "Frames a second instead of a count (at most 1000 frames)"},
				secondsParam("start_s", "Start (s)", "Where to start, in seconds (default 0)"),
				secondsParam("end_s", "End (s)", "Where to stop, in seconds (default: the end of the video)"),
				intParam("width", "Width", "Scale frames to this width, keeping the aspect ratio (default: as is)", nil, 16, maxImageSide),
			},
			Deterministic: true,
			Run:           runVideoFrames,
		},
		engine.NodeType{
			Type:          "video.thumbnail",
			Group:         "media",
			Title:         "Video thumbnail",
			Description:   "One frame of a video, at a time in seconds, as a PNG image (ffmpeg).",
			Inputs:        videoIn,
			Outputs:       []engine.Handle{{Name: "image", Type: engine.TypeImage, Description: "The frame"}},
			Params:        []engine.ParamSpec{secondsParam("at_s", "At (s)", "Time of the frame in seconds (default 0)")},
			Deterministic: true,
			Run:           runVideoThumbnail,
		},
		engine.NodeType{
			Type:  "video.trim",
			Group: "media",
			Title: "Trim video",
			Description: "The part of a video between Start and End, re-encoded as an H.264 MP4 (with AAC " +
				"audio when it has sound) so the cut is exact (ffmpeg).",
			Inputs:  videoIn,
			Outputs: []engine.Handle{{Name: "video", Type: engine.TypeVideo, Description: "The trimmed video (MP4)"}},
			Params: []engine.ParamSpec{
				secondsParam("start_s", "Start (s)", "Where the part starts, in seconds (default 0)"),
				secondsParam("end_s", "End (s)", "Where it ends, in seconds (default: the end of the video)"),
			},
			Deterministic: true,
			Run:           runVideoTrim,
		},
		engine.NodeType{
			Type:  "video.from_images",
			Group: "media",
			Title: "Video from images",
			Description: "An H.264 MP4 showing images one after another at FPS images a second; each is " +
				"fitted into Width × Height (default: the first image's size) on black (ffmpeg).",
			Inputs: []engine.Handle{{Name: "images", Type: engine.TypeArray, Required: true,
				Description: "The images, in order"}},
			Outputs: []engine.Handle{{Name: "video", Type: engine.TypeVideo, Description: "The video (MP4)"}},
			Params: []engine.ParamSpec{
				{Name: "fps", Kind: engine.ParamNumber, Label: "FPS", Default: 2, Check: checkFPS,
					Description: "Images a second"},
				intParam("width", "Width", "Video width (default: the first image's, made even)", nil, 16, maxImageSide),
				intParam("height", "Height", "Video height (default: the first image's, made even)", nil, 16, maxImageSide),
			},
			Deterministic: true,
			Run:           runVideoFromImages,
		},
		engine.NodeType{
			Type:          "video.extract_audio",
			Group:         "media",
			Title:         "Extract audio",
			Description:   "The sound track of a video as an audio file (ffmpeg).",
			Inputs:        videoIn,
			Outputs:       []engine.Handle{{Name: "audio", Type: engine.TypeAudio, Description: "The sound track"}},
			Params:        []engine.ParamSpec{formatParam("wav")},
			Deterministic: true,
			Run:           runExtractAudio,
		},
		engine.NodeType{
			Type:  "audio.convert",
			Group: "media",
			Title: "Convert audio",
			Description: "Audio re-encoded as WAV, MP3, Ogg or FLAC, optionally resampled, mixed to fewer " +
				"channels and cut between Start and End (ffmpeg).",
			Inputs:  audioIn,
			Outputs: []engine.Handle{{Name: "audio", Type: engine.TypeAudio, Description: "The converted audio"}},
			Params: []engine.ParamSpec{
				formatParam("wav"),
				intParam("sample_rate", "Sample rate", "Samples a second, e.g. 16000 or 44100 (default: as is)", nil, 8000, 192000),
				intParam("channels", "Channels", "1 for mono, 2 for stereo (default: as is)", nil, 1, 8),
				secondsParam("start_s", "Start (s)", "Where to start, in seconds (default 0)"),
				secondsParam("end_s", "End (s)", "Where to stop, in seconds (default: the end)"),
			},
			Deterministic: true,
			Run:           runAudioConvert,
		},
		engine.NodeType{
			Type:  "audio.waveform",
			Group: "media",
			Title: "Audio waveform",
			Description: "A picture of an audio file's waveform (ffmpeg showwavespic), as a PNG image " +
				"with a transparent background.",
			Inputs:  audioIn,
			Outputs: []engine.Handle{{Name: "image", Type: engine.TypeImage, Description: "The waveform"}},
			Params: []engine.ParamSpec{
				intParam("width", "Width", "Image width in pixels", 800, 16, 8192),
				intParam("height", "Height", "Image height in pixels", 200, 16, 4096),
			},
			Deterministic: true,
			Run:           runAudioWaveform,
		},
	)
}

// frameWorkers is how many ffmpeg processes video.frames runs at once: one a core, 2 to 4.
func frameWorkers() int { return min(max(runtime.NumCPU(), 2), 4) }

// mediaSource is a node's media input: the asset and the file ffmpeg reads.
type mediaSource struct {
	ref  engine.AssetRef
	path string
}

// inputMedia resolves input handle name, which must be an asset of the given kind, to a
// file ffmpeg can read.
func inputMedia(ctx context.Context, in *engine.NodeInput, name, kind string) (mediaSource, error) {
	v, err := requireInput(in, name)
	if err != nil {
		return mediaSource{}, err
	}
	ref, ok := engine.AsAssetRef(v)
	if !ok {
		return mediaSource{}, fmt.Errorf("input %q: a %s is not %s (want an asset reference)", name, typeName(v), article(kind)+" "+kind)
	}
	if m := ref.Mime; m != "" && !strings.HasPrefix(m, kind+"/") && m != "application/ogg" &&
		!(kind == engine.TypeAudio && strings.HasPrefix(m, "video/")) {
		return mediaSource{}, fmt.Errorf("input %q: %s is %s, not %s %s", name, displayName(ref), m, article(kind), kind)
	}
	if in.Assets == nil {
		return mediaSource{}, fmt.Errorf("input %q: no asset store", name)
	}
	p, err := in.Assets.AssetPath(ref.Asset)
	if err != nil {
		return mediaSource{}, fmt.Errorf("input %q (%s): %w", name, displayName(ref), err)
	}
	return mediaSource{ref: ref, path: p}, nil
}

// ffmpegFor finds ffmpeg and probes the source with ffprobe.
func ffmpegFor(ctx context.Context, in *engine.NodeInput, src mediaSource) (string, mediaInfo, error) {
	bin, err := findTool(ctx, in, "ffmpeg")
	if err != nil {
		return "", mediaInfo{}, err
	}
	info, err := probeMedia(ctx, in, src.path)
	if err != nil {
		return "", mediaInfo{}, fmt.Errorf("%s: %w", displayName(src.ref), err)
	}
	return bin, info, nil
}

// ffmpegForStream is ffmpegFor for a node that needs src's audio (audio) or video stream: an
// error naming input handle and the missing stream (what) when src has none.
func ffmpegForStream(ctx context.Context, in *engine.NodeInput, src mediaSource, handle string, audio bool, what string) (string, mediaInfo, error) {
	bin, info, err := ffmpegFor(ctx, in, src)
	if err != nil {
		return "", mediaInfo{}, err
	}
	has := info.HasVideo
	if audio {
		has = info.HasAudio
	}
	if !has {
		return "", mediaInfo{}, fmt.Errorf("input %q: %s has no %s", handle, displayName(src.ref), what)
	}
	return bin, info, nil
}

// tempDir makes a folder for ffmpeg's output, removed by the returned func.
func tempDir() (string, func(), error) {
	dir, err := os.MkdirTemp("", "flowbench-ffmpeg-*")
	if err != nil {
		return "", nil, fmt.Errorf("making a temporary folder: %w", err)
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}

// h264Output finds bin's H.264 encoder (an error when it has none) and makes a temporary
// folder for the output, removed by the returned func.
func h264Output(ctx context.Context, bin string) (enc, dir string, cleanup func(), err error) {
	if enc, err = h264Encoder(ctx, bin); err != nil {
		return "", "", nil, err
	}
	if enc == "" {
		return "", "", nil, fmt.Errorf("this ffmpeg (%s) has no H.264 encoder (libx264 or libopenh264). %s", bin, ffmpegInstallHint)
	}
	if dir, cleanup, err = tempDir(); err != nil {
		return "", "", nil, err
	}
	return enc, dir, cleanup, nil
}

// stem is an asset name without its extension, for naming outputs after their source.
func stem(ref engine.AssetRef, def string) string {
	s := strings.TrimSuffix(ref.Name, filepath.Ext(ref.Name))
	if s == "" {
		return def
	}
	return s
}

// extractFrames writes the frames at times (scaled to width when > 0) as PNGs into dir,
// one ffmpeg process for them all with one input each, seeking (-ss before -i) to its time:
// nothing before a frame's keyframe is decoded, and the process starts once for several
// frames. It returns the images' bytes in order.
func extractFrames(ctx context.Context, in *engine.NodeInput, bin, src, dir string, times []float64, width int) ([][]byte, error) {
	var args []string
	for _, t := range times {
		// One decoding thread a frame: frame threads would decode frames past the one wanted,
		// and the workers already run processes side by side.
		args = append(args, "-threads", "1", "-ss", secs(t), "-i", "file:"+src)
	}
	outs := make([]string, len(times))
	for i := range times {
		outs[i] = filepath.Join(dir, fmt.Sprintf("frame-%.6f.png", times[i]))
		args = append(args, "-map", fmt.Sprintf("%d:v:0", i), "-frames:v", "1", "-an", "-sn")
		if width > 0 {
			args = append(args, "-vf", fmt.Sprintf("scale=%d:-2", width))
		}
		args = append(args, bitexact...)
		// Fast PNG compression, as encodePNG does: frames are working files.
		args = append(args, "-c:v", "png", "-compression_level", "1", "-f", "image2", "file:"+outs[i])
	}
	if err := (ffmpegRun{bin: bin, args: args}).run(ctx); err != nil {
		return nil, err
	}
	frames := make([][]byte, len(times))
	for i, out := range outs {
		data, err := os.ReadFile(out)
		if err != nil || len(data) == 0 {
			return nil, fmt.Errorf("ffmpeg gave no frame at %g s", times[i])
		}
		if _, _, err := engine.CheckImage(data, in.Limits.ImagePixels()); err != nil {
			return nil, fmt.Errorf("frame at %g s: %w", times[i], err)
		}
		frames[i] = data
	}
	return frames, nil
}

// frameChunks splits n frames into runs of consecutive indices for the workers: enough
// chunks to keep every worker busy, none longer than framesPerProcess.
func frameChunks(n, workers int) [][2]int {
	size := min(max((n+workers-1)/workers, 1), framesPerProcess)
	var chunks [][2]int
	for lo := 0; lo < n; lo += size {
		chunks = append(chunks, [2]int{lo, min(lo+size, n)})
	}
	return chunks
}

func runVideoFrames(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src, err := inputMedia(ctx, in, "video", engine.TypeVideo)
	if err != nil {
		return nil, err
	}
	width, err := optionalInt(in, "width", 16, maxImageSide)
	if err != nil {
		return nil, err
	}
	count, err := in.Int("count", 8)
	if err != nil {
		return nil, err
	}
	if count < 1 || count > maxFrames {
		return nil, fmt.Errorf("param %q: %d is out of range (1..%d)", "count", count, maxFrames)
	}
	fps := 0.0
	if in.Has("fps") {
		if fps, err = in.Float("fps", 0); err != nil {
			return nil, err
		}
		if !(fps > 0 && fps <= 120) {
			return nil, fmt.Errorf("param %q: want frames per second above 0 and at most 120, got %v", "fps", fps)
		}
	}
	bin, info, err := ffmpegForStream(ctx, in, src, "video", false, "video stream")
	if err != nil {
		return nil, err
	}
	// The video stream's length: a longer sound track has no frames to take.
	start, end, err := span(in, info.VideoDuration)
	if err != nil {
		return nil, err
	}
	var times []float64
	if fps > 0 {
		for i := 0; ; i++ {
			t := start + float64(i)/fps
			if t >= end {
				break
			}
			if len(times) == maxFrames {
				return nil, fmt.Errorf("param %q: %g frames a second from %g s to %g s is more than %d frames",
					"fps", fps, start, end, maxFrames)
			}
			times = append(times, t)
		}
	} else {
		step := (end - start) / float64(count)
		for i := range count {
			times = append(times, start+step*(float64(i)+0.5))
		}
	}
	dir, cleanup, err := tempDir()
	if err != nil {
		return nil, err
	}
	defer cleanup()

	frames := make([][]byte, len(times))
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		done     int
		firstErr error
	)
	chunks := frameChunks(len(times), frameWorkers())
	jobs := make(chan [2]int)
	for range min(frameWorkers(), len(chunks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				got, err := extractFrames(ctx, in, bin, src.path, dir, times[c[0]:c[1]], width)
				mu.Lock()
				if err != nil && firstErr == nil {
					// The first failure is the cause; the frames it stops fail after it.
					firstErr = fmt.Errorf("frames %d to %d (%g s to %g s): %w", c[0]+1, c[1], times[c[0]], times[c[1]-1], err)
					cancel()
				} else if err == nil {
					copy(frames[c[0]:c[1]], got)
					done += c[1] - c[0]
					in.Progress(float64(done) / float64(len(times)))
				}
				mu.Unlock()
			}
		}()
	}
	for _, c := range chunks {
		if ctx.Err() != nil {
			break
		}
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, err // the run was cancelled: that, not the frames it stopped, is the news
	}
	if firstErr != nil {
		return nil, firstErr
	}
	ctx = parent
	base := stem(src.ref, "video")
	images := make([]any, len(frames))
	for i, data := range frames {
		ref, err := putAsset(ctx, in, data, "image/png", fmt.Sprintf("%s-frame-%03d.png", base, i+1))
		if err != nil {
			return nil, err
		}
		images[i] = ref
	}
	return map[string]any{"images": images, "image": images[0]}, nil
}

func runVideoThumbnail(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src, err := inputMedia(ctx, in, "video", engine.TypeVideo)
	if err != nil {
		return nil, err
	}
	at, err := secondsOf(in, "at_s", 0)
	if err != nil {
		return nil, err
	}
	bin, info, err := ffmpegForStream(ctx, in, src, "video", false, "video stream")
	if err != nil {
		return nil, err
	}
	if info.VideoDuration > 0 && at >= info.VideoDuration {
		return nil, fmt.Errorf("param %q: %g s is at or past the end of the video (%g s long)", "at_s", at, info.VideoDuration)
	}
	dir, cleanup, err := tempDir()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	got, err := extractFrames(ctx, in, bin, src.path, dir, []float64{at}, 0)
	if err != nil {
		return nil, err
	}
	data := got[0]
	in.Progress(1)
	ref, err := putAsset(ctx, in, data, "image/png", stem(src.ref, "video")+"-thumbnail.png")
	if err != nil {
		return nil, err
	}
	return map[string]any{"image": ref}, nil
}

// encodeToAsset runs ffmpeg writing outName in a temporary folder and stores the result as
// the node's output handle.
func encodeToAsset(ctx context.Context, in *engine.NodeInput, bin string, args []string, duration float64,
	dir, outName, handle, mime, assetName string) (map[string]any, error) {
	out := filepath.Join(dir, outName)
	args = append(append(args, bitexact...), "file:"+out)
	if err := (ffmpegRun{bin: bin, args: args, duration: duration, progress: in.Progress}).run(ctx); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("reading ffmpeg's output: %w", err)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("ffmpeg wrote an empty file")
	}
	ref, err := putAsset(ctx, in, data, mime, assetName)
	if err != nil {
		return nil, err
	}
	return map[string]any{handle: ref}, nil
}

func runVideoTrim(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src, err := inputMedia(ctx, in, "video", engine.TypeVideo)
	if err != nil {
		return nil, err
	}
	bin, info, err := ffmpegForStream(ctx, in, src, "video", false, "video stream")
	if err != nil {
		return nil, err
	}
	start, end, err := span(in, info.Duration)
	if err != nil {
		return nil, err
	}
	enc, dir, cleanup, err := h264Output(ctx, bin)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	args := []string{"-ss", secs(start), "-i", "file:" + src.path, "-t", secs(end - start),
		"-map", "0:v:0", "-map", "0:a:0?", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2"}
	args = append(args, h264Args(enc)...)
	args = append(args, "-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart", "-f", "mp4")
	return encodeToAsset(ctx, in, bin, args, end-start, dir, "trim.mp4", "video", "video/mp4", stem(src.ref, "video")+"-trim.mp4")
}

func runVideoFromImages(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	v, err := requireInput(in, "images")
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("input %q: want an array of images, got %s", "images", typeName(v))
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("input %q: the array is empty (want at least one image)", "images")
	}
	if len(list) > maxFrames*10 {
		return nil, fmt.Errorf("input %q: %d images is more than %d", "images", len(list), maxFrames*10)
	}
	fps := 2.0
	if in.Has("fps") {
		if fps, err = in.Float("fps", 2); err != nil {
			return nil, err
		}
	}
	if !(fps > 0 && fps <= 120) {
		return nil, fmt.Errorf("param %q: want images a second above 0 and at most 120, got %v", "fps", fps)
	}
	width, err := optionalInt(in, "width", 16, maxImageSide)
	if err != nil {
		return nil, err
	}
	height, err := optionalInt(in, "height", 16, maxImageSide)
	if err != nil {
		return nil, err
	}
	bin, err := findTool(ctx, in, "ffmpeg")
	if err != nil {
		return nil, err
	}
	enc, dir, cleanup, err := h264Output(ctx, bin)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	// Every image becomes a PNG in the folder (PNGs are copied as they are), so the image2
	// demuxer reads one format whatever the inputs were.
	for i, item := range list {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ref, ok := engine.AsAssetRef(item)
		if !ok {
			return nil, fmt.Errorf("input %q: item %d is a %s, not an image", "images", i+1, typeName(item))
		}
		data, err := readAsset(ctx, in.Assets, ref.Asset)
		if err != nil {
			return nil, fmt.Errorf("input %q: item %d: %w", "images", i+1, err)
		}
		mt, cfg, err := engine.CheckImage(data, in.Limits.ImagePixels())
		if err != nil {
			return nil, fmt.Errorf("input %q: item %d (%s): %w", "images", i+1, displayName(ref), err)
		}
		if i == 0 {
			if width == 0 {
				width = max(cfg.Width/2*2, 16)
			}
			if height == 0 {
				height = max(cfg.Height/2*2, 16)
			}
		}
		if mt != "image/png" {
			img, _, err := decodeImage(data, in.Limits)
			if err != nil {
				return nil, fmt.Errorf("input %q: item %d (%s): %w", "images", i+1, displayName(ref), err)
			}
			if data, err = encodePNG(img); err != nil {
				return nil, err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("in-%06d.png", i)), data, 0o600); err != nil {
			return nil, fmt.Errorf("writing image %d for ffmpeg: %w", i+1, err)
		}
	}
	width, height = width/2*2, height/2*2 // H.264 in 4:2:0 needs even sides
	rate := strconv.FormatFloat(fps, 'f', -1, 64)
	vf := fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=decrease,pad=%d:%d:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p",
		width, height, width, height)
	args := []string{"-framerate", rate, "-start_number", "0", "-f", "image2", "-i", filepath.Join(dir, "in-%06d.png"),
		"-vf", vf, "-r", rate}
	args = append(args, h264Args(enc)...)
	args = append(args, "-movflags", "+faststart", "-f", "mp4")
	return encodeToAsset(ctx, in, bin, args, float64(len(list))/fps, dir, "out.mp4", "video", "video/mp4", "images.mp4")
}
