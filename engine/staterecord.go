package engine

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// A state record is a workflow's current state (CurrentState) kept by the store in one compact
// piece, so that a fresh process plans a run from a block or a changed run without searching
// every node's latest generation and decoding its outputs (docs/PERFORMANCE.md, issue 15). Per
// current generation it holds what a plan reads: ids, status, the ordering keys (CreatedAt to
// the millisecond, Seq), config hash, input fingerprint, the value hash of each output and the
// file a linked node read; not the outputs. A generation read from a record is partial: its
// Outputs are nil, its memo has the hashes, and withOutputs loads the whole generation when a
// run feeds its outputs on.
//
// The record is written for one generation epoch (GenerationStore.SaveStateRecord stores it
// only while that is still the workflow's epoch). A reader gets it with the generations written
// after it (GenerationStore.StateRecord); since the epoch grows by one for each generation
// written and by one for each selection, cleared selection or deletion, the record plus those
// generations is the current state exactly when their number equals the epoch's growth. Any
// other answer — no record, another process's selection or deletion, a record that does not
// decode — makes the reader take the store's CurrentGenerations, the one statement of the rule.

// StateRecord is what GenerationStore.StateRecord returns.
type StateRecord struct {
	// Data is the record (nil when the workflow has none) and Epoch the epoch it was saved for.
	// A store that reads the record as text gives it as Text instead (Data nil): no copy.
	Data  []byte
	Text  string
	Epoch int64
	// Now is the workflow's epoch at the moment of the read.
	Now int64
	// Since, when SinceRead, are the workflow's generations stored after the record was saved
	// that still exist, oldest first (without labels; none is a pick). They are read only
	// when Now-Epoch is at most the maxSince asked for.
	Since     []Generation
	SinceRead bool
}

// stateMagic starts every record; the last byte is the format's version.
const stateMagic = "FBstate1"

// castagnoli is the CRC-32C table, made at first use: making it (the tables of the SSE 4.2
// code) cost every process ~0.2 ms at init, and commands that read no cache file need none.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// encodeState writes st (every generation of st.Current completed, as Offer keeps it) as a
// record: magic, the workflow id, a table of run and version ids, the current generations,
// the failed nodes, then a CRC-32C of everything before it. nil if it could not (a bug).
func encodeState(workflowID string, st CurrentState) []byte {
	data, _ := encodeStateOn(workflowID, st, nil)
	return data
}

