package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
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

// SameOutputs compares the stored outputs of generation pairs, read in one query. Outputs
// are stored as canonical JSON (sorted keys, large values by content hash), so equal text is
// equal values; unequal text holding media values is decoded and compared by asset, since
// two references to the same file may carry different names.
func (s *Store) SameOutputs(ctx context.Context, pairs [][2]string) (map[[2]string]bool, error) {
	out := make(map[[2]string]bool, len(pairs))
	if len(pairs) == 0 {
		return out, nil
	}
	ids := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		ids = append(ids, p[0], p[1])
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, status = 'completed', outputs FROM generations
		WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("comparing the outputs of %d generation pairs: %w", len(pairs), err)
	}
	defer rows.Close()
	type stored struct {
		completed bool
		outputs   string
	}
	got := make(map[string]stored, len(ids))
	for rows.Next() {
		var id string
		var st stored
		if err := rows.Scan(&id, &st.completed, &st.outputs); err != nil {
			return nil, fmt.Errorf("comparing generation outputs: %w", err)
		}
		got[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("comparing generation outputs: %w", err)
	}
	for _, p := range pairs {
		a, okA := got[p[0]]
		b, okB := got[p[1]]
		same := okA && okB && a.completed && b.completed
		if same && a.outputs != b.outputs {
			same = false
			if strings.Contains(a.outputs, `"asset"`) && strings.Contains(b.outputs, `"asset"`) {
				var va, vb map[string]any
				if decodeInto("generation outputs", a.outputs, &va) == nil && decodeInto("generation outputs", b.outputs, &vb) == nil {
					same = engine.SameValue(va, vb)
				}
			}
		}
		out[p] = same
	}
	return out, nil
}
