package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/flowbench/flowbench/engine"
)

// RunInputs returns a run's flow input values, decoded as GetRun decodes them, without
// reading its snapshot (a run over a large graph holds a record per node).
func (s *Store) RunInputs(ctx context.Context, id string) (map[string]any, error) {
	var inputs string
	err := s.r.QueryRowContext(ctx, `SELECT inputs FROM runs WHERE id = ?`, id).Scan(&inputs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("inputs of run %s: %w", id, engine.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("inputs of run %s: %w", id, err)
	}
	var out map[string]any
	if err := decodeInto("run inputs", inputs, &out); err != nil {
		return nil, fmt.Errorf("inputs of run %s: %w", id, err)
	}
	return out, nil
}
