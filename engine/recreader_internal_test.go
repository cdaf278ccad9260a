package engine

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// refReader reads as recReader did before its one-byte fast paths (the general varint loop
// for every number and length, u64 byte by byte): the reference they must agree with.
type refReader struct {
	s   string
	bad bool
}

func (r *refReader) uvarint() uint64 {
	if r.bad {
		return 0
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
	r.bad = true
	return 0
}

func (r *refReader) str() string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.s)) {
		r.bad = true
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

func (r *refReader) u64() uint64 {
	if r.bad || len(r.s) < 8 {
		r.bad = true
		return 0
	}
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(r.s[i])
	}
	r.s = r.s[8:]
	return v
}

// TestPropertyRecReaderFastPaths: on random bodies — well-formed strings and numbers of every
// size, cut short, or plain noise — recReader's str, uvarint and u64 (one-byte fast paths,
// one load) read what the general reading reads, leave the same rest and fail at the same
// read.
func TestPropertyRecReaderFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 8))
	for round := range 20000 {
		var b []byte
		for range rng.IntN(6) {
			switch rng.IntN(4) {
			case 0: // a string of a length around the one-byte limit, or longer
				n := []int{0, 1, 126, 127, 128, 129, 300}[rng.IntN(7)]
				b = binary.AppendUvarint(b, uint64(n))
				for range n {
					b = append(b, byte(rng.IntN(256)))
				}
			case 1:
				b = binary.AppendUvarint(b, rng.Uint64()>>rng.IntN(64))
			case 2:
				b = binary.LittleEndian.AppendUint64(b, rng.Uint64())
			default: // noise
				for range rng.IntN(10) {
					b = append(b, byte(rng.IntN(256)))
				}
			}
		}
		if len(b) > 0 && rng.IntN(3) == 0 {
			b = b[:rng.IntN(len(b))] // cut short
		}
		r, ref := &recReader{s: string(b)}, &refReader{s: string(b)}
		for op := 0; op < 12; op++ {
			k := rng.IntN(3)
			var got, want any
			switch k {
			case 0:
				got, want = r.str(), ref.str()
			case 1:
				got, want = r.uvarint(), ref.uvarint()
			default:
				got, want = r.u64(), ref.u64()
			}
			if got != want || r.s != ref.s || (r.err != nil) != ref.bad {
				t.Fatalf("round %d, read %d (kind %d) of %x: got %v rest %d err %v, want %v rest %d bad %v",
					round, op, k, b, got, len(r.s), r.err, want, len(ref.s), ref.bad)
			}
		}
	}
}
