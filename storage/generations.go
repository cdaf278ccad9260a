package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

const genCols = `g.seq, g.id, g.workflow_id, g.node_id, g.run_id, g.version_id, COALESCE(v.label, ''), COALESCE(r.label, ''),
	g.status, g.outputs, g.error, g.duration_ms, g.cost, g.config_hash, g.input_fingerprint, g.created_at,
	sel.generation_id IS NOT NULL`

const genFrom = ` FROM generations g
	LEFT JOIN versions v ON v.id = g.version_id
	LEFT JOIN runs r ON r.id = g.run_id
	LEFT JOIN selections sel ON sel.workflow_id = g.workflow_id AND sel.node_id = g.node_id AND sel.generation_id = g.id `

func (s *Store) scanGeneration(sc scanner) (engine.Generation, error) {
	var g engine.Generation
	var outputs string
	var cost sql.NullString
	var created int64
	if err := sc.Scan(&g.Seq, &g.ID, &g.WorkflowID, &g.NodeID, &g.RunID, &g.VersionID, &g.VersionLabel, &g.RunLabel,
		&g.Status, &outputs, &g.Error, &g.DurationMS, &cost, &g.ConfigHash, &g.InputFingerprint, &created, &g.Selected); err != nil {
		return g, err
	}
	g.CreatedAt = fromMS(created)
	if err := decodeInto("generation outputs", outputs, &g.Outputs); err != nil {
		return g, err
	}
	s.restoreValues("generation output", g.Outputs)
	if cost.Valid {
		return g, decodeInto("generation cost", cost.String, &g.Cost)
	}
	return g, nil
}

func validGenStatus(st engine.GenStatus) bool {
	return st == engine.GenCompleted || st == engine.GenFailed || st == engine.GenRunning
}

// encodedGen is a generation ready for its INSERT.
type encodedGen struct {
	id, outputs string
	cost        sql.NullString
	created     int64
	seq         int64
	prev        any // the seq of the batch's earlier generation of the same node, or nil (prevSQL)
	refs        []string
}

// SaveGenerations stores a batch of generations in one transaction, all or none, linking
// each to the assets its outputs refer to, and fills in each one's Seq. A generation without
// ID or CreatedAt gets one (the caller does not learn the ID: the engine assigns its own).
// It returns each workflow's generation epoch after the commit.
func (s *Store) SaveGenerations(ctx context.Context, gens []engine.Generation) (map[string]int64, error) {
	return s.saveGenerations(ctx, gens, nil)
}

