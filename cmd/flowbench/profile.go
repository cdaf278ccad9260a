package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of this process to the file named by the environment
// variable FLOWBENCH_CPUPROFILE, if set (a developer's tool, README "Developing"); the
// returned function ends it. A profile that cannot be started is reported and skipped.
func startProfile() func() {
	path := os.Getenv("FLOWBENCH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "flowbench: FLOWBENCH_CPUPROFILE:", err)
		if f != nil {
			f.Close()
		}
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
