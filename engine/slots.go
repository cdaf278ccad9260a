package engine

// takeSlots is the queue's slots hook: runs start only while the data home's queue is not
// paused (another process may have paused it since this one looked).
func (s *Service) takeSlots(queued []string, limit int) ([]string, error) {
	if s.storedPaused(s.ctx) {
		return nil, nil
	}
	return queued[:min(limit, len(queued))], nil
}

// releaseSlot gives a run's slot back.
func (s *Service) releaseSlot(string) {}