// saveGenerations is SaveGenerations with more to write in its transaction: also, when set,
// after the generations and before the commit.
func (s *Store) saveGenerations(ctx context.Context, gens []engine.Generation, also func(tx *sql.Tx) error) (map[string]int64, error) {
	if len(gens) == 0 && also == nil {
		return map[string]int64{}, nil
	}
	perWorkflow := map[string]int64{}
	enc := make([]encodedGen, len(gens))
	now := time.Now()
	anyRefs := false
	for i := range gens {
		g := &gens[i]
		e := &enc[i]
		e.id = g.ID
		if e.id == "" {
			e.id = uuid.NewString()
		}
		if g.NodeID == "" {
			return nil, fmt.Errorf("saving generation %s: empty node id: %w", e.id, engine.ErrInvalid)
		}
		if !validGenStatus(g.Status) {
			return nil, fmt.Errorf("saving generation %s: status %q: %w", e.id, g.Status, engine.ErrInvalid)
		}
		var err error
		var large []string
		if e.outputs, large, err = s.encodeValues(ctx, "generation outputs", g.Outputs); err != nil {
			return nil, err
		}
		if g.Cost != nil {
			if e.cost.String, err = encode("generation cost", g.Cost); err != nil {
				return nil, err
			}
			e.cost.Valid = true
		}
		perWorkflow[g.WorkflowID]++
		e.created = msOr(g.CreatedAt, now)
		e.refs = append(engine.AssetRefs(g.Outputs), large...)
		anyRefs = anyRefs || len(e.refs) > 0
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("saving generations: %w", err)
	}
	defer tx.Rollback()
	ins := tx.StmtContext(ctx, s.stmts.insertGen)
	var link *sql.Stmt
	if anyRefs {
		link = tx.StmtContext(ctx, s.stmts.insertGenLink)
	}
	// Each generation's seq is given, not left to SQLite: the next after the largest (as
	// SQLite would pick; the transaction holds the write lock), so that a node written twice in
	// the batch can name its earlier generation as prev (prevSQL).
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM generations`).Scan(&last); err != nil {
		return nil, fmt.Errorf("saving generations: %w", err)
	}
	var earlier map[[2]string]int64
	if len(gens) > 1 {
		earlier = make(map[[2]string]int64, len(gens))
	}
	for i := range gens {
		e := &enc[i]
		e.seq = last + 1 + int64(i)
		if earlier != nil {
			key := [2]string{gens[i].WorkflowID, gens[i].NodeID}
			if seq, ok := earlier[key]; ok {
				e.prev = seq
			}
			earlier[key] = e.seq
		}
	}
	// Full chunks go in one multi-row INSERT each (a statement's fixed cost, in database/sql
	// and in cgo, was about a third of a generation's write), the rest one by one; a chunk
	// that fails (a statement fails as a whole) is written again row by row, so the error
	// names its generation. A chunk's statement is run by its text, not prepared in the
	// transaction: the driver's statement cache (_stmt_cache_size) keeps it prepared on the
	// writer's connection from one batch to the next (tx.PrepareContext bypasses that cache,
	// and preparing a chunk INSERT in every batch cost a full run's committer ~8 ms).
	args := make([]any, 0, genChunk*genInsertCols)
	for i := 0; i < len(gens); {
		if len(gens)-i >= genChunk {
			var q string
			args = args[:0]
			g := gens[i : i+genChunk]
			switch {
			case oneRun(g) && doneChunk(g, enc[i:i+genChunk]):
				q = insertDoneChunkSQL()
				args = append(args, g[0].WorkflowID, g[0].RunID, g[0].VersionID, enc[i].seq)
				for k := i; k < i+genChunk; k++ {
					args = appendDoneChunkArgs(args, &gens[k], &enc[k])
				}
			case oneRun(g):
				q = insertRunChunkSQL()
				args = append(args, g[0].WorkflowID, g[0].RunID, g[0].VersionID)
				for k := i; k < i+genChunk; k++ {
					args = appendRunChunkArgs(args, &gens[k], &enc[k])
				}
			default:
				q = insertGenChunkSQL()
				for k := i; k < i+genChunk; k++ {
					args = appendGenArgs(args, &gens[k], &enc[k])
				}
			}
			if _, err := tx.ExecContext(ctx, q, args...); err == nil {
				i += genChunk
				continue
			}
		}
		for end := min(i+genChunk, len(gens)); i < end; i++ {
			g, e := &gens[i], &enc[i]
			_, err := ins.ExecContext(ctx, appendGenArgs(args[:0], g, e)...)
			switch {
			case isForeignKey(err):
				return nil, fmt.Errorf("saving generation %s: workflow %s: %w", e.id, g.WorkflowID, engine.ErrNotFound)
			case isUnique(err):
				return nil, fmt.Errorf("saving generation %s: %w", e.id, engine.ErrConflict)
			case err != nil:
				return nil, fmt.Errorf("saving generation %s: %w", e.id, err)
			}
		}
	}
	if len(gens) > 0 {
		if _, err := tx.StmtContext(ctx, s.stmts.moveHeads).ExecContext(ctx, last+1, last+int64(len(gens))); err != nil {
			return nil, fmt.Errorf("saving generations: %w", err)
		}
	}
	if anyRefs {
		for i := range enc {
			e := &enc[i]
			for _, sha := range e.refs {
				if _, err := link.ExecContext(ctx, e.id, sha); err != nil {
					return nil, fmt.Errorf("linking asset %s to generation %s: %w", sha, e.id, err)
				}
			}
		}
	}
	epochs := make(map[string]int64, len(perWorkflow))
	for wf, n := range perWorkflow {
		var epoch int64
		if err := tx.QueryRowContext(ctx, `UPDATE workflows SET generation_epoch = generation_epoch + ? WHERE id = ?
			RETURNING generation_epoch`, n, wf).Scan(&epoch); err != nil {
			return nil, fmt.Errorf("saving generations of workflow %s: %w", wf, err)
		}
		epochs[wf] = epoch
	}
	if err := noteSegment(ctx, tx, last, gens); err != nil {
		return nil, fmt.Errorf("saving generations: %w", err)
	}
	s.applyFold(ctx, tx) // a known-set read's fold, if one waits (fingerprintset.go)
	if also != nil {
		if err := also(tx); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("saving generations: %w", err)
	}
	s.fps.wrote(len(gens))
	for i := range gens {
		gens[i].Seq, gens[i].CreatedAt = enc[i].seq, fromMS(enc[i].created)
	}
	if anyRefs {
		for i := range enc {
			s.linked(enc[i].refs)
		}
	}
	return epochs, nil
}

// GetGeneration returns one generation.
func (s *Store) GetGeneration(ctx context.Context, id string) (engine.Generation, error) {
	g, err := s.scanGeneration(s.r.QueryRowContext(ctx, `SELECT `+genCols+genFrom+`WHERE g.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("getting generation %s: %w", id, engine.ErrNotFound)
	}
	if err != nil {
		return g, fmt.Errorf("getting generation %s: %w", id, err)
	}
	return g, nil
}

