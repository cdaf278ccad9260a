package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// The cache across workflows and versions (SPEC §14): in a run from a block or a changed
// run, a deterministic node planned to rerun whose input fingerprint equals that of a
// completed generation anywhere in the data home reuses that generation (reason cached)
// instead of executing. The fingerprint covers the node's config hash, which covers its
// type and type version, so a hit is always a generation of the same node type. Full runs
// stay full. The setting "cache" (on by default) turns it off.

// SettingCache is the settings key of the cache: "on" (the default) or "off".
const SettingCache = "cache"

func checkOnOff(v string) error {
	if v != "on" && v != "off" {
		return fmt.Errorf("want on or off, got %q", v)
	}
	return nil
}

// cacheOn reports whether the data home's cache setting is on (it is unless set to off).
func (s *Service) cacheOn(ctx context.Context) bool {
	v, ok, err := s.store.GetSetting(ctx, SettingCache)
	return err != nil || !ok || v != "off"
}

// cacheIndex is the process's memory of the cache, the one structure that answers "which
// completed generation has this fingerprint?" before the store is asked:
//
//   - known, the keys of the fingerprints of every completed generation of the data home
//     (FingerprintLister; a fingerprint not among them has no generation, answered at once:
//     a changed run of a long chain asks about thousands of new fingerprints);
//   - hits, fingerprint -> the latest completed generation with it, as the store answered.
//
// Both hold at the store's generation clock they were read at (GenClock). This process's own
// commits move the clock on (their fingerprints join known; each generation replaces the hit
// it is newer than). Anything else is seen at the next run's first lookup, which reads the
// clock: when only writes happened, the fingerprints written after the clock are read and
// added (and their hits dropped: a later generation may have one); after a deletion, hits
// start again and known is read again (the store keeps a persisted summary of it, so that is
// one small read, not every fingerprint ever written). A hit is always the store's answer;
// a generation another process completes while a run goes may be missed by that run (work
// done again, never a wrong hit).
type cacheIndex struct {
	mu      sync.Mutex
	clock   GenClock
	valid   bool                   // hits hold at clock
	known   *fpSet                 // nil: every fingerprint not in hits is asked of the store
	hits    map[string]*Generation // fingerprint -> the latest completed generation with it
	fetched map[string]*candidates // workflow -> its current generations batched checks take (cachefetch.go)
	// A batched check (cacheRun.prefetch) takes a while, and the run goes on committing
	// meanwhile (a cache hit commits the node's own copy): its answers are kept unless the
	// hits were reset since (reset counts resets) or a generation with their fingerprint was
	// written meanwhile (dirty, collected while fetching counts checks under way).
	reset    uint64
	fetching int
	dirty    map[string]bool
	// runWindows are the windows of runs prefetchRun fetched at reset runReset
	// (cacherunfetch.go).
	runWindows map[string]*runFetch
	runReset   uint64
	// savedUpTo is the largest seq this process's committer saved (saved). A batch reaches
	// committed a moment after it is saved (the committer tells the index on its next turn);
	// told, closed and dropped, wakes a begin waiting for it.
	savedUpTo int64
	told      chan struct{}
}

// ownCommitWait bounds how long begin waits for this process's saved batches to reach the
// index (a few milliseconds at most when the committer works; past it, begin reads the
// store's writes back as it does another process's).
const ownCommitWait = 2 * time.Second

// cacheIndexMax bounds the fingerprints the index keeps; past it, lookups go to the store.
const cacheIndexMax = 200_000

// knownMax bounds the fingerprints known holds; with more, misses are asked of the store.
const knownMax = 2_000_000

// FingerprintLister lists the fingerprints of completed generations, for the cache's known
// set: with since < 0, all of them, as sorted keys (FingerprintKey) of a persisted summary
// plus the fingerprints written after it; with since >= 0, those of generations with a seq
// after since. ok is false, with nothing, when there are more than limit. A store that
// cannot list them serves each lookup itself.
type FingerprintLister interface {
	CompletedFingerprints(ctx context.Context, since int64, limit int) (sorted []uint64, more []string, ok bool, err error)
}

