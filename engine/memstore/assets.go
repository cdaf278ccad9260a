package memstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/flowbench/flowbench/engine"
)

// ---- settings ----

// GetSetting returns a setting and whether it is set.
func (s *Store) GetSetting(ctx context.Context, key string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.settings[key]
	return v, ok, nil
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return fmt.Errorf("setting: empty key: %w", engine.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings[key] = value
	return nil
}

// ---- assets ----

// PutAsset stores data under its sha256 (deduplicated) and returns its reference.
func (s *Store) PutAsset(ctx context.Context, data []byte, mime, name string) (engine.AssetRef, error) {
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if mime == "" {
		mime = http.DetectContentType(data)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.assets[sha] == nil {
		s.assets[sha] = &assetRec{data: bytes.Clone(data), mime: mime}
	}
	s.pending[sha] = struct{}{}
	return engine.AssetRef{Asset: sha, Mime: mime, Name: name}, nil
}

// OpenAsset returns the bytes of an asset.
func (s *Store) OpenAsset(ctx context.Context, sha string) (io.ReadCloser, error) {
	if !engine.ValidSHA(sha) {
		return nil, fmt.Errorf("opening asset %q: malformed hash: %w", sha, engine.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.assets[sha]
	if a == nil {
		return nil, fmt.Errorf("opening asset %s: %w", sha, engine.ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(a.data)), nil
}

// AssetPath writes the asset to a temporary folder owned by the store and returns the file.
func (s *Store) AssetPath(sha string) (string, error) {
	if !engine.ValidSHA(sha) {
		return "", fmt.Errorf("asset path %q: malformed hash: %w", sha, engine.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.assets[sha]
	if a == nil {
		return "", fmt.Errorf("asset path %s: %w", sha, engine.ErrNotFound)
	}
	if s.dir == "" {
		dir, err := os.MkdirTemp("", "flowbench-memstore-*")
		if err != nil {
			return "", fmt.Errorf("asset path %s: %w", sha, err)
		}
		s.dir = dir
	}
	p := filepath.Join(s.dir, sha)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if err := os.WriteFile(p, a.data, 0o644); err != nil {
		return "", fmt.Errorf("asset path %s: %w", sha, err)
	}
	return p, nil
}

// linked records that refs are now referenced, so they are no longer pending.
func (s *Store) linked(refs []string) {
	for _, r := range refs {
		delete(s.pending, r)
	}
}

// collect removes every candidate asset that nothing references any more.
func (s *Store) collect(candidates []string) {
	if len(candidates) == 0 {
		return
	}
	live := map[string]bool{}
	mark := func(refs []string) {
		for _, r := range refs {
			live[r] = true
		}
	}
	for _, v := range s.versions {
		mark(v.refs)
	}
	for _, d := range s.drafts {
		mark(d.refs)
	}
	for _, r := range s.runs {
		mark(r.refs)
	}
	for _, g := range s.gens {
		mark(g.refs)
	}
	for _, sha := range candidates {
		if live[sha] {
			continue
		}
		if _, ok := s.pending[sha]; ok {
			continue
		}
		delete(s.assets, sha)
		if s.dir != "" {
			_ = os.Remove(filepath.Join(s.dir, sha))
		}
	}
}
