package storage

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
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
		more, _, ok, err = s.fingerprintsAfter(ctx, s.r, since, -1, limit)
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
	var mark, deletions, size int64
	if err := tx.QueryRowContext(ctx, `SELECT seq, length(keys), (SELECT deletions FROM fingerprint_mark) FROM fingerprint_summary`).Scan(&mark, &size, &deletions); err != nil {
		return nil, nil, false, fmt.Errorf("reading the fingerprint summary: %w", err)
	}
	if size%8 != 0 {
		return nil, nil, false, fmt.Errorf("reading the fingerprint summary: %d bytes, not keys of 8", size)
	}
	summaryKeys := int(size / 8)
	if summaryKeys > limit {
		return nil, nil, false, nil
	}
	segs, err := s.readSegments(ctx, tx, mark, limit-summaryKeys)
	if err != nil {
		return nil, nil, false, fmt.Errorf("reading the fingerprint segments: %w", err)
	}
	if segs == nil {
		return nil, nil, false, nil
	}
	// The generations in the gaps the segments leave, and after the last one.
	pos, last, n := mark, mark, summaryKeys
	for _, sg := range segs {
		n += len(sg.keys)
		if sg.from > pos+1 {
			fps, l, ok, err := s.fingerprintsAfter(ctx, tx, pos, sg.from-1, limit-n-len(more))
			if err != nil {
				return nil, nil, false, fmt.Errorf("listing fingerprints after the summary: %w", err)
			}
			if !ok {
				return nil, nil, false, nil
			}
			more, last = append(more, fps...), max(last, l)
		}
		pos = max(pos, sg.to)
		last = max(last, sg.to)
	}
	if sorted, err = summaryWithSegments(ctx, tx, summaryKeys, segs); err != nil {
		return nil, nil, false, fmt.Errorf("reading the fingerprint summary: %w", err)
	}
	fps, l, ok, err := s.fingerprintsAfter(ctx, tx, pos, -1, limit-n-len(more))
	if err != nil {
		return nil, nil, false, fmt.Errorf("listing fingerprints after the summary: %w", err)
	}
	if !ok {
		return nil, nil, false, nil
	}
	more, last = append(more, fps...), max(last, l)
	tx.Rollback()
	s.fps.segmentsRead.Add(int64(len(segs)))
	if len(more) >= summaryRewrite || len(segs) > segmentFold {
		s.fold(mark, deletions, last, summaryKeys, sorted, segs, more)
	}
	return sorted, more, true, nil
}

// summaryShare: the summary is rewritten once what came after it is a quarter of its size;
// until then, what came after it is folded into one segment.
const summaryShare = 4

// pendingFold is what a full read of the known set leaves to write (fold): keys as the
// summary through upTo (summary) or as one segment after from up to upTo, if the summary still
// stands at from and no generation was deleted since the read (deletions, the clock's count:
// after one, a seq up to upTo may be given again to a generation the keys do not name).
type pendingFold struct {
	summary               bool
	from, deletions, upTo int64
	keys                  []uint64
}

// fold saves later reads the work this one did on the fingerprints after the summary's seq
// mark, up to last: the segments' keys (segs) and the loose fingerprints (more) that, with
// the summary's summaryKeys keys, make sorted. When they are a quarter of the summary or
// more, they join a new summary; otherwise they become one segment in place of those read.
// Rewriting the summary each time, as before, wrote every key of the home's history (8 bytes
// a completed generation, megabytes) every couple of runs; a fold writes only what came since
// the summary, and the summary is rewritten after a quarter of its size has come, so each key
// is written a bounded number of times. The write is left to the store's next batch of
// generations (saveGenerations' transaction) or its close (writePendingFold): written here,
// it held the writer while a changed run, whose start reads the known set, was being queued.
func (s *Store) fold(mark, deletions, last int64, summaryKeys int, sorted []uint64, segs []segment, more []string) {
	added, ok := mergeKeys(segmentKeys(segs), more)
	if !ok {
		return
	}
	pf := &pendingFold{from: mark, deletions: deletions, upTo: last, keys: added}
	if len(added)*summaryShare >= summaryKeys {
		if pf.keys, ok = mergeKeys(sorted, more); !ok {
			return
		}
		pf.summary = true
	}
	s.fps.fold.Store(pf)
}

