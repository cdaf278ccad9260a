package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestPropertyKnownSetFilter: the known set with its filter answers has and single as a plain
// set of the same keys does (a filter never hides a key), for summaries of any size and past
// the additions that make it build its filter again, larger; keys it lacks mostly stop at
// the filter.
func TestPropertyKnownSetFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 40 {
		sorted := make([]uint64, r.IntN(3)*r.IntN(20_000))
		for i := range sorted {
			sorted[i] = r.Uint64()
		}
		slices.Sort(sorted)
		want := map[uint64]int{}
		for _, k := range sorted {
			want[k] += 2 // a summary key: never single
		}
		f := newFPSet(sorted, r.IntN(100))
		adds := r.IntN(30_000)
		keys := make([]uint64, 0, adds)
		for range adds {
			var k uint64
			switch {
			case len(keys) > 0 && r.IntN(10) == 0:
				k = keys[r.IntN(len(keys))] // a key again
			case len(sorted) > 0 && r.IntN(20) == 0:
				k = sorted[r.IntN(len(sorted))]
			default:
				k = r.Uint64()
			}
			keys = append(keys, k)
			if !f.add(fmt.Sprintf("%016x%016x", k, r.Uint64())) {
				t.Fatal("add refused a fingerprint")
			}
			want[k]++
		}
		for k, n := range want {
			if !f.has(k) {
				t.Fatalf("trial %d: key %x (count %d) not found", trial, k, n)
			}
			if f.single(k) != (n == 1) {
				t.Fatalf("trial %d: key %x: single %v, count %d", trial, k, f.single(k), n)
			}
		}
		passed := 0
		for range 10_000 {
			k := r.Uint64()
			if want[k] > 0 {
				continue
			}
			if f.has(k) {
				t.Fatalf("trial %d: key %x it lacks found", trial, k)
			}
			if a, b := f.filterBits(k); f.filter[a/64]&(1<<(a%64)) != 0 && f.filter[b/64]&(1<<(b%64)) != 0 {
				passed++
			}
		}
		if passed > 1_000 {
			t.Errorf("trial %d: %d of 10,000 keys it lacks got past the filter, want a few %%", trial, passed)
		}
	}
}

// FuzzFingerprintKey: FingerprintKey reads a fingerprint as strconv does its first 16 hex
// digits, and refuses anything but 32 hex digits.
func FuzzFingerprintKey(f *testing.F) {
	for _, s := range []string{"0123456789abcdef0123456789ABCDEF", "ffffffffffffffffffffffffffffffff", "0x23456789abcdef0123456789abcdef0", "0123456789abcdef0123456789abcdeg", "", "+123456789abcdef0123456789abcdef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := FingerprintKey(s)
		wantOK := len(s) == 32
		var want uint64
		if wantOK {
			var err error
			want, err = strconv.ParseUint(s[:16], 16, 64)
			_, err2 := strconv.ParseUint(s[16:], 16, 64)
			wantOK = err == nil && err2 == nil && !strings.ContainsAny(s, "+-_xX")
		}
		if ok != wantOK || ok && k != want {
			t.Fatalf("FingerprintKey(%q) = %x, %v; want %x, %v", s, k, ok, want, wantOK)
		}
	})
}

// knownBench is a known set as a changed run of a 10,000-node chain meets it on a home with
// some history: summary keys, plus the fingerprints this run commits meanwhile, and the
// 5,000 new fingerprints the run asks about.
func knownBench(summary, more, asks int) (*cacheIndex, []string) {
	r := rand.New(rand.NewPCG(1, 2))
	sorted := make([]uint64, summary)
	for i := range sorted {
		sorted[i] = r.Uint64()
	}
	slices.Sort(sorted)
	c := &cacheIndex{valid: true, hits: map[string]*Generation{}}
	c.known = newFPSet(sorted, 0)
	for range more {
		c.known.add(fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()))
	}
	fps := make([]string, asks)
	for i := range fps {
		fps[i] = fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
	}
	return c, fps
}

// BenchmarkCacheAnswerMiss is the cache's answer for 5,000 fingerprints no generation has.
func BenchmarkCacheAnswerMiss(b *testing.B) {
	for _, n := range []int{30_000, 150_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			c, fps := knownBench(n, 5000, 5000)
			b.ResetTimer()
			for b.Loop() {
				for _, fp := range fps {
					if _, absent, _, _ := c.answer(fp); !absent {
						b.Fatal("not absent")
					}
				}
			}
		})
	}
}

// BenchmarkCacheKnownAdd is a changed run's 5,000 commits joining the known set.
func BenchmarkCacheKnownAdd(b *testing.B) {
	_, fps := knownBench(0, 0, 5000)
	r := rand.New(rand.NewPCG(3, 4))
	sorted := make([]uint64, 30_000)
	for i := range sorted {
		sorted[i] = r.Uint64()
	}
	slices.Sort(sorted)
	for b.Loop() {
		f := newFPSet(sorted, 0)
		for _, fp := range fps {
			f.add(fp)
		}
	}
}
