package cli_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// leftovers lists the entries of dir whose names contain ".tmp".
func leftovers(t testing.TB, dir string) []string {
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

// TestExportOntoFolderLeavesNothing: `export -o` naming a folder is refused (exit 2, naming
// it) and leaves no temporary file beside or inside the folder.
func TestExportOntoFolderLeavesNothing(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	imp := h.importFile(chainFile(t, "Exported"))
	parent := t.TempDir()
	folder := filepath.Join(parent, "out")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	h.refused([]string{folder, "folder"}, "export", imp.WorkflowID, "-o", folder)
	if l := leftovers(t, parent); len(l) > 0 {
		t.Errorf("export onto a folder left %v beside it", l)
	}
	if l := leftovers(t, folder); len(l) > 0 {
		t.Errorf("export onto a folder left %v inside it", l)
	}
	// Into a folder that does not exist: refused, nothing made.
	missing := filepath.Join(parent, "nope", "wf.json")
	if r := h.run("export", imp.WorkflowID, "-o", missing); r.code == 0 || !strings.Contains(r.stderr, missing) {
		t.Errorf("export into a missing folder: want an error naming %s:\n%s", missing, r)
	}
	// A good export still writes the file and nothing else.
	good := filepath.Join(parent, "wf.json")
	h.ok("export", imp.WorkflowID, "-o", good)
	if data, err := os.ReadFile(good); err != nil || !strings.Contains(string(data), "flowbench.workflow/1") {
		t.Errorf("export -o %s: %v %q", good, err, data)
	}
	if l := leftovers(t, parent); len(l) > 0 {
		t.Errorf("a good export left %v", l)
	}
}

// photoFile is flow.inputs(photo image) → out ("photo").
func photoFile(t testing.TB) string {
	t.Helper()
	return writeWorkflow(t, "Photo", []engine.InputDecl{{Name: "photo", Type: engine.TypeImage, Required: true}},
		[]engine.Node{nd("in", "flow.inputs", nil), nd("out", "io.output", params{"name": "photo"})},
		[]engine.Edge{ed("in", "photo", "out", "value")})
}

// TestFIFOAndFakeMediaRefused: a FIFO given as a media input, a batch file, an inputs file
// or an import file is refused at once (exit 2, naming it) instead of hanging; a symlink
// named .png to a text file is not an image. Every command runs under a deadline that only a
// hang misses.
func TestFIFOAndFakeMediaRefused(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	imp := h.importFile(photoFile(t))
	dir := t.TempDir()
	fifo := filepath.Join(dir, "photo.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("root:x:0:0:root:/root:/bin/bash\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(dir, "cat.png")
	if err := os.Symlink(secret, fake); err != nil {
		t.Fatal(err)
	}
	batch := filepath.Join(dir, "batch.jsonl")
	if err := os.WriteFile(batch, []byte(`{"photo": "@`+fifo+`"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"media input", []string{"run", imp.WorkflowID, "--input", "photo=@" + fifo}, []string{fifo, "FIFO"}},
		{"batch file", []string{"run", imp.WorkflowID, "--batch", fifo}, []string{"--batch", fifo, "FIFO"}},
		{"inputs file", []string{"run", imp.WorkflowID, "--inputs", fifo}, []string{"--inputs", fifo, "FIFO"}},
		{"import file", []string{"import", fifo}, []string{fifo, "FIFO"}},
		{"media input in a batch line", []string{"run", imp.WorkflowID, "--batch", batch}, []string{"line 1", fifo, "FIFO"}},
		{"plan input", []string{"plan", imp.WorkflowID, "--from", "out", "--input", "photo=@" + fifo}, []string{fifo, "FIFO"}},
		{"symlink named .png to text", []string{"run", imp.WorkflowID, "--input", "photo=@" + fake}, []string{fake, "not a readable image"}},
		{"folder as a media input", []string{"run", imp.WorkflowID, "--input", "photo=@" + dir}, []string{dir, "folder"}},
	} {
		t.Log(c.name)
		h.refused(c.want, c.args...)
	}
	if runs := h.runs(); len(runs.Runs) != 0 {
		t.Errorf("refused runs left %d runs", len(runs.Runs))
	}
}

// TestImageLimitFromEnv: FLOWBENCH_MAX_IMAGE_PIXELS sets the decoded image size limit of a
// process; an image input over it is refused naming its size.
func TestImageLimitFromEnv(t *testing.T) {
	t.Parallel()
	h := newHome(t)
	imp := h.importFile(photoFile(t))
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	pic := filepath.Join(t.TempDir(), "pic.png")
	if err := os.WriteFile(pic, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", imp.WorkflowID, "--input", "photo=@" + pic, "--home", h.dir}
	if r := runCLI(t, []string{"FLOWBENCH_MAX_IMAGE_PIXELS=10"}, args...); r.code != 2 || !strings.Contains(r.stderr, "4×3") {
		t.Errorf("a 4×3 image under a 10-pixel limit: want exit 2 naming its size\n%s", r)
	}
	if r := runCLI(t, []string{"FLOWBENCH_MAX_IMAGE_PIXELS=lots"}, args...); r.code == 0 || !strings.Contains(r.stderr, "FLOWBENCH_MAX_IMAGE_PIXELS") {
		t.Errorf("a malformed limit: want an error naming the variable\n%s", r)
	}
	if r := runCLI(t, []string{"FLOWBENCH_MAX_IMAGE_PIXELS=12"}, args...); r.code != 0 {
		t.Errorf("a 4×3 image under a 12-pixel limit: want exit 0\n%s", r)
	}
}
