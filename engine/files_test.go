package engine_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// tmpLeft lists the entries of dir whose names contain ".tmp".
func tmpLeft(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteFileAtomicCleansUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	err := engine.WriteFileAtomic(folder, []byte("x"))
	if err == nil || !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), folder) {
		t.Errorf("onto a folder: err = %v, want ErrInvalid naming it", err)
	}
	if err := engine.WriteFileAtomic(filepath.Join(dir, "missing", "f.json"), []byte("x")); err == nil {
		t.Error("into a missing folder: no error")
	}
	if l := tmpLeft(t, dir); len(l) > 0 {
		t.Errorf("failed writes left %v", l)
	}
	if l := tmpLeft(t, folder); len(l) > 0 {
		t.Errorf("failed writes left %v in the folder", l)
	}
	good := filepath.Join(dir, "good.json")
	for _, text := range []string{"first", "second"} {
		if err := engine.WriteFileAtomic(good, []byte(text)); err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(good); string(data) != text {
			t.Errorf("content = %q, want %q", data, text)
		}
	}
	if fi, _ := os.Stat(good); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", fi.Mode().Perm())
	}
	if l := tmpLeft(t, dir); len(l) > 0 {
		t.Errorf("good writes left %v", l)
	}
}

// hangGuard fails the test when f has not returned within a deadline that only a hang misses.
func hangGuard[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(60 * time.Second):
		t.Fatalf("%s: still blocked after 60 s", what)
	}
	var zero T
	return zero
}

// specialFiles makes a FIFO, a folder and a socket in a temp folder, and names a device.
func specialFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "photo.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return map[string]string{"FIFO": fifo, "folder": dir, "socket": sock, "device": "/dev/zero"}
}

// TestReadFileRefusesNonRegular: a FIFO (no writer: opening it for reading would block
// forever), a folder, a socket and a device are refused at once, naming the path.
func TestReadFileRefusesNonRegular(t *testing.T) {
	t.Parallel()
	for kind, path := range specialFiles(t) {
		err := hangGuard(t, kind, func() error {
			_, err := engine.ReadFile(context.Background(), path, 0)
			return err
		})
		if err == nil || !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want ErrInvalid naming %s", kind, err, path)
		}
		err = hangGuard(t, kind, func() error {
			f, err := engine.OpenFile(path)
			if err == nil {
				f.Close()
			}
			return err
		})
		if !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("OpenFile %s: err = %v, want ErrInvalid", kind, err)
		}
	}
	if _, err := engine.ReadFile(context.Background(), filepath.Join(t.TempDir(), "none"), 0); err == nil ||
		!strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(big, make([]byte, 3<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := engine.ReadFile(context.Background(), big, 1<<20); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("over the size limit: %v", err)
	}
	if data, err := engine.ReadFile(context.Background(), big, 0); err != nil || len(data) != 3<<20 {
		t.Errorf("a 3 MB file: %d bytes, %v", len(data), err)
	}
}

// hugePNG is a PNG signature and IHDR chunk claiming w×h RGBA pixels: a few dozen bytes that
// would decode to gigabytes.
func hugePNG(w, h uint32) []byte {
	ihdr := make([]byte, 0, 17)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

// smallPNG is a real w×h PNG.
func smallPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportFileChecksContent: a media file is judged by its content, not its name; a
// non-regular file is refused without blocking; an image over the decoded size limit is
// refused from its header.
func TestImportFileChecksContent(t *testing.T) {
	// Not parallel: it measures what refusing a huge image allocated.
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 2)
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secret := write("shadow", []byte("root:$6$abcdefgh:19000:0:99999:7:::\n"))
	realPNG := write("real.bin", smallPNG(t, 4, 3))
	cases := []struct {
		name, path, kind, want string // want "" = accepted
	}{
		{"symlink named .png to a text file", link("photo.png", secret), "image", "not a readable image"},
		{"text named .png", write("notes.png", []byte("hello")), "image", "not a readable image"},
		{"zeros named .mp3", write("song.mp3", make([]byte, 64)), "audio", "is not an audio file"},
		{"PNG named .wav", write("song.wav", smallPNG(t, 2, 2)), "audio", "is not an audio file"},
		{"PNG header claiming 16000×16000", write("huge.png", hugePNG(16000, 16000)), "image", "larger than the limit"},
		{"symlink named .png to a PNG", link("pic.png", realPNG), "image", ""},
		{"a PNG without extension", realPNG, "image", ""},
		{"a text file as a file", secret, "file", ""},
	}
	for kind, path := range specialFiles(t) {
		cases = append(cases, struct{ name, path, kind, want string }{kind, path, "image", "not a regular file"})
	}
	type result struct {
		ref engine.AssetRef
		err error
	}
	for _, c := range cases {
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		r := hangGuard(t, c.name, func() result {
			ref, err := svc.ImportFile(ctx, c.path, c.kind)
			return result{ref, err}
		})
		if c.want == "" {
			if r.err != nil || r.ref.Asset == "" {
				t.Errorf("%s: refused: %v", c.name, r.err)
			}
			continue
		}
		if r.err == nil || !strings.Contains(r.err.Error(), c.want) || !strings.Contains(r.err.Error(), c.path) ||
			!errors.Is(r.err, engine.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid naming %s and saying %q", c.name, r.err, c.path, c.want)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		// Decoding 16000×16000 RGBA would take 1 GB; the header alone takes nothing.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
			t.Errorf("%s: refusing it allocated %d MB", c.name, grew>>20)
		}
	}
	if mt, _ := svc.ImportFile(ctx, realPNG, "image"); mt.Mime != "image/png" {
		t.Errorf("PNG stored as %q", mt.Mime)
	}
}

