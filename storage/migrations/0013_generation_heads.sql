-- Writing a generation must not cost more as history grows. The index generations_node
-- (workflow_id, node_id, created_at) put each new generation in its node's group: once nodes
-- had dozens of generations every insert dirtied its own index page (~4 KB of WAL and ~4 KB
-- again at the checkpoint per generation; a full run of a 10,000-node chain wrote 15 MB at
-- the first run, 97 MB at the 34th). Now every structure a generation writes is appended to
-- or has a size bounded by the number of nodes:
--   generations.prev   the seq of the generation of the same workflow and node that was its
--                      newest when this one was written (0: none): a node's generations are a
--                      chain from its head, newest first (the timeline reads it).
--   generation_heads   one row per node that has generations: the newest (last_seq), the
--                      current candidate (the latest completed by created_at, then seq:
--                      done_seq, done_at; 0 if none) and whether one failed. A full run
--                      rewrites each row once, whatever the history.
--   generations_workflow (workflow_id, seq)  a workflow's generations in the order written
--                      (a run's land together): deletes and cascades, the generations after a
--                      state record's mark.
-- storage/generations.go and storage/genheads.go keep them; a deletion relinks the chain.
ALTER TABLE generations ADD COLUMN prev INTEGER NOT NULL DEFAULT 0;

UPDATE generations SET prev = p.prev
FROM (SELECT seq, LAG(seq, 1, 0) OVER (PARTITION BY workflow_id, node_id ORDER BY seq) AS prev FROM generations) AS p
WHERE generations.seq = p.seq AND p.prev != 0;

CREATE TABLE generation_heads (
    workflow_id TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    node_id     TEXT NOT NULL,
    last_seq    INTEGER NOT NULL,
    done_seq    INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workflow_id, node_id)
) WITHOUT ROWID;

INSERT INTO generation_heads (workflow_id, node_id, last_seq, done_seq, done_at, failed)
SELECT g.workflow_id, g.node_id, MAX(g.seq),
    COALESCE((SELECT x.seq FROM generations x WHERE x.workflow_id = g.workflow_id AND x.node_id = g.node_id
        AND x.status = 'completed' ORDER BY x.created_at DESC, x.seq DESC LIMIT 1), 0),
    COALESCE((SELECT x.created_at FROM generations x WHERE x.workflow_id = g.workflow_id AND x.node_id = g.node_id
        AND x.status = 'completed' ORDER BY x.created_at DESC, x.seq DESC LIMIT 1), 0),
    MAX(g.status = 'failed')
FROM generations g GROUP BY g.workflow_id, g.node_id;

DROP INDEX generations_node;
CREATE INDEX generations_workflow ON generations (workflow_id, seq);

-- Every generation written moves its node's head (generations.prev is set by the INSERT
-- itself, storage/genchunk.go). The current candidate is the latest completed generation by
-- created_at, then seq, as CurrentGenerations has always ordered them.
CREATE TRIGGER generations_head AFTER INSERT ON generations
BEGIN
    INSERT INTO generation_heads (workflow_id, node_id, last_seq, done_seq, done_at, failed)
    VALUES (NEW.workflow_id, NEW.node_id, NEW.seq, iif(NEW.status = 'completed', NEW.seq, 0),
        iif(NEW.status = 'completed', NEW.created_at, 0), NEW.status = 'failed')
    ON CONFLICT (workflow_id, node_id) DO UPDATE SET
        last_seq = MAX(last_seq, excluded.last_seq),
        done_seq = iif(excluded.done_seq != 0 AND (done_seq = 0 OR excluded.done_at > done_at
            OR (excluded.done_at = done_at AND excluded.done_seq > done_seq)), excluded.done_seq, done_seq),
        done_at = iif(excluded.done_seq != 0 AND (done_seq = 0 OR excluded.done_at > done_at
            OR (excluded.done_at = done_at AND excluded.done_seq > done_seq)), excluded.done_at, done_at),
        failed = failed OR excluded.failed;
END;