// applyFold writes the pending fold, if any, in tx, under a savepoint: it only saves later
// reads work, so a failure is logged and undone without failing tx.
func (s *Store) applyFold(ctx context.Context, tx *sql.Tx) {
	pf := s.fps.fold.Swap(nil)
	if pf == nil {
		return
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT fold`); err != nil {
		s.log.Warn("writing the fingerprint summary", "err", err)
		return
	}
	if err := pf.write(ctx, tx); err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO fold`); rerr != nil {
			err = errors.Join(err, rerr)
		}
		if !errors.Is(err, context.Canceled) {
			s.log.Warn("writing the fingerprint summary", "err", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `RELEASE fold`); err != nil {
		s.log.Warn("writing the fingerprint summary", "err", err)
	}
}

// writePendingFold writes the pending fold, if any, in a transaction of its own (the store's
// close).
func (s *Store) writePendingFold(ctx context.Context) {
	if s.fps.fold.Load() == nil {
		return
	}
	err := func() error {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		s.applyFold(ctx, tx)
		return tx.Commit()
	}()
	if err != nil {
		s.log.Warn("writing the fingerprint summary", "err", err)
	}
}

// write stores the fold in tx if the summary still stands at from and no generation was
// deleted since: as the summary (and the segments it now holds go), or as one segment in
// place of the segments it holds. A segment written meanwhile past upTo stays; one overlapping
// the fold only repeats keys.
func (pf *pendingFold) write(ctx context.Context, tx *sql.Tx) error {
	var stands bool
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT seq FROM fingerprint_summary) = ?
		AND (SELECT deletions FROM fingerprint_mark) = ?`, pf.from, pf.deletions).Scan(&stands); err != nil || !stands {
		return err
	}
	blob := encodeKeys(pf.keys)
	if pf.summary {
		if _, err := tx.ExecContext(ctx, `UPDATE fingerprint_summary SET seq = ?, keys = ?`, pf.upTo, blob); err != nil {
			return err
		}
		// the segments it holds now (migration 0015)
		_, err := tx.ExecContext(ctx, `DELETE FROM fingerprint_segments WHERE seq_to <= ?`, pf.upTo)
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM fingerprint_segments WHERE seq_to > ? AND seq_to <= ?`, pf.from, pf.upTo); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO fingerprint_segments (seq_from, seq_to, keys) VALUES (?, ?, ?)`,
		pf.from+1, pf.upTo, blob)
	return err
}

// segmentMin is how many completed generations with a fingerprint a batch must hold for its
// writer to add a segment (migration 0015); smaller batches are read from the generations.
const segmentMin = 64

// segmentFold is how many segments a full read may find before it folds them (fold); tests
// set fewer.
var segmentFold = 32

// noteSegment adds, in the transaction saving gens with seqs last+1…last+len(gens), the
// segment naming their completed generations' fingerprint keys (migration 0015), when there
// are segmentMin or more and every fingerprint has a key.
func noteSegment(ctx context.Context, tx *sql.Tx, last int64, gens []engine.Generation) error {
	n := 0
	for i := range gens {
		if gens[i].Status == engine.GenCompleted && gens[i].InputFingerprint != "" {
			n++
		}
	}
	if n < segmentMin {
		return nil
	}
	keys := make([]uint64, 0, n)
	for i := range gens {
		if gens[i].Status == engine.GenCompleted && gens[i].InputFingerprint != "" {
			k, ok := engine.FingerprintKey(gens[i].InputFingerprint)
			if !ok {
				return nil // the generations are read instead
			}
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO fingerprint_segments (seq_from, seq_to, keys) VALUES (?, ?, ?)`,
		last+1, last+int64(len(gens)), encodeKeys(keys))
	return err
}

// segment is a row of fingerprint_segments.
type segment struct {
	from, to int64
	keys     []uint64
}

