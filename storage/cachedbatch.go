package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// CachedGenerations returns, for each of fingerprints a completed generation has, the latest
// such generation (as CachedGeneration orders them). It takes two statements in one read
// transaction: the first finds, per fingerprint, the latest entry of each of the index's two
// tables (one seek each, reading only the index) and the generations after the index's mark;
// the second reads the generation that is the latest of those, whole, by seq. So it reads
// O(fingerprints) rows whatever the history, and one generation row per fingerprint: not
// every generation sharing one, nor the older of two the index's tables name (a generation
// row, with its outputs and labels, costs several times an index entry).
func (s *Store) CachedGenerations(ctx context.Context, fingerprints []string) (map[string]engine.Generation, error) {
	fps := make([]string, 0, len(fingerprints))
	seen := make(map[string]bool, len(fingerprints))
	for _, fp := range fingerprints {
		if fp != "" && !seen[fp] {
			seen[fp] = true
			fps = append(fps, fp)
		}
	}
	out := make(map[string]engine.Generation, len(fps))
	if len(fps) == 0 {
		return out, nil
	}
	err := s.withLatest(ctx, fps, func(tx *sql.Tx, latest map[string]genKey) error {
		if len(latest) == 0 {
			return nil
		}
		seqs := make([]int64, 0, len(latest))
		for _, k := range latest {
			seqs = append(seqs, k.seq)
		}
		byFP, err := json.Marshal(seqs)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+genCols+genFrom+`WHERE g.seq IN (SELECT value FROM json_each(?))`, string(byFP))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			g, err := s.scanGeneration(rows)
			if err != nil {
				return err
			}
			s.fps.rowsRead.Add(1)
			if k, ok := latest[g.InputFingerprint]; ok && k.seq == g.Seq && g.Status == engine.GenCompleted {
				out[g.InputFingerprint] = g
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("cached generations of %d fingerprints: %w", len(fps), err)
	}
	return out, nil
}

// withLatest calls f in one read transaction with latestSeqs of fps (distinct, none empty),
// after catching the fingerprint index up.
func (s *Store) withLatest(ctx context.Context, fps []string, f func(tx *sql.Tx, latest map[string]genKey) error) error {
	list, err := json.Marshal(fps)
	if err != nil {
		return err
	}
	s.catchUpFingerprints(ctx)
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	latest, err := s.latestSeqs(ctx, tx, string(list), len(fps))
	if err != nil {
		return err
	}
	return f(tx, latest)
}

// genKey is a generation's place in CachedGeneration's order: created at (ms), then seq.
type genKey struct{ at, seq int64 }

func (a genKey) after(b genKey) bool { return a.at > b.at || a.at == b.at && a.seq > b.seq }

// parseGenKey reads "created_at seq" as the statements of latestSeqs give it.
func parseGenKey(s string) (genKey, bool) {
	at, seq, ok := strings.Cut(s, " ")
	if !ok {
		return genKey{}, false
	}
	a, err1 := strconv.ParseInt(at, 10, 64)
	q, err2 := strconv.ParseInt(seq, 10, 64)
	return genKey{a, q}, err1 == nil && err2 == nil
}

// latestSeqs is, per fingerprint of the JSON array list (n of them) that a completed generation
// has, the key of the latest: the last entry of its range in each of the index's tables
// (migrations 0012, 0016), read from the index alone, and the generations after its mark. The
// large table is sought only for the fingerprints whose latest so far is not later than
// everything it was ever given (migration 0017).
func (s *Store) latestSeqs(ctx context.Context, tx *sql.Tx, list string, n int) (map[string]genKey, error) {
	latest := make(map[string]genKey, n)
	add := func(fp string, v sql.NullString) error {
		if !v.Valid {
			return nil
		}
		k, ok := parseGenKey(v.String)
		if !ok {
			return fmt.Errorf("fingerprint %s: bad index entry %q", fp, v.String)
		}
		if have, in := latest[fp]; !in || k.after(have) {
			latest[fp] = k
		}
		return nil
	}
	var bound int64
	if err := tx.QueryRowContext(ctx, `SELECT indexed_at FROM fingerprint_mark`).Scan(&bound); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT f.value,
			(SELECT created_at || ' ' || seq FROM generation_fingerprints_recent WHERE fingerprint = f.value
				ORDER BY created_at DESC, seq DESC LIMIT 1)
			FROM json_each(?1) f
		UNION ALL SELECT input_fingerprint, created_at || ' ' || seq FROM generations
			WHERE seq > (SELECT seq FROM fingerprint_mark) AND status = 'completed'
			AND input_fingerprint IN (SELECT value FROM json_each(?1))`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fps []string // in list's order, once each
	seen := make(map[string]bool, n)
	var fp string
	var v sql.NullString
	for rows.Next() {
		if err := rows.Scan(&fp, &v); err != nil {
			return nil, err
		}
		if !seen[fp] {
			seen[fp] = true
			fps = append(fps, fp)
		}
		if err := add(fp, v); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	var seek []string
	for _, fp := range fps {
		if k, ok := latest[fp]; !ok || k.at <= bound {
			seek = append(seek, fp)
		}
	}
	if len(seek) == 0 {
		return latest, nil
	}
	s.fps.bigSought.Add(int64(len(seek)))
	sought, err := json.Marshal(seek)
	if err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT f.value,
			(SELECT created_at || ' ' || seq FROM generation_fingerprints WHERE fingerprint = f.value
				ORDER BY created_at DESC, seq DESC LIMIT 1)
			FROM json_each(?1) f`, string(sought))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&fp, &v); err != nil {
			return nil, err
		}
		if err := add(fp, v); err != nil {
			return nil, err
		}
	}
	return latest, rows.Err()
}