// encodeStateOn is encodeState for a state that may hold generations decoded from the record
// base (nil: none): those still current are copied as the bytes base has for them, not encoded
// again (staterecordcopy.go); copied is how many. A changed run of a long chain keeps half of
// its nodes: their entries are one copy instead of a walk of each generation's strings.
func encodeStateOn(workflowID string, st CurrentState, base *stateBase) (data []byte, copied int) {
	ids := map[string]uint64{}
	var table []string
	var kept baseCopy
	if base != nil {
		var ok bool
		if kept, ok = base.copyOf(st); !ok {
			return encodeStateOn(workflowID, st, nil)
		}
		table = append(table, base.table...)
		for i, s := range table {
			if _, dup := ids[s]; !dup {
				ids[s] = uint64(i)
			}
		}
	}
	idx := func(s string) uint64 {
		i, ok := ids[s]
		if !ok {
			i = uint64(len(table))
			ids[s] = i
			table = append(table, s)
		}
		if i < uint64(len(kept.used)) {
			kept.used[i] = true
		}
		return i
	}
	// A state's generations come from few runs and versions: the id looked up last for the
	// same field answers most lookups without the map.
	type seen struct {
		id  string
		idx uint64
		ok  bool
	}
	var lastRun, lastVersion seen
	cached := func(last *seen, s string) uint64 {
		if !last.ok || last.id != s {
			*last = seen{s, idx(s), true}
		}
		return last.idx
	}
	type ref struct{ run, version uint64 }
	gens := kept.rest
	if base == nil {
		gens = make([]*Generation, 0, len(st.Current))
		for _, g := range st.Current {
			gens = append(gens, g)
		}
	}
	sortBySeq(gens)
	refs := make([]ref, 0, len(gens))
	hashes := make([][]handleHash, 0, len(gens))
	// Each generation's entry ends at ends[i] past the first: its size is known to the byte,
	// so the record is one allocation of what is written (it was 260 bytes a generation, 1 MB
	// more than a chain's record, zeroed and faulted in), and the entries are written in
	// parallel, each at its place. The entries copied from base come first.
	ends := make([]int, 0, len(gens))
	body := kept.size
	for _, g := range gens {
		r := ref{cached(&lastRun, g.RunID), cached(&lastVersion, g.VersionID)}
		refs = append(refs, r)
		hs := outHashes(g)
		hashes = append(hashes, hs)
		body += strLen(g.NodeID) + strLen(g.ID) + uvarintLen(r.run) + uvarintLen(r.version) + 1 +
			uvarintLen(zigzag(g.Seq)) + uvarintLen(zigzag(g.CreatedAt.UnixMilli())) +
			strLen(g.ConfigHash) + strLen(g.InputFingerprint) + strLen(fileSHAOf(g)) + uvarintLen(uint64(len(hs)))
		for _, h := range hs {
			body += strLen(h.handle) + strLen(h.hash)
		}
		ends = append(ends, body)
	}
	if base != nil && kept.stale() {
		return encodeStateOn(workflowID, st, nil) // ids no entry names any more: a new table
	}
	size := len(stateMagic) + strLen(workflowID) + uvarintLen(uint64(len(table))) + uvarintLen(uint64(kept.n+len(gens))) + body +
		uvarintLen(uint64(len(st.Failed))) + 4
	for _, s := range table {
		size += strLen(s)
	}
	for id := range st.Failed {
		size += strLen(id)
	}
	out := make([]byte, 0, size)
	out = append(out, stateMagic...)
	out = appendStr(out, workflowID)
	out = binary.AppendUvarint(out, uint64(len(table)))
	for _, s := range table {
		out = appendStr(out, s)
	}
	out = binary.AppendUvarint(out, uint64(kept.n+len(gens)))
	out = kept.appendTo(out, base)
	head := len(out) - kept.size
	out = out[:head+body]
	var miscounted atomic.Bool
	forEachParallel(indexes(len(gens)), func(i int) {
		start := head + kept.size
		if i > 0 {
			start = head + ends[i-1]
		}
		g := gens[i]
		b := out[start : start : head+ends[i]] // its place: an append past it would not write the next
		b = appendStr(b, g.NodeID)
		b = appendStr(b, g.ID)
		b = binary.AppendUvarint(b, refs[i].run)
		b = binary.AppendUvarint(b, refs[i].version)
		flags := byte(0)
		if g.Selected {
			flags = 1
		}
		b = append(b, flags)
		b = binary.AppendVarint(b, g.Seq)
		b = binary.AppendVarint(b, g.CreatedAt.UnixMilli())
		b = appendStr(b, g.ConfigHash)
		b = appendStr(b, g.InputFingerprint)
		b = appendStr(b, fileSHAOf(g))
		b = binary.AppendUvarint(b, uint64(len(hashes[i])))
		for _, h := range hashes[i] {
			b = appendStr(b, h.handle)
			b = appendStr(b, h.hash)
		}
		if len(b) != cap(b) {
			miscounted.Store(true) // a bug (TestEncodeStateSizesExactly): no record rather than a wrong one
		}
	})
	if miscounted.Load() {
		return nil, 0
	}
	out = binary.AppendUvarint(out, uint64(len(st.Failed)))
	for id := range st.Failed {
		out = appendStr(out, id)
	}
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli())), kept.n
}

