package storage

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// summaryRewrite is how many fingerprints after the summary's seq a full read may find
// before it writes a new summary (migration 0011): the next process then reads one blob and
// a short tail instead of every fingerprint since.
const summaryRewrite = 2048

// CompletedFingerprints lists the input fingerprints of completed generations for the
// cache's known set (engine.FingerprintLister). With since >= 0, those of generations with a
// seq after since (one range of seq; a fingerprint may come more than once). With since < 0,
// all of them: the sorted keys of fingerprint_summary and the fingerprints of the completed
// generations after its seq, read in one transaction; when that tail is long the summary is
// rewritten to cover it. ok is false, with nothing, when there are more than limit.
func (s *Store) CompletedFingerprints(ctx context.Context, since int64, limit int) (sorted []uint64, more []string, ok bool, err error) {
	if since >= 0 {
		more, _, ok, err = s.fingerprintsAfter(ctx, s.r, since, limit)
		if err != nil {
			return nil, nil, false, fmt.Errorf("listing fingerprints after %d: %w", since, err)
		}
		return nil, more, ok, nil
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, false, fmt.Errorf("listing fingerprints: %w", err)
	}
	defer tx.Rollback()
	var mark, deletions int64
	var blob []byte
	if err := tx.QueryRowContext(ctx, `SELECT seq, keys, (SELECT deletions FROM fingerprint_mark) FROM fingerprint_summary`).Scan(&mark, &blob, &deletions); err != nil {
		return nil, nil, false, fmt.Errorf("reading the fingerprint summary: %w", err)
	}
	if len(blob)%8 != 0 {
		return nil, nil, false, fmt.Errorf("reading the fingerprint summary: %d bytes, not keys of 8", len(blob))
	}
	if len(blob)/8 > limit {
		return nil, nil, false, nil
	}
	sorted = make([]uint64, len(blob)/8)
	for i := range sorted {
		sorted[i] = binary.BigEndian.Uint64(blob[8*i:])
	}
	more, last, ok, err := s.fingerprintsAfter(ctx, tx, mark, limit-len(sorted))
	if err != nil {
		return nil, nil, false, fmt.Errorf("listing fingerprints after the summary: %w", err)
	}
	if !ok {
		return nil, nil, false, nil
	}
	tx.Rollback()
	if len(more) >= summaryRewrite {
		if merged, ok := mergeKeys(sorted, more); ok {
			s.writeSummary(ctx, mark, deletions, last, merged)
		}
	}
	return sorted, more, true, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// fingerprintsAfter reads the fingerprints of the completed generations with a seq after
// since, and the largest seq read; ok false when there are more than limit. They come as one
// row (joined by SQLite), not a row each: after a full run of a large graph there are
// thousands, and each row handed over costs more than SQLite's work to find it.
func (s *Store) fingerprintsAfter(ctx context.Context, q queryer, since int64, limit int) (fps []string, last int64, ok bool, err error) {
	var n int64
	var joined string
	err = q.QueryRowContext(ctx, `SELECT count(*), COALESCE(max(seq), ?1), COALESCE(group_concat(input_fingerprint, ' '), '')
		FROM (SELECT seq, input_fingerprint FROM generations
			WHERE seq > ?1 AND status = 'completed' AND input_fingerprint != '' ORDER BY seq LIMIT ?2)`, since, limit+1).Scan(&n, &last, &joined)
	if err != nil {
		return nil, 0, false, err
	}
	if n > int64(limit) {
		return nil, 0, false, nil
	}
	if n == 0 {
		return nil, since, true, nil
	}
	fps = strings.Split(joined, " ")
	if int64(len(fps)) != n {
		// a fingerprint holding the separator: not one the known set can hold anyway
		return nil, 0, false, nil
	}
	return fps, last, true, nil
}

// mergeKeys returns sorted with the keys of fps added, sorted and distinct (the new keys
// sorted, then one merge); false when a fingerprint has no key.
func mergeKeys(sorted []uint64, fps []string) ([]uint64, bool) {
	add := make([]uint64, len(fps))
	for i, fp := range fps {
		k, ok := engine.FingerprintKey(fp)
		if !ok {
			return nil, false
		}
		add[i] = k
	}
	slices.Sort(add)
	out := make([]uint64, 0, len(sorted)+len(add))
	i, j := 0, 0
	for i < len(sorted) || j < len(add) {
		var k uint64
		if j == len(add) || i < len(sorted) && sorted[i] <= add[j] {
			k, i = sorted[i], i+1
		} else {
			k, j = add[j], j+1
		}
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return out, true
}

// writeSummary stores keys as the summary through seq upTo, if the summary still stands at
// seq from (another process may have moved it on) and no generation was deleted since the
// keys were read (deletions, the clock's count: after one, a seq up to upTo may be given
// again to a generation the keys do not name). It only saves later reads work: a failure is
// logged.
func (s *Store) writeSummary(ctx context.Context, from, deletions, upTo int64, keys []uint64) {
	blob := make([]byte, 8*len(keys))
	for i, k := range keys {
		binary.BigEndian.PutUint64(blob[8*i:], k)
	}
	_, err := s.w.ExecContext(ctx, `UPDATE fingerprint_summary SET seq = ?, keys = ? WHERE seq = ?
		AND (SELECT deletions FROM fingerprint_mark) = ?`, upTo, blob, from, deletions)
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Warn("writing the fingerprint summary", "err", err)
	}
}
