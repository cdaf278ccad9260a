package engine

import (
	"context"
	"reflect"
)

// SharedWaiting is how many node executions of s's runs wait on another run's (tests).
func (s *Service) SharedWaiting() int { return s.shared.Waiting() }

// SetStateRecordSlack sets how far s lets a workflow's state record lag before writing a new
// one (tests: 0 writes one whenever anything changed).
func (s *Service) SetStateRecordSlack(n int64) { s.current.slack = n }

// CheckMadeTogether makes s's plans check every node they take as fed what its generation
// saw because one run made it and its upstream generations (madeTogether) against the input
// fingerprint worked out; it returns how many were taken and how many the fingerprint
// contradicted so far.
func (s *Service) CheckMadeTogether() func() (taken, contradicted int64) {
	if s.together == nil {
		s.together = &togetherCheck{}
	}
	c := s.together
	return func() (int64, int64) { return c.taken.Load(), c.contradicted.Load() }
}

// CacheLookup returns the cache hook one run of s would use (tests).
func (s *Service) CacheLookup() func(ctx context.Context, fingerprint string) (*Generation, error) {
	return s.newCacheRun().lookup
}

// SavedFactsAreWorkedOut reports whether s keeps plan facts for version id that equal the
// facts worked out afresh from its graph, and made from that graph itself (tests).
func (s *Service) SavedFactsAreWorkedOut(v Version) (kept, equal bool) {
	f, ok := s.versions.cachedFacts(v.ID)
	if !ok {
		return false, false
	}
	got, ok1 := factsOf(f)
	want, ok2 := factsOf(newGraphFacts(s.reg, v.Graph))
	return true, ok1 == ok2 && reflect.DeepEqual(got, want) && f.g.Nodes != nil && &f.g.Nodes[0] == &v.Graph.Nodes[0]
}

// PlanFactsAreWorkedOut reports whether the service holds facts to make version v's from
// (its own, or the draft's it was saved from), and whether those graphFacts gives are
// exactly the facts worked out whole from its graph as stored.
func (s *Service) PlanFactsAreWorkedOut(v Version) (based, equal bool) {
	based = s.versions.baseFacts(v.ID) != nil
	got, want := s.graphFacts(v), newGraphFacts(s.reg, v.Graph)
	got.gi.index()
	want.gi.index()
	got.wiringHash()
	want.wiringHash()
	return based, reflect.DeepEqual(got, want)
}

// DraftFromBase returns what a draft edited from base (valid) costs the service to check
// and hash when it holds base's pieces: the draft normalized, compared with base, validated
// and hashed from it (tests and benchmarks).
func DraftFromBase(reg *Registry, base Graph) func(draft Graph) (string, error) {
	n := NormalizeGraph(base)
	b, _ := hashFrom(base, n, nil)
	b.valid = ValidateGraph(reg, n) == nil
	return func(draft Graph) (string, error) {
		g, d, _ := normalizeFrom(draft, b, false)
		c := checkFrom(reg, g, nil, nil, d)
		_, hash := hashFrom(draft, g, d)
		return hash, c.err
	}
}

// WaitRecords waits for the state records s's ended runs are writing (tests: a run's end is
// reported without waiting for its record; a command's Close waits for it).
func (s *Service) WaitRecords() { s.recording.Wait() }

// DraftBaseHeld reports whether s holds the pieces of version id a draft is checked and
// hashed from (draftbase.go), once the warming begun in the background has ended, and
// whether they were found valid.
func (s *Service) DraftBaseHeld(id string) (held, valid bool) {
	s.warming.Wait()
	b := s.versions.draftBase("", id)
	return b != nil && b.id == id, b != nil && b.id == id && b.valid
}

// DraftCheckedFast reports whether draft g of workflow workflowID edited from version id
// would be validated from the version's pieces by its changed nodes' params alone.
func (s *Service) DraftCheckedFast(workflowID, id string, g Graph) bool {
	_, d, _ := normalizeFrom(g, s.versions.draftBase(workflowID, id), false)
	return d.fast()
}

// WarmedForRuns reports, once the warming begun in the background has ended, whether s holds
// the workflow's state, the version's facts and a begun cache index (warmForRuns).
func (s *Service) WarmedForRuns(workflowID, versionID string) (state, facts, cache bool) {
	s.warming.Wait()
	_, facts = s.versions.cachedFacts(versionID)
	s.cacheIdx.mu.Lock()
	cache = s.cacheIdx.valid
	s.cacheIdx.mu.Unlock()
	return s.current.has(workflowID), facts, cache
}
