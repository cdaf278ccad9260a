package storage

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

// A run's snapshot is stored in two parts, written while the user waits for the run's end:
// its plain records, packed (column reused), and the rest as JSON (column snapshot). A run
// from the end of a 10,000-node graph reuses nearly every node, a full run executes every
// node; packed, such a node takes its id and ~18 bytes instead of ~110 bytes of JSON (a full
// run's snapshot was 1.25 MB of JSON, written, checkpointed and read back as text).
//
// Packed are the entries of Reused whose generation id is a UUID in canonical form (the
// engine's ids), node records that say no more than such an entry (status reused, reasons
// an empty list, no duration or error), which come back as entries of Reused, and plain
// executed records (status executed, reasons an empty list, such a generation id, a duration
// ≥ 0, no error), which come back as records. Format 2 (written): a version byte (2), then
// per node: a kind byte (packedReused or packedExecuted), uvarint length of the node id, the
// id, the 16 bytes of the generation id, and for an executed record its duration in ms
// (uvarint). Format 1 (written before; still read): a version byte (1), then per reused node
// the same without the kind byte and duration.

const (
	packedReusedV1 = 1
	packedV2       = 2
)

// The kinds of a format 2 entry.
const (
	packedReused   = 0
	packedExecuted = 1
)

// plainReused reports whether a record can be packed, and its generation id's bytes.
func plainReused(r engine.NodeRecord) (uuid.UUID, bool) {
	if r.Status != engine.NodeReused || r.Reasons == nil || len(r.Reasons) != 0 || r.DurationMS != 0 || r.Error != "" {
		return uuid.UUID{}, false
	}
	return canonicalUUID(r.GenerationID)
}

// plainExecuted reports whether an executed record can be packed, and its generation id's bytes.
func plainExecuted(r engine.NodeRecord) (uuid.UUID, bool) {
	if r.Status != engine.NodeExecuted || r.Reasons == nil || len(r.Reasons) != 0 || r.DurationMS < 0 || r.Error != "" {
		return uuid.UUID{}, false
	}
	return canonicalUUID(r.GenerationID)
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

// encodeSnapshot writes a run's snapshot: the JSON of every record that is not plain reused,
// as encoding/json would write it but without its reflection and key sorting (records come in
// map order; JSON objects are unordered), and the packed plain ones (nil when none).
func encodeSnapshot(s engine.Snapshot) (string, []byte, error) {
	b := make([]byte, 0, 64)
	var packed []byte
	pack := func(kind byte, id string, u uuid.UUID) {
		if packed == nil {
			packed = append(make([]byte, 0, 1+(len(s.Nodes)+len(s.Reused))*(20+len(id))), packedV2)
		}
		packed = binary.AppendUvarint(append(packed, kind), uint64(len(id)))
		packed = append(append(packed, id...), u[:]...)
	}
	var loose []engine.ReusedNode // entries that do not pack
	for _, r := range s.Reused {
		if u, ok := canonicalUUID(r.GenerationID); ok {
			pack(packedReused, r.NodeID, u)
		} else {
			loose = append(loose, r)
		}
	}
	b = append(b, `{"nodes":`...)
	if s.Nodes == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		first := true
		for id, rec := range s.Nodes {
			if u, ok := plainReused(rec); ok {
				pack(packedReused, id, u)
				continue
			}
			if u, ok := plainExecuted(rec); ok {
				pack(packedExecuted, id, u)
				packed = binary.AppendUvarint(packed, uint64(rec.DurationMS))
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, id)
			b = appendNodeRecord(append(b, ':'), rec)
		}
		b = append(b, '}')
	}
	if len(loose) > 0 {
		l, err := json.Marshal(loose)
		if err != nil {
			return "", nil, fmt.Errorf("encoding run snapshot: %w", err)
		}
		b = append(append(b, `,"reused":`...), l...)
	}
	if len(s.Approvals) > 0 {
		a, err := json.Marshal(s.Approvals)
		if err != nil {
			return "", nil, fmt.Errorf("encoding run snapshot approvals: %w", err)
		}
		b = append(append(b, `,"approvals":`...), a...)
	}
	return string(append(b, '}')), packed, nil
}

// DecodeSnapshot reads a run's snapshot from its two columns as stored (runs.snapshot and
// runs.reused), for a reader of the database file itself.
func DecodeSnapshot(text string, packed []byte) (engine.Snapshot, error) {
	var s engine.Snapshot
	err := decodeSnapshot(text, packed, &s)
	return s, err
}

