package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
