package engine

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkEncodeState writes the state record of a 10,000-node chain after a full run (ids
// as the engine makes them, every generation with its memo, as a run's commits leave them).
func BenchmarkEncodeState(b *testing.B) {
	const nodes = 10000
	st := NewCurrentState(nodes)
	for i := range nodes {
		g := gen(fmt.Sprintf("01a24c7a-%04x-7d92-848a-17c77d820c17", i), fmt.Sprintf("n%d", i), GenCompleted, int64(i))
		g.RunID, g.VersionID = "01a24c7a-4026-7ec4-a4bb-aa947399ad9a", "01a24c7a-3f3f-768a-851c-65a0d41885b2"
		g.ConfigHash, g.InputFingerprint = fmt.Sprintf("cfg%029d", i%7), fmt.Sprintf("fp%030d", i)
		g.CreatedAt = time.UnixMilli(int64(1.7e12 + i))
		g.Outputs = map[string]any{"result": int64(i)}
		st.Offer(&g)
		remember(&g)
	}
	b.ReportAllocs()
	for b.Loop() {
		if rec := encodeState("01a24c79-9448-77e4-9d37-daf956ae03c0", st); len(rec) < nodes*100 {
			b.Fatalf("record of %d bytes", len(rec))
		}
	}
}
