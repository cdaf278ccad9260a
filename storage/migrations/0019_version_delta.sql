-- A large version edited from another may be stored as a delta against its keyframe, the full
-- version named here (storage/versiondelta.go); '' means graph holds the whole text.
ALTER TABLE versions ADD COLUMN delta_of TEXT NOT NULL DEFAULT '';
