package nodes_test

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkVideoFrames16 is video.frames taking 16 evenly spaced frames of a 60 s 1280×720
// 30 fps H.264 clip (keyframe every 2 s, as phones and streaming encoders write), made once
// by the benchmark with ffmpeg's testsrc (kept in the temporary folder for later runs). Target (issue 13): ≤ 1.5 s an op. Each frame is a
// seek (-ss before -i), so the clip is never decoded whole.
func BenchmarkVideoFrames16(b *testing.B) {
	needFFmpeg(b)
	dir := filepath.Join(os.TempDir(), "flowbench-bench-video")
	clip := filepath.Join(dir, "testsrc-60s-720p.mp4")
	if _, err := os.Stat(clip); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		tmp := makeMedia(b, dir, "making.mp4",
			"-f", "lavfi", "-i", "testsrc=size=1280x720:rate=30:duration=60",
			"-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p")
		if err := os.Rename(tmp, clip); err != nil {
			b.Fatal(err)
		}
	}
	store := newStore(b)
	video := putFile(b, store, clip, "video/mp4")
	params := map[string]any{"count": 16.0}
	inputs := map[string]any{"video": video}
	mustRunMedia(b, store, "video.frames", params, inputs) // the asset's file is written once
	cpu0, n := cpuSeconds(), 0
	for b.Loop() {
		out := mustRunMedia(b, store, "video.frames", params, inputs)
		if got := len(out["images"].([]any)); got != 16 {
			b.Fatalf("%d frames, want 16", got)
		}
		n++
	}
	// CPU time of the test process and the ffmpeg processes it ran, per op: what the work
	// costs apart from waiting for a busy machine's cores.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(n), "cpu-s/op")
}
