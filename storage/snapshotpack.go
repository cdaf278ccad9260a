package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

// A run's snapshot is stored in two parts, written while the user waits for the run's end:
// its records that pack, packed (column reused), and the rest as JSON (column snapshot). A
// run from the end of a 10,000-node graph reuses nearly every node, a full run executes
// every node, a changed run executes half of them for one reason and reuses the rest for
// another; packed, such a node takes its id and ~19 bytes instead of ~110–190 bytes of JSON
// (a full run's snapshot was 1.25 MB of JSON, written, checkpointed and read back as text;
// a changed run's 715 KB).
//
// Packed are the entries of Reused whose generation id is a UUID in canonical form (the
// engine's ids) and the node records without an error whose generation id is such a UUID or
// empty and whose duration is ≥ 0; their node ids, statuses and reasons valid UTF-8 (JSON
// would read others back changed). A record that says no more than an entry of Reused
// (status reused, reasons an empty list, no duration) is packed as one and comes back as one.
//
// Format 3 (written): a version byte (3); a table of the records' kinds — uvarint count, then
// per kind its status (uvarint length, bytes) and its reasons (uvarint count+1, 0 for a nil
// list, then each as length and bytes); then per node a uvarint tag, the node id (uvarint
// length, bytes) and: for tag 0 (an entry of Reused) the 16 bytes of the generation id; for
// tag 2k+1 a record of kind k with the 16 bytes of its generation id and its duration in ms
// (uvarint); for tag 2k+2 a record of kind k with no generation id, and its duration.
// Format 2 (written before; still read): a version byte (2), then per node a kind byte
// (packedReused or packedExecuted: status executed, reasons an empty list), the node id, the
// 16 bytes, and for an executed record its duration. Format 1 (read): a version byte (1),
// then per reused node the same without the kind byte and duration.

const (
	packedReusedV1 = 1
	packedV2       = 2
	packedV3       = 3
)

// The kinds of a format 2 entry.
const (
	packedReused   = 0
	packedExecuted = 1
)

// maxPackedKinds bounds the kinds table of a snapshot (a run's records come in a handful of
// kinds; the records of any further kind stay JSON).
const maxPackedKinds = 64

// packer writes the packed part of a snapshot (format 3).
type packer struct {
	kinds   []packedKind
	last    int    // the kind of the last record packed, looked at first
	entries []byte // the entries, after the table
	hint    int    // how many entries there may be
}

type packedKind struct {
	status  engine.NodeStatus
	reasons []string
}

// reused packs an entry of Reused, reporting false when it does not pack.
func (p *packer) reused(id, gen string) bool {
	u, ok := canonicalUUID(gen)
	if !ok || !utf8.ValidString(id) {
		return false
	}
	p.entries = p.appendID(append(p.grow(id), 0), id)
	p.entries = append(p.entries, u[:]...)
	return true
}

// record packs a node record, reporting false when it does not pack.
func (p *packer) record(id string, r engine.NodeRecord) bool {
	if r.Error != "" || r.DurationMS < 0 || !utf8.ValidString(id) {
		return false
	}
	var u uuid.UUID
	hasGen := r.GenerationID != ""
	if hasGen {
		var ok bool
		if u, ok = canonicalUUID(r.GenerationID); !ok {
			return false
		}
		if r.Status == engine.NodeReused && r.Reasons != nil && len(r.Reasons) == 0 && r.DurationMS == 0 {
			p.entries = p.appendID(append(p.grow(id), 0), id)
			p.entries = append(p.entries, u[:]...)
			return true
		}
	}
	k, ok := p.kind(r.Status, r.Reasons)
	if !ok {
		return false
	}
	tag := uint64(2*k + 1)
	if !hasGen {
		tag++
	}
	p.entries = p.appendID(binary.AppendUvarint(p.grow(id), tag), id)
	if hasGen {
		p.entries = append(p.entries, u[:]...)
	}
	p.entries = binary.AppendUvarint(p.entries, uint64(r.DurationMS))
	return true
}

// grow returns the entries, allocated for about hint entries of id's size at the first,
// after room for the head (bytes writes the version and the kinds table there when they fit).
func (p *packer) grow(id string) []byte {
	if p.entries == nil {
		p.entries = make([]byte, headRoom, headRoom+max(p.hint, 1)*(22+len(id)))
	}
	return p.entries
}

// headRoom is the room kept before the entries for the head of the packed part.
const headRoom = 256

func (p *packer) appendID(b []byte, id string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(id))), id...)
}

// kind is the index of the kind (status, reasons), added to the table when new; false when
// the table is full.
func (p *packer) kind(status engine.NodeStatus, reasons []string) (int, bool) {
	same := func(k *packedKind) bool {
		if k.status != status || (k.reasons == nil) != (reasons == nil) || len(k.reasons) != len(reasons) {
			return false
		}
		for i := range reasons {
			if k.reasons[i] != reasons[i] {
				return false
			}
		}
		return true
	}
	if p.last < len(p.kinds) && same(&p.kinds[p.last]) {
		return p.last, true
	}
	for i := range p.kinds {
		if same(&p.kinds[i]) {
			p.last = i
			return i, true
		}
	}
	if len(p.kinds) == maxPackedKinds || !utf8.ValidString(string(status)) {
		return 0, false
	}
	for _, r := range reasons {
		if !utf8.ValidString(r) {
			return 0, false
		}
	}
	p.kinds = append(p.kinds, packedKind{status, reasons})
	p.last = len(p.kinds) - 1
	return p.last, true
}

