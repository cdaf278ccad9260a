package storage

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flowbench/flowbench/engine"
)

var _ engine.GenerationBatch = (*Store)(nil)

// GetGenerations returns the generations of ids that exist, by id, in one query.
func (s *Store) GetGenerations(ctx context.Context, ids []string) (map[string]engine.Generation, error) {
	out := make(map[string]engine.Generation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+genCols+genFrom+`WHERE g.id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("getting %d generations: %w", len(ids), err)
	}
	defer rows.Close()
	for rows.Next() {
		g, err := s.scanGeneration(rows)
		if err != nil {
			return nil, fmt.Errorf("getting %d generations: %w", len(ids), err)
		}
		out[g.ID] = g
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("getting %d generations: %w", len(ids), err)
	}
	return out, nil
}

// SelectGenerations applies picks (node id → generation id, "" clears the pick) of one
// workflow in one transaction; the generation epoch grows by one. A generation that does not
// exist or is not of that node refuses the whole batch.
func (s *Store) SelectGenerations(ctx context.Context, workflowID string, picks map[string]string) error {
	if len(picks) == 0 {
		return nil
	}
	nodes := make([]string, 0, len(picks))
	for n := range picks {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("selecting generations: %w", err)
	}
	defer tx.Rollback()
	now := time.Now().UnixMilli()
	for _, node := range nodes {
		gid := picks[node]
		if gid == "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM selections WHERE workflow_id = ? AND node_id = ?`, workflowID, node); err != nil {
				return fmt.Errorf("clearing selection of node %s: %w", node, err)
			}
			continue
		}
		var gw, gn string
		err := tx.QueryRowContext(ctx, `SELECT workflow_id, node_id FROM generations WHERE id = ?`, gid).Scan(&gw, &gn)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("selecting generation %s: %w", gid, engine.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("selecting generation %s: %w", gid, err)
		}
		if gw != workflowID || gn != node {
			return fmt.Errorf("selecting generation %s: not a generation of node %s of workflow %s: %w", gid, node, workflowID, engine.ErrInvalid)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO selections (workflow_id, node_id, generation_id, selected_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (workflow_id, node_id) DO UPDATE SET generation_id = excluded.generation_id, selected_at = excluded.selected_at`,
			workflowID, node, gid, now); err != nil {
			return fmt.Errorf("selecting generation %s: %w", gid, err)
		}
	}
	if err := bumpEpoch(ctx, tx, workflowID); err != nil {
		return fmt.Errorf("selecting generations: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("selecting generations: %w", err)
	}
	return nil
}

var _ engine.OutputsComparer = (*Store)(nil)

// SameOutputs compares the stored outputs of generation pairs inside SQLite, in one query
// that answers one row: the pairs whose outputs are the same, and those that may still be (both
// hold media values). Outputs are stored as canonical JSON (sorted keys, large values by content
// hash), so equal text is equal values; unequal text holding media values is decoded and compared
// by asset, since two references to the same file may carry different names. (Reading every
// generation's outputs out of SQLite to compare them here was most of `flowbench diff`'s query.)
func (s *Store) SameOutputs(ctx context.Context, pairs [][2]string) (map[[2]string]bool, error) {
	out := make(map[[2]string]bool, len(pairs))
	if len(pairs) == 0 {
		return out, nil
	}
	// In id order the lookups walk the index and the table in order (ids are time-ordered):
	// in a run's node order (a map's) each one lands on another page, and a large home's
	// pages do not all fit in the page cache (twice the CPU for 10,000 pairs).
	pairs = slices.Clone(pairs)
	slices.SortFunc(pairs, func(x, y [2]string) int { return cmp.Or(strings.Compare(x[0], y[0]), strings.Compare(x[1], y[1])) })
	list, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	var same, maybe sql.NullString
	err = s.r.QueryRowContext(ctx, `SELECT group_concat(CASE WHEN a.outputs = b.outputs THEN p.key END),
			group_concat(CASE WHEN a.outputs <> b.outputs THEN p.key END)
		FROM json_each(?) p
		JOIN generations a ON a.id = json_extract(p.value, '$[0]')
		JOIN generations b ON b.id = json_extract(p.value, '$[1]')
		WHERE a.status = 'completed' AND b.status = 'completed'
			AND (a.outputs = b.outputs OR (instr(a.outputs, '"asset"') > 0 AND instr(b.outputs, '"asset"') > 0))`,
		string(list)).Scan(&same, &maybe)
	if err != nil {
		return nil, fmt.Errorf("comparing the outputs of %d generation pairs: %w", len(pairs), err)
	}
	// p.key is a pair's index in the list
	each := func(keys string, f func(p [2]string) error) error {
		for k := range strings.SplitSeq(keys, ",") {
			if k == "" {
				continue
			}
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(pairs) {
				return fmt.Errorf("comparing generation outputs: pair %q out of range", k)
			}
			if err := f(pairs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := each(same.String, func(p [2]string) error { out[p] = true; return nil }); err != nil {
		return nil, err
	}
	if !maybe.Valid {
		return out, nil
	}
	var ids []string
	if err := each(maybe.String, func(p [2]string) error { ids = append(ids, p[0], p[1]); return nil }); err != nil {
		return nil, err
	}
	outputs, err := s.outputsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	return out, each(maybe.String, func(p [2]string) error {
		var va, vb map[string]any
		if decodeInto("generation outputs", outputs[p[0]], &va) == nil && decodeInto("generation outputs", outputs[p[1]], &vb) == nil {
			out[p] = engine.SameValue(va, vb)
		}
		return nil
	})
}

// outputsOf reads the stored outputs (JSON text) of generations by id.
func (s *Store) outputsOf(ctx context.Context, ids []string) (map[string]string, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, outputs FROM generations WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("reading the outputs of %d generations: %w", len(ids), err)
	}
	defer rows.Close()
	out := make(map[string]string, len(ids))
	for rows.Next() {
		var id, outputs string
		if err := rows.Scan(&id, &outputs); err != nil {
			return nil, fmt.Errorf("reading generation outputs: %w", err)
		}
		out[id] = outputs
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading generation outputs: %w", err)
	}
	return out, nil
}
