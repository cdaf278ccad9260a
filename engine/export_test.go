package engine

// SharedWaiting is how many node executions of s's runs wait on another run's (tests).
func (s *Service) SharedWaiting() int { return s.shared.Waiting() }

// SetStateRecordSlack sets how far s lets a workflow's state record lag before writing a new
// one (tests: 0 writes one whenever anything changed).
func (s *Service) SetStateRecordSlack(n int64) { s.current.slack = n }
