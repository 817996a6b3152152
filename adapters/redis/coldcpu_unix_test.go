//go:build unix

package redis

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used, user and system: on
// a shared machine it moves less than the time on the clock.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