// FingerprintKey is the key of an input fingerprint (32 hex digits, InputFingerprint) in the
// known set: its first 64 bits. Two fingerprints with one key only cost a store lookup.
func FingerprintKey(fp string) (uint64, bool) {
	if len(fp) != 32 {
		return 0, false
	}
	var k uint64
	bad := false
	for i := 0; i < 32; i++ {
		d := hexDigit[fp[i]]
		bad = bad || d > 15
		if i < 16 {
			k = k<<4 | uint64(d)
		}
	}
	return k, !bad
}

// hexDigit is the value of each hex digit (either case); 0xff for any other byte.
var hexDigit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c], t[c-'a'+'A'] = byte(c-'a'+10), byte(c-'a'+10)
	}
	return t
}()

// fpSet is the known set: sorted keys (as the store's summary gave them) and, for the
// generations after the summary, how many have each key. A count may be too high (a
// generation read twice, or deleted since), never too low. filter, a bit set over every key
// of both (two bits a key), answers most keys the set lacks at once: a changed run asks about
// thousands of fingerprints no generation has (without it, each is a map lookup and a binary
// search of the summary). A set bit only sends the key on to them.
type fpSet struct {
	sorted []uint64
	more   map[uint64]uint32
	filter []uint64 // len a power of two; bits a key sets: filterBits
	keys   int      // keys the filter was given (with repeats)
}

// filterPerKey is the filter's bits a key when it is sized: with two bits a key set, about
// 1.4 % of keys the set lacks get past it (up to 5 % once it holds twice as many keys, when
// it is built again, larger).
const filterPerKey = 16

// newFPSet is the known set of a store's summary keys (sorted), room made for n more.
func newFPSet(sorted []uint64, n int) *fpSet {
	f := &fpSet{sorted: sorted, more: make(map[uint64]uint32, n)}
	f.sizeFilter(len(sorted) + n)
	for _, k := range sorted {
		f.mark(k)
	}
	return f
}

// sizeFilter makes an empty filter for n keys (at least 4,096 words).
func (f *fpSet) sizeFilter(n int) {
	words := 4096
	for words*64 < n*filterPerKey {
		words *= 2
	}
	f.filter, f.keys = make([]uint64, words), 0
}

// filterBits is the two bits of the filter key k sets: from its low and its high half (a key
// is the start of a hash, its bits are uniform).
func (f *fpSet) filterBits(k uint64) (a, b uint64) {
	m := uint64(len(f.filter)*64 - 1)
	return k & m, (k >> 32) & m
}

func (f *fpSet) mark(k uint64) {
	a, b := f.filterBits(k)
	f.filter[a/64] |= 1 << (a % 64)
	f.filter[b/64] |= 1 << (b % 64)
	f.keys++
}

func (f *fpSet) has(k uint64) bool {
	if a, b := f.filterBits(k); f.filter[a/64]&(1<<(a%64)) == 0 || f.filter[b/64]&(1<<(b%64)) == 0 {
		return false
	}
	if f.more[k] > 0 {
		return true
	}
	_, in := slices.BinarySearch(f.sorted, k)
	return in
}

// single reports whether exactly one completed generation has a fingerprint with key k: it
// is then the one CachedGeneration finds for it.
func (f *fpSet) single(k uint64) bool {
	if f.more[k] != 1 {
		return false
	}
	_, in := slices.BinarySearch(f.sorted, k)
	return !in
}

// add counts a generation with fp; false when fp has no key (the set cannot answer for it
// any more).
func (f *fpSet) add(fp string) bool {
	k, ok := FingerprintKey(fp)
	if !ok {
		return false
	}
	f.more[k]++
	if f.keys*filterPerKey > len(f.filter)*64*2 {
		// twice the keys it was sized for: built again, larger
		f.sizeFilter(len(f.sorted) + len(f.more))
		for _, k := range f.sorted {
			f.mark(k)
		}
		for k := range f.more {
			f.mark(k)
		}
	} else {
		f.mark(k)
	}
	return true
}

