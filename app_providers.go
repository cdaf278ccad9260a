package main

import (
	"sort"
	"time"

	"github.com/flowbench/flowbench/engine"
)

// ProviderInfo is a provider as Settings → Providers shows it: its settings and, per URL,
// the state of its pool in this process (busy jobs, set aside after refusing).
type ProviderInfo struct {
	Name        string            `json:"name"`
	Kind        string            `json:"kind"`
	URLs        []string          `json:"urls"`
	Concurrency int               `json:"concurrency"`
	APIKeyEnv   string            `json:"api_key_env"`
	Pool        []engine.URLState `json:"pool"`
}

// ListProviders returns the data home's providers with their pools' state.
func (a *App) ListProviders() ([]ProviderInfo, error) {
	ps, err := a.svc.ListProviders(a.ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ProviderInfo, 0, len(ps))
	for _, p := range ps {
		info := ProviderInfo{Name: p.Name, Kind: p.Kind, URLs: p.URLs, Concurrency: p.Concurrency, APIKeyEnv: p.APIKeyEnv}
		if st, err := a.svc.Providers().PoolStates(a.ctx, p.Name); err == nil {
			info.Pool = st
		}
		if info.Pool == nil {
			info.Pool = []engine.URLState{}
		}
		out = append(out, info)
	}
	return out, nil
}

// SetProvider creates or replaces a provider (concurrency 0: the kind's default) and returns
// it as stored. Bad input is refused naming the field.
func (a *App) SetProvider(p engine.Provider) (engine.Provider, error) {
	return a.svc.SetProvider(a.ctx, p)
}

// TestProvider reaches every URL of a provider and lists its models.
func (a *App) TestProvider(name string) (engine.ProviderTest, error) {
	return a.svc.TestProvider(a.ctx, name, 0)
}

// RemoveProvider deletes a provider.
func (a *App) RemoveProvider(name string) error { return a.svc.RemoveProvider(a.ctx, name) }

// ProviderModels lists the models of a provider ("" is the default provider, ollama) as its
// reachable URLs report them, for a node's model field; an unreachable provider lists none.
func (a *App) ProviderModels(name string) ([]string, error) {
	if name == "" {
		name = engine.DefaultProviderName
	}
	p, err := a.svc.Store().GetProvider(a.ctx, name)
	if err != nil {
		return []string{}, nil // an unknown provider is the node's error to report, on run
	}
	res := a.svc.Providers().Test(a.ctx, p, 3*time.Second)
	seen := map[string]bool{}
	out := []string{}
	for _, u := range res.URLs {
		for _, m := range u.Models {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
