//go:build !unix

package redis

import "time"

// processCPU is unknown here.
func processCPU() time.Duration { return 0 }
