package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

var providerTests = []test{
	{"fresh store has only the default provider", func(t *testing.T, s engine.Store) {
		ps, err := s.ListProviders(ctx())
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || !reflect.DeepEqual(ps[0], engine.DefaultProvider) {
			t.Fatalf("providers of a fresh store = %+v, want only %+v", ps, engine.DefaultProvider)
		}
	}},
	{"put get replace list delete", func(t *testing.T, s engine.Store) {
		a := engine.Provider{Name: "gpus", Kind: engine.ProviderComfyUI,
			URLs: []string{"http://10.0.0.1:8188", "http://10.0.0.2:8188"}, Concurrency: 1, APIKeyEnv: "GPU_KEY"}
		if err := s.PutProvider(ctx(), a); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetProvider(ctx(), "gpus")
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Fatalf("GetProvider = %+v, %v; want %+v", got, err, a)
		}
		a.URLs = []string{"http://10.0.0.3:8188"}
		a.Concurrency = 2
		a.APIKeyEnv = ""
		if err := s.PutProvider(ctx(), a); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetProvider(ctx(), "gpus"); !reflect.DeepEqual(got, a) {
			t.Fatalf("after replace GetProvider = %+v, want %+v", got, a)
		}
		ps, err := s.ListProviders(ctx())
		if err != nil || len(ps) != 2 || ps[0].Name != "gpus" || ps[1].Name != "ollama" {
			t.Fatalf("ListProviders = %+v, %v; want gpus then ollama", ps, err)
		}
		if err := s.DeleteProvider(ctx(), "gpus"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetProvider(ctx(), "gpus"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("GetProvider after delete: %v, want ErrNotFound", err)
		}
		if err := s.DeleteProvider(ctx(), "gpus"); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("second DeleteProvider: %v, want ErrNotFound", err)
		}
	}},
}
