package storage

// StopCheckpointer stops s's background checkpoints (tests that checkpoint the WAL themselves
// and count its frames).
func (s *Store) StopCheckpointer() error {
	c := s.ckpt
	s.ckpt = nil
	if c == nil {
		return nil
	}
	return c.close()
}
