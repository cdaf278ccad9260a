//go:build !unix

package storage_test

func cpuMS() float64 { return 0 }
