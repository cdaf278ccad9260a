package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strconv"

	"github.com/flowbench/flowbench/engine"
)

// writeRunDiff writes a run diff as `--json` shows it (SPEC §13): the same bytes as
// encoding/json's Encoder with HTML escaping off, but the node map, which is most of it
// (10,000 entries for a 10,000-node workflow), is written directly instead of by reflection.
func writeRunDiff(w io.Writer, d engine.RunDiff) error {
	b := make([]byte, 0, 256*len(d.Nodes)+4096)
	var err error
	b = append(b, `{"a":`...)
	b = appendString(b, d.A)
	b = append(b, `,"b":`...)
	b = appendString(b, d.B)
	if d.Workflows != nil {
		b = append(b, `,"workflows":`...)
		if b, err = appendJSON(b, d.Workflows); err != nil {
			return err
		}
	}
	b = append(b, `,"version":`...)
	if b, err = appendJSON(b, d.Version); err != nil {
		return err
	}
	b = append(b, `,"inputs":`...)
	if b, err = appendJSON(b, d.Inputs); err != nil {
		return err
	}
	b = append(b, `,"graph":`...)
	if b, err = appendJSON(b, d.Graph); err != nil {
		return err
	}
	b = append(b, `,"nodes":`...)
	if d.Nodes == nil {
		b = append(b, "null"...)
	} else {
		ids := make([]string, 0, len(d.Nodes))
		for id := range d.Nodes {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		b = append(b, '{')
		for i, id := range ids {
			if i > 0 {
				b = append(b, ',')
			}
			n := d.Nodes[id]
			b = appendString(b, id)
			b = append(b, `:{"a":`...)
			b = appendSide(b, n.A)
			b = append(b, `,"b":`...)
			b = appendSide(b, n.B)
			b = append(b, `,"same_output":`...)
			b = strconv.AppendBool(b, n.SameOutput)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	b = append(b, `,"outputs":`...)
	if b, err = appendJSON(b, d.Outputs); err != nil {
		return err
	}
	b = append(b, "}\n"...)
	_, err = w.Write(b)
	return err
}

func appendSide(b []byte, s *engine.NodeSide) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"status":`...)
	b = appendString(b, string(s.Status))
	b = append(b, `,"reasons":`...)
	if s.Reasons == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, r := range s.Reasons {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, r)
		}
		b = append(b, ']')
	}
	b = append(b, `,"generation_id":`...)
	b = appendString(b, s.GenerationID)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendInt(b, s.DurationMS, 10)
	return append(b, '}')
}

// appendString writes s as a JSON string: printable ASCII as it is, anything else as
// encoding/json escapes it.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			out, _ := appendJSON(b, s)
			return out
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSON appends v as encoding/json writes it with HTML escaping off.
func appendJSON(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}
