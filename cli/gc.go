package cli

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A command does not collect garbage at all until the memory it has taken from the system
// reaches noGCLimit: most commands allocate far less before they exit, which gives the
// memory back (a full run of a 10,000-node chain allocates ~90 MB and collected twice at
// GOGC 400, ~15 % of its CPU; docs/PERFORMANCE.md, "The CLI's whole process"). A command that
// reaches the limit collects from then on at relaxedGOGC, and as usual (GOGC 100) once what
// it keeps alive passes bigLiveHeap.
const noGCLimit = 256 << 20

// relaxedGOGC is the GOGC of a command past noGCLimit while what it keeps alive is small:
// the heap may grow to five times what is live.
const relaxedGOGC = 400

// bigLiveHeap is the live heap from which a command collects garbage as usual again: a long
// batch of media work keeps decoded images alive, and five times that is too much memory.
const bigLiveHeap = 256 << 20

// relaxGC sets the command's collection policy (noGCLimit, relaxedGOGC, bigLiveHeap) unless
// GOGC or GOMEMLIMIT is set in the environment: then the environment decides.
func relaxGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	noGCUntil(noGCLimit, bigLiveHeap)
}

// RelaxWindowGC sets the window process's collection policy unless GOGC or GOMEMLIMIT is set
// in the environment: relaxedGOGC while what it keeps alive is small, GOGC 100 once that passes
// bigLiveHeap. A window lives for hours, so it collects from the start (no noGCLimit); with a
// 10,000-node workflow open (~100 MB live) collections at GOGC 100 came every run or two, each
// ~30 ms on the other core and assists on this one, and Run changed of an edited draft waited
// for them (docs/PERFORMANCE.md, "The window's Run of an edited large graph").
func RelaxWindowGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(relaxedGOGC)
	watchLiveHeap(bigLiveHeap)
}

// gcPolicy is the collection policy last set in this process, counted. Its watchers act only
// while it is the latest: setting one again (each command run in a test process does) retires
// the watchers of the one before, whose finalizers would otherwise change GOGC under it. A
// watcher checks and acts under gcPolicyMu, so a retired one never acts after the new policy.
var (
	gcPolicyMu sync.Mutex
	gcPolicy   uint64
)

// newGCPolicy retires the policy before and returns the new one's number; the caller holds
// gcPolicyMu.
func newGCPolicy() uint64 {
	gcPolicy++
	return gcPolicy
}

// noGCUntil turns collection off under the memory limit limit; after the first collection
// (the limit reached) it collects at relaxedGOGC with no limit, and at GOGC 100 once the live
// heap passes big.
func noGCUntil(limit int64, big uint64) {
	gcPolicyMu.Lock()
	defer gcPolicyMu.Unlock()
	policy := newGCPolicy()
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(limit)
	afterGC(func() bool {
		gcPolicyMu.Lock()
		defer gcPolicyMu.Unlock()
		if gcPolicy == policy {
			debug.SetGCPercent(relaxedGOGC)
			debug.SetMemoryLimit(math.MaxInt64)
			watchLive(policy, big)
		}
		return false
	})
}

// gcTick is an object whose finalizer runs after the collection that found it unreachable.
type gcTick struct{ _ [32]byte }

// afterGC calls f after each collection (a finalizer re-armed each cycle) until f returns false.
func afterGC(f func() bool) {
	var tick func(*gcTick)
	tick = func(*gcTick) {
		if f() {
			runtime.SetFinalizer(&gcTick{}, tick)
		}
	}
	runtime.SetFinalizer(&gcTick{}, tick)
}

// watchLiveHeap reads the live heap now and after each collection, and sets GOGC back to 100
// once it passes limit. It is a policy of its own: it retires the watchers set before it.
func watchLiveHeap(limit uint64) {
	gcPolicyMu.Lock()
	defer gcPolicyMu.Unlock()
	watchLive(newGCPolicy(), limit)
}

// watchLive is watchLiveHeap for policy; the caller holds gcPolicyMu.
func watchLive(policy uint64, limit uint64) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	small := func() bool {
		if gcPolicy != policy {
			return false
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > limit {
			debug.SetGCPercent(100)
			return false
		}
		return true
	}
	if small() {
		afterGC(func() bool {
			gcPolicyMu.Lock()
			defer gcPolicyMu.Unlock()
			return small()
		})
	}
}
