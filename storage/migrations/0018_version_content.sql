-- A run of the editor's draft, and saving it, look the workflow's versions up by content hash
-- (engine.VersionFinder): an index instead of reading every version's graph.
CREATE INDEX versions_content ON versions (workflow_id, content_hash, seq);
