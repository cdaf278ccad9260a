package engine

import (
	"context"
	"encoding/hex"
	"sync"
)

// A run that may ask the cache (SPEC §14) about thousands of fingerprints — a changed run of
// a long chain asks about every node after an edit, and almost all of them are new — pays a
// store lookup for each (~20–200 µs on SQLite), more than executing a cheap node. Such a run
// reads the fingerprints of the data home's completed generations once, at its first lookup
// (FingerprintLister), and answers a fingerprint that is not among them at once: no
// generation had it when the run began. A fingerprint the run asks about a second time (a
// node of this run may have made it since) and every one in the set go to the store as
// before, so a hit is always the store's answer. A generation another process completes
// while the run goes is not seen by it (a cache hit missed, never a wrong one).

// FingerprintLister lists the input fingerprints of every completed generation, or says there
// are more than limit (a store that cannot list them serves each lookup itself).
type FingerprintLister interface {
	CompletedFingerprints(ctx context.Context, limit int) (fps []string, ok bool, err error)
}

// cacheFilterMin is how many nodes a run must plan to rerun before it reads the fingerprints
// (a few lookups cost less than reading them).
const cacheFilterMin = 256

// cacheFilterMax bounds the fingerprints a run reads; with more, each lookup asks the store.
const cacheFilterMax = 1_000_000

// cacheFilter answers "no generation has this fingerprint" without a store lookup.
type cacheFilter struct {
	list   FingerprintLister
	lookup func(ctx context.Context, fingerprint string) (*Generation, error)

	mu     sync.Mutex
	loaded bool
	known  map[[16]byte]struct{} // nil: the store answers every lookup
	asked  map[string]bool
}

// filteredCache wraps a run's cache lookup with a cacheFilter when the run plans to rerun
// enough nodes and the store can list fingerprints.
func (s *Service) filteredCache(p *Plan, lookup func(context.Context, string) (*Generation, error)) func(context.Context, string) (*Generation, error) {
	l, ok := s.store.(FingerprintLister)
	if !ok || p == nil || p.Rerun < cacheFilterMin {
		return lookup
	}
	f := &cacheFilter{list: l, lookup: lookup, asked: map[string]bool{}}
	return f.get
}

func (f *cacheFilter) get(ctx context.Context, fingerprint string) (*Generation, error) {
	f.mu.Lock()
	if !f.loaded {
		f.loaded = true
		f.load(ctx)
	}
	absent := false
	if f.known != nil && !f.asked[fingerprint] {
		f.asked[fingerprint] = true
		key, ok := fpKey(fingerprint)
		_, in := f.known[key]
		absent = ok && !in
	}
	f.mu.Unlock()
	if absent {
		return nil, nil
	}
	return f.lookup(ctx, fingerprint)
}

// load reads the fingerprints (f.mu held); a failure leaves every lookup to the store.
func (f *cacheFilter) load(ctx context.Context) {
	fps, ok, err := f.list.CompletedFingerprints(ctx, cacheFilterMax)
	if err != nil || !ok {
		return
	}
	known := make(map[[16]byte]struct{}, len(fps))
	for _, fp := range fps {
		if key, ok := fpKey(fp); ok {
			known[key] = struct{}{}
		} else {
			return // a fingerprint of another shape: the set cannot answer for it
		}
	}
	f.known = known
}

// fpKey is a fingerprint (32 hex digits, InputFingerprint) as a map key.
func fpKey(fp string) (k [16]byte, ok bool) {
	if len(fp) != 32 {
		return k, false
	}
	_, err := hex.Decode(k[:], []byte(fp))
	return k, err == nil
}