// TestImageLimitConfigured: the decoded size limit comes from Config, else the
// max_image_pixels setting, else the 100-megapixel default.
func TestImageLimitConfigured(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	if got := newService(t, reg, 1).Limits().ImagePixels(); got != 100_000_000 {
		t.Errorf("default limit = %d", got)
	}
	st := memstore.New()
	if err := st.SetSetting(context.Background(), engine.SettingMaxImagePixels, "10"); err != nil {
		t.Fatal(err)
	}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if got := svc.Limits().ImagePixels(); got != 10 {
		t.Errorf("limit from the setting = %d, want 10", got)
	}
	p := filepath.Join(t.TempDir(), "a.png")
	if err := os.WriteFile(p, smallPNG(t, 4, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportFile(context.Background(), p, "image"); err == nil || !strings.Contains(err.Error(), "4×3") {
		t.Errorf("a 4×3 image under a 10-pixel limit: %v", err)
	}
	svc2, err := engine.NewService(engine.Config{Store: st, Registry: reg, MaxImagePixels: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer svc2.Close()
	if _, err := svc2.ImportFile(context.Background(), p, "image"); err != nil {
		t.Errorf("a 4×3 image under a 12-pixel limit from Config: %v", err)
	}
}

// TestPathGuard: a context's path guard decides which files ImportFile may read.
func TestPathGuard(t *testing.T) {
	t.Parallel()
	reg, _ := testRegistry(t)
	svc := newService(t, reg, 1)
	p := filepath.Join(t.TempDir(), "a.txt")
	if err := os.WriteFile(p, []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	no := errors.New("not chosen")
	ctx := engine.WithPathGuard(context.Background(), func(string) error { return no })
	if _, err := svc.ImportFile(ctx, p, "file"); !errors.Is(err, no) {
		t.Errorf("guarded: %v", err)
	}
	ok := engine.WithPathGuard(context.Background(), func(string) error { return nil })
	if _, err := svc.ImportFile(ok, p, "file"); err != nil {
		t.Errorf("allowed: %v", err)
	}
}

// TestLinkedFIFOFailsTheNode: a load node whose linked path is a FIFO neither blocks the plan
// (which hashes linked files) nor the run: the run fails at once, naming the FIFO.
func TestLinkedFIFOFailsTheNode(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "photo.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	svc := libraryService(t, memstore.New())
	g := engine.Graph{
		Nodes: []engine.Node{node("load", "image.load", map[string]any{"path": fifo}), node("out", "io.output", map[string]any{"name": "img"})},
		Edges: []engine.Edge{edge("load", "image", "out", "value")},
	}
	importGraph(t, svc, "fifo", g)
	run := hangGuard(t, "a run linking a FIFO", func() engine.Run {
		r, err := svc.StartRun(context.Background(), engine.RunRequest{Workflow: "fifo"})
		if err == nil {
			r, err = svc.Wait(context.Background(), r.ID)
		}
		if err != nil {
			r.Error = err.Error()
		}
		return r
	})
	if run.Status != engine.RunFailed || !strings.Contains(run.Error, fifo) || !strings.Contains(run.Error, "FIFO") {
		t.Errorf("run: %s %q, want failed naming the FIFO", run.Status, run.Error)
	}
	hangGuard(t, "a plan linking a FIFO", func() error {
		_, err := svc.PlanFrom(context.Background(), "fifo", "", "out", nil)
		return err
	})
}
