-- A large draft may be stored as a delta against the whole text of the version it was edited
-- from, named here (storage/versiondelta.go); '' means graph holds the whole text.
ALTER TABLE drafts ADD COLUMN delta_of TEXT NOT NULL DEFAULT '';
