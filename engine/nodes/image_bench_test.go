package nodes_test

import (
	"testing"
)

// BenchmarkImageNoise2048 is a seeded 2048×2048 noise image, generated and PNG-encoded.
func BenchmarkImageNoise2048(b *testing.B) {
	store := newStore(b)
	params := map[string]any{"width": 2048.0, "height": 2048.0, "seed": 7.0}
	for b.Loop() {
		mustRunMedia(b, store, "image.noise", params, nil)
	}
}

// BenchmarkImagePipeline is testdata/image-pipeline.json's chain: noise 2048 → blur 3 →
// resize to 512 wide → grayscale → grid of the two.
func BenchmarkImagePipeline(b *testing.B) {
	store := newStore(b)
	for b.Loop() {
		noise := mustRunMedia(b, store, "image.noise", map[string]any{"width": 2048.0, "height": 2048.0, "seed": 7.0}, nil)
		blur := mustRunMedia(b, store, "image.blur", map[string]any{"radius": 3.0}, noise)
		small := mustRunMedia(b, store, "image.resize", map[string]any{"width": 512.0, "height": 0.0}, blur)
		gray := mustRunMedia(b, store, "image.grayscale", nil, small)
		mustRunMedia(b, store, "image.grid", nil, map[string]any{"a": small["image"], "b": gray["image"]})
	}
}
