package storage

import (
	"context"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/flowbench/flowbench/engine"
)

// A large version's graph is also kept in binary (engine.EncodeGraphBin), as a file of the
// data home's cache (home/cache/versions/ID.bin), made once from the decoded JSON text by the
// first process that reads the version: a fresh process then reads the graph several times
// faster (docs/PERFORMANCE.md, issue 15). Versions never change, so a file never goes stale;
// the text stays the version's content and the row must exist: a file that does not decode,
// whole and intact, for that version id, is ignored (and written again). Its first line holds
// the version's content hash and creation time with a checksum: those columns come after the
// graph in the row, so reading them there walks every overflow page of the graph text (a
// 10,000-node graph: ~430 page reads), which the file spares.

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

// VersionFacts returns the facts file of version id (engine.VersionFactsStore); "" when it
// has none. The engine checks that it names this build, the version and its graph.
func (s *Store) VersionFacts(id string) string {
	path := s.versionFactsPath(id)
	if path == "" {
		return ""
	}
	data, err := readFileText(path)
	if err != nil {
		return ""
	}
	return data
}

// SaveVersionFacts writes the facts file of version id (best effort).
func (s *Store) SaveVersionFacts(id string, data []byte) {
	if path := s.versionFactsPath(id); path != "" {
		writeCacheFile(path, data)
	}
}

// readVersionBin reads version id from its cache file: the graph, and from the file's first
// line the content hash and creation time (the columns after the graph in the row, which
// SQLite reaches only through the graph text's overflow pages).
func (s *Store) readVersionBin(id string, v *engine.Version) bool {
	path := s.versionBinPath(id)
	if path == "" {
		return false
	}
	data, err := readFileText(path)
	if err != nil {
		return false
	}
	head, bin, ok := strings.Cut(data, "\n")
	if !ok {
		return false
	}
	fields := strings.Split(head, "\t")
	if len(fields) != 4 || fields[0] != id || fields[3] != headSum(fields[0], fields[1], fields[2]) {
		return false
	}
	created, err := strconv.ParseInt(fields[2], 10, 64)
	if err != nil {
		return false
	}
	var g engine.Graph
	if engine.DecodeGraphBinText(bin, &g) != nil {
		return false
	}
	v.ContentHash, v.CreatedAt, v.Graph = fields[1], fromMS(created), g
	return true
}

// castagnoli is the CRC-32C table, made at first use (as engine's: not at every process's init).
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// A command-line process maps the data home's large cache files (a version's binary graph and
// facts, a state record: 0.4–1.6 MB each for a 10,000-node chain) into memory instead of
// reading them: the pages are the kernel's file cache, mapped ~16 at a fault, where a read
// copies them into fresh memory that faults in page by page (a cold run from a block of that
// chain reads ~2.8 MB: ~700 faults and the copy, ~8 % of its CPU; docs/PERFORMANCE.md, issue
// 15, session 8). What the decoders read keeps substrings of the file, so a mapping stays for
// the life of the process; MapCacheFiles bounds what a process maps, and a process that does
// not call it (the window, tests) reads every file.
//
// A mapped string is only as constant as the file: flowbench never writes a cache file in
// place (writeCacheFile and stageCacheFile write a new file and rename it over the old one,
// and a removal only unlinks it), so a mapped file never changes; another program that
// truncated one in place while a command runs would make the command fault (SIGBUS).

// mapMin is the size from which a cache file is mapped rather than read.
const mapMin = 64 << 10

// mapBudget is how many more bytes this process may map (MapCacheFiles).
var mapBudget atomic.Int64

// MapCacheFiles lets this process map up to total bytes of cache files over its life (a
// short-lived command; see above). Called again, it sets a new total.
func MapCacheFiles(total int64) { mapBudget.Store(total) }

// takeMapBudget takes n bytes of mapBudget; false (nothing taken) when fewer are left.
func takeMapBudget(n int64) bool {
	for {
		left := mapBudget.Load()
		if left < n {
			return false
		}
		if mapBudget.CompareAndSwap(left, left-n) {
			return true
		}
	}
}

// headSum is the checksum of a cache file's first line.
func headSum(id, contentHash, created string) string {
	return strconv.FormatUint(uint64(crc32.Checksum([]byte(id+"\t"+contentHash+"\t"+created), castagnoli())), 16)
}

