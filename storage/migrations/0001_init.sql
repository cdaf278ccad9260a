-- 0001_init: the first schema. Never edit this file once released; add 0002_… instead.
-- Times are unix milliseconds; JSON values are TEXT.

CREATE TABLE workflows (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    tags               TEXT NOT NULL DEFAULT '[]',
    current_version_id TEXT NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX workflows_name ON workflows (name);

CREATE TABLE versions (
    id           TEXT PRIMARY KEY,
    workflow_id  TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    label        TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    parent_id    TEXT NOT NULL DEFAULT '',
    graph        TEXT NOT NULL,
    content_hash TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    UNIQUE (workflow_id, seq)
);

-- Versions are immutable.
CREATE TRIGGER versions_immutable BEFORE UPDATE ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are immutable');
END;

CREATE TABLE drafts (
    workflow_id     TEXT PRIMARY KEY REFERENCES workflows (id) ON DELETE CASCADE,
    graph           TEXT NOT NULL,
    base_version_id TEXT NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL
);

CREATE TABLE runs (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    workflow_id TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version_id  TEXT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    status      TEXT NOT NULL,
    mode        TEXT NOT NULL,
    from_node   TEXT NOT NULL DEFAULT '',
    inputs      TEXT NOT NULL DEFAULT '{}',
    label       TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    outputs     TEXT NOT NULL DEFAULT '{}',
    snapshot    TEXT NOT NULL DEFAULT '{}',
    owner       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER,
    UNIQUE (workflow_id, number)
);
CREATE INDEX runs_workflow_created ON runs (workflow_id, created_at);
CREATE INDEX runs_created ON runs (created_at);
CREATE INDEX runs_status ON runs (status, created_at);
CREATE INDEX runs_version ON runs (version_id);

-- run_id and version_id are not foreign keys: a generation keeps its place in a node's
-- timeline on its own, and the labels are joined when they exist.
CREATE TABLE generations (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    workflow_id       TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    node_id           TEXT NOT NULL,
    run_id            TEXT NOT NULL DEFAULT '',
    version_id        TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    outputs           TEXT NOT NULL DEFAULT '{}',
    error             TEXT NOT NULL DEFAULT '',
    duration_ms       INTEGER NOT NULL DEFAULT 0,
    cost              TEXT,
    config_hash       TEXT NOT NULL DEFAULT '',
    input_fingerprint TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL
);
CREATE INDEX generations_node ON generations (workflow_id, node_id, created_at);

CREATE TABLE selections (
    workflow_id   TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    node_id       TEXT NOT NULL,
    generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    selected_at   INTEGER NOT NULL,
    PRIMARY KEY (workflow_id, node_id)
);
CREATE INDEX selections_generation ON selections (generation_id);

CREATE TABLE assets (
    sha256     TEXT PRIMARY KEY,
    mime       TEXT NOT NULL DEFAULT '',
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

-- Asset links: which stored things refer to an asset. An asset file is removed only when
-- no link of any kind is left. sha256 is not a foreign key: a value may name an asset this
-- home does not hold (an imported workflow), and that must not refuse the write.
CREATE TABLE generation_assets (
    generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    sha256        TEXT NOT NULL,
    PRIMARY KEY (generation_id, sha256)
) WITHOUT ROWID;
CREATE INDEX generation_assets_sha256 ON generation_assets (sha256);

CREATE TABLE version_assets (
    version_id TEXT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    sha256     TEXT NOT NULL,
    PRIMARY KEY (version_id, sha256)
) WITHOUT ROWID;
CREATE INDEX version_assets_sha256 ON version_assets (sha256);

CREATE TABLE draft_assets (
    workflow_id TEXT NOT NULL REFERENCES drafts (workflow_id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL,
    PRIMARY KEY (workflow_id, sha256)
) WITHOUT ROWID;
CREATE INDEX draft_assets_sha256 ON draft_assets (sha256);

CREATE TABLE run_assets (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (run_id, sha256)
) WITHOUT ROWID;
CREATE INDEX run_assets_sha256 ON run_assets (sha256);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
