package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// The cache across workflows looks completed generations up by input fingerprint. Its index,
// generation_fingerprints (migration 0008), is not written with each generation: it names
// the completed generations up to fingerprint_mark.seq, and a lookup reads it together with
// the generations written after the mark (a range of seq), so a lookup always answers from
// the whole table. Catching up (indexing the generations after the mark, moving the mark)
// only keeps that range short: it happens on a lookup, at most once per fingerprintCatchUp
// or after fingerprintTail generations this store wrote, and once when the store opens its
// first lookup. Full runs, which never look up, write nothing for it. The index is keyed
// (fingerprint, created_at, seq) (migration 0012): the latest generation with a fingerprint
// is one seek, however many generations share it. It is two tables of that shape (migration
// 0016): a catch-up inserts into the small generation_fingerprints_recent, which moves into
// generation_fingerprints in one sorted pass when it holds an eighth as many entries, so a
// catch-up writes about the pages of the small table, not a page of the large one per
// generation; a lookup takes the latest of both.

const (
	// fingerprintTail is how many generations this store may write before a lookup first
	// indexes them.
	fingerprintTail = 256
	// fingerprintCatchUp is how long a lookup goes on scanning what other processes wrote
	// after the mark before it indexes them.
	fingerprintCatchUp = time.Second
)

// fingerprintIndex is when the index last caught up in this store.
type fingerprintIndex struct {
	mu      sync.Mutex
	done    bool      // caught up at least once
	at      time.Time // last catch-up
	written atomic.Int64
	// rowsRead counts the generations the batched check (CachedGenerations) has read whole, for tests
	// that hold it to O(fingerprints).
	rowsRead atomic.Int64
	// bigSought counts the fingerprints the batched checks sought in the large table of the
	// index (migration 0017: not those whose recent entries are later than all of it).
	bigSought atomic.Int64
	// outputsRead counts the candidates' outputs the batched check of candidates
	// (CandidateOutputs) has read.
	outputsRead atomic.Int64
	// segmentsRead counts the fingerprint segments (migration 0015) full known-set reads took.
	segmentsRead atomic.Int64
	// moved counts the times the recent table moved into the large one (migration 0016).
	moved atomic.Int64
	// tailRead counts the generations known-set reads took from the generations table.
	tailRead atomic.Int64
	// fold is what the last full known-set read left to write (pendingFold), nil if nothing.
	fold atomic.Pointer[pendingFold]
}

// wrote counts generations this store committed since the index last caught up.
func (f *fingerprintIndex) wrote(n int) { f.written.Add(int64(n)) }

