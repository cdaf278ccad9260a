package cli_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/internal/fakes"
)

// TestGenerationsShowCost: `generations --json` gives each generation's cost (provider, URL,
// model, seed, duration; tokens for llm nodes), and the text listing a line of it.
func TestGenerationsShowCost(t *testing.T) {
	t.Parallel()
	fake := httptest.NewServer(fakes.NewOpenAI(fakes.OpenAIOptions{}))
	defer fake.Close()
	h := newHome(t)
	h.ok("providers", "set", "gpu", "--kind", "openai", "--url", fake.URL)
	wf := filepath.Join(t.TempDir(), "cost.json")
	if err := os.WriteFile(wf, []byte(`{"format":"flowbench.workflow/1","name":"Cost","nodes":[
		{"id":"gen","type":"image.generate","params":{"provider":"gpu","model":"fake-image","prompt":"a fox","width":16,"height":16,"seed":7}},
		{"id":"chat","type":"llm.chat","params":{"provider":"gpu","model":"fake-chat","prompt":"hello there","temperature":0,"seed":1}}],
		"edges":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	h.importFile(wf)
	h.ok("run", "Cost")

	var out struct {
		Generations []struct {
			ID   string         `json:"id"`
			Cost map[string]any `json:"cost"`
		} `json:"generations"`
	}
	h.json(&out, "generations", "Cost", "gen", "--json")
	if len(out.Generations) != 1 {
		t.Fatalf("generations = %+v", out.Generations)
	}
	c := out.Generations[0].Cost
	if c["provider"] != "gpu" || c["url"] != fake.URL || c["model"] != "fake-image" || c["seed"] != 7.0 {
		t.Fatalf("cost = %v", c)
	}
	if d, ok := c["duration_ms"].(float64); !ok || d < 0 {
		t.Fatalf("cost duration_ms = %v", c["duration_ms"])
	}
	h.json(&out, "generations", "Cost", "chat", "--json")
	if c := out.Generations[0].Cost; c["model"] != "fake-chat" || c["total_tokens"] == nil {
		t.Fatalf("llm.chat cost = %v, want its tokens", c)
	}
	text := h.ok("generations", "Cost", "gen").stdout
	if !strings.Contains(text, "cost: provider gpu · "+fake.URL+" · model fake-image · seed 7 · ") {
		t.Fatalf("text listing without the cost line:\n%s", text)
	}
}
