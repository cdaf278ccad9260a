package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
)

// mapKeychain is an in-memory keychain; down makes every call fail as a machine without a
// Secret Service does.
type mapKeychain struct {
	mu   sync.Mutex
	keys map[string]string
	down bool
}

func (k *mapKeychain) Get(p string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.down {
		return "", engine.ErrNoKeychain
	}
	return k.keys[p], nil
}

func (k *mapKeychain) Set(p, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.down {
		return engine.ErrNoKeychain
	}
	k.keys[p] = key
	return nil
}

func (k *mapKeychain) Delete(p string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.down {
		return engine.ErrNoKeychain
	}
	delete(k.keys, p)
	return nil
}

func TestProviderKeyInTheKeychain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	kc := &mapKeychain{keys: map[string]string{}}
	svc, err := engine.NewService(engine.Config{Store: st, Registry: engine.NewRegistry(), Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	if _, err := svc.SetProvider(ctx, engine.Provider{Name: "cloud", Kind: "openai", URLs: []string{"http://x"}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetProviderKey(ctx, "nope", "sk"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("key of an unknown provider: %v", err)
	}
	if err := svc.SetProviderKey(ctx, "cloud", "sk-secret"); err != nil {
		t.Fatal(err)
	}
	if in, err := svc.ProviderKeyInKeychain("cloud"); !in || err != nil {
		t.Fatalf("in keychain = %v %v", in, err)
	}
	c, err := svc.Providers().Resolve(ctx, "cloud")
	if err != nil || c.APIKey != "sk-secret" {
		t.Fatalf("resolve = %+v %v, want the keychain's key", c, err)
	}
	// never in the database
	p, _ := st.GetProvider(ctx, "cloud")
	if strings.Contains(engine.ToText(p), "sk-secret") {
		t.Fatalf("the key reached the store: %+v", p)
	}
	// an environment variable named by the provider wins over the keychain
	if _, err := svc.SetProvider(ctx, engine.Provider{Name: "cloud", Kind: "openai", URLs: []string{"http://x"}, APIKeyEnv: "CLOUD_KEY_UNSET_HERE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Providers().Resolve(ctx, "cloud"); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("resolve with api_key_env unset: %v", err)
	}
	// removing it
	if err := svc.SetProviderKey(ctx, "cloud", ""); err != nil {
		t.Fatal(err)
	}
	if in, _ := svc.ProviderKeyInKeychain("cloud"); in {
		t.Fatal("the key is still in the keychain")
	}
	// no keychain on this machine: setting says so; providers still resolve, without a key
	kc.down = true
	if _, err := svc.SetProvider(ctx, engine.Provider{Name: "cloud", Kind: "openai", URLs: []string{"http://x"}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetProviderKey(ctx, "cloud", "sk"); !errors.Is(err, engine.ErrNoKeychain) || !strings.Contains(err.Error(), `provider "cloud"`) {
		t.Fatalf("set with no keychain: %v", err)
	}
	if c, err := svc.Providers().Resolve(ctx, "cloud"); err != nil || c.APIKey != "" {
		t.Fatalf("resolve with no keychain = %+v %v", c, err)
	}
	// and a service without one
	bare, _ := engine.NewService(engine.Config{Store: st, Registry: engine.NewRegistry()})
	t.Cleanup(bare.Close)
	if err := bare.SetProviderKey(ctx, "cloud", "sk"); !errors.Is(err, engine.ErrNoKeychain) {
		t.Fatalf("set without a keychain: %v", err)
	}
}
