// Command terraform-provider-signalfx is the Terraform provider for SignalFx org tokens.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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

	// providerserver.Serve would build the framework's server itself; tf6server.Serve, which
	// it calls with these same options, lets the server be wrapped (provider.NewProtocol6Server).
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/orgtokens/signalfx", provider.NewProtocol6Server(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
