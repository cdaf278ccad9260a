package engine

import (
	"context"
	"errors"
	"fmt"
)

// ErrNoKeychain means no OS keychain can be used in this session (Linux without a Secret
// Service on D-Bus, a locked or refused keychain): keep an API key in an environment variable
// then (api_key_env).
var ErrNoKeychain = errors.New("no OS keychain available")

// Keychain keeps providers' API keys in the OS keychain (SPEC §12): never in the database
// and never in an export. Get returns "" and no error for a provider without a key there.
type Keychain interface {
	Get(provider string) (string, error)
	Set(provider, key string) error
	Delete(provider string) error
}

// SetProviderKey keeps provider name's API key in the OS keychain; an empty key removes it.
// The provider must exist; without a usable keychain the error says so (ErrNoKeychain).
func (s *Service) SetProviderKey(ctx context.Context, name, key string) error {
	if _, err := s.store.GetProvider(ctx, name); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("unknown provider %q: %w", name, ErrNotFound)
		}
		return err
	}
	kc := s.providers.keychain
	if kc == nil {
		return fmt.Errorf("provider %q: %w in this process; name an environment variable instead (api_key_env)", name, ErrNoKeychain)
	}
	var err error
	if key == "" {
		err = kc.Delete(name)
	} else {
		err = kc.Set(name, key)
	}
	if err != nil {
		return fmt.Errorf("provider %q: keeping its API key in the OS keychain: %w", name, err)
	}
	return nil
}

// ProviderKeyInKeychain reports whether the OS keychain holds a key for provider name; an
// error says why the keychain cannot be read (ErrNoKeychain).
func (s *Service) ProviderKeyInKeychain(name string) (bool, error) {
	kc := s.providers.keychain
	if kc == nil {
		return false, ErrNoKeychain
	}
	k, err := kc.Get(name)
	if err != nil {
		return false, err
	}
	return k != "", nil
}
