package provider

import (
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Environment variables that set the log levels of the provider process. Terraform (and
// OpenTofu) show a provider's log lines only when TF_LOG or TF_LOG_PROVIDER is set; the
// others are read by terraform-plugin-go, terraform-plugin-framework and terraform-plugin-log
// inside the provider, which log at TRACE when they are unset.
const (
	envTFLog          = "TF_LOG"
	envTFLogProvider  = "TF_LOG_PROVIDER"
	envTFLogSDK       = "TF_LOG_SDK"
	envTFLogSDKProto  = "TF_LOG_SDK_PROTO"
	envTFLogFramework = "TF_LOG_SDK_FRAMEWORK"
	// envTFLogThis is the level of this provider's own logger (and its sfx subsystem):
	// TF_LOG_PROVIDER_ and the provider type of the address main.go serves.
	envTFLogThis = "TF_LOG_PROVIDER_SIGNALFX"
)

// SilenceDroppedLogs turns the provider's loggers off when Terraform is going to drop every
// line they write, and reports whether it did.
//
// terraform-plugin-go and the framework write several TRACE lines of JSON per resource and
// per validator call to the provider's stderr whatever the user asked for: with TF_LOG and
// TF_LOG_PROVIDER both unset Terraform reads them from the pipe and throws them away. Encoding
// them was about a fifth of the provider's CPU in a plan of many tokens (BENCHMARKS.md). With
// either variable set nothing changes, and neither does it when the provider runs on its own
// with -debug, where its output is the log; a level set explicitly is left alone.
func SilenceDroppedLogs(getenv func(string) string, setenv func(string, string) error) bool {
	if getenv(envTFLog) != "" || getenv(envTFLogProvider) != "" {
		return false
	}
	for _, v := range []string{envTFLogSDK, envTFLogSDKProto, envTFLogFramework, envTFLogThis} {
		if getenv(v) == "" {
			if err := setenv(v, "OFF"); err != nil {
				return false
			}
		}
	}
	return true
}

// Address is the provider's registry address.
const Address = "registry.terraform.io/orgtokens/signalfx"

// Serve serves the provider over the plugin protocol until Terraform stops it: main.go and
// the benchmark's profiling build both call it, so they measure the same thing. With debug it
// runs in managed debug mode, printing the TF_REATTACH_PROVIDERS value to use.
func Serve(version string, debug bool) error {
	// providerserver.Serve would build the framework's server itself; tf6server.Serve, which
	// it calls with these same options, lets the server be wrapped (NewProtocol6Server).
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		SilenceDroppedLogs(os.Getenv, os.Setenv)
	}
	return tf6server.Serve(Address, NewProtocol6Server(version), opts...)
}
