package nodes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flowbench/flowbench/engine"
)

const (
	// maxTextOutput is the largest file file.load also outputs as text.
	maxTextOutput = 1 << 20
	// probeTimeout bounds one ffprobe call; a stuck probe must not hold a run.
	probeTimeout = 20 * time.Second
	// maxNumbered is how many "name (n).ext" candidates file.save tries.
	maxNumbered = 10000
)

// extMimes are the media extensions the nodes know without asking the system's mime table,
// whose contents vary between machines.
var extMimes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp",
	".wav":  "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg",
	".opus": "audio/ogg", ".flac": "audio/flac", ".m4a": "audio/mp4", ".aac": "audio/aac",
	".aif": "audio/aiff", ".aiff": "audio/aiff",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg",
	".mov": "video/quicktime", ".mkv": "video/x-matroska", ".avi": "video/x-msvideo",
	".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv", ".json": "application/json",
	".bin": "application/octet-stream",
}

// containerSubtypes are sniffed formats that may hold either audio or video.
var containerSubtypes = map[string]string{
	"application/ogg": "ogg",
	"video/webm":      "webm",
	"video/mp4":       "mp4",
	"audio/mp4":       "mp4",
}

// mimeByExtension is the mime type for name's extension, "" when unknown.
func mimeByExtension(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if m, ok := extMimes[ext]; ok {
		return m
	}
	if ext == "" {
		return ""
	}
	m, _, _ := mime.ParseMediaType(mime.TypeByExtension(ext))
	return m
}

// extForMime is the usual extension of a mime type, "" when unknown.
func extForMime(m string) string {
	for _, pref := range []string{".png", ".jpg", ".gif", ".webp", ".wav", ".mp3", ".ogg",
		".flac", ".m4a", ".mp4", ".webm", ".mov", ".txt", ".json"} {
		if extMimes[pref] == m {
			return pref
		}
	}
	for ext, em := range extMimes {
		if em == m && ext != ".bin" {
			return ext
		}
	}
	if exts, _ := mime.ExtensionsByType(m); len(exts) > 0 {
		return exts[0]
	}
	return ""
}

// sniffMime is the mime type of data by content alone (no parameters).
func sniffMime(data []byte) string { return engine.SniffMime(data) }

// mediaMime decides the mime type of an audio or video file (kind is "audio" or "video"):
// by content alone; the extension only names the format of a container that may hold either
// kind (.oga, .m4a). Content that is not recognised is refused whatever the extension.
func mediaMime(kind string, data []byte, name string) (string, error) {
	sniffed := sniffMime(data)
	if strings.HasPrefix(sniffed, kind+"/") {
		return sniffed, nil
	}
	byExt := mimeByExtension(name)
	if sub, ok := containerSubtypes[sniffed]; ok {
		if strings.HasPrefix(byExt, kind+"/") {
			return byExt, nil
		}
		return kind + "/" + sub, nil
	}
	return "", fmt.Errorf("is not %s %s file (its content looks like %s)", article(kind), kind, sniffed)
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// fileMime is the mime type file.load stores: by content, refined by the extension when
// the content says only "binary" or "text".
func fileMime(data []byte, name string) string {
	sniffed := sniffMime(data)
	byExt := mimeByExtension(name)
	switch {
	case byExt == "":
		return sniffed
	case sniffed == "application/octet-stream":
		return byExt
	case sniffed == "text/plain" && (strings.HasPrefix(byExt, "text/") ||
		strings.HasSuffix(byExt, "json") || strings.HasSuffix(byExt, "xml") ||
		strings.HasSuffix(byExt, "javascript") || strings.HasSuffix(byExt, "yaml")):
		return byExt
	}
	return sniffed
}

// mediaOutputs are the extra outputs of audio.load and video.load.
func mediaOutputs(kind, what string) []engine.Handle {
	return []engine.Handle{
		{Name: kind, Type: kind, Description: "The " + what + ", unchanged"},
		{Name: "duration", Type: engine.TypeNumber,
			Description: "Length in seconds (null when ffprobe is not installed)"},
	}
}

// sourceParams are the path-or-asset params of the load nodes.
func sourceParams(what string) []engine.ParamSpec {
	return []engine.ParamSpec{
		{Name: "path", Kind: engine.ParamPath, Label: "File",
			Description: "A " + what + " on disk; it is watched, and a change makes the node run again"},
		{Name: "asset", Kind: engine.ParamString, Label: "Asset",
			Description: "The sha256 of a " + what + " already in the asset store (used when File is empty)"},
	}
}

// registerMedia adds the audio, video and file nodes.
func registerMedia(r *engine.Registry) error {
	return registerAll(r,
		engine.NodeType{
			Type:  "audio.load",
			Group: "media",
			Title: "Load audio",
			Description: "An audio file (WAV, MP3, Ogg, FLAC, …) from a linked file on disk or " +
				"from the asset store, with its duration when ffprobe is installed.",
			Outputs:       mediaOutputs(engine.TypeAudio, "audio"),
			Params:        sourceParams("audio file"),
			Deterministic: true,
			Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return runMediaLoad(ctx, in, "audio.load", engine.TypeAudio)
			},
		},
		engine.NodeType{
			Type:  "video.load",
			Group: "media",
			Title: "Load video",
			Description: "A video file (MP4, WebM, …) from a linked file on disk or from the " +
				"asset store, with its duration when ffprobe is installed.",
			Outputs:       mediaOutputs(engine.TypeVideo, "video"),
			Params:        sourceParams("video file"),
			Deterministic: true,
			Run: func(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
				return runMediaLoad(ctx, in, "video.load", engine.TypeVideo)
			},
		},
		engine.NodeType{
			Type:  "file.load",
			Group: "media",
			Title: "Load file",
			Description: "Any file from a linked file on disk or from the asset store; a UTF-8 " +
				"text file under 1 MB is also given as text.",
			Outputs: []engine.Handle{
				{Name: "file", Type: engine.TypeFile, Description: "The file, unchanged"},
				{Name: "text", Type: engine.TypeString,
					Description: "The content as text (null unless UTF-8 text under 1 MB)"},
				{Name: "size", Type: engine.TypeInteger, Description: "Size in bytes"},
			},
			Params:        sourceParams("file"),
			Deterministic: true,
			Run:           runFileLoad,
		},
		engine.NodeType{
			Type:  "file.save",
			Group: "media",
			Title: "Save file",
			Description: "Writes a value to a folder: media as its bytes, text as text, anything " +
				"else as JSON. An existing file is kept unless Overwrite is on: the new one " +
				"gets a numbered name.",
			Inputs: []engine.Handle{
				{Name: "value", Type: engine.TypeAny, Required: true, Description: "What to write"},
			},
			Outputs: []engine.Handle{
				{Name: "path", Type: engine.TypeString, Description: "The file written"},
			},
			Params: []engine.ParamSpec{
				{Name: "folder", Kind: engine.ParamPath, Label: "Folder", Required: true,
					Description: "Where to write; created when missing"},
				{Name: "filename", Kind: engine.ParamString, Label: "File name",
					Description: "Defaults to the asset's name, output.txt for text or output.json"},
				{Name: "overwrite", Kind: engine.ParamBoolean, Label: "Overwrite", Default: false,
					Description: "Replace an existing file instead of picking a numbered name"},
			},
			Deterministic: false, // it changes the disk; every run must write
			Run:           runFileSave,
		},
	)
}

