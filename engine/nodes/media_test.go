package nodes_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// wavBytes is a mono 16-bit PCM WAV: a 44-byte header and seconds of a 440 Hz tone.
func wavBytes(rate int, seconds float64) []byte {
	n := int(float64(rate) * seconds)
	var buf bytes.Buffer
	le := func(v any) { _ = binary.Write(&buf, binary.LittleEndian, v) }
	buf.WriteString("RIFF")
	le(uint32(36 + 2*n))
	buf.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1)) // PCM
	le(uint16(1)) // mono
	le(uint32(rate))
	le(uint32(rate * 2)) // byte rate
	le(uint16(2))        // block align
	le(uint16(16))       // bits per sample
	buf.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		le(int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate))))
	}
	return buf.Bytes()
}

// mp4Header is the start of an MP4 file: enough to sniff, not enough to play.
var mp4Header = []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free")

func TestAudioLoadWAV(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store := newStore(t)
	path := writeFile(t, dir, "tone.wav", wavBytes(8000, 1.5))
	out := mustRunMedia(t, store, "audio.load", map[string]any{"path": path}, nil)
	ref, ok := engine.AsAssetRef(out["audio"])
	if !ok || ref.Mime != "audio/wav" || ref.Name != "tone.wav" {
		t.Fatalf("audio = %v", out["audio"])
	}
	if _, err := exec.LookPath("ffprobe"); err != nil {
		if out["duration"] != nil {
			t.Fatalf("duration = %v without ffprobe, want null", out["duration"])
		}
		t.Log("ffprobe not installed: duration not checked")
	} else if d, ok := out["duration"].(float64); !ok || math.Abs(d-1.5) > 0.01 {
		t.Fatalf("duration = %v, want 1.5", out["duration"])
	}

	// The same bytes by asset: probed through the store's file.
	byAsset := mustRunMedia(t, store, "audio.load", map[string]any{"asset": ref.Asset}, nil)
	if r, _ := engine.AsAssetRef(byAsset["audio"]); r.Asset != ref.Asset || r.Mime != "audio/wav" {
		t.Fatalf("by asset: %v", byAsset["audio"])
	}
	if out["duration"] != byAsset["duration"] {
		t.Fatalf("by asset: duration %v, by path %v", byAsset["duration"], out["duration"])
	}
}

// TestAudioLoadWithoutFFprobe empties PATH, so it cannot run in parallel.
func TestAudioLoadWithoutFFprobe(t *testing.T) {
	path := writeFile(t, t.TempDir(), "tone.wav", wavBytes(8000, 0.25))
	t.Setenv("PATH", "")
	out := mustRunMedia(t, newStore(t), "audio.load", map[string]any{"path": path}, nil)
	if out["duration"] != nil {
		t.Fatalf("duration = %v, want null", out["duration"])
	}
	if _, ok := out["duration"]; !ok {
		t.Fatal("duration output is missing; want an active null")
	}
}

func TestMediaLoadKinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store := newStore(t)
	for _, tc := range []struct {
		typ, name string
		data      []byte
		mime      string // "" expects wantErr
		wantErr   string
	}{
		{"audio.load", "tone.wav", wavBytes(8000, 0.01), "audio/wav", ""},
		{"audio.load", "id3.mp3", []byte("ID3\x03\x00\x00\x00\x00\x00\x00rest"), "audio/mpeg", ""},
		{"audio.load", "song.flac", []byte("fLaC\x00\x00\x00\x22"), "audio/flac", ""},
		{"audio.load", "song.ogg", []byte("OggS\x00\x02\x00\x00"), "audio/ogg", ""},
		{"audio.load", "unknown.mp3", make([]byte, 64), "", "is not an audio file (its content looks like application/octet-stream)"}, // not by extension alone (SPEC §17)
		{"audio.load", "notes.mp3", []byte("just some text"), "", "is not an audio file (its content looks like text/plain)"},
		{"audio.load", "pic.wav", pngBytes(t, testImage(2, 2)), "", "is not an audio file (its content looks like image/png)"},
		{"video.load", "clip.mp4", mp4Header, "video/mp4", ""},
		{"video.load", "clip.webm", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm"), "video/webm", ""},
		{"video.load", "clip.ogv", []byte("OggS\x00\x02\x00\x00"), "video/ogg", ""},
		{"video.load", "tone.wav", wavBytes(8000, 0.01), "", "is not a video file"},
		{"video.load", "clip.mp4", []byte("hello"), "", "is not a video file"},
	} {
		t.Run(tc.typ+" "+tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, t.TempDir(), tc.name, tc.data)
			out, err := runMedia(t, store, tc.typ, map[string]any{"path": path}, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) ||
					!strings.HasPrefix(err.Error(), tc.typ+": ") {
					t.Fatalf("err = %v, want %q naming %s", err, tc.wantErr, path)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			kind := strings.TrimSuffix(tc.typ, ".load")
			if ref, _ := engine.AsAssetRef(out[kind]); ref.Mime != tc.mime {
				t.Fatalf("mime = %q, want %q", ref.Mime, tc.mime)
			}
			// These files are too short to play: ffprobe cannot tell, which is not a failure.
			if _, ok := out["duration"]; !ok {
				t.Fatal("no duration output")
			}
		})
	}
	missing := filepath.Join(dir, "gone.mp4")
	if _, err := runMedia(t, store, "video.load", map[string]any{"path": missing}, nil); err == nil ||
		err.Error() != "video.load: reading "+missing+": no such file or directory" {
		t.Fatalf("missing: err = %v", err)
	}
}

func TestFileLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store := newStore(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // exactly 1 MB
	for _, tc := range []struct {
		name string
		data []byte
		mime string
		text any
	}{
		{"notes.txt", []byte("héllo\n"), "text/plain", "héllo\n"},
		{"data.json", []byte(`{"a": 1}`), "application/json", `{"a": 1}`},
		{"empty.txt", nil, "text/plain", ""},
		{"pic.png", pngBytes(t, testImage(3, 3)), "image/png", nil},
		{"blob.bin", []byte{0, 1, 2, 0xff}, "application/octet-stream", nil},
		{"latin1.txt", []byte("caf\xe9"), "text/plain", nil},
		{"big.txt", big, "text/plain", nil},
	} {
		path := writeFile(t, dir, tc.name, tc.data)
		out := mustRunMedia(t, store, "file.load", map[string]any{"path": path}, nil)
		ref, _ := engine.AsAssetRef(out["file"])
		if ref.Mime != tc.mime || ref.Name != tc.name {
			t.Errorf("%s: file = %+v, want mime %s", tc.name, ref, tc.mime)
		}
		if out["text"] != tc.text {
			t.Errorf("%s: text = %.40q, want %.40q", tc.name, out["text"], tc.text)
		}
		if out["size"] != len(tc.data) {
			t.Errorf("%s: size = %v, want %d", tc.name, out["size"], len(tc.data))
		}
		if !bytes.Equal(assetBytes(t, store, out["file"]), tc.data) {
			t.Errorf("%s: stored bytes differ", tc.name)
		}
	}
	if _, err := runMedia(t, store, "file.load", map[string]any{"path": filepath.Join(dir, "nope.txt")}, nil); err == nil ||
		!strings.Contains(err.Error(), "nope.txt: no such file or directory") {
		t.Fatalf("missing: err = %v", err)
	}
}

func TestFileSave(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	dir := filepath.Join(t.TempDir(), "out", "nested") // created by the node
	save := func(value any, params map[string]any) string {
		t.Helper()
		p := map[string]any{"folder": dir}
		for k, v := range params {
			p[k] = v
		}
		out := mustRunMedia(t, store, "file.save", p, map[string]any{"value": value})
		return out["path"].(string)
	}
	read := func(path string) string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	first := save("hello", nil)
	if first != filepath.Join(dir, "output.txt") || read(first) != "hello" {
		t.Fatalf("first save: %s = %q", first, read(first))
	}
	second := save("again", nil)
	if second != filepath.Join(dir, "output (2).txt") || read(second) != "again" || read(first) != "hello" {
		t.Fatalf("second save: %s; first now %q", second, read(first))
	}
	if third := save("third", nil); third != filepath.Join(dir, "output (3).txt") {
		t.Fatalf("third save: %s", third)
	}
	over := save("replaced", map[string]any{"overwrite": true})
	if over != first || read(first) != "replaced" {
		t.Fatalf("overwrite: %s = %q", over, read(over))
	}
	if _, err := os.Stat(filepath.Join(dir, "output (4).txt")); err == nil {
		t.Fatal("overwrite made a numbered copy")
	}

	js := save(map[string]any{"b": []any{1.0, "<x>"}, "a": true}, nil)
	if want := "{\n  \"a\": true,\n  \"b\": [\n    1,\n    \"<x>\"\n  ]\n}\n"; js != filepath.Join(dir, "output.json") || read(js) != want {
		t.Fatalf("json: %s = %q, want %q", js, read(js), want)
	}
	if num := save(42.0, map[string]any{"filename": "answer.json"}); read(num) != "42\n" {
		t.Fatalf("number: %q", read(num))
	}

	png := pngBytes(t, testImage(5, 5))
	ref, err := store.PutAsset(t.Context(), png, "image/png", "thumb.png")
	if err != nil {
		t.Fatal(err)
	}
	img := save(ref, nil) // the struct form is accepted too
	if img != filepath.Join(dir, "thumb.png") || read(img) != string(png) {
		t.Fatalf("asset: %s", img)
	}
	unnamed := save(map[string]any{"asset": ref.Asset, "mime": "image/png"}, nil)
	if unnamed != filepath.Join(dir, "output.png") {
		t.Fatalf("unnamed asset: %s", unnamed)
	}
	dot := save("x", map[string]any{"filename": ".env"})
	if dot2 := save("y", map[string]any{"filename": ".env"}); dot != filepath.Join(dir, ".env") || dot2 != filepath.Join(dir, ".env (2)") {
		t.Fatalf("dotfile: %s, %s", dot, dot2)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}

	for _, tc := range []struct {
		name    string
		params  map[string]any
		value   any
		wantErr string
	}{
		{"no folder", map[string]any{}, "x", `param "folder" is required`},
		{"no value", map[string]any{"folder": dir}, nil, `input "value" is required`},
		{"path in name", map[string]any{"folder": dir, "filename": "../escape.txt"}, "x", "is not a file name"},
		{"dot dot", map[string]any{"folder": dir, "filename": ".."}, "x", "is not a file name"},
		{"unknown asset", map[string]any{"folder": dir}, map[string]any{"asset": strings.Repeat("1", 64)}, `input "value": opening asset`},
	} {
		if _, err := runMedia(t, store, "file.save", tc.params, map[string]any{"value": tc.value}); err == nil ||
			!strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestFileSaveConcurrent(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	dir := t.TempDir()
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := runMedia(t, store, "file.save", map[string]any{"folder": dir, "filename": "same.txt"},
				map[string]any{"value": strings.Repeat("x", i+1)})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		t.Fatalf("%d files for %d saves: no save may replace another", len(entries), n)
	}
}
