//go:build unix

package storage_test

import "syscall"

// cpuMS is this process's CPU time (user + system) in ms, so a benchmark can report its work
// apart from a busy machine's waits.
func cpuMS() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec)*1000 + float64(ru.Utime.Usec+ru.Stime.Usec)/1000
}
