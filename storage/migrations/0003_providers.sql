-- Providers (SPEC §12): named connections to local AI servers. A provider's API key is never
-- stored: api_key_env names the environment variable holding it. urls is a JSON array of
-- base URLs (the pool).
CREATE TABLE providers (
    name        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    urls        TEXT NOT NULL,
    concurrency INTEGER NOT NULL,
    api_key_env TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL
);

-- A fresh data home (and one made before providers existed) has Ollama on this machine.
INSERT INTO providers (name, kind, urls, concurrency, api_key_env, updated_at)
VALUES ('ollama', 'openai', '["http://127.0.0.1:11434"]', 4, '', 0);
