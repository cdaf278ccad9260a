package nodes

import (
	"errors"
	"image"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestImageCacheDecodesOnce: callers asking at once for one asset share one decode; a failed
// decode is not kept, and a caller that waited on it decodes for itself; the cache drops the
// least recently used image past its bound.
func TestImageCacheDecodesOnce(t *testing.T) {
	c := newImageCache(3 * 10 * 10 * 4) // three 10×10 images
	var loads atomic.Int64
	release := make(chan struct{})
	load := func() (image.Image, error) {
		loads.Add(1)
		<-release
		return image.NewNRGBA(image.Rect(0, 0, 10, 10)), nil
	}
	var wg sync.WaitGroup
	imgs := make([]image.Image, 8)
	for i := range imgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			img, err := c.get("a", load)
			if err != nil {
				t.Error(err)
			}
			imgs[i] = img
		}()
	}
	deadline := time.Now().Add(60 * time.Second) // a hang guard
	for {                                        // every caller but the loader waits on its decode
		if time.Now().After(deadline) {
			t.Fatal("the callers never waited on one decode")
		}
		c.mu.Lock()
		l := c.loading["a"]
		waiting := l != nil && l.waiters == 7
		c.mu.Unlock()
		if waiting {
			break
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 || imgs[0] == nil || imgs[7] != imgs[0] {
		t.Fatalf("%d decodes for 8 callers, want 1", n)
	}
	if img, _ := c.get("a", load); img != imgs[0] || loads.Load() != 1 {
		t.Fatal("a cached image was decoded again")
	}

	fail := errors.New("cancelled")
	if _, err := c.get("b", func() (image.Image, error) { return nil, fail }); err != fail {
		t.Fatalf("failed load: %v", err)
	}
	before := loads.Load()
	if img, err := c.get("b", load); err != nil || img == nil || loads.Load() != before+1 {
		t.Fatalf("a failed decode was kept: %v", err)
	}

	for _, k := range []string{"c", "d"} {
		if _, err := c.get(k, load); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	_, kept := c.byKey["a"]
	n, size := c.lru.Len(), c.now
	c.mu.Unlock()
	if kept || n != 3 || size != 3*10*10*4 {
		t.Fatalf("after four images in room for three: a kept=%v, %d images, %d bytes", kept, n, size)
	}
}
