// Package profile writes a CPU profile and a heap profile of a provider process into the
// directory named by BENCH_PPROF_DIR, for the benchmark's -pprof flag.
package profile

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// EnvDir names the directory profiles are written to; unset means no profiling.
const EnvDir = "BENCH_PPROF_DIR"

// Start starts CPU profiling when EnvDir is set and returns the function that stops it and
// writes the heap profile; it returns a no-op when EnvDir is unset or profiling cannot start.
func Start(binary string) (stop func()) {
	dir := os.Getenv(EnvDir)
	if dir == "" {
		return func() {}
	}
	name := func(kind string) string {
		return filepath.Join(dir, fmt.Sprintf("%s-%s-%d.pprof", binary, kind, os.Getpid()))
	}
	cpu, err := os.Create(name("cpu"))
	if err != nil {
		log.Printf("profile: %v", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Printf("profile: %v", err)
		_ = cpu.Close()
		return func() {}
	}
	done := make(chan struct{})
	go peakHeap(name("peakheap"), done)
	return func() {
		close(done)
		pprof.StopCPUProfile()
		_ = cpu.Close()
		if heap, err := os.Create(name("heap")); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(heap, 0)
			_ = heap.Close()
		}
	}
}

// peakHeap writes a heap profile to path whenever the live heap (as of the last GC) is larger
// than at any earlier check, so the profile shows what the process held at its peak.
func peakHeap(path string, done <-chan struct{}) {
	var peak uint64
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc <= peak+peak/10 {
			continue
		}
		peak = ms.HeapAlloc
		for kind, p := range map[string]string{"heap": path, "goroutine": path + ".goroutines"} {
			if f, err := os.Create(p); err == nil {
				_ = pprof.Lookup(kind).WriteTo(f, 0)
				_ = f.Close()
			}
		}
	}
}
