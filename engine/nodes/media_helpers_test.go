package nodes_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// tinyWebP is a valid 1×1 lossless WebP (x/image has no WebP encoder to make one).
var tinyWebP = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\r\x00\x00\x00/\x00\x00\x00\x10\a\x10\x11\x11\x88\x88\xfe\a\x00")

// newStore is an in-memory asset store removed at the end of the test.
func newStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	s := memstore.New()
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// runMedia runs typ with an asset store attached.
func runMedia(tb testing.TB, store engine.AssetStore, typ string, params, inputs map[string]any) (map[string]any, error) {
	tb.Helper()
	in := nodeInput(params, inputs)
	in.Assets = store
	return nodeType(tb, typ).Run(context.Background(), in)
}

// mustRunMedia is runMedia failing the test on an error.
func mustRunMedia(tb testing.TB, store engine.AssetStore, typ string, params, inputs map[string]any) map[string]any {
	tb.Helper()
	out, err := runMedia(tb, store, typ, params, inputs)
	if err != nil {
		tb.Fatalf("%s: %v", typ, err)
	}
	return out
}

// writeFile writes data to dir/name and returns the path.
func writeFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// testImage is a w×h gradient with some colour in every channel.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x * 255 / max(w-1, 1)), G: uint8(y * 255 / max(h-1, 1)), B: 90, A: 255})
		}
	}
	return img
}

// pngBytes encodes img as PNG.
func pngBytes(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// putImage stores img as a PNG asset and returns its media value.
func putImage(tb testing.TB, store engine.AssetStore, img image.Image, name string) map[string]any {
	tb.Helper()
	ref, err := store.PutAsset(context.Background(), pngBytes(tb, img), "image/png", name)
	if err != nil {
		tb.Fatal(err)
	}
	return map[string]any{"asset": ref.Asset, "mime": ref.Mime, "name": ref.Name}
}

// assetBytes reads the asset a media value refers to.
func assetBytes(tb testing.TB, store engine.AssetStore, v any) []byte {
	tb.Helper()
	ref, ok := engine.AsAssetRef(v)
	if !ok {
		tb.Fatalf("%v is not a media value", v)
	}
	rc, err := store.OpenAsset(context.Background(), ref.Asset)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// assetImage decodes the image a media value refers to.
func assetImage(tb testing.TB, store engine.AssetStore, v any) image.Image {
	tb.Helper()
	img, _, err := image.Decode(bytes.NewReader(assetBytes(tb, store, v)))
	if err != nil {
		tb.Fatalf("decoding output: %v", err)
	}
	return img
}

// size is an image's width×height.
func size(img image.Image) [2]int { return [2]int{img.Bounds().Dx(), img.Bounds().Dy()} }
