package main

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/internal/fakes"
)

func TestProviderBindings(t *testing.T) {
	ctx := context.Background()
	a, _ := newStoredApp(ctx, t)
	a.ctx = ctx
	fake := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{}))
	defer fake.Close()

	saved, err := a.SetProvider(engine.Provider{Name: "gpus", Kind: "comfyui", URLs: []string{fake.URL + "/", "http://10.0.0.2:8188"}})
	if err != nil || saved.Concurrency != 1 || saved.URLs[0] != fake.URL {
		t.Fatalf("SetProvider = %+v, %v", saved, err)
	}
	if _, err := a.SetProvider(engine.Provider{Name: "x", Kind: "nope", URLs: []string{"http://h"}}); !errors.Is(err, engine.ErrInvalid) ||
		!strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("SetProvider with an unknown kind: %v", err)
	}
	list, err := a.ListProviders()
	if err != nil || len(list) != 2 || list[0].Name != "gpus" || len(list[0].Pool) != 2 || list[0].Pool[1].Concurrency != 1 {
		t.Fatalf("ListProviders = %+v, %v", list, err)
	}
	if _, err := a.SetProvider(engine.Provider{Name: "gpus", Kind: "openai", URLs: []string{fake.URL}}); err != nil {
		t.Fatal(err)
	}
	res, err := a.TestProvider("gpus")
	if err != nil || !res.OK || len(res.URLs[0].Models) == 0 {
		t.Fatalf("TestProvider = %+v, %v", res, err)
	}
	if models, err := a.ProviderModels("gpus"); err != nil || len(models) != len(fakes.DefaultOpenAIModels) || models[0] != "fake-chat" {
		t.Fatalf("ProviderModels = %v, %v", models, err)
	}
	if models, err := a.ProviderModels("nope"); err != nil || len(models) != 0 {
		t.Fatalf("ProviderModels of an unknown provider = %v, %v", models, err)
	}
	if err := a.RemoveProvider("gpus"); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveProvider("gpus"); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("second RemoveProvider: %v", err)
	}
}
