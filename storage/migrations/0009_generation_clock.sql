-- The generation clock (engine.GenClock): the largest generation seq and the number of
-- generations ever deleted. A process keeps the cache's fingerprint answers in memory while
-- the clock is the one they were read at, moved on only by its own commits.
ALTER TABLE fingerprint_mark ADD COLUMN deletions INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER generations_fingerprint_forget;
-- A deleted generation leaves the index and counts on the clock; since a new generation's seq
-- is one more than the largest left, the mark comes down to that, so the next one is after it.
CREATE TRIGGER generations_fingerprint_forget AFTER DELETE ON generations
BEGIN
    DELETE FROM generation_fingerprints WHERE fingerprint = OLD.input_fingerprint AND seq = OLD.seq;
    UPDATE fingerprint_mark SET deletions = deletions + 1,
        seq = MIN(seq, (SELECT COALESCE(MAX(seq), 0) FROM generations));
END;
