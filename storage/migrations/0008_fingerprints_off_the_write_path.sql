-- The cache's fingerprint index (0006) was maintained on every generation write: a random
-- insertion into a B-tree, about one page written per generation, a third of what a chain
-- of cheap nodes costs. Only runs that use the cache look fingerprints up, so the index now
-- trails the table and catches up when a lookup needs it (storage/fingerprints.go):
-- generation_fingerprints names every completed generation with seq <= fingerprint_mark.seq;
-- a lookup reads it and scans the generations after the mark, so its answer is always the
-- table's. Nothing is written per generation.
DROP INDEX generations_fingerprint;

CREATE TABLE generation_fingerprints (
    fingerprint TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (fingerprint, seq)
) WITHOUT ROWID;

CREATE TABLE fingerprint_mark (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);

INSERT INTO generation_fingerprints (fingerprint, seq)
    SELECT input_fingerprint, seq FROM generations WHERE status = 'completed' AND input_fingerprint != '';
INSERT INTO fingerprint_mark (id, seq) VALUES (1, COALESCE((SELECT MAX(seq) FROM generations), 0));

-- A deleted generation leaves the index; and since a new generation's seq is one more than
-- the largest left, the mark comes down to that, so the next generation is after it.
CREATE TRIGGER generations_fingerprint_forget AFTER DELETE ON generations
BEGIN
    DELETE FROM generation_fingerprints WHERE fingerprint = OLD.input_fingerprint AND seq = OLD.seq;
    UPDATE fingerprint_mark SET seq = (SELECT COALESCE(MAX(seq), 0) FROM generations)
        WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM generations);
END;
