package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// ConfigHash identifies what a node would do: its type, type version and params after
// {{name}} resolution. Position and label do not count. flow.inputs hashes the values it emits.
func ConfigHash(t *NodeType, config any) string {
	bp := hashBufs.Get().(*[]byte)
	b := append((*bp)[:0], t.Type...)
	b = append(b, 0, byte(t.Version))
	head := len(b)
	b, ok := appendPlainJSON(b, config)
	if !ok {
		b = b[:head]
		if enc, err := canonicalJSON(config); err == nil {
			b = append(b, enc...)
		}
	}
	sum := sha256.Sum256(b)
	keepBuf(bp, b)
	return hex.EncodeToString(sum[:16])
}

// HashValue is the content hash of a JSON-like value. Media values hash by their asset
// reference, which already names the content.
func HashValue(v any) string {
	text := hashText(v)
	return string(text[:])
}

// hashText is HashValue as bytes, without making the string.
func hashText(v any) (text [32]byte) {
	bp := hashBufs.Get().(*[]byte)
	b, ok := appendPlainJSON((*bp)[:0], v)
	if !ok {
		enc, err := canonicalJSON(v)
		if err != nil {
			enc = []byte(fmt.Sprintf("%#v", v))
		}
		b = append(b[:0], enc...)
	}
	sum := sha256.Sum256(b)
	keepBuf(bp, b)
	hex.Encode(text[:], sum[:16])
	return text
}

// InputFingerprint identifies everything a node execution saw: its config hash and the
// content hash of the value on each active input handle.
func InputFingerprint(configHash string, inputs map[string]any, connected map[string]bool) string {
	// fingerprintSum's bytes, with the value hashes kept as bytes on the stack.
	type handleText struct {
		handle string
		hash   [32]byte
	}
	var space [4]handleText
	seen := space[:0]
	for k, v := range inputs {
		if connected[k] {
			seen = append(seen, handleText{k, hashText(v)})
		}
	}
	slices.SortFunc(seen, func(a, b handleText) int { return strings.Compare(a.handle, b.handle) })
	bp := hashBufs.Get().(*[]byte)
	b := append((*bp)[:0], configHash...)
	for i := range seen {
		b = append(b, 0)
		b = append(b, seen[i].handle...)
		b = append(b, 1)
		b = append(b, seen[i].hash[:]...)
	}
	sum := sha256.Sum256(b)
	keepBuf(bp, b)
	return hex.EncodeToString(sum[:16])
}

// fingerprintOf is InputFingerprint over value hashes already worked out, one per handle
// (in any order; it sorts them).
func fingerprintOf(configHash string, hashes []handleHash) string {
	sum := fingerprintSum(configHash, hashes)
	return hex.EncodeToString(sum[:16])
}

// fingerprintIs reports whether fingerprintOf(configHash, hashes) is want, without making
// the string.
func fingerprintIs(want, configHash string, hashes []handleHash) bool {
	if len(want) != 32 {
		return false
	}
	sum := fingerprintSum(configHash, hashes)
	var text [32]byte
	hex.Encode(text[:], sum[:16])
	return string(text[:]) == want
}

func fingerprintSum(configHash string, hashes []handleHash) [sha256.Size]byte {
	slices.SortFunc(hashes, func(a, b handleHash) int { return strings.Compare(a.handle, b.handle) })
	bp := hashBufs.Get().(*[]byte)
	b := append((*bp)[:0], configHash...)
	for _, x := range hashes {
		b = append(b, 0)
		b = append(b, x.handle...)
		b = append(b, 1)
		b = append(b, x.hash...)
	}
	sum := sha256.Sum256(b)
	keepBuf(bp, b)
	return sum
}
