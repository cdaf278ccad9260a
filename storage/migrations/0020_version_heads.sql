-- A workflow's versions listed without their graphs (engine.VersionHeadLister) read this index
-- alone: created_at comes after the graph in a row, where reading it walks every overflow
-- page of a large graph's text. (The content hash is left out: the list does not need it, and
-- with it this index would cover, and take over, the content lookup of versions_content.)
CREATE INDEX versions_heads ON versions (workflow_id, seq, id, label, notes, parent_id, created_at);
