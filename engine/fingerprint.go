package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
)

// ConfigHash identifies what a node would do: its type, type version and params after
// {{name}} resolution. Position and label do not count. flow.inputs hashes the values it emits.
func ConfigHash(t *NodeType, config any) string {
	h := sha256.New()
	h.Write([]byte(t.Type))
	h.Write([]byte{0, byte(t.Version)})
	b, err := canonicalJSON(config)
	if err == nil {
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// InputFingerprint identifies everything a node execution saw: its config hash and the
// content hash of the value on each active input handle.
func InputFingerprint(configHash string, inputs map[string]any, connected map[string]bool) string {
	h := sha256.New()
	h.Write([]byte(configHash))
	names := make([]string, 0, len(inputs))
	for k := range inputs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !connected[k] {
			continue
		}
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{1})
		h.Write([]byte(HashValue(inputs[k])))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
