-- The cache's known set (engine/cache.go): which fingerprints some completed generation has.
-- A process reads it once, at its first cache lookup; reading every fingerprint ever written
-- grows with history, so the store keeps a summary: keys holds the sorted distinct keys
-- (engine.FingerprintKey, 8 bytes big-endian each) of the completed generations with
-- seq <= fingerprint_summary.seq, and a reader adds the generations after it
-- (storage/fingerprintset.go rewrites it when that tail grows long). Nothing is written per
-- generation.
CREATE TABLE fingerprint_summary (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    keys BLOB NOT NULL
);
INSERT INTO fingerprint_summary (id, seq, keys) VALUES (1, 0, x'');

-- A deleted generation may leave its key in the summary (a key too many only costs a store
-- lookup), but a new generation's seq is one more than the largest left: the summary's seq
-- comes down to that, so the next generation is after it.
CREATE TRIGGER generations_summary_forget AFTER DELETE ON generations
BEGIN
    UPDATE fingerprint_summary SET seq = MIN(seq, (SELECT COALESCE(MAX(seq), 0) FROM generations));
END;
