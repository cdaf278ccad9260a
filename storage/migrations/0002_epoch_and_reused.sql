-- A number that changes whenever a workflow's generations or selections change: it grows
-- by the number of generations each commit adds and by one for each selection or deletion.
-- A process that keeps the current generations in memory compares it to know they are
-- still what the database holds.
ALTER TABLE workflows ADD COLUMN generation_epoch INTEGER NOT NULL DEFAULT 0;
-- Epoch 0 then still means "no generation ever": existing ones count.
UPDATE workflows SET generation_epoch = (SELECT COUNT(*) FROM generations g WHERE g.workflow_id = workflows.id);

-- A run's reused node records, packed: a run from the end of a large graph reuses most of
-- its nodes, and their records written as JSON would be most of what the run writes.
-- (storage/snapshot.go has the format; the snapshot column keeps every other record.)
ALTER TABLE runs ADD COLUMN reused BLOB;

-- When and by which open store (process) an asset was last stored (PutAsset). An asset another
-- process put a moment ago may be about to be linked by its next commit: a deletion here
-- leaves it alone until it is old enough, and Open sweeps what stayed unlinked (a process
-- that stopped between the two).
ALTER TABLE assets ADD COLUMN put_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assets ADD COLUMN put_by TEXT NOT NULL DEFAULT '';
UPDATE assets SET put_at = created_at;
