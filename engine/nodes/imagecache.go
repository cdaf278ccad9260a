package nodes

import (
	"container/list"
	"image"
	"sync"
)

// decodedCacheBytes bounds the pixels the decoded-image cache keeps.
const decodedCacheBytes = 128 << 20

// decoded keeps recently decoded images by asset hash. Assets are content-addressed and
// never change, so an image decoded once serves every node reading the same asset: the runs
// of a seed sweep that share an upstream image (SPEC §14 shared work hands each the same
// asset) decode it once, not once per run. Cached images are shared: nodes only read them.
var decoded = newImageCache(decodedCacheBytes)

// imageCache is a byte-bounded LRU of decoded images whose concurrent misses of one key
// decode once.
type imageCache struct {
	mu       sync.Mutex
	max, now int64
	lru      *list.List // of *cachedImage, most recent first
	byKey    map[string]*list.Element
	loading  map[string]*imageLoad
}

type cachedImage struct {
	key  string
	img  image.Image
	size int64
}

type imageLoad struct {
	done    chan struct{}
	waiters int // callers waiting on this decode
	img     image.Image
	err     error
}

func newImageCache(maxBytes int64) *imageCache {
	return &imageCache{max: maxBytes, lru: list.New(), byKey: map[string]*list.Element{}, loading: map[string]*imageLoad{}}
}

// get returns the image cached under key, or decodes it with load; callers asking for the
// same key meanwhile wait for that decode. A failed decode is not kept.
func (c *imageCache) get(key string, load func() (image.Image, error)) (image.Image, error) {
	c.mu.Lock()
	if el, ok := c.byKey[key]; ok {
		c.lru.MoveToFront(el)
		img := el.Value.(*cachedImage).img
		c.mu.Unlock()
		return img, nil
	}
	if l, ok := c.loading[key]; ok {
		l.waiters++
		c.mu.Unlock()
		<-l.done
		if l.err == nil {
			return l.img, nil
		}
		// Another caller's decode failed (its run may have been cancelled): not this one's
		// failure, so it decodes for itself.
		return load()
	}
	l := &imageLoad{done: make(chan struct{})}
	c.loading[key] = l
	c.mu.Unlock()

	l.img, l.err = load()
	c.mu.Lock()
	delete(c.loading, key)
	if l.err == nil {
		c.add(key, l.img)
	}
	c.mu.Unlock()
	close(l.done)
	return l.img, l.err
}

// add keeps img, dropping the least recently used images past the bound. The caller holds mu.
func (c *imageCache) add(key string, img image.Image) {
	b := img.Bounds()
	size := int64(b.Dx()) * int64(b.Dy()) * 4
	if size > c.max {
		return
	}
	c.byKey[key] = c.lru.PushFront(&cachedImage{key: key, img: img, size: size})
	c.now += size
	for c.now > c.max {
		el := c.lru.Back()
		old := el.Value.(*cachedImage)
		c.lru.Remove(el)
		delete(c.byKey, old.key)
		c.now -= old.size
	}
}