// writeVersionBin writes the cache file of version v (best effort: a file that cannot be
// written is only a later reader's loss) on another goroutine: the caller has what it asked
// for (a version stored or read) without waiting ~1 ms for a 10,000-node graph's encoding and
// the file's write. v's graph is only read; Close waits for the file.
func (s *Store) writeVersionBin(v engine.Version) {
	path := s.versionBinPath(v.ID)
	if path == "" {
		return
	}
	s.binMu.Lock()
	w := s.binWrites[v.ID]
	if w == nil {
		w = &binWrite{}
		s.binWrites[v.ID] = w
	}
	w.n++
	s.binMu.Unlock()
	s.aside.Go(func() {
		if s.holdBins != nil {
			<-s.holdBins // tests: the write held
		}
		if data := versionBinData(v); data != nil {
			writeCacheFile(path, data)
		}
		s.binMu.Lock()
		w.n--
		if w.n == 0 {
			delete(s.binWrites, v.ID)
		}
		removed := w.removed
		s.binMu.Unlock()
		if removed { // its workflow was deleted meanwhile: no file outlives the version
			os.Remove(path)
		}
	})
}

// binWrite is a version's cache file being written aside: how many writes, and whether the
// version was deleted meanwhile (removeVersionBins).
type binWrite struct {
	n       int
	removed bool
}

// versionBinData is the content of version v's cache file (nil when it can have none): a
// first line with its id, content hash, creation time and their checksum, then its graph in
// binary.
func versionBinData(v engine.Version) []byte {
	if strings.ContainsAny(v.ContentHash, "\t\n") {
		return nil
	}
	bin, err := engine.EncodeGraphBin(v.Graph)
	if err != nil {
		return nil
	}
	created := strconv.FormatInt(v.CreatedAt.UnixMilli(), 10)
	head := v.ID + "\t" + v.ContentHash + "\t" + created + "\t" + headSum(v.ID, v.ContentHash, created) + "\n"
	return append([]byte(head), bin...)
}

// savedVersion writes the cache file of a version just stored whose graph text has size
// bytes, when a reader would write it (getVersion): the first process that reads the
// version then reads the file, not the text (the graph is the one decoded from the stored
// text, as a reader decodes it).
func (s *Store) savedVersion(v engine.Version, size int) {
	if size >= binMinText {
		s.writeVersionBin(v)
	}
}

// readFileText reads a file as a string, in one copy: the kernel's, straight into the bytes
// the string then is (os.ReadFile and a conversion make two; io.Copy into a strings.Builder
// makes two as well, through a 32 KB buffer, and ~50 reads for a 1.6 MB state record). The
// decoders keep substrings of it. The buffer is this function's alone and never written after
// the last read, so handing it out as a string is safe. A large file is mapped instead, when
// the process allows it (MapCacheFiles): no copy at all.
func readFileText(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	size := 512
	if fi, err := f.Stat(); err == nil && fi.Size() >= 0 && fi.Size() < 1<<30 {
		if fi.Mode().IsRegular() && fi.Size() >= mapMin && takeMapBudget(fi.Size()) {
			if text, ok := mapText(f, int(fi.Size())); ok {
				return text, nil
			}
			mapBudget.Add(fi.Size()) // not mapped: given back
		}
		size = int(fi.Size()) + 1 // one byte more: a read that fills it means the file grew
	}
	b := make([]byte, 0, size)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if len(b) == cap(b) {
			b = slices.Grow(b, len(b)) // the file grew since its Stat: read on
		}
	}
	if len(b) == 0 {
		return "", nil
	}
	return unsafe.String(&b[0], len(b)), nil
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
	s.binMu.Lock()
	for _, id := range ids {
		if w := s.binWrites[id]; w != nil {
			w.removed = true
		}
	}
	s.binMu.Unlock()
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
	var fromBin engine.Version
	if s.readVersionBin(id, &fromBin) {
		// Only the columns before the graph: the row must exist, the rest is in the file.
		err := s.r.QueryRowContext(ctx, `SELECT id, workflow_id, seq, label, notes, parent_id
			FROM versions WHERE id = ?`, id).Scan(&v.ID, &v.WorkflowID, &v.Seq, &v.Label, &v.Notes, &v.ParentID)
		if err != nil {
			return v, err
		}
		v.ContentHash, v.CreatedAt, v.Graph = fromBin.ContentHash, fromBin.CreatedAt, fromBin.Graph
		return v, nil
	}
	r, err := scanVersionRow(s.r.QueryRowContext(ctx, `SELECT `+versionReadCols+` FROM versions WHERE id = ?`, id))
	if err != nil {
		return r.v, err
	}
	v, size, err := s.decodeVersion(ctx, r)
	if err != nil {
		return v, err
	}
	if size >= binMinText {
		s.writeVersionBin(v)
	}
	return v, nil
}
