package memstore

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/flowbench/flowbench/engine"
)

var _ engine.ProviderStore = (*Store)(nil)

// ListProviders returns every provider sorted by name.
func (s *Store) ListProviders(ctx context.Context) ([]engine.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []engine.Provider{}
	for _, p := range s.providers {
		out = append(out, cloneProvider(p))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// GetProvider returns the provider named name; engine.ErrNotFound when none.
func (s *Store) GetProvider(ctx context.Context, name string) (engine.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.providers[name]
	if !ok {
		return engine.Provider{}, fmt.Errorf("provider %q: %w", name, engine.ErrNotFound)
	}
	return cloneProvider(p), nil
}

// PutProvider creates or replaces a provider.
func (s *Store) PutProvider(ctx context.Context, p engine.Provider) error {
	if p.Name == "" {
		return fmt.Errorf("provider: empty name: %w", engine.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.providers[p.Name] = cloneProvider(p)
	return nil
}

// DeleteProvider removes a provider; engine.ErrNotFound when none.
func (s *Store) DeleteProvider(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.providers[name]; !ok {
		return fmt.Errorf("provider %q: %w", name, engine.ErrNotFound)
	}
	delete(s.providers, name)
	return nil
}

func cloneProvider(p engine.Provider) engine.Provider {
	p.URLs = slices.Clone(p.URLs)
	if p.URLs == nil {
		p.URLs = []string{}
	}
	return p
}
