package cli

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// gcPercent reads GOGC without changing it (reading it through debug.SetGCPercent would
// set it for a moment, and undo a watcher's change made in that moment).
func gcPercent() int {
	sample := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(sample)
	return int(sample[0].Value.Uint64())
}

// TestRelaxedGCGoesBackForABigHeap: a command collects garbage less often while its live heap
// is small, and as usual once it keeps much alive.
func TestRelaxedGCGoesBackForABigHeap(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	// The live heap the watcher reads is the last collection's: collect what earlier tests
	// (or an earlier -count round of this one, which kept 64 MB) left first.
	runtime.GC()
	runtime.GC()
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

// gcSink keeps the test's garbage from being optimised away.
var gcSink []byte

// numGC is how many collections have finished.
func numGC() uint32 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.NumGC
}

// TestNoGCUntilTheLimit: a command collects no garbage at all while the memory it took stays
// under the limit, then collects at relaxedGOGC with no limit.
func TestNoGCUntilTheLimit(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	runtime.GC()
	total := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(total)
	limit := int64(total[0].Value.Uint64()) + 128<<20
	before := numGC()
	noGCUntil(limit, 1<<40)
	for range 48 {
		gcSink = make([]byte, 1<<20) // 48 MB of garbage: GOGC 400 or 100 would have collected
	}
	if n := numGC() - before; n != 0 || gcPercent() != -1 {
		t.Fatalf("under the limit: %d collections, GOGC %d; want none, off", n, gcPercent())
	}
	deadline := time.Now().Add(30 * time.Second) // a hang guard: finalizers run in their own goroutine
	for gcPercent() != relaxedGOGC {
		if time.Now().After(deadline) {
			t.Fatalf("past the limit GOGC is still %d after %d collections, want %d", gcPercent(), numGC()-before, relaxedGOGC)
		}
		for range 64 {
			gcSink = make([]byte, 1<<20)
		}
		time.Sleep(time.Millisecond)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Fatalf("past the limit the memory limit is %d, want none", l)
	}
}

// TestRelaxWindowGC: the window collects at relaxedGOGC from its start, with no limit, unless
// the environment sets GOGC or GOMEMLIMIT.
func TestRelaxWindowGC(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(100)
	runtime.GC()
	RelaxWindowGC()
	if p := gcPercent(); p != relaxedGOGC {
		t.Fatalf("GOGC is %d, want %d", p, relaxedGOGC)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Fatalf("the memory limit is %d, want none", l)
	}
	debug.SetGCPercent(100)
	t.Setenv("GOGC", "150")
	RelaxWindowGC()
	if p := gcPercent(); p != 100 {
		t.Fatalf("with GOGC set in the environment GOGC became %d, want it left at 100", p)
	}
}
