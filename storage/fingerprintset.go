package storage

import (
	"context"
	"fmt"
)

// CompletedFingerprints returns the input fingerprints of the data home's completed
// generations (in no order; one the index names and a generation after its mark also has may
// come twice), read through the fingerprint index and the generations after its mark; ok is
// false, with nothing, when there are more than limit generations to read.
func (s *Store) CompletedFingerprints(ctx context.Context, limit int) (fps []string, ok bool, err error) {
	s.catchUpFingerprints(ctx)
	rows, err := s.r.QueryContext(ctx, `SELECT fingerprint FROM generation_fingerprints
		UNION ALL SELECT input_fingerprint FROM generations
		WHERE seq > (SELECT seq FROM fingerprint_mark) AND status = 'completed' AND input_fingerprint != ''
		LIMIT ?`, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("listing fingerprints: %w", err)
	}
	defer rows.Close()
	n := 0
	var last string
	for rows.Next() {
		var fp string
		if err := rows.Scan(&fp); err != nil {
			return nil, false, fmt.Errorf("listing fingerprints: %w", err)
		}
		if n++; n > limit {
			return nil, false, nil
		}
		if fp != last { // the index gives a fingerprint's generations one after the other
			fps = append(fps, fp)
			last = fp
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("listing fingerprints: %w", err)
	}
	return fps, true, nil
}