// CandidateOutputs is the batched check of candidates the engine holds, perhaps without their
// outputs (engine.CandidateChecker): for each candidate that is the latest completed
// generation with its fingerprint, found as CachedGenerations finds it (from the index
// alone), its outputs. Only the outputs of those candidates are read, by seq: not the whole
// generation with its labels, which the engine holds already.
func (s *Store) CandidateOutputs(ctx context.Context, cands []engine.CacheCandidate) (map[string]map[string]any, error) {
	byFP := make(map[string]engine.CacheCandidate, len(cands))
	fps := make([]string, 0, len(cands))
	for _, c := range cands {
		if _, dup := byFP[c.Fingerprint]; c.Fingerprint != "" && !dup {
			byFP[c.Fingerprint] = c
			fps = append(fps, c.Fingerprint)
		}
	}
	out := make(map[string]map[string]any, len(fps))
	if len(fps) == 0 {
		return out, nil
	}
	err := s.withLatest(ctx, fps, func(tx *sql.Tx, latest map[string]genKey) error {
		seqs := make([]int64, 0, len(latest))
		for fp, k := range latest {
			if byFP[fp].Seq == k.seq {
				seqs = append(seqs, k.seq)
			}
		}
		if len(seqs) == 0 {
			return nil
		}
		bySeq, err := json.Marshal(seqs)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, status, input_fingerprint, outputs FROM generations
			WHERE seq IN (SELECT value FROM json_each(?))`, string(bySeq))
		if err != nil {
			return err
		}
		defer rows.Close()
		var id, fp, outputs string
		var status engine.GenStatus
		for rows.Next() {
			if err := rows.Scan(&id, &status, &fp, &outputs); err != nil {
				return err
			}
			if c, ok := byFP[fp]; !ok || c.ID != id || status != engine.GenCompleted {
				continue // a seq given again after a deletion: not the candidate
			}
			var o map[string]any
			if err := decodeInto("generation outputs", outputs, &o); err != nil {
				return err
			}
			s.restoreValues("generation output", o)
			s.fps.outputsRead.Add(1)
			out[fp] = o
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("checking %d cache candidates: %w", len(fps), err)
	}
	return out, nil
}

// RunFingerprints lists the input fingerprints of the completed generations of run runID with
// a seq in (after, upTo] (engine.RunFingerprintLister): a range of the generations' rowid,
// at most upTo - after rows read.
func (s *Store) RunFingerprints(ctx context.Context, runID string, after, upTo int64) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT input_fingerprint FROM generations
		WHERE seq > ? AND seq <= ? AND run_id = ? AND status = 'completed' AND input_fingerprint != ''`, after, upTo, runID)
	if err != nil {
		return nil, fmt.Errorf("fingerprints of run %s: %w", runID, err)
	}
	defer rows.Close()
	var fps []string
	for rows.Next() {
		var fp string
		if err := rows.Scan(&fp); err != nil {
			return nil, fmt.Errorf("fingerprints of run %s: %w", runID, err)
		}
		fps = append(fps, fp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fingerprints of run %s: %w", runID, err)
	}
	return fps, nil
}
