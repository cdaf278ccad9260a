package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent reads GOGC without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// TestRelaxedGCGoesBackForABigHeap: a command collects garbage less often while its live heap
// is small, and as usual once it keeps much alive.
func TestRelaxedGCGoesBackForABigHeap(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	debug.SetGCPercent(relaxedGOGC)
	watchLiveHeap(32 << 20)
	runtime.GC()
	runtime.GC()
	if p := gcPercent(); p != relaxedGOGC {
		t.Fatalf("with a small live heap GOGC is %d, want %d", p, relaxedGOGC)
	}
	keep := make([][]byte, 0, 64)
	for range 64 {
		keep = append(keep, make([]byte, 1<<20)) // 64 MB kept alive
	}
	deadline := time.Now().Add(30 * time.Second) // a hang guard: finalizers run in their own goroutine
	for gcPercent() != 100 {
		if time.Now().After(deadline) {
			t.Fatalf("with %d MB live GOGC is still %d, want 100", len(keep), gcPercent())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(keep)
}
