package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"sync"
)

// A version's facts on disk: what a cold process works out of a version before it plans — the
// config hash of each node whose config depends on the graph alone (graphFacts.static) and that
// every param of the version can run (checkTypesKnown) — kept beside the version's binary graph
// (home/cache/versions/ID.facts), so that the next process neither hashes every node's config
// nor checks every param again (docs/PERFORMANCE.md, issue 15). Both depend on this build's
// code and node types, so the file names its build: the Go build ID of the running executable
// and a hash of the registry's node types. Another build, another registry, another version
// (id or content hash), a graph of another size, a file that does not decode whole and intact:
// the file is ignored and the facts are worked out as before (and written again). A build
// without a Go build ID (linked with -buildid=) keeps none.

// VersionFactsStore is implemented by a store that keeps a file per version in the data home's
// cache; a store without it (memstore) keeps no facts and every process works them out.
type VersionFactsStore interface {
	// VersionFacts returns the facts file of version id ("" when there is none), as text: the
	// decoder keeps substrings of it, no copy.
	VersionFacts(id string) string
	// SaveVersionFacts writes it (best effort).
	SaveVersionFacts(id string, data []byte)
}

// factsMagic starts every facts file; the last byte is the format's version (3: with the
// graph's wiring hash, the reads, the edges' ends and the order).
const factsMagic = "FBfacts3"

// versionFacts is a facts file read back: per node graphFacts.static and .reads, per edge
// the index of its source and target (graphIndex.src, .dst), the order (graphFacts.order).
type versionFacts struct {
	static   []string
	reads    []flowReads
	src, dst []int
	order    []int
	wiring   string // wiringOf the graph
	paramsOK bool   // checkTypesKnown passed
	// rest is the undecoded per-node part of a file read by decodeFactsHead ("" once decoded).
	rest string
}

// factsOf is what a facts file keeps of f; ok is false when f cannot be kept (no order: the
// graph has a cycle; an edge left out: a missing node).
func factsOf(f *graphFacts) (versionFacts, bool) {
	if f.orderErr != nil || slices.Contains(f.gi.src, -1) {
		return versionFacts{}, false
	}
	return versionFacts{static: f.static, reads: f.reads, src: f.gi.src, dst: f.gi.dst, order: f.order, wiring: f.wiringHash()}, true
}

var (
	buildIDOnce sync.Once
	buildIDText string
)

// buildID is the Go build ID of the running executable ("" when it has none or cannot be
// read): it changes with any change of the code linked in.
func buildID() string {
	buildIDOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			return
		}
		defer f.Close()
		// The ELF note is near the start (under 1 KB in on linux/amd64): read 4 KB, then more
		// only when it is not there.
		head := make([]byte, 64<<10)
		n, _ := io.ReadFull(f, head[:4<<10])
		if buildIDText = findBuildID(head[:n]); buildIDText == "" && n == 4<<10 {
			m, _ := io.ReadFull(f, head[n:])
			buildIDText = findBuildID(head[:n+m])
		}
	})
	return buildIDText
}

// findBuildID finds the Go build ID in the first bytes of an executable: the ELF note the Go
// linker writes (name "Go", type 4), or the text form other formats carry.
func findBuildID(head []byte) string {
	elfNote := []byte("\x04\x00\x00\x00Go\x00\x00")
	if i := bytes.Index(head, elfNote); i >= 8 {
		size := int(binary.LittleEndian.Uint32(head[i-4:]))
		namesz := binary.LittleEndian.Uint32(head[i-8:])
		start := i + len(elfNote)
		if namesz == 4 && size > 16 && size <= 1024 && start+size <= len(head) {
			return string(head[start : start+size])
		}
	}
	const prefix, suffix = "\xff Go build ID: \"", "\"\n \xff"
	if i := bytes.Index(head, []byte(prefix)); i >= 0 {
		rest := head[i+len(prefix):]
		if j := bytes.Index(rest, []byte(suffix)); j > 16 && j <= 1024 {
			return string(rest[:j])
		}
	}
	return ""
}

