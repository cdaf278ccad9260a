package memstore

import (
	"context"
	"fmt"

	"github.com/flowbench/flowbench/engine"
)

// RunInputs returns a run's flow input values (GetRun's Inputs).
func (s *Store) RunInputs(ctx context.Context, id string) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.runs[id]
	if rec == nil {
		return nil, fmt.Errorf("inputs of run %s: %w", id, engine.ErrNotFound)
	}
	return decode[map[string]any](rec.inputs), nil
}