// begin starts a run's use of the index: it reads the store's clock and brings the index to
// it. false: the clock could not be read; the run asks the store about everything.
func (c *cacheIndex) begin(ctx context.Context, st GenerationStore) bool {
	now, err := st.GenerationClock(ctx)
	if err != nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// The store's clock may be ahead of the index by batches this process saved that the
	// committer has not told it of yet (a run's end does not wait for that; a changed run's
	// own cache hits are saved as it goes): they come in a moment. Read back as another
	// process's writes, they would drop the hits of their fingerprints (or, from a store that
	// cannot list them, every hit).
	deadline := time.Now().Add(ownCommitWait)
	for c.valid && now.Deletions == c.clock.Deletions && c.clock.Writes < now.Writes && now.Writes <= c.savedUpTo {
		wait := time.Until(deadline)
		if wait <= 0 {
			break
		}
		if c.told == nil {
			c.told = make(chan struct{})
		}
		told := c.told
		c.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-told:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
		c.mu.Lock()
	}
	// Holding at the clock read, or past it by this process's own commits told since.
	if c.valid && now.Deletions == c.clock.Deletions && now.Writes <= c.clock.Writes {
		return true
	}
	l, canList := st.(FingerprintLister)
	if c.known != nil && canList && now.Deletions == c.clock.Deletions && now.Writes > c.clock.Writes {
		// only writes since the clock (a seq is never given twice without a deletion)
		_, more, ok, err := l.CompletedFingerprints(ctx, c.clock.Writes, knownMax-len(c.known.sorted)-len(c.known.more))
		if err == nil && ok && c.addKnown(more) {
			if !c.valid {
				c.hits, c.fetched = map[string]*Generation{}, map[string]*candidates{}
				c.reset++
			}
			for _, fp := range more {
				delete(c.hits, fp)
				c.soil(fp)
			}
			c.clock, c.valid = now, true
			return true
		}
	}
	c.clock, c.valid, c.hits, c.fetched, c.known = now, true, map[string]*Generation{}, map[string]*candidates{}, nil
	c.reset++
	if canList {
		sorted, more, ok, err := l.CompletedFingerprints(ctx, -1, knownMax)
		if err == nil && ok {
			c.known = newFPSet(sorted, len(more))
			if !c.addKnown(more) {
				c.known = nil
			}
		}
	}
	return true
}

// addKnown adds fingerprints to known (c.mu held); false, with known dropped, when one has
// no key.
func (c *cacheIndex) addKnown(fps []string) bool {
	for _, fp := range fps {
		if !c.known.add(fp) {
			c.known = nil
			return false
		}
	}
	return true
}

// committed moves the clock on by this process's generations, just saved (numbered in
// order): their fingerprints join known and each replaces the hit of its fingerprint it is
// newer than. Generations the clock already covers change nothing; a commit not numbered
// right after the clock means another process wrote meanwhile: the hits are void until the
// next run's first lookup reads what was written (known stays: it still names every
// fingerprint it did, and this commit's).
func (c *cacheIndex) committed(gens []Generation) {
	if len(gens) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.wake()
	if c.valid && gens[len(gens)-1].Seq <= c.clock.Writes {
		return // read with the clock
	}
	c.addCommitted(gens)
	if !c.valid || gens[len(gens)-1].Seq <= c.clock.Writes {
		return // (or read with the clock meanwhile: begin)
	}
	first, last := gens[0].Seq, gens[len(gens)-1].Seq
	if first != c.clock.Writes+1 || last != c.clock.Writes+int64(len(gens)) {
		c.valid, c.hits, c.fetched = false, nil, nil
		c.reset++
		return
	}
	c.clock.Writes = last
	for i := range gens {
		c.soil(gens[i].InputFingerprint)
	}
	if len(c.hits) == 0 {
		return
	}
	for i := range gens {
		g := &gens[i]
		if old := c.hits[g.InputFingerprint]; old != nil && g.Status == GenCompleted && laterGen(g, old) {
			cp := *g
			c.hits[g.InputFingerprint] = &cp
		}
	}
}

// saved notes that this process's committer stored gens (its saved hook): they reach
// committed on the committer's next turn.
func (c *cacheIndex) saved(gens []Generation) {
	if len(gens) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.savedUpTo = max(c.savedUpTo, gens[len(gens)-1].Seq)
}

// wake wakes the begins waiting for a commit to be told (c.mu held).
func (c *cacheIndex) wake() {
	if c.told != nil {
		close(c.told)
		c.told = nil
	}
}

// knownChunk is how many fingerprints committed adds to known at a time: between chunks it
// lets go of the index, so a run asking the cache at each node (a changed run's half of a
// chain, as its batches land) never waits for a whole batch of additions.
const knownChunk = 64