// readSegments reads the segments reaching past seq mark, by seq; nil when they hold more
// than limit keys.
func (s *Store) readSegments(ctx context.Context, tx *sql.Tx, mark int64, limit int) ([]segment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq_from, seq_to, keys FROM fingerprint_segments WHERE seq_to > ? ORDER BY seq_from`, mark)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	segs := []segment{}
	n := 0
	for rows.Next() {
		var sg segment
		var blob []byte
		if err := rows.Scan(&sg.from, &sg.to, &blob); err != nil {
			return nil, err
		}
		if sg.keys, err = decodeKeys(blob); err != nil {
			return nil, fmt.Errorf("segment at %d: %w", sg.from, err)
		}
		if n += len(sg.keys); n > limit {
			return nil, nil
		}
		segs = append(segs, sg)
	}
	return segs, rows.Err()
}

func decodeKeys(blob []byte) ([]uint64, error) {
	if len(blob)%8 != 0 {
		return nil, fmt.Errorf("%d bytes, not keys of 8", len(blob))
	}
	keys := make([]uint64, len(blob)/8)
	for i := range keys {
		keys[i] = binary.BigEndian.Uint64(blob[8*i:])
	}
	return keys, nil
}

func encodeKeys(keys []uint64) []byte {
	blob := make([]byte, 8*len(keys))
	for i, k := range keys {
		binary.BigEndian.PutUint64(blob[8*i:], k)
	}
	return blob
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// fingerprintsAfter reads the fingerprints of the completed generations with a seq after
// since (and up to to, when to >= 0), and the largest seq read; ok false when there are more
// than limit. They come as one row (joined by SQLite), not a row each: after a full run of a
// large graph there are thousands, and each row handed over costs more than SQLite's work to
// find it.
func (s *Store) fingerprintsAfter(ctx context.Context, q queryer, since, to int64, limit int) (fps []string, last int64, ok bool, err error) {
	if limit < 0 {
		return nil, 0, false, nil
	}
	if to < 0 {
		to = math.MaxInt64
	}
	var n int64
	var joined string
	err = q.QueryRowContext(ctx, `SELECT count(*), COALESCE(max(seq), ?1), COALESCE(group_concat(input_fingerprint, ' '), '')
		FROM (SELECT seq, input_fingerprint FROM generations
			WHERE seq > ?1 AND seq <= ?3 AND status = 'completed' AND input_fingerprint != '' ORDER BY seq LIMIT ?2)`, since, limit+1, to).Scan(&n, &last, &joined)
	if err != nil {
		return nil, 0, false, err
	}
	s.fps.tailRead.Add(n)
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
	return mergeSorted(sorted, add), true
}

// summaryWithSegments reads the summary's keys (n of them, as the transaction's first read of
// the summary found) merged with the segments' keys, sorted and distinct (mergeSegments), the
// blob read in place and decoded into the merged keys: on a home with history the summary is
// megabytes, and each copy of it is fresh memory a command pays for in page faults.
func summaryWithSegments(ctx context.Context, tx *sql.Tx, n int, segs []segment) ([]uint64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT keys FROM fingerprint_summary`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, sql.ErrNoRows
	}
	var blob sql.RawBytes // valid until the rows move on: decoded before
	if err := rows.Scan(&blob); err != nil {
		return nil, err
	}
	if len(blob) != 8*n {
		return nil, fmt.Errorf("%d bytes, want %d keys of 8", len(blob), n)
	}
	add := segmentKeys(segs)
	if len(add) == 0 {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = binary.BigEndian.Uint64(blob[8*i:])
		}
		return keys, rows.Close()
	}
	out := make([]uint64, 0, n+len(add))
	i, j := 0, 0
	for i < n || j < len(add) {
		var k uint64
		if j == len(add) || i < n && binary.BigEndian.Uint64(blob[8*i:]) <= add[j] {
			k, i = binary.BigEndian.Uint64(blob[8*i:]), i+1
		} else {
			k, j = add[j], j+1
		}
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return out, rows.Close()
}

// mergeSegments returns sorted with the segments' keys added, sorted and distinct: the
// segments' keys sorted together, then one merge (a merge per segment would copy the summary,
// which grows with history, once per segment).
func mergeSegments(sorted []uint64, segs []segment) []uint64 {
	return mergeSorted(sorted, segmentKeys(segs))
}

// segmentKeys returns the segments' keys, sorted and distinct: the others' keys sorted
// together and merged into the largest segment's (a fold, which may hold a quarter of the
// summary's size, is not sorted again at each read).
func segmentKeys(segs []segment) []uint64 {
	switch len(segs) {
	case 0:
		return nil
	case 1:
		return segs[0].keys
	}
	big, n := 0, 0
	for i, sg := range segs {
		n += len(sg.keys)
		if len(sg.keys) > len(segs[big].keys) {
			big = i
		}
	}
	add := make([]uint64, 0, n-len(segs[big].keys))
	for i, sg := range segs {
		if i != big {
			add = append(add, sg.keys...)
		}
	}
	slices.Sort(add)
	return mergeSorted(segs[big].keys, add)
}

// mergeSorted returns the sorted distinct keys of a and b, each sorted.
func mergeSorted(a, b []uint64) []uint64 {
	if len(b) == 0 {
		return a
	}
	out := make([]uint64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var k uint64
		if j == len(b) || i < len(a) && a[i] <= b[j] {
			k, i = a[i], i+1
		} else {
			k, j = b[j], j+1
		}
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return out
}
