//go:build unix

package nodes_test

import "syscall"

// cpuSeconds is the CPU time (user + system) of this process and of its waited-for children
// (the ffmpeg processes), so a benchmark can report work apart from a busy machine's waits.
func cpuSeconds() float64 {
	var total float64
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			total += float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		}
	}
	return total
}
