-- The cache asks for "the latest completed generation with fingerprint F" (created_at, then
-- seq: storage/fingerprints.go). generation_fingerprints (0008) was keyed (fingerprint, seq):
-- the answer meant reading every generation with F and sorting them, a cost that grew with
-- how many generations shared a fingerprint (each run that produced a value again added
-- one). Keyed (fingerprint, created_at, seq), the latest is the last entry of F's range:
-- one seek, whatever the history. Generations never change, so created_at stays right.
DROP TRIGGER generations_fingerprint_forget;

CREATE TABLE generation_fingerprints_by_time (
    fingerprint TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (fingerprint, created_at, seq)
) WITHOUT ROWID;

INSERT INTO generation_fingerprints_by_time (fingerprint, created_at, seq)
    SELECT f.fingerprint, g.created_at, f.seq FROM generation_fingerprints f JOIN generations g ON g.seq = f.seq;
DROP TABLE generation_fingerprints;
ALTER TABLE generation_fingerprints_by_time RENAME TO generation_fingerprints;

-- As 0009's trigger: a deleted generation leaves the index and counts on the clock; the mark
-- comes down to the largest seq left, so the next generation is after it.
CREATE TRIGGER generations_fingerprint_forget AFTER DELETE ON generations
BEGIN
    DELETE FROM generation_fingerprints
        WHERE fingerprint = OLD.input_fingerprint AND created_at = OLD.created_at AND seq = OLD.seq;
    UPDATE fingerprint_mark SET deletions = deletions + 1,
        seq = MIN(seq, (SELECT COALESCE(MAX(seq), 0) FROM generations));
END;
