//go:build unix && !linux

package main

import (
	"runtime"
	"syscall"
)

func setParentDeathSignal(*syscall.SysProcAttr) {}

// maxRSSBytes converts ru_maxrss: bytes on macOS, KiB on the BSDs.
func maxRSSBytes(v int64) int64 {
	if runtime.GOOS == "darwin" {
		return v
	}
	return v << 10
}
