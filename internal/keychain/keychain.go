// Package keychain keeps providers' API keys in the OS keychain (macOS Keychain, Windows
// Credential Manager, the Secret Service on Linux over D-Bus) through go-keyring.
package keychain

import (
	"errors"
	"fmt"
	"sync"

	"github.com/flowbench/flowbench/engine"
	"github.com/zalando/go-keyring"
)

// Service is the name Flowbench's keys are kept under in the keychain.
const Service = "flowbench"

// OS is the OS keychain: one secret per provider, named "provider:NAME". Once the keychain
// answered that it cannot be used, later reads fail at once (no D-Bus probe per node run).
type OS struct{}

var _ engine.Keychain = OS{}

var (
	downMu sync.Mutex
	down   error // the keychain's "cannot be used" answer, once seen
)

func isDown() error {
	downMu.Lock()
	defer downMu.Unlock()
	return down
}

func setDown(err error) error {
	downMu.Lock()
	defer downMu.Unlock()
	down = unavailable(err)
	return down
}

func user(provider string) string { return "provider:" + provider }

// unavailable wraps an error of the keychain itself (no Secret Service, no D-Bus session…).
func unavailable(err error) error {
	return fmt.Errorf("%w: %v", engine.ErrNoKeychain, err)
}

// Get returns the provider's key, "" when the keychain holds none.
func (OS) Get(provider string) (string, error) {
	if err := isDown(); err != nil {
		return "", err
	}
	k, err := keyring.Get(Service, user(provider))
	if errors.Is(err, keyring.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", setDown(err)
	}
	return k, nil
}

// Set keeps the provider's key.
func (OS) Set(provider, key string) error {
	if err := keyring.Set(Service, user(provider), key); err != nil {
		return unavailable(err)
	}
	return nil
}

// Delete removes the provider's key; none is not an error.
func (OS) Delete(provider string) error {
	err := keyring.Delete(Service, user(provider))
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return unavailable(err)
}
