-- A workflow's state record (engine/staterecord.go): its current state in one compact piece,
-- written by the engine for one generation epoch, so a fresh process plans without searching
-- every node's latest generation. max_seq is the largest generation seq of the data home when
-- the record was saved: the workflow's generations after it are the ones written since.
CREATE TABLE state_records (
    workflow_id TEXT PRIMARY KEY REFERENCES workflows (id) ON DELETE CASCADE,
    epoch       INTEGER NOT NULL,
    max_seq     INTEGER NOT NULL,
    data        BLOB NOT NULL
);
