package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/flowbench/flowbench/engine"
)

var _ engine.ProviderStore = (*Store)(nil)

// ListProviders returns every provider sorted by name.
func (s *Store) ListProviders(ctx context.Context) ([]engine.Provider, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, kind, urls, concurrency, api_key_env FROM providers ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing providers: %w", err)
	}
	defer rows.Close()
	out := []engine.Provider{}
	for rows.Next() {
		p, err := scanProvider(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing providers: %w", err)
	}
	return out, nil
}

// GetProvider returns the provider named name; engine.ErrNotFound when none.
func (s *Store) GetProvider(ctx context.Context, name string) (engine.Provider, error) {
	row := s.r.QueryRowContext(ctx, `SELECT name, kind, urls, concurrency, api_key_env FROM providers WHERE name = ?`, name)
	p, err := scanProvider(row)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Provider{}, fmt.Errorf("provider %q: %w", name, engine.ErrNotFound)
	}
	return p, err
}

// PutProvider creates or replaces a provider.
func (s *Store) PutProvider(ctx context.Context, p engine.Provider) error {
	if p.Name == "" {
		return fmt.Errorf("provider: empty name: %w", engine.ErrInvalid)
	}
	urls, err := json.Marshal(p.URLs)
	if err != nil {
		return fmt.Errorf("provider %q: %w", p.Name, err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO providers (name, kind, urls, concurrency, api_key_env, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, urls = excluded.urls,
			concurrency = excluded.concurrency, api_key_env = excluded.api_key_env, updated_at = excluded.updated_at`,
		p.Name, p.Kind, string(urls), p.Concurrency, p.APIKeyEnv, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("saving provider %q: %w", p.Name, err)
	}
	return nil
}

// DeleteProvider removes a provider; engine.ErrNotFound when none.
func (s *Store) DeleteProvider(ctx context.Context, name string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM providers WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("removing provider %q: %w", name, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("provider %q: %w", name, engine.ErrNotFound)
	}
	return nil
}

func scanProvider(r scanner) (engine.Provider, error) {
	var (
		p    engine.Provider
		urls string
	)
	if err := r.Scan(&p.Name, &p.Kind, &urls, &p.Concurrency, &p.APIKeyEnv); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p, err
		}
		return p, fmt.Errorf("reading provider: %w", err)
	}
	if err := json.Unmarshal([]byte(urls), &p.URLs); err != nil {
		return p, fmt.Errorf("provider %q: unreadable URLs: %w", p.Name, err)
	}
	return p, nil
}
