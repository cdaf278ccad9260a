package storage

import (
	"context"
	"database/sql"
	"errors"
)

// A node's generations form a chain (migration 0013): generation_heads names the newest
// (last_seq) and each generation its predecessor (prev), seqs decreasing along it. Writing
// a generation links it in front (prevSQL, then moveHeadsSQL); deleting one,
// below, links its successor to its predecessor and reads the node's head again from what
// is left. Deleting a workflow removes its heads with it (ON DELETE CASCADE).

// moveHeadsSQL moves the heads of the nodes of the generations with seq in [?1, ?2], written
// by one saveGenerations: each node's newest, its latest completed by created_at, then seq (as
// CurrentGenerations has always ordered them), and whether one failed. Rows of the same node
// come in seq order, each one compared with the head as the one before left it.
const moveHeadsSQL = `INSERT INTO generation_heads (workflow_id, node_id, last_seq, done_seq, done_at, failed)
	SELECT workflow_id, node_id, seq, iif(status = 'completed', seq, 0), iif(status = 'completed', created_at, 0), status = 'failed'
	FROM generations WHERE seq BETWEEN ?1 AND ?2
	ON CONFLICT (workflow_id, node_id) DO UPDATE SET
		last_seq = MAX(last_seq, excluded.last_seq),
		done_seq = iif(excluded.done_seq != 0 AND (done_seq = 0 OR excluded.done_at > done_at
			OR (excluded.done_at = done_at AND excluded.done_seq > done_seq)), excluded.done_seq, done_seq),
		done_at = iif(excluded.done_seq != 0 AND (done_seq = 0 OR excluded.done_at > done_at
			OR (excluded.done_at = done_at AND excluded.done_seq > done_seq)), excluded.done_at, done_at),
		failed = failed OR excluded.failed`

// unlinkGeneration takes the generation seq (of workflowID's node nodeID, whose prev was
// prev), just deleted in tx, out of its node's chain and head.
func unlinkGeneration(ctx context.Context, tx *sql.Tx, workflowID, nodeID string, seq, prev int64) error {
	var last int64
	err := tx.QueryRowContext(ctx, `SELECT last_seq FROM generation_heads WHERE workflow_id = ? AND node_id = ?`,
		workflowID, nodeID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not in a chain (cannot happen: every write moves its head)
	}
	if err != nil {
		return err
	}
	if last == seq {
		last = prev
	} else {
		// The successor is the generation along the chain whose prev is seq: the walk from the
		// head stops there (seqs decrease along the chain).
		if _, err := tx.ExecContext(ctx, `WITH RECURSIVE chain(seq, prev) AS (
				SELECT seq, prev FROM generations WHERE seq = ?1
				UNION ALL
				SELECT x.seq, x.prev FROM chain JOIN generations x ON x.seq = chain.prev WHERE chain.prev > ?2
			)
			UPDATE generations SET prev = ?3 WHERE seq = (SELECT seq FROM chain WHERE prev = ?2)`, last, seq, prev); err != nil {
			return err
		}
	}
	if last == 0 {
		_, err := tx.ExecContext(ctx, `DELETE FROM generation_heads WHERE workflow_id = ? AND node_id = ?`, workflowID, nodeID)
		return err
	}
	// The head again from the whole chain: the latest completed generation (by created_at,
	// then seq) and whether one failed.
	_, err = tx.ExecContext(ctx, `WITH RECURSIVE chain(seq) AS (
			SELECT ?1
			UNION ALL
			SELECT x.prev FROM chain JOIN generations x ON x.seq = chain.seq WHERE x.prev != 0
		), done AS (
			SELECT g.seq, g.created_at FROM chain JOIN generations g ON g.seq = chain.seq
			WHERE g.status = 'completed' ORDER BY g.created_at DESC, g.seq DESC LIMIT 1
		)
		UPDATE generation_heads SET last_seq = ?1,
			done_seq = COALESCE((SELECT seq FROM done), 0),
			done_at = COALESCE((SELECT created_at FROM done), 0),
			failed = EXISTS (SELECT 1 FROM chain JOIN generations g ON g.seq = chain.seq WHERE g.status = 'failed')
		WHERE workflow_id = ?2 AND node_id = ?3`, last, workflowID, nodeID)
	return err
}
