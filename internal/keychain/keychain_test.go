package keychain_test

import (
	"testing"

	"github.com/flowbench/flowbench/internal/keychain"
	"github.com/zalando/go-keyring"
)

// TestOSKeychain runs against go-keyring's in-memory mock: this machine has no Secret
// Service (D-Bus) to test the real keychain with.
func TestOSKeychain(t *testing.T) {
	keyring.MockInit()
	var kc keychain.OS
	if k, err := kc.Get("gpus"); err != nil || k != "" {
		t.Fatalf("no key yet: %q %v", k, err)
	}
	if err := kc.Set("gpus", "sk-1"); err != nil {
		t.Fatal(err)
	}
	if k, err := kc.Get("gpus"); err != nil || k != "sk-1" {
		t.Fatalf("key = %q %v", k, err)
	}
	if err := kc.Delete("gpus"); err != nil {
		t.Fatal(err)
	}
	if err := kc.Delete("gpus"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	if k, _ := kc.Get("gpus"); k != "" {
		t.Fatalf("key after delete = %q", k)
	}
}
