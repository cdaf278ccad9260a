package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
)

// Fingerprint names what the registry declares: every node type's fields that its JSON form
// (`flowbench nodes --json`) shows, so two registries with the same fingerprint declare the
// same types, handles and params. The facts files of versions are keyed by it (factsKey). It
// is worked out once (again after a Register) from the fields themselves, not from the JSON
// form: encoding every type with encoding/json cost every command that runs a workflow
// ~0.5 ms of its fixed cost. TestRegistryFingerprintFollowsEveryField holds it to the JSON
// form's fields.
func (r *Registry) Fingerprint() string {
	r.mu.RLock()
	fp := r.fingerprint
	r.mu.RUnlock()
	if fp != "" {
		return fp
	}
	h := sha256.New()
	var space [4 << 10]byte       // one type's bytes at a time: no buffer the size of all of them
	for _, t := range r.Types() { // sorted by name
		h.Write(appendNodeTypeKey(space[:0], t))
	}
	fp = hex.EncodeToString(h.Sum(nil)[:16])
	r.mu.Lock()
	r.fingerprint = fp
	r.mu.Unlock()
	return fp
}

// appendNodeTypeKey appends t's JSON-visible fields, each string with its length before it,
// each list with its count, so no two different types append the same bytes.
func appendNodeTypeKey(b []byte, t *NodeType) []byte {
	b = appendKeyStr(b, t.Type)
	b = binary.AppendVarint(b, int64(t.Version))
	b = appendKeyStr(b, t.Group)
	b = appendKeyStr(b, t.Title)
	b = appendKeyStr(b, t.Description)
	for _, hs := range [][]Handle{t.Inputs, t.Outputs} {
		b = binary.AppendUvarint(b, uint64(len(hs)))
		for _, h := range hs {
			b = appendKeyStr(b, h.Name)
			b = appendKeyStr(b, h.Type)
			b = appendKeyBool(b, h.Required)
			b = appendKeyStr(b, h.Description)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(t.Params)))
	for _, p := range t.Params {
		b = appendKeyStr(b, p.Name)
		b = appendKeyStr(b, p.Kind)
		b = appendKeyStr(b, p.Label)
		b = appendKeyStr(b, p.Description)
		b = appendKeyValue(b, p.Default)
		b = binary.AppendUvarint(b, uint64(len(p.Options)))
		for _, o := range p.Options {
			b = appendKeyStr(b, o)
		}
		b = appendKeyBool(b, p.Required)
	}
	for _, f := range []bool{t.Deterministic, t.DynamicOutputs, t.Container, t.RunOutput, t.Pauses, t.Subflow} {
		b = appendKeyBool(b, f)
	}
	b = binary.AppendUvarint(b, uint64(len(t.LocalNames)))
	for _, n := range t.LocalNames {
		b = appendKeyStr(b, n)
	}
	return b
}

func appendKeyStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendKeyBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendKeyValue appends a param's default as its JSON text (a value json.Marshal refuses
// appends a marker of its own: such a registry could not be listed either).
func appendKeyValue(b []byte, v any) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0) // the text's length, set below
	if out, ok := AppendMarshalJSON(b, v); ok {
		b = out
	} else if text, err := json.Marshal(v); err == nil {
		b = append(b[:start+4], text...)
	} else {
		b = append(b[:start+4], "\x00unencodable"...)
	}
	binary.LittleEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b
}
