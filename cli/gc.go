package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// relaxedGOGC is the GOGC of a command while what it keeps alive is small: collecting
// garbage less often (the heap may grow to five times what is live, given back at exit)
// saves ~10 % of a 10,000-node run's CPU (docs/PERFORMANCE.md, "The cost of a run").
const relaxedGOGC = 400

// bigLiveHeap is the live heap from which a command collects garbage as usual again: a long
// batch of media work keeps decoded images alive, and five times that is too much memory.
const bigLiveHeap = 256 << 20

// relaxGC sets relaxedGOGC unless GOGC is set in the environment, and watches the live heap
// after each collection, going back to the default (100) for good once it passes
// bigLiveHeap.
func relaxGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(relaxedGOGC)
	watchLiveHeap(bigLiveHeap)
}

// gcTick is an object whose finalizer runs after the collection that found it unreachable.
type gcTick struct{ _ [32]byte }

// watchLiveHeap reads the live heap after each collection (a finalizer re-armed each cycle)
// and sets GOGC back to 100 once it passes limit.
func watchLiveHeap(limit uint64) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var tick func(*gcTick)
	tick = func(*gcTick) {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > limit {
			debug.SetGCPercent(100)
			return
		}
		runtime.SetFinalizer(&gcTick{}, tick)
	}
	runtime.SetFinalizer(&gcTick{}, tick)
}
