package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// costLine is one line of a generation's cost for the text listing of `generations`:
// "provider gpus · http://… · model sdxl · seed 7 · 1.2 s · 42 tokens"; "" when it has none.
func costLine(cost map[string]any) string {
	if len(cost) == 0 {
		return ""
	}
	var parts []string
	if v, ok := cost["provider"].(string); ok && v != "" {
		parts = append(parts, "provider "+v)
	}
	if v, ok := cost["url"].(string); ok && v != "" {
		parts = append(parts, v)
	}
	if v, ok := cost["model"].(string); ok && v != "" {
		parts = append(parts, "model "+v)
	}
	if v, ok := cost["seed"]; ok && v != nil {
		parts = append(parts, "seed "+engine.ToText(v))
	}
	if v, err := strconv.ParseFloat(engine.ToText(cost["duration_ms"]), 64); err == nil {
		parts = append(parts, fmt.Sprintf("%.1f s", v/1000))
	}
	if v, ok := cost["total_tokens"]; ok && v != nil {
		parts = append(parts, engine.ToText(v)+" tokens")
	}
	if len(parts) == 0 {
		return ""
	}
	return "cost: " + strings.Join(parts, " · ")
}