// decodeSnapshot reads both parts of a stored snapshot.
func decodeSnapshot(text string, packed []byte, into *engine.Snapshot) error {
	if nodes, ok := decodeRecords(text); ok {
		into.Nodes = nodes
	} else if err := decodeInto("run snapshot", text, into); err != nil {
		return err
	}
	if len(packed) == 0 {
		return nil
	}
	version := packed[0]
	if version != packedReusedV1 && version != packedV2 {
		return fmt.Errorf("decoding run snapshot: packed records in format %d, not known to this build", version)
	}
	errCorrupt := errors.New("decoding run snapshot: packed records cut short or of an unknown kind")
	for p := packed[1:]; len(p) > 0; {
		kind := byte(packedReused)
		if version == packedV2 {
			kind, p = p[0], p[1:]
			if kind != packedReused && kind != packedExecuted {
				return errCorrupt
			}
		}
		n, w := binary.Uvarint(p)
		if w <= 0 || n > uint64(len(p)-w) || uint64(len(p)-w)-n < 16 {
			return errCorrupt
		}
		id := string(p[w : w+int(n)])
		p = p[w+int(n):]
		gen := uuid.UUID(p[:16]).String()
		p = p[16:]
		if kind == packedReused {
			if into.Reused == nil {
				into.Reused = make([]engine.ReusedNode, 0, len(p)/24+1)
			}
			into.Reused = append(into.Reused, engine.ReusedNode{NodeID: id, GenerationID: gen})
			continue
		}
		ms, w := binary.Uvarint(p)
		if w <= 0 || ms > math.MaxInt64 {
			return errCorrupt
		}
		p = p[w:]
		if len(into.Nodes) == 0 { // sized once, for the packed entries left
			into.Nodes = make(map[string]engine.NodeRecord, len(p)/24+1)
		}
		into.Nodes[id] = engine.NodeRecord{Status: engine.NodeExecuted, Reasons: []string{}, GenerationID: gen, DurationMS: int64(ms)}
	}
	return nil
}

// appendNodeRecord appends a record's JSON, as encoding/json writes engine.NodeRecord.
func appendNodeRecord(b []byte, r engine.NodeRecord) []byte {
	b = append(b, `{"status":`...)
	b = appendJSONString(b, string(r.Status))
	b = append(b, `,"reasons":`...)
	if r.Reasons == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, reason := range r.Reasons {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, reason)
		}
		b = append(b, ']')
	}
	b = append(b, `,"generation_id":`...)
	b = appendJSONString(b, r.GenerationID)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendInt(b, r.DurationMS, 10)
	b = append(b, `,"error":`...)
	b = appendJSONString(b, r.Error)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string: as is when it is printable ASCII needing no
// escape (ids, statuses, reasons), else as encoding/json writes it.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// decodeRecords reads the JSON part of a snapshot as encodeSnapshot writes it when it holds
// only records — {"nodes":{"ID":{"status":…,"reasons":…,"generation_id":…,"duration_ms":…,
// "error":…},…}} with no escape in any string — without reflection: reading the records of a
// 10,000-node run was a fifth of `flowbench diff`. Anything else (reused or approvals parts,
// an escaped string, another layout) gives ok false and encoding/json reads it.
func decodeRecords(text string) (nodes map[string]engine.NodeRecord, ok bool) {
	const head = `{"nodes":{`
	if !strings.HasPrefix(text, head) {
		return nil, false
	}
	p := recordParser{s: text, i: len(head)}
	nodes = make(map[string]engine.NodeRecord, strings.Count(text, `"generation_id"`))
	if p.eat("}") {
		return nodes, p.eat("}") && p.i == len(text)
	}
	for {
		id, ok := p.str()
		if !ok || !p.eat(`:{"status":`) {
			return nil, false
		}
		var r engine.NodeRecord
		st, ok := p.str()
		if !ok || !p.eat(`,"reasons":`) {
			return nil, false
		}
		r.Status = engine.NodeStatus(st)
		if !p.eat("null") {
			if !p.eat("[") {
				return nil, false
			}
			r.Reasons = []string{}
			for !p.eat("]") {
				if len(r.Reasons) > 0 && !p.eat(",") {
					return nil, false
				}
				reason, ok := p.str()
				if !ok {
					return nil, false
				}
				r.Reasons = append(r.Reasons, reason)
			}
		}
		if r.GenerationID, ok = p.strAfter(`,"generation_id":`); !ok || !p.eat(`,"duration_ms":`) {
			return nil, false
		}
		if r.DurationMS, ok = p.int(); !ok {
			return nil, false
		}
		if r.Error, ok = p.strAfter(`,"error":`); !ok || !p.eat("}") {
			return nil, false
		}
		if _, dup := nodes[id]; dup {
			return nil, false
		}
		nodes[id] = r
		if p.eat("}") {
			return nodes, p.eat("}") && p.i == len(text)
		}
		if !p.eat(",") {
			return nil, false
		}
	}
}

type recordParser struct {
	s string
	i int
}

func (p *recordParser) eat(lit string) bool {
	if strings.HasPrefix(p.s[p.i:], lit) {
		p.i += len(lit)
		return true
	}
	return false
}

// str reads a JSON string that has no escape (false for one that has).
func (p *recordParser) str() (string, bool) {
	if !p.eat(`"`) {
		return "", false
	}
	end := strings.IndexAny(p.s[p.i:], "\\\"")
	if end < 0 || p.s[p.i+end] != '"' {
		return "", false
	}
	v := p.s[p.i : p.i+end]
	for k := 0; k < len(v); k++ {
		if v[k] < 0x20 {
			return "", false
		}
	}
	p.i += end + 1
	return v, true
}

func (p *recordParser) strAfter(lit string) (string, bool) {
	if !p.eat(lit) {
		return "", false
	}
	return p.str()
}

func (p *recordParser) int() (int64, bool) {
	j := p.i
	if j < len(p.s) && p.s[j] == '-' {
		j++
	}
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
	if err != nil {
		return 0, false
	}
	p.i = j
	return n, true
}