// addCommitted adds the fingerprints of gens' completed generations to known (c.mu held; it
// is let go between chunks). A key added late only costs a run asking for it meanwhile a
// miss, which executes the node: the cache only ever saves work. known read again meanwhile
// (begin) holds what the store held then, these generations included: the adding stops.
func (c *cacheIndex) addCommitted(gens []Generation) {
	known := c.known
	for i := range gens {
		if c.known != known || known == nil {
			return
		}
		if gens[i].Status == GenCompleted && gens[i].InputFingerprint != "" && !known.add(gens[i].InputFingerprint) {
			c.known = nil
			return
		}
		if (i+1)%knownChunk == 0 && i+1 < len(gens) {
			c.mu.Unlock()
			c.mu.Lock()
		}
	}
}

// laterGen reports whether a comes after b in the store's order of generations (created at,
// to the millisecond as stored, then Seq).
func laterGen(a, b *Generation) bool {
	if ma, mb := a.CreatedAt.UnixMilli(), b.CreatedAt.UnixMilli(); ma != mb {
		return ma > mb
	}
	return a.Seq > b.Seq
}

// answer returns what memory says of fingerprint: its hit, or absent when known says no
// generation has it; else the store must be asked (at the clock returned, if holds).
func (c *cacheIndex) answer(fingerprint string) (g *Generation, absent bool, clock GenClock, holds bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.valid {
		if g := c.hits[fingerprint]; g != nil {
			return g, false, c.clock, true
		}
	}
	if c.known != nil {
		if k, ok := FingerprintKey(fingerprint); ok && !c.known.has(k) {
			return nil, true, c.clock, c.valid
		}
	}
	return nil, false, c.clock, c.valid
}

// keep adds answers the store gave after the index stood at clock: only if it still does (a
// commit meanwhile may have made them older).
func (c *cacheIndex) keep(clock GenClock, hits map[string]*Generation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || c.clock != clock || len(c.hits)+len(hits) > cacheIndexMax {
		return
	}
	for fp, g := range hits {
		c.hits[fp] = g
	}
}

// soil notes, while batched checks are under way, that a generation with fingerprint fp was
// written (c.mu held): their answers for it may be older.
func (c *cacheIndex) soil(fp string) {
	if c.fetching > 0 && fp != "" {
		if c.dirty == nil {
			c.dirty = map[string]bool{}
		}
		c.dirty[fp] = true
	}
}

// cacheRun is one run's use of the cache: the executor's Cache hook. Its first lookup brings
// the process's index to the store's clock (cacheIndex.begin); from then on memory answers
// what it can. A fingerprint memory cannot answer costs one store lookup; when that finds a
// generation, the current generations of its workflow written about when it was are checked
// with one batched check (cacheRun.prefetch), and those that are the latest completed
// generation with their fingerprint are kept: the next nodes of a graph copied from that
// workflow then hit in memory, as cheaply as a reuse inside one workflow.
//
// Within one run a fingerprint is served by one generation: the first the cache named. A hit
// writes the node's copy of the source (cachedCopy), which is then the latest generation with
// that fingerprint; a later node of the same run with the same fingerprint would otherwise be
// served that copy, not the source the plan named (same values, another generation).
type cacheRun struct {
	s     *Service
	begin sync.Once
	index bool // the index serves (the clock was read)

	mu     sync.Mutex
	served map[string]*Generation // fingerprint -> the generation this run was served
}

func (s *Service) newCacheRun() *cacheRun { return &cacheRun{s: s} }

// warmCache brings the process's index to the store's clock in the background (a fresh
// process reads the known set: milliseconds on a home with history), so that the first lookup
// of a run just planned, made by its first node that reruns, finds it done instead of reading
// it on the run's path. That lookup still reads the clock and catches up on what was written
// meanwhile (cacheIndex.begin). Best effort: a failure leaves the index to that lookup.
func (s *Service) warmCache() {
	s.warmMu.Lock()
	defer s.warmMu.Unlock()
	if !s.warmShut {
		s.warming.Go(func() { s.cacheIdx.begin(s.ctx, s.store) })
	}
}

