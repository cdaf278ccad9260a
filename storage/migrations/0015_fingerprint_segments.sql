-- The cache's known set (0011) after a large commit: a reader of fingerprint_summary had to read
-- every completed generation after the summary's seq, the wide generation rows' pages, ~10 ms
-- after a full run of 10,000 nodes in a fresh process. Now the writer of a large batch of
-- generations adds, in the batch's own transaction, one row naming the sorted distinct keys
-- (engine.FingerprintKey, 8 bytes big-endian each) of the batch's completed generations with a
-- fingerprint: every such generation with seq_from <= seq <= seq_to has its key in keys (keys
-- may hold more). A reader takes the summary, the segments after it, and reads the generations
-- only in the gaps between them (storage/fingerprintset.go); it folds the segments into the
-- summary when there are many.
CREATE TABLE fingerprint_segments (
    seq_from INTEGER PRIMARY KEY,
    seq_to   INTEGER NOT NULL,
    keys     BLOB NOT NULL
);

-- A new generation's seq is one more than the largest left: after a deletion no segment may
-- reach past it (a later generation could take a seq a segment names, with a key it lacks).
-- The deleted generations' keys stay in the segments: a key too many only costs a store lookup.
CREATE TRIGGER generations_segments_forget AFTER DELETE ON generations
BEGIN
    DELETE FROM fingerprint_segments WHERE seq_from > (SELECT COALESCE(MAX(seq), 0) FROM generations);
    UPDATE fingerprint_segments SET seq_to = (SELECT COALESCE(MAX(seq), 0) FROM generations)
        WHERE seq_to > (SELECT COALESCE(MAX(seq), 0) FROM generations);
END;
