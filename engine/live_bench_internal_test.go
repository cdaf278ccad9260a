package engine

import (
	"strconv"
	"testing"
)

// BenchmarkLiveEmit is the events a run of a 10,000-node chain emits through the bus with the
// service's live set subscribed: each node running, then done.
func BenchmarkLiveEmit(b *testing.B) {
	ids := make([]string, 10000)
	for i := range ids {
		ids[i] = "n" + strconv.Itoa(i)
	}
	for b.Loop() {
		bus, live := NewBus(), newLiveSet()
		bus.Subscribe(live.observe)
		for _, id := range ids {
			bus.Emit(Event{Type: EventNode, WorkflowID: "01a24c79-9448-77e4-9d37-daf956ae03c0", RunID: "01a24c7a-4026-7ec4-a4bb-aa947399ad9a", NodeID: id, Status: string(NodeRunning)})
			bus.Emit(Event{Type: EventNode, WorkflowID: "01a24c79-9448-77e4-9d37-daf956ae03c0", RunID: "01a24c7a-4026-7ec4-a4bb-aa947399ad9a", NodeID: id, Status: string(NodeExecuted)})
		}
	}
}
