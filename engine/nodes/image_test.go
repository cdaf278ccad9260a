package nodes_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

func TestMediaSchema(t *testing.T) {
	t.Parallel()
	names := func(hs []engine.Handle) string {
		s := make([]string, len(hs))
		for i, h := range hs {
			s[i] = h.Name
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct{ typ, inputs, outputs, params string }{
		// The first four are fixed by SPEC §9.
		{"image.load", "", "image", "path asset"},
		{"image.noise", "", "image", "width height seed scale"},
		{"image.blur", "image", "image", "radius"},
		{"image.resize", "image", "image", "width height filter"},
		{"image.crop", "image", "image", "x y width height"},
		{"image.grayscale", "image", "image", ""},
		{"image.grid", "a b c d", "image", "columns cell gap"},
		{"audio.load", "", "audio duration", "path asset"},
		{"video.load", "", "video duration", "path asset"},
		{"file.load", "", "file text size", "path asset"},
		{"file.save", "value", "path", "folder filename overwrite"},
	} {
		nt := nodeType(t, tc.typ)
		params := make([]string, len(nt.Params))
		for i, p := range nt.Params {
			params[i] = p.Name
			if p.Label == "" || p.Kind == "" {
				t.Errorf("%s param %q: label %q kind %q", tc.typ, p.Name, p.Label, p.Kind)
			}
		}
		if got := names(nt.Inputs); got != tc.inputs {
			t.Errorf("%s inputs = %q, want %q", tc.typ, got, tc.inputs)
		}
		if got := names(nt.Outputs); got != tc.outputs {
			t.Errorf("%s outputs = %q, want %q", tc.typ, got, tc.outputs)
		}
		if got := strings.Join(params, " "); got != tc.params {
			t.Errorf("%s params = %q, want %q", tc.typ, got, tc.params)
		}
		if nt.Group != "media" || nt.Title == "" || nt.Description == "" {
			t.Errorf("%s: group %q title %q description %q", tc.typ, nt.Group, nt.Title, nt.Description)
		}
	}
	for typ, want := range map[string]bool{"image.load": true, "image.resize": true, "file.load": true, "file.save": false} {
		if got := nodeType(t, typ).IsDeterministic(map[string]any{}); got != want {
			t.Errorf("%s deterministic = %v, want %v", typ, got, want)
		}
	}
}

func TestImageLoadFormats(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := testImage(8, 6)
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, src, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, src, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, mime string
		data       []byte
		size       [2]int
	}{
		{"a.png", "image/png", pngBytes(t, src), [2]int{8, 6}},
		{"b.jpg", "image/jpeg", jpg.Bytes(), [2]int{8, 6}},
		{"c.gif", "image/gif", gf.Bytes(), [2]int{8, 6}},
		{"d.webp", "image/webp", tinyWebP, [2]int{1, 1}},
		{"png-named.jpg", "image/png", pngBytes(t, src), [2]int{8, 6}}, // content wins
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := newStore(t)
			path := writeFile(t, dir, tc.name, tc.data)
			out := mustRunMedia(t, store, "image.load", map[string]any{"path": path}, nil)
			ref, ok := engine.AsAssetRef(out["image"])
			if !ok || ref.Mime != tc.mime || ref.Name != tc.name {
				t.Fatalf("image = %v, want mime %s name %s", out["image"], tc.mime, tc.name)
			}
			if !bytes.Equal(assetBytes(t, store, ref), tc.data) {
				t.Fatal("stored bytes differ from the file")
			}
			// The stored original feeds a transform, whatever its format.
			g := mustRunMedia(t, store, "image.grayscale", nil, map[string]any{"image": out["image"]})
			if got := size(assetImage(t, store, g["image"])); got != tc.size {
				t.Fatalf("grayscale size = %v, want %v", got, tc.size)
			}
		})
	}
}

func TestImageLoadErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store := newStore(t)
	missing := filepath.Join(dir, "y.png")
	_, err := runMedia(t, store, "image.load", map[string]any{"path": missing}, nil)
	if want := "image.load: reading " + missing + ": no such file or directory"; err == nil || err.Error() != want {
		t.Fatalf("missing file: err = %v, want %q", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v is not fs.ErrNotExist", err)
	}
	full := pngBytes(t, testImage(32, 32))
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated.png", full[:40]},
		{"half.png", full[:len(full)/2]},
		{"text.png", []byte("hello, I am not a picture\n")},
		{"empty.png", nil},
	} {
		path := writeFile(t, dir, tc.name, tc.data)
		_, err := runMedia(t, store, "image.load", map[string]any{"path": path}, nil)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not a readable image") {
			t.Errorf("%s: err = %v, want it to name the file and say not a readable image", tc.name, err)
		}
	}
	if _, err := runMedia(t, store, "image.load", map[string]any{}, nil); err == nil || !strings.Contains(err.Error(), "set path") {
		t.Errorf("no params: err = %v", err)
	}
	if _, err := runMedia(t, store, "image.load", map[string]any{"asset": strings.Repeat("ab", 32)}, nil); err == nil ||
		!errors.Is(err, engine.ErrNotFound) {
		t.Errorf("unknown asset: err = %v, want not found", err)
	}
}