// factsKey names the build and registry facts are worked out by ("" when the build has no
// build ID: then no facts are kept).
func factsKey(reg *Registry) string {
	id := buildID()
	if id == "" {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(id))
	h.Write([]byte{0})
	h.Write([]byte(reg.Fingerprint()))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// factsKey is factsKey(s.reg), worked out once per service (it encodes every node type).
func (s *Service) factsKey() string {
	s.factsKeyOnce.Do(func() { s.factsKeyText = factsKey(s.reg) })
	return s.factsKeyText
}

// encodeVersionFacts writes the facts of version v for key.
func encodeVersionFacts(key string, v Version, f versionFacts) []byte {
	out := make([]byte, 0, 64+len(f.static)*40)
	out = append(out, factsMagic...)
	out = appendStr(out, key)
	out = appendStr(out, v.ID)
	out = appendStr(out, v.ContentHash)
	out = appendBool(out, f.paramsOK)
	out = appendStr(out, f.wiring)
	out = binary.AppendUvarint(out, uint64(len(f.static)))
	for i, s := range f.static {
		out = appendStr(out, s)
		r := f.reads[i]
		out = appendBool(out, r.all)
		out = binary.AppendUvarint(out, uint64(len(r.names)))
		for _, name := range r.names {
			out = appendStr(out, name)
		}
	}
	out = binary.AppendUvarint(out, uint64(len(f.src)))
	for k := range f.src {
		out = binary.AppendUvarint(out, uint64(f.src[k]))
		out = binary.AppendUvarint(out, uint64(f.dst[k]))
	}
	for _, i := range f.order {
		out = binary.AppendUvarint(out, uint64(i))
	}
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli()))
}

// decodeVersionFacts reads a facts file of version v written for key; false for anything else.
func decodeVersionFacts(data string, key string, v Version) (versionFacts, bool) {
	f, ok := decodeFactsHead(data, key, v)
	if !ok || !f.decodeBody(v) {
		return versionFacts{}, false
	}
	return f, true
}

// decodeFactsHead reads what precedes the per-node facts (paramsOK, the wiring), leaving the
// rest for decodeBody: a run that plans nothing asks only whether the version's params were
// checked.
func decodeFactsHead(data string, key string, v Version) (versionFacts, bool) {
	if key == "" {
		return versionFacts{}, false
	}
	body, ok := checkedBody(data, factsMagic)
	if !ok {
		return versionFacts{}, false
	}
	r := &recReader{s: body}
	if r.str() != key || r.str() != v.ID || r.str() != v.ContentHash {
		return versionFacts{}, false
	}
	var f versionFacts
	f.paramsOK = r.flag()
	f.wiring = r.str()
	if r.err != nil || len(f.wiring) != 64 {
		return versionFacts{}, false
	}
	f.rest = r.s
	return f, true
}

// decodeBody reads the per-node and per-edge facts decodeFactsHead left in f.rest; false
// when they do not decode whole or do not fit v's graph.
func (f *versionFacts) decodeBody(v Version) bool {
	r := &recReader{s: f.rest}
	n := r.count(1)
	if r.err != nil || n != len(v.Graph.Nodes) {
		return false
	}
	// Only what is not zero is written: fresh memory left as it is costs no page faults (most
	// nodes read no flow input).
	f.static, f.reads = make([]string, n), make([]flowReads, n)
	for i := range f.static {
		if s := r.str(); s != "" {
			f.static[i] = s
		}
		if r.flag() {
			f.reads[i].all = true
		}
		if names := r.count(1); names > 0 {
			f.reads[i].names = make([]string, names)
			for j := range names {
				f.reads[i].names[j] = r.str()
			}
		}
	}
	e := r.count(2)
	if r.err != nil || e != len(v.Graph.Edges) {
		return false
	}
	f.src, f.dst = make([]int, e), make([]int, e)
	for k := range e {
		f.src[k], f.dst[k] = r.index(n), r.index(n)
	}
	f.order = make([]int, n)
	for i := range f.order {
		f.order[i] = r.index(n)
	}
	if r.err != nil || r.s != "" {
		return false
	}
	f.rest = ""
	return true
}

// diskFacts reads version v's facts file's head, once per version per process (nil: none
// usable); graphFacts decodes the rest when it plans.
func (s *Service) diskFacts(v Version) *versionFacts {
	fs, ok := s.store.(VersionFactsStore)
	if !ok || v.ID == "" || v.ContentHash == "" {
		return nil
	}
	return s.versions.disk(v.ID, func() *versionFacts {
		data := fs.VersionFacts(v.ID)
		if data == "" {
			return nil // no file (a small version has none): no key to work out
		}
		if f, ok := decodeFactsHead(data, s.factsKey(), v); ok {
			return &f
		}
		return nil
	})
}

