package main

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docNames are the file and folder names docs/ARCHITECTURE.md quotes (`engine/queue.go`,
// `stores/`, `image*.go`): a quoted word with a slash or a file extension.
func docNames(text string) []string {
	var names []string
	for _, m := range regexp.MustCompile("`([^`\\s]+)`").FindAllStringSubmatch(text, -1) {
		w := m[1]
		if strings.Contains(w, "/") || regexp.MustCompile(`\.(go|ts|tsx|js|mjs|md|sql|css)$`).MatchString(w) {
			names = append(names, w)
		}
	}
	return names
}

// TestArchitectureNamesOnlyWhatExists: every file and folder the architecture map names is in
// the tree (as a path, or the end of one: `stores/runs.ts`, `text.go`), so the map cannot
// drift from the code unnoticed.
func TestArchitectureNamesOnlyWhatExists(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	var tree []string
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "dist") {
			return filepath.SkipDir
		}
		p = filepath.ToSlash(p)
		if d.IsDir() {
			p += "/"
		}
		tree = append(tree, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// assets/ is a folder of the data home, made at run time, not of the source tree.
	notInTree := map[string]bool{"assets/": true}
	names := docNames(string(text))
	if len(names) < 20 {
		t.Fatalf("read only %d names from docs/ARCHITECTURE.md: %v", len(names), names)
	}
	for _, name := range names {
		if notInTree[name] || exists(tree, name) {
			continue
		}
		t.Errorf("docs/ARCHITECTURE.md names %s, which is not in the tree", name)
	}
}

// exists reports whether some path of tree (folders end in /) is name or ends with /name;
// name may hold * globs.
func exists(tree []string, name string) bool {
	depth := strings.Count(strings.TrimSuffix(name, "/"), "/") + 1
	for _, p := range tree {
		if strings.HasSuffix(name, "/") && !strings.HasSuffix(p, "/") {
			continue // a name with a slash at the end is a folder
		}
		parts := strings.Split(strings.TrimSuffix(p, "/"), "/")
		if len(parts) < depth {
			continue
		}
		tail := strings.Join(parts[len(parts)-depth:], "/")
		if ok, _ := path.Match(strings.TrimSuffix(name, "/"), tail); ok {
			return true
		}
	}
	return false
}