// lookup returns the generation the cache names for fingerprint, or nil: possibly partial
// (without its outputs: serve loads them), which is all a plan needs.
func (r *cacheRun) lookup(ctx context.Context, fingerprint string) (*Generation, error) {
	r.mu.Lock()
	g := r.served[fingerprint]
	r.mu.Unlock()
	if g != nil {
		return g, nil
	}
	g, err := r.find(ctx, fingerprint)
	if g == nil || err != nil {
		return g, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if first := r.served[fingerprint]; first != nil {
		return first, nil // another node of the run asked at the same time
	}
	if r.served == nil {
		r.served = map[string]*Generation{}
	}
	r.served[fingerprint] = g
	return g, nil
}

// find is lookup's answer from the process's index or the store.
func (r *cacheRun) find(ctx context.Context, fingerprint string) (*Generation, error) {
	idx := &r.s.cacheIdx
	r.begin.Do(func() { r.index = idx.begin(ctx, r.s.store) })
	var clock GenClock
	holds := false
	if r.index {
		g, absent, at, ok := idx.answer(fingerprint)
		if g != nil {
			return g, nil
		}
		if absent {
			return nil, nil
		}
		clock, holds = at, ok
	}
	found, err := r.s.store.CachedGeneration(ctx, fingerprint)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if holds {
		idx.keep(clock, map[string]*Generation{fingerprint: &found})
		r.prefetch(ctx, &found)
	}
	return &found, nil
}

// cached returns the generation a node planned to rerun reuses from the cache, or nil: only
// in a run with a plan (never a full run), at the top level, for a deterministic node that
// neither pauses nor holds a loop body, and never for the target of a run from a block,
// which the user asked to execute (SPEC §7: it always reruns).
func (ex *Executor) cached(ctx context.Context, x *Execution, sc *scope, st *nodeState, fp string, params map[string]any) *Generation {
	if ex.Cache == nil || x.Plan == nil || sc.group != "" || slices.Contains(st.plan.Reasons, ReasonTarget) ||
		st.typ.Container || st.typ.Pauses || !st.typ.IsDeterministic(params) {
		return nil
	}
	g, err := ex.Cache(ctx, fp)
	if err != nil || g == nil || g.Status != GenCompleted || g.InputFingerprint != fp {
		return nil // a failed lookup executes the node: the cache only ever saves work
	}
	return g
}

// cachedCopy is the generation a node served from the cache records as its own, so that it
// becomes the node's current generation (the latest completed one, current.go) and the next
// plan reuses it instead of planning the node to rerun (and to hit the cache) again: the
// source's outputs, fingerprint and config hash, made by this run, no cost. nil when the
// source already is the node's current generation. The run's record names the source.
// When the process holds the source's output hashes (its memo), the executor gives the copy
// them in a memo of its own (copyMemo), as an executed node's generation has (rememberHashed):
// the current state it joins at its commit does not hash the same values again.
func cachedCopy(x *Execution, id string, src *Generation, newID string) *Generation {
	if cur := x.Current[id]; cur != nil && cur.ID == src.ID {
		return nil
	}
	return &Generation{ID: newID, WorkflowID: x.Run.WorkflowID, NodeID: id, RunID: x.Run.ID, VersionID: x.Run.VersionID,
		VersionLabel: x.Run.VersionLabel, RunLabel: x.Run.Label, Status: GenCompleted, Outputs: src.Outputs,
		ConfigHash: src.ConfigHash, InputFingerprint: src.InputFingerprint}
}

// copyMemo is the memo of a copy of src (cachedCopy), nil when src's memo does not hold
// every output hash. It is given apart from cachedCopy, which stays small enough to be
// inlined: the copy then lives on the executor's stack until the committer takes it by value.
func copyMemo(src *Generation) *genMemo {
	h := knownOutHashes(src)
	if h == nil {
		return nil
	}
	return &genMemo{outHash: h, fileSHA: src.memo.fileSHA, fileKnown: src.memo.fileKnown}
}

// knownOutHashes is the value hash of each of g's outputs when g's memo holds them all (a
// generation the process keeps as current, or one just committed), else nil: worked out
// when needed. Never a partial generation's (its outputs are not loaded).
func knownOutHashes(g *Generation) []handleHash {
	if g.memo == nil || g.partial() || len(g.memo.outHash) != len(g.Outputs) {
		return nil
	}
	for _, h := range g.memo.outHash {
		if h.hash == "" {
			return nil
		}
		if _, ok := g.Outputs[h.handle]; !ok {
			return nil
		}
	}
	return g.memo.outHash
}