// loaded is a file read by a load node from its path or asset param.
type loaded struct {
	data []byte
	name string // base name of the file, "" for an asset
	path string // the file on disk, "" for an asset
	sha  string // the asset param, "" for a file
	what string // names the source in errors
}

// loadSource reads the path param, or else the asset param, of a load node.
func loadSource(ctx context.Context, in *engine.NodeInput, typ string) (loaded, error) {
	switch {
	case in.Has("path"):
		path := in.String("path", "")
		data, err := readLinkedFile(ctx, path)
		if err != nil {
			return loaded{}, fmt.Errorf("%s: %w", typ, err)
		}
		return loaded{data: data, name: filepath.Base(path), path: path, what: path}, nil
	case in.Has("asset"):
		sha := in.String("asset", "")
		data, err := readAsset(ctx, in.Assets, sha)
		if err != nil {
			return loaded{}, fmt.Errorf("%s: %w", typ, err)
		}
		return loaded{data: data, sha: sha, what: "asset " + shortSHA(sha)}, nil
	}
	return loaded{}, fmt.Errorf("%s: set path (a file on disk) or asset", typ)
}

// assetName is the name a loaded file is stored under.
func (l loaded) assetName(mime string) string {
	if l.name != "" {
		return l.name
	}
	return shortSHA(l.sha) + extForMime(mime)
}

