//go:build unix

package query

import "syscall"

// cpuTime returns the CPU time this process has used, in nanoseconds, or
// -1 when it cannot tell. Benchmarks report throughput per CPU second
// beside the wall-clock figure, since the machines they run on are shared.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
