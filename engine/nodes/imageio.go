package nodes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // GIF decoding for image.Decode
	_ "image/jpeg" // JPEG decoding for image.Decode
	"image/png"
	"io"
	"path/filepath"
	"strings"

	_ "golang.org/x/image/webp" // WebP decoding for image.Decode

	"github.com/flowbench/flowbench/engine"
)

// maxImageSide bounds every image a node produces, so a typo in a param cannot ask for
// gigabytes of memory.
const maxImageSide = 8192

// errNotImage marks bytes that do not decode as a supported image.
var errNotImage = errors.New("not a readable image (PNG, JPEG, GIF or WebP)")

// decodeImage decodes PNG, JPEG, GIF (first frame) or WebP bytes and returns the image with
// the mime type of its format. Only the header is read before the size is checked against
// the limit (a decompression bomb is a small file that claims a huge size). Truncated or
// foreign bytes give an error wrapping errNotImage.
func decodeImage(data []byte, limits engine.Limits) (image.Image, string, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", errNotImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", fmt.Errorf("%w: empty image (%d×%d)", errNotImage, cfg.Width, cfg.Height)
	}
	mime, _, err := engine.CheckImage(data, limits.ImagePixels())
	if err != nil {
		return nil, "", err
	}
	img, _, err := decodeSafely(data)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", errNotImage, err)
	}
	return img, mime, nil
}

// decodeSafely is image.Decode with a decoder panic (malformed input) turned into an error.
func decodeSafely(data []byte) (img image.Image, format string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder failed: %v", r)
		}
	}()
	return image.Decode(bytes.NewReader(data))
}

// encodePNG encodes img as PNG, favouring speed over size: assets are working files.
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// refValue is the JSON form of a media value, as nodes output it.
func refValue(ref engine.AssetRef) map[string]any {
	return map[string]any{"asset": ref.Asset, "mime": ref.Mime, "name": ref.Name}
}

// readAsset reads the whole of an asset.
func readAsset(ctx context.Context, assets engine.AssetStore, sha string) ([]byte, error) {
	if assets == nil {
		return nil, fmt.Errorf("reading asset %s: no asset store", sha)
	}
	rc, err := assets.OpenAsset(ctx, sha)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("reading asset %s: %w", sha, err)
	}
	return data, nil
}

// putAsset stores data and returns the output value referring to it.
func putAsset(ctx context.Context, in *engine.NodeInput, data []byte, mime, name string) (map[string]any, error) {
	if in.Assets == nil {
		return nil, errors.New("storing result: no asset store")
	}
	ref, err := in.Assets.PutAsset(ctx, data, mime, name)
	if err != nil {
		return nil, fmt.Errorf("storing result: %w", err)
	}
	return refValue(ref), nil
}

// inputImage decodes the image on input handle name, which must be a media value.
func inputImage(ctx context.Context, in *engine.NodeInput, name string) (image.Image, engine.AssetRef, error) {
	v, err := requireInput(in, name)
	if err != nil {
		return nil, engine.AssetRef{}, err
	}
	ref, ok := engine.AsAssetRef(v)
	if !ok {
		return nil, engine.AssetRef{}, fmt.Errorf("input %q: a %s is not an image (want an asset reference)", name, typeName(v))
	}
	// The limit is part of the key: an image refused under one limit may pass under another.
	key := fmt.Sprintf("%s/%d", ref.Asset, in.Limits.ImagePixels())
	img, err := decoded.get(key, func() (image.Image, error) {
		data, err := readAsset(ctx, in.Assets, ref.Asset)
		if err != nil {
			return nil, assetReadError{err}
		}
		img, _, err := decodeImage(data, in.Limits)
		return img, err
	})
	var re assetReadError
	switch {
	case errors.As(err, &re):
		return nil, ref, fmt.Errorf("input %q: %w", name, re.err)
	case err != nil:
		return nil, ref, fmt.Errorf("input %q (%s): %w", name, displayName(ref), err)
	}
	return img, ref, nil
}

// assetReadError is a failure to read an image's bytes, as opposed to decoding them.
type assetReadError struct{ err error }

func (e assetReadError) Error() string { return e.err.Error() }
func (e assetReadError) Unwrap() error { return e.err }

// putImage encodes img as PNG and stores it, named after the source with a .png extension.
func putImage(ctx context.Context, in *engine.NodeInput, img image.Image, name string) (map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := encodePNG(img)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return putAsset(ctx, in, data, "image/png", name)
}

// pngName is name with its extension replaced by .png ("image.png" when name is empty).
func pngName(name string) string {
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	if stem == "" {
		stem = "image"
	}
	return stem + ".png"
}

// displayName names an asset in error messages.
func displayName(ref engine.AssetRef) string {
	if ref.Name != "" {
		return ref.Name
	}
	return "asset " + shortSHA(ref.Asset)
}

// shortSHA is the first 12 hex digits of a hash, enough to tell assets apart in a message.
func shortSHA(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// readLinkedFile reads a file named by a path param: a regular file only, failing with its
// name when it cannot be read within a few seconds. A missing file reads
// "reading /x/y.png: no such file or directory" rather than Go's "open …" wording.
func readLinkedFile(ctx context.Context, path string) ([]byte, error) {
	return engine.ReadFile(ctx, path, 0)
}

// checkSide validates a width or height param of a produced image.
func checkSide(name string, v, lo int) error {
	if v < lo || v > maxImageSide {
		return fmt.Errorf("param %q: %d is out of range (%d..%d)", name, v, lo, maxImageSide)
	}
	return nil
}
