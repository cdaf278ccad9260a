package storage

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// encodeSnapshot writes a run's snapshot: the records that pack (snapshotpack.go) packed, nil
// when none does, and the rest as JSON, as encoding/json would write it but without its
// reflection and key sorting (records come in map order; JSON objects are unordered).
func encodeSnapshot(s engine.Snapshot) (string, []byte, error) {
	if e, ok := s.Encoded.(*encodedSnapshot); ok && e.nodes == len(s.Nodes) && e.reused == len(s.Reused) && e.approvals == len(s.Approvals) {
		return e.text, e.packed, e.err
	}
	b := make([]byte, 0, 64)
	p := packer{hint: len(s.Nodes) + len(s.Reused)}
	var loose []engine.ReusedNode // entries that do not pack
	for _, r := range s.Reused {
		if !p.reused(r.NodeID, r.GenerationID) {
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
			if p.record(id, rec) {
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
	return string(append(b, '}')), p.bytes(), nil
}

// encodedSnapshot is a snapshot encoded ahead (EncodeSnapshot), with the sizes it had.
type encodedSnapshot struct {
	text                     string
	packed                   []byte
	err                      error
	nodes, reused, approvals int
}

// EncodeSnapshot encodes a run's snapshot ahead of writing the run (engine.SnapshotEncoder):
// the run's end record written with it as its Encoded is stored as these bytes.
func (s *Store) EncodeSnapshot(snap engine.Snapshot) any {
	snap.Encoded = nil
	text, packed, err := encodeSnapshot(snap)
	return &encodedSnapshot{text: text, packed: packed, err: err, nodes: len(snap.Nodes), reused: len(snap.Reused), approvals: len(snap.Approvals)}
}

var _ engine.SnapshotEncoder = (*Store)(nil)

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
	return decodePacked(packed, into)
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
