package nodes_test

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// pngClaiming is a PNG signature and IHDR chunk claiming w×h 16-bit RGBA pixels (RGBA64: a
// 16000×16000 one decodes to 2 GB) and nothing else.
func pngClaiming(w, h uint32) []byte {
	ihdr := append([]byte("IHDR"), 0, 0, 0, 0, 0, 0, 0, 0, 16, 6, 0, 0, 0)
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	out := binary.BigEndian.AppendUint32([]byte("\x89PNG\r\n\x1a\n"), 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

// TestImageDecodeLimit: every node that decodes an image refuses one whose decoded size is
// over the limit (default 100 megapixels, or the run's Limits), from its header alone.
func TestImageDecodeLimit(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	huge, err := store.PutAsset(ctx, pngClaiming(16000, 16000), "image/png", "huge.png")
	if err != nil {
		t.Fatal(err)
	}
	hugeRef := map[string]any{"asset": huge.Asset, "mime": huge.Mime, "name": huge.Name}
	dir := t.TempDir()
	hugePath := writeFile(t, dir, "huge.png", pngClaiming(16000, 16000))

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, c := range []struct {
		name           string
		typ            string
		params, inputs map[string]any
	}{
		{"image.load asset", "image.load", map[string]any{"asset": huge.Asset}, nil},
		{"image.load path", "image.load", map[string]any{"path": hugePath}, nil},
		{"image.resize input", "image.resize", map[string]any{"width": 10, "height": 10}, map[string]any{"image": hugeRef}},
	} {
		_, err := runMedia(t, store, c.typ, c.params, c.inputs)
		if err == nil || !strings.Contains(err.Error(), "16000×16000") || !strings.Contains(err.Error(), "100,000,000") {
			t.Errorf("%s: err = %v, want the 100-megapixel limit", c.name, err)
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Errorf("refusing three 16000×16000 images allocated %d MB", grew>>20)
	}

	// A run's own limit applies: a 40×30 image (1,200 pixels) under a 1,000-pixel limit.
	small := putImage(t, store, testImage(40, 30), "small.png")
	in := nodeInput(map[string]any{"width": 10, "height": 10}, map[string]any{"image": small})
	in.Assets, in.Limits = store, engine.Limits{MaxImagePixels: 1000}
	if _, err := runNode(t, "image.resize", in); err == nil || !strings.Contains(err.Error(), "40×30") {
		t.Errorf("under a 1,000-pixel limit: %v", err)
	}
	in.Limits = engine.Limits{MaxImagePixels: 1200}
	if _, err := runNode(t, "image.resize", in); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}

// TestLoadNodesRefuseFIFO: a linked path that is a FIFO fails the node at once, naming it,
// instead of blocking the run.
func TestLoadNodesRefuseFIFO(t *testing.T) {
	store := newStore(t)
	fifo := filepath.Join(t.TempDir(), "pipe.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"image.load", "audio.load", "video.load", "file.load"} {
		done := make(chan error, 1)
		go func() {
			_, err := runMedia(t, store, typ, map[string]any{"path": fifo}, nil)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), fifo) || !strings.Contains(err.Error(), "FIFO") {
				t.Errorf("%s: err = %v, want one naming the FIFO", typ, err)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("%s: blocked on a FIFO", typ)
		}
	}
}
