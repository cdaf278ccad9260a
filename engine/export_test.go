package engine

// SharedWaiting is how many node executions of s's runs wait on another run's (tests).
func (s *Service) SharedWaiting() int { return s.shared.Waiting() }