func runMediaLoad(ctx context.Context, in *engine.NodeInput, typ, kind string) (map[string]any, error) {
	src, err := loadSource(ctx, in, typ)
	if err != nil {
		return nil, err
	}
	mt, err := mediaMime(kind, src.data, src.name)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %w", typ, src.what, err)
	}
	ref, err := putAsset(ctx, in, src.data, mt, src.assetName(mt))
	if err != nil {
		return nil, err
	}
	probePath := src.path
	if probePath == "" && in.Assets != nil {
		if p, err := in.Assets.AssetPath(src.sha); err == nil {
			probePath = p
		}
	}
	var duration any // null unless ffprobe answers
	if probePath != "" {
		if d, ok := probeDuration(ctx, in, probePath); ok {
			duration = d
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return map[string]any{kind: ref, "duration": duration}, nil
}

// probeDuration asks ffprobe for the length of a media file in seconds. Without ffprobe,
// or when it cannot tell, it reports false: the duration is optional, never a failure.
func probeDuration(ctx context.Context, in *engine.NodeInput, path string) (float64, bool) {
	bin, err := findTool(ctx, in, "ffprobe") // PATH or the ffmpeg_path setting
	if err != nil {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	// The file: prefix keeps a name starting with "-" or "http:" from being read as
	// anything but a local file.
	cmd := exec.CommandContext(ctx, bin, "-v", "error", "-show_entries", "format=duration",
		"-of", "default=noprint_wrappers=1:nokey=1", "file:"+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		in.Log(fmt.Sprintf("ffprobe could not read the duration: %v %s", err, strings.TrimSpace(stderr.String())))
		return 0, false
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || d < 0 {
		in.Log(fmt.Sprintf("ffprobe gave no duration (%q)", strings.TrimSpace(string(out))))
		return 0, false
	}
	return d, true
}

func runFileLoad(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	src, err := loadSource(ctx, in, "file.load")
	if err != nil {
		return nil, err
	}
	mt := fileMime(src.data, src.name)
	ref, err := putAsset(ctx, in, src.data, mt, src.assetName(mt))
	if err != nil {
		return nil, err
	}
	var text any // null unless the file is text
	if len(src.data) < maxTextOutput && utf8.Valid(src.data) && bytes.IndexByte(src.data, 0) < 0 {
		text = string(src.data)
	}
	return map[string]any{"file": ref, "text": text, "size": len(src.data)}, nil
}

func runFileSave(ctx context.Context, in *engine.NodeInput) (map[string]any, error) {
	if !in.Has("folder") {
		return nil, fmt.Errorf("param %q is required (the folder to write to)", "folder")
	}
	folder := in.String("folder", "")
	v, err := requireInput(in, "value")
	if err != nil {
		return nil, err
	}
	var (
		data []byte
		name string
	)
	if ref, ok := engine.AsAssetRef(v); ok {
		if data, err = readAsset(ctx, in.Assets, ref.Asset); err != nil {
			return nil, fmt.Errorf("input %q: %w", "value", err)
		}
		name = ref.Name
		if name == "" {
			ext := extForMime(ref.Mime)
			if ext == "" {
				ext = ".bin"
			}
			name = "output" + ext
		}
	} else if s, ok := v.(string); ok {
		data, name = []byte(s), "output.txt"
	} else {
		if data, err = indentJSON(v); err != nil {
			return nil, fmt.Errorf("input %q: %w", "value", err)
		}
		name = "output.json"
	}
	if in.Has("filename") {
		name = in.String("filename", "")
	}
	if err := checkFileName(name); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path, err := writeNew(folder, name, data, in.Bool("overwrite", false))
	if err != nil {
		return nil, err
	}
	return map[string]any{"path": path}, nil
}

// indentJSON is v as indented JSON text with a final newline, keys sorted, no HTML escaping.
func indentJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkFileName accepts a plain file name: no folders, nothing that names the folder itself.
func checkFileName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) ||
		strings.ContainsRune(name, 0) {
		return fmt.Errorf("param %q: %q is not a file name (no folders allowed)", "filename", name)
	}
	return nil
}

// numbered is name with " (n)" before its extension; n < 2 is name itself.
func numbered(name string, n int) string {
	if n < 2 {
		return name
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	if stem == "" { // ".env": all extension, no stem
		stem, ext = name, ""
	}
	return fmt.Sprintf("%s (%d)%s", stem, n, ext)
}

// writeNew writes data to folder/name atomically: a temporary file in the same folder,
// then a rename. Without overwrite an existing file is never replaced: the temporary file is
// hard-linked to the first free "name (n).ext" (a link fails instead of replacing), with a
// check-then-rename fallback on file systems without hard links. It returns the
// absolute path written.
func writeNew(folder, name string, data []byte, overwrite bool) (string, error) {
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return "", fmt.Errorf("creating folder %s: %w", folder, err)
	}
	tmp, err := os.CreateTemp(folder, ".flowbench-*.tmp")
	if err != nil {
		return "", fmt.Errorf("writing to %s: %w", folder, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once renamed
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmpName, 0o644)
	}
	if err != nil {
		return "", fmt.Errorf("writing to %s: %w", folder, err)
	}
	if overwrite {
		target := filepath.Join(folder, name)
		if err := os.Rename(tmpName, target); err != nil {
			return "", fmt.Errorf("writing %s: %w", target, err)
		}
		return absPath(target), nil
	}
	for n := 1; n <= maxNumbered; n++ {
		target := filepath.Join(folder, numbered(name, n))
		err := os.Link(tmpName, target)
		if err == nil {
			return absPath(target), nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		// No hard links here: check, then rename (a tiny race with another writer).
		if _, serr := os.Lstat(target); serr == nil {
			continue
		} else if !errors.Is(serr, fs.ErrNotExist) {
			return "", fmt.Errorf("writing %s: %w", target, serr)
		}
		if err := os.Rename(tmpName, target); err != nil {
			return "", fmt.Errorf("writing %s: %w", target, err)
		}
		return absPath(target), nil
	}
	return "", fmt.Errorf("writing %s: %s to %s are all taken", filepath.Join(folder, name),
		numbered(name, 1), numbered(name, maxNumbered))
}

// absPath is p made absolute when possible.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
