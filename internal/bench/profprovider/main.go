// Command profprovider serves the signalfx provider as the repository's main.go does,
// and writes a CPU profile and a heap profile of each process into the directory named by
// BENCH_PPROF_DIR. The benchmark builds it instead of main.go when run with -pprof, to find
// where a missed target's time goes:
//
//	go run ./internal/bench -pprof /tmp/prof -only datasource
//	go tool pprof -top /tmp/prof/signalfx-cpu-*.pprof
package main

import (
	"log"

	"github.com/orgtokens/terraform-provider-signalfx/internal/bench/profile"
	"github.com/orgtokens/terraform-provider-signalfx/internal/provider"
)

func main() {
	stop := profile.Start("signalfx")
	err := provider.Serve("bench", false)
	stop()
	if err != nil {
		log.Fatal(err.Error())
	}
}
