// Command terraform-provider-signalfx is the Terraform provider for SignalFx org tokens.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/orgtokens/terraform-provider-signalfx/internal/provider"
)

// version and commit are set at release time with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the version and exit")
	flag.Parse()

	if showVersion {
		fmt.Printf("terraform-provider-signalfx %s (commit %s)\n", version, commit)
		os.Exit(0)
	}

	err := provider.Serve(version, debug)
	if err != nil {
		log.Fatal(err.Error())
	}
}
