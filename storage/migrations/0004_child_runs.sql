-- A subworkflow node's run of its child workflow (SPEC §15) names the run and node that
-- started it, so the child is listed under its parent. Empty for top-level runs.
ALTER TABLE runs ADD COLUMN parent_run_id TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN parent_node_id TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_parent ON runs (parent_run_id) WHERE parent_run_id != '';
