-- One run cap and one queue order per data home, shared by every process (SPEC §5, §14).
-- queue_rank orders queued runs: creation order (created_at × 1000) unless a run was moved.
ALTER TABLE runs ADD COLUMN queue_rank INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET queue_rank = created_at * 1000;
CREATE INDEX runs_queue ON runs (status, queue_rank);

-- run_slots: a row per run that is ready to start (held 0) or holds one of the cap's slots
-- (held 1). A row goes when its run ends or is cancelled, when its owner's process is gone
-- (owner liveness: the owner lock files), or when its run is no longer queued or running.
CREATE TABLE run_slots (
    run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    owner  TEXT NOT NULL,
    held   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX run_slots_owner ON run_slots (owner);