// sortBySeq puts gens in the order they were written (by seq). A run's generations were
// written as its nodes finished, about in the graph's order, so what reads a decoded record
// node after node in graph order (a plan's decisions, a run's record of the nodes it reused)
// reads its memory in order, not at random as in a map's order: on a cold run from the last
// node of a 10,000-node chain those reads were mostly cache misses.
func sortBySeq(gens []*Generation) {
	if placeBySeq(gens) {
		return
	}
	type entry struct {
		seq int64
		g   *Generation
	}
	es := make([]entry, len(gens))
	for i, g := range gens {
		es[i] = entry{g.Seq, g}
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
	for i, e := range es {
		gens[i] = e.g
	}
}

// placeBySeq is sortBySeq when the seqs are distinct and about consecutive (a run's
// generations, written in batches): each goes to its seq's offset from the lowest, in one
// pass (a comparison sort of 10,000 took ~1 ms). false, gens as they were, otherwise.
func placeBySeq(gens []*Generation) bool {
	if len(gens) < 2 {
		return true
	}
	lo, hi := gens[0].Seq, gens[0].Seq
	for _, g := range gens[1:] {
		lo, hi = min(lo, g.Seq), max(hi, g.Seq)
	}
	span := uint64(hi - lo) // ≥ 2⁶³ when the difference overflows
	if span >= uint64(4*len(gens)) {
		return false
	}
	slots := make([]*Generation, span+1)
	for _, g := range gens {
		at := &slots[g.Seq-lo]
		if *at != nil {
			return false // a seq twice
		}
		*at = g
	}
	k := 0
	for _, g := range slots {
		if g != nil {
			gens[k] = g
			k++
		}
	}
	return true
}

// uvarintLen is the length of v written by binary.AppendUvarint.
func uvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

// zigzag is v as binary.AppendVarint writes it, unsigned.
func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// strLen is the length of s written by appendStr.
func strLen(s string) int { return uvarintLen(uint64(len(s))) + len(s) }

func appendStr(out []byte, s string) []byte {
	out = binary.AppendUvarint(out, uint64(len(s)))
	return append(out, s...)
}

// outHashes are g's output value hashes, remembered or worked out now.
func outHashes(g *Generation) []handleHash {
	if g.memo != nil {
		return g.memo.outHash
	}
	out := make([]handleHash, 0, len(g.Outputs))
	for k, v := range g.Outputs {
		out = append(out, handleHash{k, HashValue(v)})
	}
	return out
}

// fileSHAOf is PriorFileSHA of a generation, partial or whole.
func fileSHAOf(g *Generation) string {
	if g.memo != nil && g.memo.fileKnown {
		return g.memo.fileSHA
	}
	return PriorFileSHA(*g)
}

var errBadRecord = errors.New("state record does not decode")

// checkedBody returns what follows magic in data up to its CRC-32C, when data starts with
// magic and ends with the CRC of all before it.
func checkedBody(data, magic string) (string, bool) {
	if len(data) < len(magic)+4 || data[:len(magic)] != magic {
		return "", false
	}
	body, sum := data[:len(data)-4], data[len(data)-4:]
	if crcString(body) != uint32(sum[0])|uint32(sum[1])<<8|uint32(sum[2])<<16|uint32(sum[3])<<24 {
		return "", false
	}
	return body[len(magic):], true
}

// crcString is the CRC-32C of s, read in place (a copy of a 1.6 MB record, even 4 KB at a
// time, was a pass over it for nothing; the file may be mapped, never written).
func crcString(s string) uint32 {
	if s == "" {
		return 0
	}
	return crc32.Checksum(unsafe.Slice(unsafe.StringData(s), len(s)), castagnoli())
}

// decodeState reads a record of workflowID written by encodeState; its generations are
// partial, loading their outputs through load. Anything but a whole, intact record of that
// workflow is errBadRecord.
func decodeState(data []byte, workflowID string, load genLoader) (CurrentState, error) {
	return decodeStateText(string(data), workflowID, load) // one copy; every string read shares it
}

// decodeStateText is decodeState of a record read as text (StateRecord.Text): no copy.
func decodeStateText(data string, workflowID string, load genLoader) (CurrentState, error) {
	st, _, err := decodeStateBase(data, workflowID, load)
	return st, err
}

// decodeStateBase is decodeStateText that also returns the record as a base the next record
// of the state copies its unchanged entries from (encodeStateOn).
func decodeStateBase(data string, workflowID string, load genLoader) (CurrentState, *stateBase, error) {
	return decodeStateSplit(data, workflowID, load, stateSplitMin)
}

// stateSplitMin is the number of entries from which a record is decoded in two halves at once.
const stateSplitMin = 4096

// decodeStateSplit is decodeStateBase, decoding a record of at least splitMin entries in two
// halves at once.
func decodeStateSplit(data string, workflowID string, load genLoader, splitMin int) (CurrentState, *stateBase, error) {
	body, ok := checkedBody(data, stateMagic)
	if !ok {
		return CurrentState{}, nil, errBadRecord
	}
	r := &recReader{s: body}
	if r.str() != workflowID {
		return CurrentState{}, nil, errBadRecord
	}
	table := make([]string, r.count(1))
	for i := range table {
		table[i] = r.str()
	}
	n := r.count(8)
	st := CurrentState{Current: make(map[string]*Generation, n), Failed: map[string]bool{}}
	d := entryDecoder{body: body, table: table, workflowID: workflowID, load: load,
		gens: make([]Generation, n), memos: make([]genMemo, n)}
	base := &stateBase{body: body, table: table, gens: d.gens, starts: make([]int32, n+1), refs: make([]uint32, 2*n)}
	d.base = base
	// A large record's second half is decoded by another goroutine, found by skipping the
	// first half's entries (reading their lengths only, ~a tenth of decoding them): a cold
	// plan of a 10,000-node chain waits for its state (docs/PERFORMANCE.md, issue 15). This
	// goroutine decodes the first half and puts it in the map meanwhile.
	mid := n
	var second recReader
	var secondAt string
	var done chan struct{}
	if n >= splitMin && r.err == nil {
		second = *r
		for range n / 2 {
			second.skipEntry()
		}
		if second.err == nil {
			mid, secondAt, done = n/2, second.s, make(chan struct{})
			go func() {
				defer close(done)
				d.decode(&second, mid, n)
			}()
		}
	}
	d.decode(r, 0, mid)
	d.index(r, &st, 0, mid)
	if done != nil {
		<-done
		if r.err == nil && len(r.s) != len(secondAt) {
			r.err = errBadRecord // the skip and the decode read the first half apart: a bug
		}
		if r.err == nil {
			r.s, r.err = second.s, second.err
		}
		d.index(r, &st, mid, n)
	}
	base.starts[n] = int32(len(body) - len(r.s))
	for range r.count(1) {
		st.Failed[r.str()] = true
	}
	if r.err != nil || r.s != "" || len(body) > math.MaxInt32 {
		return CurrentState{}, nil, errBadRecord
	}
	return st, base, nil
}

// entryDecoder decodes a record's entries into gens and memos (the generations and their
// memos, one allocation each for all) and base's starts and refs, by index: two goroutines
// decode two ranges of them.
type entryDecoder struct {
	body, workflowID string
	table            []string
	load             genLoader
	gens             []Generation
	memos            []genMemo
	base             *stateBase
}

// decode reads entries lo … hi-1 from r.
func (d *entryDecoder) decode(r *recReader, lo, hi int) {
	var slab []handleHash // the generations' output hashes, a few allocations for all
	for i := lo; i < hi; i++ {
		g, m := &d.gens[i], &d.memos[i]
		d.base.starts[i] = int32(len(d.body) - len(r.s))
		g.NodeID, g.ID = r.str(), r.str()
		run, version := r.uvarint(), r.uvarint()
		g.RunID, g.VersionID = r.at(d.table, run), r.at(d.table, version)
		d.base.refs[2*i], d.base.refs[2*i+1] = uint32(run), uint32(version)
		g.Selected = r.byte() == 1
		g.Seq = r.varint()
		g.CreatedAt = time.UnixMilli(r.varint()).UTC()
		g.ConfigHash, g.InputFingerprint = r.str(), r.str()
		g.WorkflowID, g.Status = d.workflowID, GenCompleted
		m.fileSHA, m.fileKnown = r.str(), true
		m.outHash, slab = takeHashes(slab, r.count(2))
		for j := range m.outHash {
			m.outHash[j] = handleHash{r.str(), r.str()}
		}
		m.load = d.load
		g.memo = m
	}
}

// index puts generations lo … hi-1 in st's map, unless r failed: one map write a node, the
// map holding lo entries before them unless a node repeats.
func (d *entryDecoder) index(r *recReader, st *CurrentState, lo, hi int) {
	for i := lo; i < hi && r.err == nil; i++ {
		g := &d.gens[i]
		if st.Current[g.NodeID] = g; len(st.Current) != i+1 {
			r.err = errBadRecord
		}
	}
}

// skipEntry reads past one entry as decode reads it, keeping nothing.
func (r *recReader) skipEntry() {
	r.str() // node
	r.str() // id
	r.uvarint()
	r.uvarint()
	r.byte()
	r.uvarint() // seq, zigzag
	r.uvarint() // created, zigzag
	r.str()     // config hash
	r.str()     // input fingerprint
	r.str()     // file
	for range r.count(2) {
		r.str()
		r.str()
	}
}

// takeHashes cuts n hashes off the front of slab (a new slab when it has too few), each
// generation's list capped so that an append to one never writes into the next.
func takeHashes(slab []handleHash, n int) (hashes, rest []handleHash) {
	if n > len(slab) {
		slab = make([]handleHash, max(n, 1024))
	}
	return slab[:n:n], slab[n:]
}

// recReader reads a record's body; the first problem sticks in err and every later read
// gives zero values.
type recReader struct {
	s   string
	err error
}

func (r *recReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	if r.s != "" && r.s[0] < 0x80 { // one byte: most numbers of a record (lengths, indexes)
		v := uint64(r.s[0])
		r.s = r.s[1:]
		return v
	}
	var v uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		b := r.s[i]
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			r.s = r.s[i+1:]
			return v
		}
	}
	r.err = errBadRecord
	return 0
}