func TestImageLoadAsset(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	v := putImage(t, store, testImage(4, 4), "")
	sha := v["asset"].(string)
	out := mustRunMedia(t, store, "image.load", map[string]any{"asset": sha}, nil)
	ref, _ := engine.AsAssetRef(out["image"])
	if ref.Asset != sha || ref.Mime != "image/png" || ref.Name != sha[:12]+".png" {
		t.Fatalf("image = %+v", ref)
	}
	text, err := store.PutAsset(context.Background(), []byte("words"), "text/plain", "w.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, err = runMedia(t, store, "image.load", map[string]any{"asset": text.Asset}, nil)
	if err == nil || !strings.Contains(err.Error(), "asset "+text.Asset[:12]+" is not a readable image") {
		t.Fatalf("text asset: err = %v", err)
	}
}

func TestImageNoise(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	gen := func(params map[string]any) ([]byte, map[string]any) {
		out := mustRunMedia(t, store, "image.noise", params, nil)
		return assetBytes(t, store, out["image"]), out["image"].(map[string]any)
	}
	p := map[string]any{"width": 96.0, "height": 64.0, "seed": 7.0, "scale": 16.0}
	a, ref := gen(p)
	b, _ := gen(p)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different images")
	}
	if ref["mime"] != "image/png" || ref["name"] != "noise-7.png" {
		t.Fatalf("ref = %v", ref)
	}
	img, _, err := image.Decode(bytes.NewReader(a))
	if err != nil || size(img) != [2]int{96, 64} {
		t.Fatalf("decoded %v, err %v", img.Bounds(), err)
	}
	// Not flat: noise has many distinct colours.
	colours := map[color.Color]bool{}
	for y := 0; y < 64; y += 4 {
		for x := 0; x < 96; x += 4 {
			colours[img.At(x, y)] = true
		}
	}
	if len(colours) < 50 {
		t.Fatalf("only %d distinct colours in a noise image", len(colours))
	}
	if c, _ := gen(map[string]any{"width": 96.0, "height": 64.0, "seed": 8.0, "scale": 16.0}); bytes.Equal(a, c) {
		t.Fatal("another seed gave the same image")
	}
	if c, _ := gen(map[string]any{"width": 96.0, "height": 64.0, "seed": "7", "scale": 16.0}); !bytes.Equal(a, c) {
		t.Fatal("seed as text differs from the same seed as a number")
	}
	// Defaults: 512×512.
	if _, ref := gen(map[string]any{"seed": 1.0}); size(assetImage(t, store, ref)) != [2]int{512, 512} {
		t.Fatal("default size is not 512×512")
	}

	nt := nodeType(t, "image.noise")
	if nt.IsDeterministic(map[string]any{"width": 10.0}) || nt.IsDeterministic(map[string]any{"seed": ""}) {
		t.Error("noise without a seed is deterministic")
	}
	if !nt.IsDeterministic(map[string]any{"seed": 3.0}) {
		t.Error("noise with a seed is not deterministic")
	}
	if _, err := runMedia(t, store, "image.noise", map[string]any{"width": 8.0, "height": 8.0}, nil); err != nil {
		t.Errorf("unseeded: %v", err)
	}

	for _, tc := range []struct {
		params  map[string]any
		wantErr string
	}{
		{map[string]any{"width": 0.0}, `param "width": 0 is out of range (1..8192)`},
		{map[string]any{"height": 9000.0}, `param "height": 9000 is out of range (1..8192)`},
		{map[string]any{"scale": 0.0}, `param "scale": 0 must be greater than 0`},
		{map[string]any{"seed": 1.5}, `param "seed": 1.5 is not a whole number`},
	} {
		if _, err := runMedia(t, store, "image.noise", tc.params, nil); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%v: err = %v, want %q", tc.params, err, tc.wantErr)
		}
	}
}

func TestImageNoiseCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := nodeInput(map[string]any{"width": 2048.0, "height": 2048.0, "seed": 1.0}, nil)
	in.Assets = newStore(t)
	if _, err := nodeType(t, "image.noise").Run(ctx, in); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestImageResize(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	src := putImage(t, store, testImage(200, 100), "wide.jpg")
	for _, tc := range []struct {
		name    string
		params  map[string]any
		want    [2]int
		wantErr string
	}{
		{"width keeps aspect", map[string]any{"width": 50.0, "height": 0.0}, [2]int{50, 25}, ""},
		{"height keeps aspect", map[string]any{"width": 0.0, "height": 10.0}, [2]int{20, 10}, ""},
		{"height absent", map[string]any{"width": 100.0}, [2]int{100, 50}, ""},
		{"both", map[string]any{"width": 30.0, "height": 30.0, "filter": "lanczos"}, [2]int{30, 30}, ""},
		{"nearest upscale", map[string]any{"width": 400.0, "filter": "nearest"}, [2]int{400, 200}, ""},
		{"both zero", map[string]any{"width": 0.0, "height": 0.0}, [2]int{}, "width and height are both 0"},
		{"negative", map[string]any{"width": -5.0}, [2]int{}, `param "width": -5 is out of range`},
		{"bad filter", map[string]any{"width": 5.0, "filter": "cubic"}, [2]int{}, `"cubic" is not one of lanczos, linear, nearest`},
		{"aspect too large", map[string]any{"width": 0.0, "height": 8000.0}, [2]int{}, "larger than 8192 pixels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := runMedia(t, store, "image.resize", tc.params, map[string]any{"image": src})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := size(assetImage(t, store, out["image"])); got != tc.want {
				t.Fatalf("size = %v, want %v", got, tc.want)
			}
			if ref, _ := engine.AsAssetRef(out["image"]); ref.Name != "wide.png" || ref.Mime != "image/png" {
				t.Fatalf("ref = %+v, want wide.png image/png", ref)
			}
		})
	}
}

func TestImageCrop(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	img := testImage(100, 80)
	src := putImage(t, store, img, "p.png")
	for _, tc := range []struct {
		name    string
		params  map[string]any
		want    image.Rectangle // in source coordinates
		wantErr string
	}{
		{"inside", map[string]any{"x": 10.0, "y": 20.0, "width": 30.0, "height": 40.0}, image.Rect(10, 20, 40, 60), ""},
		{"clamped", map[string]any{"x": 90.0, "y": 70.0, "width": 50.0, "height": 50.0}, image.Rect(90, 70, 100, 80), ""},
		{"negative origin", map[string]any{"x": -10.0, "y": -10.0, "width": 20.0, "height": 20.0}, image.Rect(0, 0, 10, 10), ""},
		{"zero reaches edge", map[string]any{"x": 60.0, "y": 50.0}, image.Rect(60, 50, 100, 80), ""},
		{"outside", map[string]any{"x": 100.0, "y": 0.0, "width": 5.0, "height": 5.0}, image.Rectangle{}, "lies outside the 100×80 image"},
		{"negative size", map[string]any{"width": -1.0}, image.Rectangle{}, `param "width": -1 is negative`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := runMedia(t, store, "image.crop", tc.params, map[string]any{"image": src})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := assetImage(t, store, out["image"])
			if got.Bounds().Dx() != tc.want.Dx() || got.Bounds().Dy() != tc.want.Dy() {
				t.Fatalf("size = %v, want %v", size(got), tc.want.Size())
			}
			if g, w := color.NRGBAModel.Convert(got.At(0, 0)), img.At(tc.want.Min.X, tc.want.Min.Y); g != w {
				t.Fatalf("top-left pixel = %v, want %v", g, w)
			}
		})
	}
}

