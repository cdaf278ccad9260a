-- The cache's batched check (storage/cachedbatch.go) sought each fingerprint in both tables of
-- the index (0016): one seek in the small recent table and one in the large one, which grows
-- with history (in a fresh process most of its pages are read cold: ~10 µs a fingerprint with
-- 20 runs of a 10,000-node chain behind it). indexed_at is the latest created_at the large
-- table has ever been given (deletions do not lower it: it stays a bound). A fingerprint whose
-- latest entry in the recent table, or generation after the mark, is later than it has no later
-- one in the large table, which is then not sought: the common case, generations made in time
-- order. The move from the recent table raises it.
ALTER TABLE fingerprint_mark ADD COLUMN indexed_at INTEGER NOT NULL DEFAULT 0;
UPDATE fingerprint_mark SET indexed_at = COALESCE((SELECT max(created_at) FROM generation_fingerprints), 0);