func (r *recReader) varint() int64 {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// count reads a number of items each at least min bytes long, refusing one the rest of the
// record cannot hold (so a corrupt count allocates nothing large).
func (r *recReader) count(min int) int {
	n := r.uvarint()
	if n > uint64(len(r.s)/min) {
		r.err = errBadRecord
		return 0
	}
	return int(n)
}

func (r *recReader) str() string {
	// A length under 128 is one byte: most strings of a record (ids, hashes, handles) are read
	// here without the general varint loop; what a malformed record gets is the same.
	if r.err == nil && len(r.s) > 0 && r.s[0] < 0x80 {
		if n := int(r.s[0]); n < len(r.s) {
			s := r.s[1 : 1+n]
			r.s = r.s[1+n:]
			return s
		}
	}
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.s)) {
		r.err = errBadRecord
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

func (r *recReader) byte() byte {
	if r.err != nil || r.s == "" {
		r.err = errBadRecord
		return 0
	}
	b := r.s[0]
	r.s = r.s[1:]
	return b
}

// at is table[i], an error past its end.
func (r *recReader) at(table []string, i uint64) string {
	if i >= uint64(len(table)) {
		r.err = errBadRecord
		return ""
	}
	return table[i]
}

// genLoader reads a whole generation by id (GenerationStore.GetGeneration).
type genLoader func(ctx context.Context, id string) (Generation, error)

// partial reports whether g came from a state record without its outputs.
func (g *Generation) partial() bool { return g.memo != nil && g.memo.load != nil }

// withOutputs returns g with its outputs: g itself, or for a partial generation the whole
// generation, loaded once and kept. nil when it cannot be loaded (deleted meanwhile, or the
// store failed): a caller then does without it, as without a prior generation.
func (g *Generation) withOutputs(ctx context.Context) *Generation {
	if !g.partial() {
		return g
	}
	if full := g.memo.full.Load(); full != nil {
		return full
	}
	loaded, err := g.memo.load(ctx, g.ID)
	if err != nil || loaded.ID != g.ID || loaded.Status != GenCompleted || loaded.NodeID != g.NodeID {
		return nil
	}
	loaded.Selected = g.Selected // as of the state the plan read
	loaded.memo = &genMemo{outHash: g.memo.outHash, fileSHA: g.memo.fileSHA, fileKnown: true}
	g.memo.full.Store(&loaded)
	return &loaded
}
