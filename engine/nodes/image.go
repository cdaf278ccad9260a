package nodes

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"
	"math/rand/v2"
	"path/filepath"

	"github.com/disintegration/imaging"

	"github.com/flowbench/flowbench/engine"
)

// Limits of image params that would otherwise make a node run for minutes.
const (
	maxBlurRadius = 200
	maxGridCell   = 4096
	maxGridGap    = 1024
)

// resizeFilters are image.resize's filter choices.
var resizeFilters = map[string]imaging.ResampleFilter{
	"lanczos": imaging.Lanczos,
	"linear":  imaging.Linear,
	"nearest": imaging.NearestNeighbor,
}

// hasSeed reports whether a seed param is set; without one a node is nondeterministic.
func hasSeed(p map[string]any) bool {
	v, ok := p["seed"]
	return ok && v != nil && v != ""
}

// imageIn is the one required image input of a transform node.
var imageIn = []engine.Handle{
	{Name: "image", Type: engine.TypeImage, Required: true, Description: "The image to transform"},
}

// imageOut is the image output of every image node.
var imageOut = []engine.Handle{
	{Name: "image", Type: engine.TypeImage, Description: "The resulting image (PNG)"},
}

// registerImage adds the image nodes.
func registerImage(r *engine.Registry) error {
	return registerAll(r,
		engine.NodeType{
			Type:  "image.load",
			Group: "media",
			Title: "Load image",
			Description: "An image from a linked file on disk (re-read when the file changes) or " +
				"from the asset store. PNG, JPEG, GIF and WebP.",
			Outputs: []engine.Handle{
				{Name: "image", Type: engine.TypeImage, Description: "The image, unchanged"},
			},
			Params: []engine.ParamSpec{
				{Name: "path", Kind: engine.ParamPath, Label: "File",
					Description: "An image file on disk; it is watched, and a change makes the node run again"},
				{Name: "asset", Kind: engine.ParamString, Label: "Asset",
					Description: "The sha256 of an image already in the asset store (used when File is empty)"},
			},
			Deterministic: true,
			Run:           runImageLoad,
		},
		engine.NodeType{
			Type:  "image.noise",
			Group: "media",
			Title: "Noise image",
			Description: "A coloured procedural noise image: a fast stand-in for a generative " +
				"model. With a seed the image is always the same.",
			Outputs: imageOut,
			Params: []engine.ParamSpec{
				{Name: "width", Kind: engine.ParamInteger, Label: "Width", Default: 512,
					Description: "Pixels, 1 to 8192"},
				{Name: "height", Kind: engine.ParamInteger, Label: "Height", Default: 512,
					Description: "Pixels, 1 to 8192"},
				{Name: "seed", Kind: engine.ParamInteger, Label: "Seed",
					Description: "Fixes the image; leave empty for a new image every run"},
				{Name: "scale", Kind: engine.ParamNumber, Label: "Scale", Default: 32,
					Description: "Size of the largest features, in pixels"},
			},
			DeterministicWhen: hasSeed,
			Run:               runImageNoise,
		},
		engine.NodeType{
			Type:        "image.resize",
			Group:       "media",
			Title:       "Resize image",
			Description: "Scales an image. Set width or height to 0 to keep the aspect ratio.",
			Inputs:      imageIn,
			Outputs:     imageOut,
			Params: []engine.ParamSpec{
				{Name: "width", Kind: engine.ParamInteger, Label: "Width", Default: 256,
					Description: "Pixels; 0 follows the height and keeps the aspect ratio"},
				{Name: "height", Kind: engine.ParamInteger, Label: "Height", Default: 0,
					Description: "Pixels; 0 follows the width and keeps the aspect ratio"},
				{Name: "filter", Kind: engine.ParamSelect, Label: "Filter", Default: "linear",
					Options:     []string{"lanczos", "linear", "nearest"},
					Description: "Lanczos is sharpest, nearest keeps hard pixel edges"},
			},
			Deterministic: true,
			Run:           runImageResize,
		},
		engine.NodeType{
			Type:  "image.crop",
			Group: "media",
			Title: "Crop image",
			Description: "Keeps a rectangle of an image. The rectangle is clipped to the image; " +
				"a width or height of 0 reaches the image's edge.",
			Inputs:  imageIn,
			Outputs: imageOut,
			Params: []engine.ParamSpec{
				{Name: "x", Kind: engine.ParamInteger, Label: "Left", Default: 0},
				{Name: "y", Kind: engine.ParamInteger, Label: "Top", Default: 0},
				{Name: "width", Kind: engine.ParamInteger, Label: "Width", Default: 0,
					Description: "Pixels; 0 reaches the right edge"},
				{Name: "height", Kind: engine.ParamInteger, Label: "Height", Default: 0,
					Description: "Pixels; 0 reaches the bottom edge"},
			},
			Deterministic: true,
			Run:           runImageCrop,
		},
		engine.NodeType{
			Type:          "image.grayscale",
			Group:         "media",
			Title:         "Grayscale",
			Description:   "Removes the colour from an image.",
			Inputs:        imageIn,
			Outputs:       imageOut,
			Deterministic: true,
			Run:           runImageGrayscale,
		},
		engine.NodeType{
			Type:        "image.blur",
			Group:       "media",
			Title:       "Blur image",
			Description: "A Gaussian blur.",
			Inputs:      imageIn,
			Outputs:     imageOut,
			Params: []engine.ParamSpec{
				{Name: "radius", Kind: engine.ParamNumber, Label: "Radius", Default: 2,
					Description: "Blur strength in pixels (the Gaussian's sigma); 0 leaves the image as is"},
			},
			Deterministic: true,
			Run:           runImageBlur,
		},
		engine.NodeType{
			Type:  "image.grid",
			Group: "media",
			Title: "Image grid",
			Description: "Tiles the connected images a, b, c, d in that order, each scaled to fit " +
				"a square cell, on a transparent background.",
			Inputs: []engine.Handle{
				{Name: "a", Type: engine.TypeImage, Description: "First image"},
				{Name: "b", Type: engine.TypeImage, Description: "Second image"},
				{Name: "c", Type: engine.TypeImage, Description: "Third image"},
				{Name: "d", Type: engine.TypeImage, Description: "Fourth image"},
			},
			Outputs: imageOut,
			Params: []engine.ParamSpec{
				{Name: "columns", Kind: engine.ParamInteger, Label: "Columns", Default: 2,
					Description: "Cells per row"},
				{Name: "cell", Kind: engine.ParamInteger, Label: "Cell size", Default: 256,
					Description: "Width and height of each cell, in pixels"},
				{Name: "gap", Kind: engine.ParamInteger, Label: "Gap", Default: 4,
					Description: "Pixels between cells"},
			},
			Deterministic: true,
			Run:           runImageGrid,
		},
	)
}