// bytes is the packed part: nil when nothing was packed.
func (p *packer) bytes() []byte {
	if p.entries == nil {
		return nil
	}
	head := make([]byte, 0, headRoom)
	head = append(head, packedV3)
	head = binary.AppendUvarint(head, uint64(len(p.kinds)))
	for _, k := range p.kinds {
		head = appendBytesString(head, string(k.status))
		if k.reasons == nil {
			head = append(head, 0)
			continue
		}
		head = binary.AppendUvarint(head, uint64(len(k.reasons))+1)
		for _, r := range k.reasons {
			head = appendBytesString(head, r)
		}
	}
	if len(head) <= headRoom {
		return p.entries[headRoom-copy(p.entries[headRoom-len(head):], head):]
	}
	return append(head, p.entries[headRoom:]...)
}

func appendBytesString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// canonicalUUID parses s when it is a UUID as uuid.UUID.String writes it (lowercase hex,
// dashes at 8, 13, 18 and 23), so formatting the result gives s back.
func canonicalUUID(s string) (u uuid.UUID, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	for j, i := range uuidPairs {
		hi, lo := hexValue[s[i]], hexValue[s[i+1]]
		if hi|lo > 0xf {
			return u, false
		}
		u[j] = hi<<4 | lo
	}
	return u, true
}

// hexValue maps a lowercase hex digit to its value, anything else to 0xff.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
	}
	return t
}()

// uuidPairs are where the 16 hex pairs of a canonical UUID start.
var uuidPairs = [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// v2Executed is the kind of a format 2 executed record.
var v2Executed = packedKind{engine.NodeExecuted, []string{}}

var errPackedCorrupt = errors.New("decoding run snapshot: packed records cut short or of an unknown kind")

// decodePacked reads the packed part of a snapshot (any format) into into.
func decodePacked(packed []byte, into *engine.Snapshot) error {
	if len(packed) == 0 {
		return nil
	}
	d := packedReader{p: packed[1:]}
	var kinds []packedKind
	switch packed[0] {
	case packedReusedV1, packedV2:
	case packedV3:
		kinds = d.kinds()
	default:
		return fmt.Errorf("decoding run snapshot: packed records in format %d, not known to this build", packed[0])
	}
	var reasons []string // the records' reasons, copied from their kinds into one slab
	for len(d.p) > 0 && !d.bad {
		var kind *packedKind
		hasGen := true
		switch packed[0] {
		case packedV2:
			switch tag := d.byte(); tag {
			case packedReused:
			case packedExecuted:
				kind = &v2Executed
			default:
				return errPackedCorrupt
			}
		case packedV3:
			tag := d.uvarint()
			if tag > 0 {
				k := (tag - 1) / 2
				if k >= uint64(len(kinds)) {
					return errPackedCorrupt
				}
				kind, hasGen = &kinds[k], tag%2 == 1
			}
		}
		id := d.str()
		gen := ""
		if hasGen {
			gen = d.uuid()
		}
		if d.bad {
			return errPackedCorrupt
		}
		if kind == nil {
			if into.Reused == nil {
				into.Reused = make([]engine.ReusedNode, 0, len(d.p)/24+1)
			}
			into.Reused = append(into.Reused, engine.ReusedNode{NodeID: id, GenerationID: gen})
			continue
		}
		ms := d.uvarint()
		if d.bad || ms > math.MaxInt64 {
			return errPackedCorrupt
		}
		if len(into.Nodes) == 0 { // sized once, for the packed entries left
			into.Nodes = make(map[string]engine.NodeRecord, len(d.p)/20+1)
		}
		rec := engine.NodeRecord{Status: kind.status, GenerationID: gen, DurationMS: int64(ms)}
		if kind.reasons != nil {
			if reasons == nil || cap(reasons)-len(reasons) < len(kind.reasons) {
				reasons = make([]string, 0, max(1024, len(kind.reasons)))
			}
			start := len(reasons)
			reasons = append(reasons, kind.reasons...)
			rec.Reasons = reasons[start:len(reasons):len(reasons)] // its own: an append copies
		}
		into.Nodes[id] = rec
	}
	if d.bad {
		return errPackedCorrupt
	}
	return nil
}

// packedReader reads a packed part; a read past its end, a number out of range or a string
// that is not UTF-8 (the encoder packs none) marks it bad and gives zero values.
type packedReader struct {
	p   []byte
	bad bool
}

func (d *packedReader) uvarint() uint64 {
	if d.bad {
		return 0
	}
	v, w := binary.Uvarint(d.p)
	if w <= 0 {
		d.bad = true
		return 0
	}
	d.p = d.p[w:]
	return v
}

func (d *packedReader) byte() byte {
	if d.bad || len(d.p) == 0 {
		d.bad = true
		return 0
	}
	b := d.p[0]
	d.p = d.p[1:]
	return b
}

func (d *packedReader) str() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.p)) || !utf8.Valid(d.p[:n]) {
		d.bad = true
		return ""
	}
	s := string(d.p[:n])
	d.p = d.p[n:]
	return s
}

func (d *packedReader) uuid() string {
	if d.bad || len(d.p) < 16 {
		d.bad = true
		return ""
	}
	s := uuid.UUID(d.p[:16]).String()
	d.p = d.p[16:]
	return s
}

// kinds reads a format 3 kinds table.
func (d *packedReader) kinds() []packedKind {
	n := d.uvarint()
	if n > maxPackedKinds {
		d.bad = true
		return nil
	}
	kinds := make([]packedKind, n)
	for i := range kinds {
		kinds[i].status = engine.NodeStatus(d.str())
		m := d.uvarint()
		if m == 0 {
			continue
		}
		if m-1 > uint64(len(d.p)) {
			d.bad = true
			return nil
		}
		kinds[i].reasons = make([]string, m-1)
		for j := range kinds[i].reasons {
			kinds[i].reasons[j] = d.str()
		}
	}
	return kinds
}