// ListGenerations returns a node's generations newest first.
func (s *Store) ListGenerations(ctx context.Context, workflowID, nodeID string) ([]engine.Generation, error) {
	// The node's chain (migration 0013): its head, then each generation's prev, one seek a
	// step (a join in the recursive step cost a quarter more); the chain drives the join.
	rows, err := s.r.QueryContext(ctx, `WITH RECURSIVE chain(seq) AS (
			SELECT last_seq FROM generation_heads WHERE workflow_id = ?1 AND node_id = ?2
			UNION ALL
			SELECT (SELECT x.prev FROM generations x WHERE x.seq = chain.seq) FROM chain WHERE chain.seq != 0
		)
		SELECT `+genCols+` FROM chain CROSS JOIN generations g ON g.seq = chain.seq
			LEFT JOIN versions v ON v.id = g.version_id
			LEFT JOIN runs r ON r.id = g.run_id
			LEFT JOIN selections sel ON sel.workflow_id = g.workflow_id AND sel.node_id = g.node_id AND sel.generation_id = g.id
		WHERE g.workflow_id = ?1 AND g.node_id = ?2
		ORDER BY g.created_at DESC, g.seq DESC`, workflowID, nodeID)
	if err != nil {
		return nil, fmt.Errorf("listing generations of node %s: %w", nodeID, err)
	}
	defer rows.Close()
	out := []engine.Generation{}
	for rows.Next() {
		g, err := s.scanGeneration(rows)
		if err != nil {
			return nil, fmt.Errorf("listing generations of node %s: %w", nodeID, err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing generations of node %s: %w", nodeID, err)
	}
	return out, nil
}

// CurrentGenerations returns per node the current generation (engine.Outranks: selected ??
// latest completed), the nodes whose every generation failed, and the generation epoch, in
// one read transaction so they agree. The SQL only narrows the candidates to each node's
// latest completed generation and its selected one; engine's rule picks among them.
func (s *Store) CurrentGenerations(ctx context.Context, workflowID string) (engine.CurrentState, error) {
	st := engine.NewCurrentState(0)
	fail := func(err error) (engine.CurrentState, error) {
		return engine.CurrentState{}, fmt.Errorf("current generations of workflow %s: %w", workflowID, err)
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT generation_epoch FROM workflows WHERE id = ?`, workflowID).Scan(&st.Epoch)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil // no workflow, no generations
	}
	if err != nil {
		return fail(err)
	}
	// Each node's head (migration 0013) names its latest completed generation (seq 0: none) and
	// whether one failed. The generation's own columns come in the same query; its version and
	// run labels and whether it is a pick are read once per workflow below, not joined per row
	// (a third of this read for 10,000 nodes).
	rows, err := tx.QueryContext(ctx, `SELECT h.node_id, h.done_seq = 0 AND h.failed, `+genOwnColsOrZero+`
		FROM generation_heads h LEFT JOIN generations g ON g.seq = h.done_seq AND h.done_seq != 0
		WHERE h.workflow_id = ?1`, workflowID)
	if err != nil {
		return fail(err)
	}
	var gens []*engine.Generation
	var failed []string
	for rows.Next() {
		var node string
		var nodeFailed bool
		g := &engine.Generation{}
		if err := s.scanOwnGeneration(rows, g, &node, &nodeFailed); err != nil {
			rows.Close()
			return fail(err)
		}
		if nodeFailed {
			failed = append(failed, node)
		}
		if g.Seq != 0 {
			gens = append(gens, g)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	// The selected generations (a selection wins), and which generations are picks.
	rows, err = tx.QueryContext(ctx, `SELECT s.node_id = g.node_id AND s.workflow_id = g.workflow_id, `+genOwnColsOrZero+`
		FROM selections s JOIN generations g ON g.id = s.generation_id WHERE s.workflow_id = ?1`, workflowID)
	if err != nil {
		return fail(err)
	}
	picked := map[int64]bool{}
	for rows.Next() {
		var pick bool
		g := &engine.Generation{}
		if err := s.scanOwnGeneration(rows, g, &pick); err != nil {
			rows.Close()
			return fail(err)
		}
		picked[g.Seq] = picked[g.Seq] || pick
		gens = append(gens, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	if err := fillLabels(ctx, tx, gens); err != nil {
		return fail(err)
	}
	offered := make(map[int64]bool, len(gens))
	for _, g := range gens {
		if offered[g.Seq] {
			continue // latest completed and selected: one generation
		}
		offered[g.Seq] = true
		g.Selected = picked[g.Seq]
		st.Offer(g)
	}
	for _, node := range failed {
		st.Offer(&engine.Generation{NodeID: node, Status: engine.GenFailed})
	}
	return st, nil
}

// genOwnColsOrZero are a generation's own columns (genCols without the joined labels and
// pick), zero values when g is a LEFT JOIN's missing row.
const genOwnColsOrZero = `COALESCE(g.seq, 0), COALESCE(g.id, ''), COALESCE(g.workflow_id, ''), COALESCE(g.node_id, ''),
	COALESCE(g.run_id, ''), COALESCE(g.version_id, ''), COALESCE(g.status, ''), COALESCE(g.outputs, ''),
	COALESCE(g.error, ''), COALESCE(g.duration_ms, 0), g.cost, COALESCE(g.config_hash, ''),
	COALESCE(g.input_fingerprint, ''), COALESCE(g.created_at, 0)`

// scanOwnGeneration scans lead (columns before them), then genOwnColsOrZero into g; a
// missing generation (seq 0) is left zero.
func (s *Store) scanOwnGeneration(sc scanner, g *engine.Generation, lead ...any) error {
	var outputs string
	var cost sql.NullString
	var created int64
	dest := append(lead, &g.Seq, &g.ID, &g.WorkflowID, &g.NodeID, &g.RunID, &g.VersionID,
		&g.Status, &outputs, &g.Error, &g.DurationMS, &cost, &g.ConfigHash, &g.InputFingerprint, &created)
	if err := sc.Scan(dest...); err != nil || g.Seq == 0 {
		return err
	}
	g.CreatedAt = fromMS(created)
	if err := decodeInto("generation outputs", outputs, &g.Outputs); err != nil {
		return err
	}
	s.restoreValues("generation output", g.Outputs)
	if cost.Valid {
		return decodeInto("generation cost", cost.String, &g.Cost)
	}
	return nil
}

// fillLabels sets the version and run labels of gens (as genFrom's joins give them: "" for
// none), reading each label once.
func fillLabels(ctx context.Context, tx *sql.Tx, gens []*engine.Generation) error {
	versions, runs := map[string]string{}, map[string]string{}
	for _, g := range gens {
		versions[g.VersionID], runs[g.RunID] = "", ""
	}
	for _, t := range []struct {
		table  string
		labels map[string]string
	}{{"versions", versions}, {"runs", runs}} {
		ids := make([]string, 0, len(t.labels))
		for id := range t.labels {
			ids = append(ids, id)
		}
		list, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, label FROM `+t.table+` WHERE id IN (SELECT value FROM json_each(?))`, string(list))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, label string
			if err := rows.Scan(&id, &label); err != nil {
				rows.Close()
				return err
			}
			t.labels[id] = label
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, g := range gens {
		g.VersionLabel, g.RunLabel = versions[g.VersionID], runs[g.RunID]
	}
	return nil
}

// GenerationEpoch returns the workflow's generation epoch (0 for an unknown workflow).
func (s *Store) GenerationEpoch(ctx context.Context, workflowID string) (int64, error) {
	var epoch int64
	err := s.r.QueryRowContext(ctx, `SELECT generation_epoch FROM workflows WHERE id = ?`, workflowID).Scan(&epoch)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("generation epoch of workflow %s: %w", workflowID, err)
	}
	return epoch, nil
}

// bumpEpoch records a selection or deletion in the workflow's generation epoch.
func bumpEpoch(ctx context.Context, tx *sql.Tx, workflowID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE workflows SET generation_epoch = generation_epoch + 1 WHERE id = ?`, workflowID)
	return err
}

// SelectGeneration marks generationID as the pick of its node; "" clears the pick.
func (s *Store) SelectGeneration(ctx context.Context, workflowID, nodeID, generationID string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	defer tx.Rollback()
	if generationID == "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM selections WHERE workflow_id = ? AND node_id = ?`, workflowID, nodeID); err != nil {
			return fmt.Errorf("clearing selection of node %s: %w", nodeID, err)
		}
		if err := bumpEpoch(ctx, tx, workflowID); err != nil {
			return fmt.Errorf("clearing selection of node %s: %w", nodeID, err)
		}
		return tx.Commit()
	}
	var gw, gn string
	err = tx.QueryRowContext(ctx, `SELECT workflow_id, node_id FROM generations WHERE id = ?`, generationID).Scan(&gw, &gn)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("selecting generation %s: %w", generationID, engine.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	if gw != workflowID || gn != nodeID {
		return fmt.Errorf("selecting generation %s: not a generation of node %s of workflow %s: %w", generationID, nodeID, workflowID, engine.ErrInvalid)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO selections (workflow_id, node_id, generation_id, selected_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workflow_id, node_id) DO UPDATE SET generation_id = excluded.generation_id, selected_at = excluded.selected_at`,
		workflowID, nodeID, generationID, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	if err := bumpEpoch(ctx, tx, workflowID); err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, err)
	}
	return nil
}

// DeleteGeneration removes a generation and its selection, then the asset files nothing
// refers to any more.
func (s *Store) DeleteGeneration(ctx context.Context, id string) error {
	s.assetMu.Lock()
	defer s.assetMu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	defer tx.Rollback()
	candidates, err := queryStrings(ctx, tx, `SELECT sha256 FROM generation_assets WHERE generation_id = ?`, id)
	if err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	var workflowID, nodeID string
	var seq, prev int64
	err = tx.QueryRowContext(ctx, `DELETE FROM generations WHERE id = ? RETURNING workflow_id, node_id, seq, prev`, id).Scan(&workflowID, &nodeID, &seq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("deleting generation %s: %w", id, engine.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	if err := unlinkGeneration(ctx, tx, workflowID, nodeID, seq, prev); err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	if err := bumpEpoch(ctx, tx, workflowID); err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	garbage, err := s.unreferenced(ctx, tx, candidates)
	if err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("deleting generation %s: %w", id, err)
	}
	s.removeAssetFiles(garbage)
	return nil
}

// ListRunResults returns the generations one run wrote, oldest first, without their outputs
// (engine.RunResultLister: recovery records what an interrupted run finished).
func (s *Store) ListRunResults(ctx context.Context, workflowID, runID string) ([]engine.Generation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, node_id, status, error, duration_ms, created_at FROM generations
		WHERE workflow_id = ? AND run_id = ? ORDER BY seq`, workflowID, runID)
	if err != nil {
		return nil, fmt.Errorf("listing the results of run %s: %w", runID, err)
	}
	defer rows.Close()
	out := []engine.Generation{}
	for rows.Next() {
		g := engine.Generation{WorkflowID: workflowID, RunID: runID}
		var created int64
		if err := rows.Scan(&g.ID, &g.NodeID, &g.Status, &g.Error, &g.DurationMS, &created); err != nil {
			return nil, fmt.Errorf("listing the results of run %s: %w", runID, err)
		}
		g.CreatedAt = fromMS(created)
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing the results of run %s: %w", runID, err)
	}
	return out, nil
}
