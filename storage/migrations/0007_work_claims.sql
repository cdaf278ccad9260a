-- Shared work across processes (SPEC §14): a process about to execute a deterministic node
-- while another process uses the data home claims the work (its input fingerprint and node
-- type); another process about to execute the same work waits for the claimant's completed
-- generation instead. A claim goes when its work is committed, fails or is cancelled; a claim
-- of a run that is no longer running, or of an owner whose process is gone (owner liveness),
-- holds nothing and is taken over.
CREATE TABLE work_claims (
    fingerprint TEXT NOT NULL,
    node_type   TEXT NOT NULL,
    owner       TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    token       TEXT NOT NULL,
    PRIMARY KEY (fingerprint, node_type)
);
