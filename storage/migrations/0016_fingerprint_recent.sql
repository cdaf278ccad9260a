-- The cache's fingerprint index (0008, keyed by time in 0012) caught up by inserting the
-- generations after its mark: random keys into a B-tree that grows with history, about one page
-- written per generation once it is large (a changed run after a full run of 10,000 nodes wrote
-- most of the index again, 24 -> 48 ms over 20 runs, and as much again when the WAL was
-- checkpointed). Catching up now inserts into generation_fingerprints_recent, a small table of
-- the same shape, and moves it into generation_fingerprints in one sorted pass when it holds more
-- than an eighth as many entries (storage/fingerprints.go). The two together name the completed
-- generations with seq <= fingerprint_mark.seq; a lookup reads both (one seek each).
CREATE TABLE generation_fingerprints_recent (
    fingerprint TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (fingerprint, created_at, seq)
) WITHOUT ROWID;

-- How many entries each table was given (deletions are not taken off: only when to move).
ALTER TABLE fingerprint_mark ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fingerprint_mark ADD COLUMN recent INTEGER NOT NULL DEFAULT 0;
UPDATE fingerprint_mark SET indexed = (SELECT count(*) FROM generation_fingerprints);

-- As 0012's trigger, for both tables.
DROP TRIGGER generations_fingerprint_forget;
CREATE TRIGGER generations_fingerprint_forget AFTER DELETE ON generations
BEGIN
    DELETE FROM generation_fingerprints
        WHERE fingerprint = OLD.input_fingerprint AND created_at = OLD.created_at AND seq = OLD.seq;
    DELETE FROM generation_fingerprints_recent
        WHERE fingerprint = OLD.input_fingerprint AND created_at = OLD.created_at AND seq = OLD.seq;
    UPDATE fingerprint_mark SET deletions = deletions + 1,
        seq = MIN(seq, (SELECT COALESCE(MAX(seq), 0) FROM generations));
END;