// catchUpFingerprints indexes the completed generations after the mark, when it is due. A
// failure changes nothing a lookup answers (it scans further): it is logged, not returned.
func (s *Store) catchUpFingerprints(ctx context.Context) {
	f := &s.fps
	if !f.mu.TryLock() {
		return // another lookup is catching up; this one scans the range
	}
	defer f.mu.Unlock()
	if f.done && f.written.Load() < fingerprintTail && time.Since(f.at) < fingerprintCatchUp {
		return
	}
	written := f.written.Load()
	err := func() error {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO generation_fingerprints_recent (fingerprint, created_at, seq)
			SELECT input_fingerprint, created_at, seq FROM generations
			WHERE seq > (SELECT seq FROM fingerprint_mark) AND status = 'completed' AND input_fingerprint != ''
			ORDER BY input_fingerprint, created_at, seq`)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		var indexed, recent int64
		if err := tx.QueryRowContext(ctx, `UPDATE fingerprint_mark SET seq = (SELECT COALESCE(MAX(seq), 0) FROM generations),
			recent = recent + ? RETURNING indexed, recent`, n).Scan(&indexed, &recent); err != nil {
			return err
		}
		if recent > max(recentMin, indexed/recentRatio) {
			// one sorted pass over the large table (migration 0016), its bound raised (0017)
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO generation_fingerprints (fingerprint, created_at, seq)
				SELECT fingerprint, created_at, seq FROM generation_fingerprints_recent ORDER BY fingerprint, created_at, seq`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE fingerprint_mark SET indexed_at = MAX(indexed_at,
				COALESCE((SELECT MAX(created_at) FROM generation_fingerprints_recent), indexed_at))`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM generation_fingerprints_recent`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE fingerprint_mark SET indexed = indexed + recent, recent = 0`); err != nil {
				return err
			}
			f.moved.Add(1)
		}
		return tx.Commit()
	}()
	if err != nil {
		s.log.Warn("indexing generation fingerprints", "err", err)
		return
	}
	f.done, f.at = true, time.Now()
	f.written.Add(-written)
}

// afterMark is the part of a lookup that scans the generations the index does not name yet.
const afterMark = `SELECT seq FROM generations WHERE seq > (SELECT seq FROM fingerprint_mark) AND status = 'completed'`

// latestIndexed is the seqs of the latest completed generations each of the index's two
// tables (migration 0016) names with the fingerprint bound as ?1 (or none): the last entry of
// its range in each (migration 0012), one seek each however many generations share it.
const latestIndexed = `SELECT seq FROM (SELECT seq FROM generation_fingerprints WHERE fingerprint = ?1
		ORDER BY created_at DESC, seq DESC LIMIT 1)
		UNION ALL SELECT seq FROM (SELECT seq FROM generation_fingerprints_recent WHERE fingerprint = ?1
		ORDER BY created_at DESC, seq DESC LIMIT 1)`

// The index's recent table moves into the large one when it holds more than recentMin entries
// and more than 1/recentRatio of the large one's: a catch-up then writes the pages of a table an
// eighth the size, and moving costs one sorted pass over the large one every so often (vars:
// tests lower them).
var (
	recentMin   int64 = 16384
	recentRatio int64 = 8
)

// withFingerprint is the condition on g (genFrom) of a completed generation whose input
// fingerprint is the statement's first argument and that may be the latest with it: the
// index's latest and those after its mark (a statement ordering by created_at, seq and
// taking the first gets the latest).
const withFingerprint = `g.seq IN (` + latestIndexed + `
		UNION ALL ` + afterMark + ` AND input_fingerprint = ?1)
	AND g.input_fingerprint = ?1 AND g.status = 'completed' `

// CachedGeneration returns the latest completed generation of any workflow whose input
// fingerprint is fingerprint.
func (s *Store) CachedGeneration(ctx context.Context, fingerprint string) (engine.Generation, error) {
	if fingerprint == "" {
		return engine.Generation{}, fmt.Errorf("cached generation: no fingerprint: %w", engine.ErrNotFound)
	}
	s.catchUpFingerprints(ctx)
	g, err := s.scanGeneration(s.r.QueryRowContext(ctx, `SELECT `+genCols+genFrom+`WHERE `+withFingerprint+`
		ORDER BY g.created_at DESC, g.seq DESC LIMIT 1`, fingerprint))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("cached generation %s: %w", fingerprint, engine.ErrNotFound)
	}
	if err != nil {
		return g, fmt.Errorf("cached generation %s: %w", fingerprint, err)
	}
	return g, nil
}

// laterGeneration reports whether a comes after b in CachedGeneration's order (created at,
// then seq).
func laterGeneration(a, b *engine.Generation) bool {
	if ma, mb := a.CreatedAt.UnixMilli(), b.CreatedAt.UnixMilli(); ma != mb {
		return ma > mb
	}
	return a.Seq > b.Seq
}

// GenerationClock returns the largest generation seq and the number of generations deleted
// (engine.GenClock).
func (s *Store) GenerationClock(ctx context.Context) (engine.GenClock, error) {
	var c engine.GenClock
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(seq) FROM generations), 0),
		(SELECT deletions FROM fingerprint_mark)`).Scan(&c.Writes, &c.Deletions); err != nil {
		return c, fmt.Errorf("generation clock: %w", err)
	}
	return c, nil
}
