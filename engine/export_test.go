package engine

import "context"

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
