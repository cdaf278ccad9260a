package storage

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/flowbench/flowbench/engine"
)

// encodeSnapshot writes a run's snapshot as the JSON encoding/json would write, without its
// reflection and key sorting: a run from the end of a 10,000-node graph records every node
// (most of them reused), and its snapshot is written while the user waits for the result.
// Node records come in map order; JSON objects are unordered, and decoding is unchanged.
func encodeSnapshot(s engine.Snapshot) (string, error) {
	b := make([]byte, 0, 64+len(s.Nodes)*110)
	b = append(b, `{"nodes":`...)
	if s.Nodes == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		first := true
		for id, rec := range s.Nodes {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendJSONString(b, id)
			b = appendNodeRecord(append(b, ':'), rec)
		}
		b = append(b, '}')
	}
	if len(s.Approvals) > 0 {
		a, err := json.Marshal(s.Approvals)
		if err != nil {
			return "", fmt.Errorf("encoding run snapshot approvals: %w", err)
		}
		b = append(append(b, `,"approvals":`...), a...)
	}
	return string(append(b, '}')), nil
}

func appendNodeRecord(b []byte, r engine.NodeRecord) []byte {
	b = append(b, `{"status":`...)
	b = appendJSONString(b, r.Status)
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