func runImageLoad(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	var (
		data []byte
		name string
		what string // names the source in errors
		err  error
	)
	switch {
	case in.Has("path"):
		path := in.String("path", "")
		what, name = path, filepath.Base(path)
		if data, err = readLinkedFile(ctx, path); err != nil {
			return nil, fmt.Errorf("image.load: %w", err)
		}
	case in.Has("asset"):
		sha := in.String("asset", "")
		what = "asset " + shortSHA(sha)
		if data, err = readAsset(ctx, in.Assets, sha); err != nil {
			return nil, fmt.Errorf("image.load: %w", err)
		}
	default:
		return nil, errors.New("image.load: set path (a file on disk) or asset")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, mime, err := decodeImage(data, in.Limits)
	if err != nil {
		return nil, fmt.Errorf("image.load: %s is %w", what, err)
	}
	if name == "" {
		name = shortSHA(in.String("asset", "")) + extForMime(mime)
	}
	// The original bytes are kept: decoding only checks that they are an image.
	out, err := putAsset(ctx, in, data, mime, name)
	if err != nil {
		return nil, err
	}
	return map[string]any{"image": out}, nil
}

func runImageNoise(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	w, err := in.Int("width", 512)
	if err != nil {
		return nil, err
	}
	h, err := in.Int("height", 512)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(checkSide("width", w, 1), checkSide("height", h, 1)); err != nil {
		return nil, err
	}
	scale, err := in.Float("scale", 32)
	if err != nil {
		return nil, err
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("param %q: %v must be greater than 0", "scale", scale)
	}
	var seed int
	if hasSeed(in.Params) {
		if seed, err = in.Int("seed", 0); err != nil {
			return nil, err
		}
	} else {
		seed = int(rand.Int32()) // small enough to retype as a seed
		in.Log(fmt.Sprintf("seed %d (set it as the seed param to get this image again)", seed))
	}
	img, err := generateNoise(ctx, noiseConfig{width: w, height: h, seed: uint64(seed), scale: scale})
	if err != nil {
		return nil, err
	}
	in.Progress(0.7)
	out, err := putImage(ctx, in, img, fmt.Sprintf("noise-%d.png", seed))
	if err != nil {
		return nil, err
	}
	return map[string]any{"image": out}, nil
}

// transform runs a whole-image operation on the image input and stores the result.
func transform(ctx context.Context, in *engine.NodeInput, op func(image.Image) (image.Image, error)) (map[string]any, error) {
	src, ref, err := inputImage(ctx, in, "image")
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dst, err := op(src)
	if err != nil {
		return nil, err
	}
	out, err := putImage(ctx, in, dst, pngName(ref.Name))
	if err != nil {
		return nil, err
	}
	return map[string]any{"image": out}, nil
}

func runImageResize(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	w, err := in.Int("width", 256)
	if err != nil {
		return nil, err
	}
	h, err := in.Int("height", 0)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(checkSide("width", w, 0), checkSide("height", h, 0)); err != nil {
		return nil, err
	}
	if w == 0 && h == 0 {
		return nil, fmt.Errorf("param %q: width and height are both 0 (set at least one)", "width")
	}
	name := in.String("filter", "linear")
	filter, ok := resizeFilters[name]
	if !ok {
		return nil, fmt.Errorf("param %q: %q is not one of lanczos, linear, nearest", "filter", name)
	}
	return transform(ctx, in, func(src image.Image) (image.Image, error) {
		b := src.Bounds()
		// Keeping the aspect from a very thin image could exceed the size limit.
		if w == 0 && int64(h)*int64(b.Dx())/int64(b.Dy()) > maxImageSide ||
			h == 0 && int64(w)*int64(b.Dy())/int64(b.Dx()) > maxImageSide {
			return nil, fmt.Errorf("keeping the aspect of a %d×%d image makes it larger than %d pixels",
				b.Dx(), b.Dy(), maxImageSide)
		}
		return imaging.Resize(src, w, h, filter), nil
	})
}

func runImageCrop(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	var p [4]int
	for i, name := range []string{"x", "y", "width", "height"} {
		v, err := in.Int(name, 0)
		if err != nil {
			return nil, err
		}
		if i >= 2 && v < 0 {
			return nil, fmt.Errorf("param %q: %d is negative", name, v)
		}
		p[i] = v
	}
	x, y, w, h := p[0], p[1], p[2], p[3]
	return transform(ctx, in, func(src image.Image) (image.Image, error) {
		b := src.Bounds()
		x0, y0 := b.Min.X+x, b.Min.Y+y
		x1, y1 := x0+w, y0+h
		if w == 0 {
			x1 = b.Max.X
		}
		if h == 0 {
			y1 = b.Max.Y
		}
		rect := image.Rect(x0, y0, x1, y1).Intersect(b)
		if rect.Empty() {
			return nil, fmt.Errorf("crop %d,%d %d×%d lies outside the %d×%d image", x, y, w, h, b.Dx(), b.Dy())
		}
		return imaging.Crop(src, rect), nil
	})
}

func runImageGrayscale(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	return transform(ctx, in, func(src image.Image) (image.Image, error) {
		return imaging.Grayscale(src), nil
	})
}

func runImageBlur(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	radius, err := in.Float("radius", 2)
	if err != nil {
		return nil, err
	}
	if !(radius >= 0 && radius <= maxBlurRadius) {
		return nil, fmt.Errorf("param %q: %v is out of range (0..%d)", "radius", radius, maxBlurRadius)
	}
	return transform(ctx, in, func(src image.Image) (image.Image, error) {
		if radius == 0 {
			return src, nil
		}
		return imaging.Blur(src, radius), nil
	})
}

func runImageGrid(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	columns, err := in.Int("columns", 2)
	if err != nil {
		return nil, err
	}
	cell, err := in.Int("cell", 256)
	if err != nil {
		return nil, err
	}
	gap, err := in.Int("gap", 4)
	if err != nil {
		return nil, err
	}
	switch {
	case columns < 1 || columns > len(abcd):
		return nil, fmt.Errorf("param %q: %d is out of range (1..%d)", "columns", columns, len(abcd))
	case cell < 1 || cell > maxGridCell:
		return nil, fmt.Errorf("param %q: %d is out of range (1..%d)", "cell", cell, maxGridCell)
	case gap < 0 || gap > maxGridGap:
		return nil, fmt.Errorf("param %q: %d is out of range (0..%d)", "gap", gap, maxGridGap)
	}
	var tiles []image.Image
	for _, h := range abcd {
		if in.Inputs[h] == nil {
			continue
		}
		img, _, err := inputImage(ctx, in, h)
		if err != nil {
			return nil, err
		}
		tiles = append(tiles, img)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(tiles) == 0 {
		return nil, errors.New("no image on a, b, c or d (connect at least one)")
	}
	cols := min(columns, len(tiles))
	rows := (len(tiles) + cols - 1) / cols
	width, height := cols*cell+(cols-1)*gap, rows*cell+(rows-1)*gap
	if width > maxImageSide || height > maxImageSide {
		return nil, fmt.Errorf("the grid would be %d×%d, larger than %d pixels", width, height, maxImageSide)
	}
	canvas := image.NewNRGBA(image.Rect(0, 0, width, height))
	for i, tile := range tiles {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fitted := fitCell(tile, cell)
		fb := fitted.Bounds()
		x := (i%cols)*(cell+gap) + (cell-fb.Dx())/2
		y := (i/cols)*(cell+gap) + (cell-fb.Dy())/2
		draw.Draw(canvas, fb.Sub(fb.Min).Add(image.Pt(x, y)), fitted, fb.Min, draw.Src)
	}
	out, err := putImage(ctx, in, canvas, "grid.png")
	if err != nil {
		return nil, err
	}
	return map[string]any{"image": out}, nil
}

// fitCell scales img, up or down, to fit a cell×cell square with its aspect kept.
func fitCell(img image.Image, cell int) image.Image {
	b := img.Bounds()
	w, h := cell, cell
	if b.Dx() >= b.Dy() {
		h = max(1, int(math.Round(float64(cell)*float64(b.Dy())/float64(b.Dx()))))
	} else {
		w = max(1, int(math.Round(float64(cell)*float64(b.Dx())/float64(b.Dy()))))
	}
	if w == b.Dx() && h == b.Dy() {
		return img
	}
	return imaging.Resize(img, w, h, imaging.Linear)
}
