package nodes_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/memstore"
	"github.com/flowbench/flowbench/internal/fakes"
)

// BenchmarkImageGenerateOverhead is the node's own cost around the server (issue 13 target
// ≤ 5 ms per image): request building, the pool, the HTTP exchange, base64 decoding, the
// image check and the asset write, against a fake OpenAI server that answers at once with a
// 64×64 PNG.
func BenchmarkImageGenerateOverhead(b *testing.B) {
	srv := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{}))
	defer srv.Close()
	st := memstore.New()
	defer st.Close()
	ctx := context.Background()
	if err := st.PutProvider(ctx, engine.Provider{Name: "local", Kind: engine.ProviderOpenAI, URLs: []string{srv.URL}, Concurrency: 4}); err != nil {
		b.Fatal(err)
	}
	provs := engine.NewProviders(st, nil, nil)
	typ := nodeType(b, "image.generate")
	b.ResetTimer()
	for i := range b.N {
		in := nodeInput(map[string]any{"provider": "local", "model": "fake-image", "prompt": "a fox",
			"width": 64.0, "height": 64.0, "seed": float64(i)}, nil)
		in.Assets, in.Providers = st, provs
		if _, err := typ.Run(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