func TestImageGrayscaleAndBlur(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	src := putImage(t, store, testImage(40, 30), "g.png")

	out := mustRunMedia(t, store, "image.grayscale", nil, map[string]any{"image": src})
	g := assetImage(t, store, out["image"])
	for _, pt := range []image.Point{{0, 0}, {20, 15}, {39, 29}} {
		c := color.NRGBAModel.Convert(g.At(pt.X, pt.Y)).(color.NRGBA)
		if c.R != c.G || c.G != c.B {
			t.Fatalf("grayscale pixel %v = %v", pt, c)
		}
	}

	same := mustRunMedia(t, store, "image.blur", map[string]any{"radius": 0.0}, map[string]any{"image": src})
	if !bytes.Equal(assetBytes(t, store, same["image"]), assetBytes(t, store, mustRunMedia(t, store, "image.blur",
		map[string]any{"radius": 0.0}, map[string]any{"image": src})["image"])) {
		t.Fatal("blur is not deterministic")
	}
	a, b := assetImage(t, store, src), assetImage(t, store, same["image"])
	for _, pt := range []image.Point{{0, 0}, {7, 9}, {39, 29}} {
		if color.NRGBAModel.Convert(a.At(pt.X, pt.Y)) != color.NRGBAModel.Convert(b.At(pt.X, pt.Y)) {
			t.Fatalf("radius 0 changed pixel %v", pt)
		}
	}
	blurred := assetImage(t, store, mustRunMedia(t, store, "image.blur", nil, map[string]any{"image": src})["image"])
	if size(blurred) != [2]int{40, 30} || color.NRGBAModel.Convert(blurred.At(0, 0)) == color.NRGBAModel.Convert(a.At(0, 0)) {
		t.Fatal("default blur left the corner pixel unchanged")
	}
	if _, err := runMedia(t, store, "image.blur", map[string]any{"radius": -1.0}, map[string]any{"image": src}); err == nil ||
		!strings.Contains(err.Error(), `param "radius": -1 is out of range`) {
		t.Fatalf("negative radius: err = %v", err)
	}
}

func TestImageInputErrors(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	text, err := store.PutAsset(context.Background(), []byte("words"), "text/plain", "notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		inputs  map[string]any
		wantErr string
	}{
		{"null", map[string]any{"image": nil}, `input "image" is required but is null`},
		{"unconnected", nil, `input "image" is required but is null`},
		{"text", map[string]any{"image": "a.png"}, `input "image": a string is not an image`},
		{"not an image", map[string]any{"image": text}, `input "image" (notes.txt): not a readable image`},
		{"unknown asset", map[string]any{"image": map[string]any{"asset": strings.Repeat("0", 64)}}, `input "image": opening asset`},
	} {
		if _, err := runMedia(t, store, "image.grayscale", nil, tc.inputs); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestImageGrid(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	wide := putImage(t, store, testImage(100, 50), "wide.png")
	tall := putImage(t, store, testImage(20, 80), "tall.png")
	for _, tc := range []struct {
		name    string
		params  map[string]any
		inputs  map[string]any
		want    [2]int
		wantErr string
	}{
		{"two", map[string]any{"cell": 64.0}, map[string]any{"a": wide, "b": tall}, [2]int{2*64 + 4, 64}, ""},
		{"three wraps", map[string]any{"cell": 32.0, "gap": 2.0}, map[string]any{"a": wide, "b": tall, "d": wide},
			[2]int{2*32 + 2, 2*32 + 2}, ""},
		{"four in a row", map[string]any{"columns": 4.0, "cell": 16.0, "gap": 0.0},
			map[string]any{"a": wide, "b": tall, "c": wide, "d": tall}, [2]int{64, 16}, ""},
		{"one", nil, map[string]any{"c": tall}, [2]int{256, 256}, ""},
		{"none", nil, map[string]any{"a": nil}, [2]int{}, "no image on a, b, c or d"},
		{"not an image", nil, map[string]any{"a": wide, "b": 3.0}, [2]int{}, `input "b": a number is not an image`},
		{"bad columns", map[string]any{"columns": 0.0}, map[string]any{"a": wide}, [2]int{}, `param "columns": 0 is out of range`},
		{"too big", map[string]any{"cell": 4096.0, "columns": 4.0}, map[string]any{"a": wide, "b": wide, "c": wide},
			[2]int{}, "larger than 8192 pixels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := runMedia(t, store, "image.grid", tc.params, tc.inputs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := assetImage(t, store, out["image"])
			if size(got) != tc.want {
				t.Fatalf("size = %v, want %v", size(got), tc.want)
			}
		})
	}
	// The wide image fills its cell's width, centred vertically; the gap stays transparent.
	out := mustRunMedia(t, store, "image.grid", map[string]any{"cell": 64.0}, map[string]any{"a": wide, "b": tall})
	g := assetImage(t, store, out["image"])
	if _, _, _, a := g.At(5, 32).RGBA(); a == 0 {
		t.Error("cell a is empty in its middle")
	}
	if _, _, _, a := g.At(5, 2).RGBA(); a != 0 {
		t.Error("letterbox above the wide image is not transparent")
	}
	if _, _, _, a := g.At(66, 32).RGBA(); a != 0 {
		t.Error("the gap is not transparent")
	}
}
