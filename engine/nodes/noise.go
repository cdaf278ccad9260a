package nodes

import (
	"context"
	"image"
	"math/rand/v2"
	"runtime"
	"sync"
)

// noiseOctaves is how many octaves of value noise make the structure field.
const noiseOctaves = 5

// noiseConfig is everything a noise image depends on; the same config gives the same pixels.
type noiseConfig struct {
	width, height int
	seed          uint64
	scale         float64 // feature size of the first octave, in pixels
}

// noisePalette holds two colour gradients (3 stops each) picked from the seed; a second,
// slower noise field blends between them so the hue drifts across the image.
type noisePalette struct {
	a, b [3][3]float32
}

func newNoisePalette(seed uint64) noisePalette {
	rng := rand.New(rand.NewPCG(seed, 0x6e6f697365)) // "noise"
	var p noisePalette
	for _, g := range []*[3][3]float32{&p.a, &p.b} {
		for i := range g {
			// Dark, mid and light stops keep the image readable whatever hues come out.
			base := float32(i) * 0.38
			for c := range g[i] {
				g[i][c] = min(base+rng.Float32()*0.55, 1)
			}
		}
	}
	return p
}

// generateNoise renders fractal value noise into a new opaque image. Rows are split
// between goroutines; every pixel is a pure function of the config, so the split does not
// change the result. It returns ctx.Err() when cancelled part way.
func generateNoise(ctx context.Context, cfg noiseConfig) (*image.NRGBA, error) {
	img := image.NewNRGBA(image.Rect(0, 0, cfg.width, cfg.height))
	pal := newNoisePalette(cfg.seed)
	workers := min(runtime.GOMAXPROCS(0), cfg.height)
	var (
		wg   sync.WaitGroup
		next = make(chan int, cfg.height)
	)
	for y := range cfg.height {
		next <- y
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			structure := make([]float32, cfg.width)
			hue := make([]float32, cfg.width)
			for y := range next {
				if ctx.Err() != nil {
					return
				}
				noiseRow(cfg, y, structure, hue)
				shadeRow(img.Pix[y*img.Stride:y*img.Stride+cfg.width*4], structure, hue, &pal)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return img, nil
}

// noiseRow fills structure with fractal noise (noiseOctaves octaves) and hue with a slow
// two-octave field for row y, both normalised to about 0..1.
func noiseRow(cfg noiseConfig, y int, structure, hue []float32) {
	clear(structure)
	clear(hue)
	period, amp, total := cfg.scale, float32(1), float32(0)
	for o := range noiseOctaves {
		if period < 4 && o > 0 {
			break // octaves finer than 4 px add grain that costs PNG size more than it shows
		}
		addOctave(structure, y, period, amp, cfg.seed+uint64(o)*0x9e3779b97f4a7c15)
		total += amp
		period /= 2
		amp *= 0.5
	}
	addOctave(hue, y, cfg.scale*3, 1, cfg.seed^0x5bd1e995)
	addOctave(hue, y, cfg.scale*1.5, 0.5, cfg.seed^0x27d4eb2f)
	for x := range structure {
		// fBm clusters around 0.5; stretch it back towards the full range.
		structure[x] = clamp01((structure[x]/total-0.5)*1.9 + 0.5)
		hue[x] = clamp01((hue[x]/1.5-0.5)*2 + 0.5)
	}
}

// addOctave adds amp × value noise with the given lattice period to acc for row y. The
// lattice column under x changes only every period pixels, so each column's vertical
// interpolation is computed once and reused.
func addOctave(acc []float32, y int, period float64, amp float32, seed uint64) {
	inv := 1 / period
	fy := (float64(y) + 0.5) * inv
	iy := int64(fy)
	ty := smoothstep(float32(fy - float64(iy)))
	column := func(ix int64) float32 {
		v0, v1 := lattice(ix, iy, seed), lattice(ix, iy+1, seed)
		return v0 + (v1-v0)*ty
	}
	cur := int64(-2) // ix is never negative, so the first pixel computes both columns
	var c0, c1 float32
	for x := range acc {
		fx := (float64(x) + 0.5) * inv
		ix := int64(fx)
		if ix != cur {
			if ix == cur+1 {
				c0 = c1
			} else {
				c0 = column(ix)
			}
			c1 = column(ix + 1)
			cur = ix
		}
		tx := smoothstep(float32(fx - float64(ix)))
		acc[x] += amp * (c0 + (c1-c0)*tx)
	}
}

// lattice is the pseudo-random value in 0..1 at a lattice point (a splitmix64-style hash).
func lattice(x, y int64, seed uint64) float32 {
	h := uint64(x)*0x9e3779b97f4a7c15 ^ uint64(y)*0xc2b2ae3d27d4eb4f ^ seed
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return float32(h>>40) / (1 << 24)
}

func smoothstep(t float32) float32 { return t * t * (3 - 2*t) }

func clamp01(v float32) float32 { return min(max(v, 0), 1) }

// shadeRow colours one row of pixels: the structure value walks a gradient, the hue value
// blends between the palette's two gradients.
func shadeRow(pix []byte, structure, hue []float32, p *noisePalette) {
	for x, s := range structure {
		var i int
		var t float32
		if s < 0.5 {
			i, t = 0, s*2
		} else {
			i, t = 1, (s-0.5)*2
		}
		h := hue[x]
		o := pix[x*4 : x*4+4 : x*4+4]
		for c := range 3 {
			a := p.a[i][c] + (p.a[i+1][c]-p.a[i][c])*t
			b := p.b[i][c] + (p.b[i+1][c]-p.b[i][c])*t
			o[c] = uint8((a+(b-a)*h)*255 + 0.5)
		}
		o[3] = 255
	}
}
