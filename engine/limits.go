package engine

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif"  // GIF headers for image.DecodeConfig
	_ "image/jpeg" // JPEG headers for image.DecodeConfig
	_ "image/png"  // PNG headers for image.DecodeConfig
	"mime"
	"net/http"
	"strconv"
	"strings"

	_ "golang.org/x/image/webp" // WebP headers for image.DecodeConfig
)

// DefaultMaxImagePixels is the largest decoded image (width × height) nodes decode and image
// inputs may hold unless configured otherwise (SPEC §17): 100 megapixels, 400 MB as RGBA.
const DefaultMaxImagePixels int64 = 100_000_000

// SettingMaxImagePixels is the settings key of the decoded image size limit, in pixels.
const SettingMaxImagePixels = "max_image_pixels"

// Limits bound what one node may make the process hold (SPEC §17).
type Limits struct {
	// MaxImagePixels is the largest width × height an image may decode to; 0 means
	// DefaultMaxImagePixels.
	MaxImagePixels int64
}

// ImagePixels is the decoded image size limit in force.
func (l Limits) ImagePixels() int64 {
	if l.MaxImagePixels > 0 {
		return l.MaxImagePixels
	}
	return DefaultMaxImagePixels
}

// storedImageLimit reads the image size limit setting, falling back to the default.
func storedImageLimit(ctx context.Context, st SettingsStore) int64 {
	v, ok, err := st.GetSetting(ctx, SettingMaxImagePixels)
	if err != nil || !ok {
		return DefaultMaxImagePixels
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 1 {
		return DefaultMaxImagePixels
	}
	return n
}

// ImageMimes maps image.DecodeConfig's format names to the mime types images are stored as.
var ImageMimes = map[string]string{"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}

// CheckImage reads only an image's header and refuses bytes that are not a PNG, JPEG, GIF
// or WebP image, and images that would decode to more than maxPixels pixels (a small file
// may claim a huge size). It returns the image's mime type and size.
func CheckImage(data []byte, maxPixels int64) (string, image.Config, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", cfg, fmt.Errorf("not a readable image (PNG, JPEG, GIF or WebP): %v", err)
	}
	mt, ok := ImageMimes[format]
	if !ok {
		return "", cfg, fmt.Errorf("not a readable image (PNG, JPEG, GIF or WebP): %s", format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", cfg, fmt.Errorf("not a readable image: empty image (%d×%d)", cfg.Width, cfg.Height)
	}
	if maxPixels <= 0 {
		maxPixels = DefaultMaxImagePixels
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return "", cfg, fmt.Errorf("image is %d×%d (%s pixels), larger than the limit of %s pixels",
			cfg.Width, cfg.Height, groupDigits(int64(cfg.Width)*int64(cfg.Height)), groupDigits(maxPixels))
	}
	return mt, cfg, nil
}

// groupDigits writes n with thin groups of three digits (256 000 000).
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SniffMime is the mime type of data by its content alone (no parameters, no extension),
// recognising a few media formats http.DetectContentType does not.
func SniffMime(data []byte) string {
	m, _, err := mime.ParseMediaType(http.DetectContentType(data))
	if err != nil {
		return "application/octet-stream"
	}
	switch m {
	case "audio/wave", "audio/x-wav":
		return "audio/wav"
	case "video/avi":
		return "video/x-msvideo"
	case "application/octet-stream":
	default:
		return m
	}
	switch {
	case bytes.HasPrefix(data, []byte("fLaC")):
		return "audio/flac"
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && string(data[8:11]) == "M4A":
		return "audio/mp4"
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && string(data[8:12]) == "qt  ":
		return "video/quicktime"
	case len(data) >= 4 && data[0] == 0xff && data[1]&0xe0 == 0xe0 && data[1]&0x06 != 0 &&
		data[2]&0xf0 != 0xf0:
		return "audio/mpeg" // an MPEG audio frame header without an ID3 tag
	case len(data) >= 7 && data[0] == 0xff && data[1]&0xf6 == 0xf0:
		return "audio/aac" // an ADTS frame header
	}
	return m
}

// containerKinds are sniffed formats that may hold either audio or video.
var containerKinds = map[string]string{
	"application/ogg": "ogg",
	"video/webm":      "webm",
	"video/mp4":       "mp4",
	"audio/mp4":       "mp4",
}

// MediaMime decides by content the mime type of a file given as kind (image, audio, video;
// any other kind accepts any content, typed by DetectMime). The extension of name only picks
// between audio and video for a container that may hold either: it never makes foreign
// bytes pass as media.
func MediaMime(kind, name string, data []byte, limits Limits) (string, error) {
	switch kind {
	case TypeImage:
		mt, _, err := CheckImage(data, limits.ImagePixels())
		return mt, err
	case TypeAudio, TypeVideo:
		sniffed := SniffMime(data)
		if strings.HasPrefix(sniffed, kind+"/") {
			return sniffed, nil
		}
		if sub, ok := containerKinds[sniffed]; ok {
			return kind + "/" + sub, nil
		}
		return "", fmt.Errorf("is not %s file (its content looks like %s)", withArticle(kind), sniffed)
	}
	return DetectMime(name, data), nil
}

// withArticle is word after "a" or "an".
func withArticle(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}