// saveDiskFacts writes version v's facts file once this process has both worked out its facts
// and passed its param check, when it found no usable file (once per version per process).
func (s *Service) saveDiskFacts(v Version) {
	fs, ok := s.store.(VersionFactsStore)
	if !ok || v.ID == "" || v.ContentHash == "" || !s.versions.knownTypes(v.ID) {
		return
	}
	f, ok := s.versions.cachedFacts(v.ID)
	if !ok {
		return
	}
	if d := s.diskFacts(v); d != nil && d.paramsOK {
		return
	}
	kept, ok := factsOf(f)
	if !ok {
		return
	}
	key := s.factsKey()
	if key == "" || !s.versions.markFactsSaved(v.ID) {
		return
	}
	kept.paramsOK = true
	fs.SaveVersionFacts(v.ID, encodeVersionFacts(key, v, kept))
}

// graphFacts returns version v's plan facts: from the process's memory, else from the facts
// of the draft it was saved from or of its parent version when this process holds them and
// the graphs are wired alike (newGraphFactsFrom), else worked out with the static config
// hashes of its facts file when it has one, else worked out whole (and the file written).
func (s *Service) graphFacts(v Version) *graphFacts {
	if f, ok := s.versions.cachedFacts(v.ID); ok {
		return f
	}
	// the version saved from a draft planned here, or edited from one
	f := s.factsFromBase(v, v.ID, v.ParentID)
	if f == nil {
		if d := s.diskFacts(v); d != nil {
			full := *d // a copy: d is shared with other callers; its body is decoded in it
			f = newGraphFactsWith(s.reg, v.Graph, &full)
		}
	}
	if f == nil { // no file, or it does not fit the graph: work them out
		f = newGraphFacts(s.reg, v.Graph)
	}
	s.versions.keepFacts(v, f)
	s.saveDiskFacts(v)
	return f
}

// index reads a node index below n.
func (r *recReader) index(n int) int {
	i := r.uvarint()
	if r.err == nil && i >= uint64(n) {
		r.err = errBadRecord
	}
	if r.err != nil {
		return 0
	}
	return int(i)
}

// factsAtSaveMin is the size from which a version's facts file is written when the version is
// stored: working the facts out takes milliseconds from there.
const factsAtSaveMin = 256

// saveFactsAtSave writes the facts file of a large version just stored, so that the first
// plan of it reads its facts, and a later plan of another version wired alike reads its
// wiring (madeTogether), even when no process planned it before a newer version was saved.
// Every caller stored v after validateGraph accepted it in this build, which checks all that
// checkTypesKnown does (every type known, every param valid against the declared inputs): the
// file says so (paramsOK), and the version's first run, in any process of this build, neither
// checks its 10,000 params again nor writes the file a second time. Best effort, like every
// cache file. Its facts are made from its parent's when this process holds them
// (newGraphFactsFrom). The version is kept in the process's memory with its facts (keepSaved).
func (s *Service) saveFactsAtSave(v Version) {
	if v.ID == "" || v.ContentHash == "" || len(v.Graph.Nodes) < factsAtSaveMin {
		s.keepSaved(v, nil)
		return
	}
	f := s.factsFromBase(v, v.ParentID) // edited from the version it follows
	if f == nil {
		f = newGraphFacts(s.reg, v.Graph)
	}
	s.keepSaved(v, f)
}

// factsFromBase makes v's facts from the first of the versions ids (its own id: the draft it
// was saved from) whose base facts this process holds and whose graph is wired like v's
// (newGraphFactsFrom); nil when none is.
func (s *Service) factsFromBase(v Version, ids ...string) *graphFacts {
	for _, id := range ids {
		if base := s.versions.baseFacts(id); id != "" && base != nil {
			if f := newGraphFactsFrom(s.reg, v.Graph, base); f != nil {
				return f
			}
		}
	}
	return nil
}

// keepSaved keeps version v, just stored after this build validated its graph, in the
// process's memory, with its facts when worked out (f, nil: none): the run that follows a
// save (the window's run of an edited draft, a run after SaveVersion) neither reads the
// version back nor works its facts out again nor checks its params again. Its facts file is
// written once, when it has none yet.
func (s *Service) keepSaved(v Version, f *graphFacts) {
	if v.ID == "" {
		return
	}
	s.versions.put(v)
	s.versions.setKnownTypes(v.ID)
	if f != nil {
		s.versions.keepFacts(v, f)
		s.saveDiskFacts(v)
	}
}
