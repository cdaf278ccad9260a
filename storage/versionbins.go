package storage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// A large version's graph is also kept in binary (engine.EncodeGraphBin), as a file of the
// data home's cache (home/cache/versions/ID.bin), made once from the decoded JSON text by the
// first process that reads the version: a fresh process then reads the graph several times
// faster (docs/PERFORMANCE.md, issue 15). Versions never change, so a file never goes stale;
// the text stays the version's content and the row must exist: a file that does not decode,
// whole and intact, for that version id, is ignored (and written again).

// binMinText is the size of graph text from which a version gets a binary form: below it the
// text reads fast enough, and a read need not write.
const binMinText = 64 << 10

// versionBinPath is the cache file of a version id ("" for an id that is not a plain id).
func (s *Store) versionBinPath(id string) string {
	if id == "" || strings.Trim(id, "0123456789abcdefABCDEF-") != "" {
		return ""
	}
	return filepath.Join(s.home, "cache", "versions", id+".bin")
}

// versionFactsPath is the facts file of a version id (engine.VersionFactsStore), beside its
// binary graph.
func (s *Store) versionFactsPath(id string) string {
	if path := s.versionBinPath(id); path != "" {
		return strings.TrimSuffix(path, ".bin") + ".facts"
	}
	return ""
}

// VersionFacts returns the facts file of version id (engine.VersionFactsStore); nil when it
// has none. The engine checks that it names this build, the version and its graph.
func (s *Store) VersionFacts(id string) []byte {
	path := s.versionFactsPath(id)
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return data
}

// SaveVersionFacts writes the facts file of version id (best effort).
func (s *Store) SaveVersionFacts(id string, data []byte) {
	if path := s.versionFactsPath(id); path != "" {
		writeCacheFile(path, data)
	}
}

// readVersionBin reads the graph of version id from its cache file.
func (s *Store) readVersionBin(id string, g *engine.Graph) bool {
	path := s.versionBinPath(id)
	if path == "" {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	head, bin, ok := bytes.Cut(data, []byte{'\n'})
	return ok && string(head) == id && engine.DecodeGraphBin(bin, g) == nil
}

// writeVersionBin writes the cache file of version id (best effort: a file that cannot be
// written is only a later reader's loss). A temporary file renamed into place: a reader never
// sees half a file.
func (s *Store) writeVersionBin(id string, g engine.Graph) {
	path := s.versionBinPath(id)
	if path == "" {
		return
	}
	bin, err := engine.EncodeGraphBin(g)
	if err != nil {
		return
	}
	writeCacheFile(path, append([]byte(id+"\n"), bin...))
}

// writeCacheFile writes a file of the home's cache through a temporary file renamed into
// place: a reader never sees half a file.
func writeCacheFile(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), path) != nil {
		os.Remove(tmp.Name())
	}
}

// removeVersionBins removes the cache files of versions (a deleted workflow's).
func (s *Store) removeVersionBins(ids []string) {
	for _, id := range ids {
		if path := s.versionBinPath(id); path != "" {
			os.Remove(path)
			os.Remove(s.versionFactsPath(id))
		}
	}
}

// getVersion reads a version, its graph from the cache file when it has one that decodes,
// else from the text; a large version read from its text gets its cache file.
func (s *Store) getVersion(ctx context.Context, id string) (engine.Version, error) {
	var v engine.Version
	var fromBin engine.Graph
	if s.readVersionBin(id, &fromBin) {
		var created int64
		err := s.r.QueryRowContext(ctx, `SELECT id, workflow_id, seq, label, notes, parent_id, content_hash, created_at
			FROM versions WHERE id = ?`, id).Scan(&v.ID, &v.WorkflowID, &v.Seq, &v.Label, &v.Notes, &v.ParentID, &v.ContentHash, &created)
		if err != nil {
			return v, err
		}
		v.CreatedAt, v.Graph = fromMS(created), fromBin
		return v, nil
	}
	var graph []byte
	var created int64
	if err := s.r.QueryRowContext(ctx, `SELECT `+versionCols+` FROM versions WHERE id = ?`, id).
		Scan(&v.ID, &v.WorkflowID, &v.Seq, &v.Label, &v.Notes, &v.ParentID, &graph, &v.ContentHash, &created); err != nil {
		return v, err
	}
	v.CreatedAt = fromMS(created)
	if len(graph) == 0 {
		return v, nil
	}
	if err := engine.DecodeGraph(graph, &v.Graph); err != nil {
		return v, fmt.Errorf("decoding version graph: %w", err)
	}
	if len(graph) >= binMinText {
		s.writeVersionBin(v.ID, v.Graph)
	}
	return v, nil
}
