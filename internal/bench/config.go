package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/tfcli"
)

// subject is what a configuration manages N of.
type subject struct {
	name string
	// api says whether it calls the emulator; the baselines make no API calls at all.
	api bool
	// config returns the configuration of n resources whose names start with prefix.
	config func(n int, prefix string) string
	// env is added to the environment of the terraform commands, and so of the providers.
	env []string
}

// sdkTraceEnv sets the log levels of terraform-plugin-go, the framework and the providers'
// own loggers to TRACE, their level when unset: a provider run with it behaves as one that
// does not call provider.SilenceDroppedLogs, so the log subjects show what that saves.
var sdkTraceEnv = []string{
	"TF_LOG_SDK=TRACE", "TF_LOG_SDK_PROTO=TRACE", "TF_LOG_SDK_FRAMEWORK=TRACE",
	"TF_LOG_PROVIDER_SIGNALFX=TRACE", "TF_LOG_PROVIDER_NOOP=TRACE",
}

var (
	subjectSignalfx = subject{name: "signalfx", api: true, config: func(n int, prefix string) string {
		return providerConfig("signalfx", tfcli.ProviderSource, n, prefix)
	}}
	subjectNoop = subject{name: "noop", config: func(n int, prefix string) string {
		return providerConfig("noop", noopSource, n, prefix)
	}}
	subjectTerraformData = subject{name: "terraform_data", config: terraformDataConfig}
	// subjects is the order of the first repetition; later ones rotate it.
	subjects = []subject{subjectSignalfx, subjectNoop, subjectTerraformData}

	// The log subjects are the two providers with the SDK's loggers at TRACE, as they are in
	// any framework provider that leaves them alone; they run at the smallest N only.
	subjectSignalfxLogs = subject{name: "signalfx+logs", api: true, config: subjectSignalfx.config, env: sdkTraceEnv}
	subjectNoopLogs     = subject{name: "noop+logs", config: subjectNoop.config, env: sdkTraceEnv}
	logSubjects         = []subject{subjectSignalfxLogs, subjectNoopLogs}
	// allSubjects is the order of the rows in the report.
	allSubjects = append(slices.Clone(subjects), logSubjects...)
)

const descriptionVar = `variable "description" {
  type = string
}
`

// providerConfig is n org tokens of the named provider (signalfx or noop, whose resources
// have the same schema): a name, a description the update changes, and a scope.
func providerConfig(local, source string, n int, prefix string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    %[1]s = {
      source = %[2]q
    }
  }
}

%[5]s
resource "%[1]s_org_token" "bench" {
  count       = %[3]d
  name        = format("%[4]s%%05d", count.index)
  description = var.description
  auth_scopes = ["INGEST"]
}
`, local, source, n, prefix, descriptionVar)
}

// terraformDataConfig is Terraform's own floor: n built-in resources holding the same values.
func terraformDataConfig(n int, prefix string) string {
	return fmt.Sprintf(`%[3]s
resource "terraform_data" "bench" {
  count = %[1]d
  input = {
    name        = format("%[2]s%%05d", count.index)
    description = var.description
    auth_scopes = ["INGEST"]
  }
}
`, n, prefix, descriptionVar)
}

// dataSourceConfig lists every token with the org_tokens data source of the named provider
// (signalfx, or noop, whose data source has the same schema).
func dataSourceConfig(local, source string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    %[1]s = {
      source = %[2]q
    }
  }
}

data "%[1]s_org_tokens" "all" {}

output "listed" {
  value = length(data.%[1]s_org_tokens.all.names)
}
`, local, source)
}

// operation is one measured terraform command.
type operation struct {
	name    string
	args    []string
	okCodes []int
	// perToken is the API requests the signalfx provider should make per token, by route.
	perToken map[string]int64
}

var operations = []operation{
	{name: "create", args: []string{"apply", "-auto-approve", "-input=false", "-no-color", "-var", "description=v1"},
		okCodes: []int{0}, perToken: map[string]int64{emulator.RouteCreate: 1}},
	// -detailed-exitcode: exit 2 would be a perpetual diff, which fails the run.
	{name: "plan", args: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", "-var", "description=v1"},
		okCodes: []int{0}, perToken: map[string]int64{emulator.RouteGet: 1}},
	// Update and destroy skip the refresh (measured by plan), so each row shows one
	// operation's own work: apply of a saved plan behaves the same.
	{name: "update", args: []string{"apply", "-auto-approve", "-input=false", "-no-color", "-refresh=false", "-var", "description=v2"},
		okCodes: []int{0}, perToken: map[string]int64{emulator.RouteGet: 1, emulator.RouteUpdate: 1}},
	{name: "destroy", args: []string{"destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false", "-var", "description=v2"},
		okCodes: []int{0}, perToken: map[string]int64{emulator.RouteDelete: 1}},
}

// requestsPerToken is the number of API requests per token of op.
func (op operation) requestsPerToken() int64 {
	var n int64
	for _, c := range op.perToken {
		n += c
	}
	return n
}

// checkRequests compares what the emulator counted with what n tokens of op should cost:
// exactly the expected requests by route, every one answered 2xx, nothing else.
func checkRequests(got []emulator.RouteCount, want map[string]int64, n int) []string {
	var problems []string
	counted := map[string]int64{}
	for _, c := range got {
		if c.Status < 200 || c.Status > 299 {
			problems = append(problems, fmt.Sprintf("%d %s %s answered %d", c.Count, c.Method, c.Route, c.Status))
			continue
		}
		counted[c.Route] += c.Count
	}
	for route, per := range want {
		if counted[route] != per*int64(n) {
			problems = append(problems, fmt.Sprintf("%s: %d requests, want %d", route, counted[route], per*int64(n)))
		}
		delete(counted, route)
	}
	for route, c := range counted {
		problems = append(problems, fmt.Sprintf("%s: %d unexpected requests", route, c))
	}
	return problems
}

// formatRequests renders counts as "get 100, update 100", with statuses other than 2xx
// shown as "create 100 + 429×37".
func formatRequests(counts []emulator.RouteCount) string {
	if len(counts) == 0 {
		return "none"
	}
	var order []string
	ok := map[string]int64{}
	other := map[string][]string{}
	for _, c := range counts {
		if _, seen := ok[c.Route]; !seen && len(other[c.Route]) == 0 {
			order = append(order, c.Route)
		}
		if c.Status >= 200 && c.Status <= 299 {
			ok[c.Route] += c.Count
		} else {
			ok[c.Route] += 0
			other[c.Route] = append(other[c.Route], fmt.Sprintf("%d×%d", c.Status, c.Count))
		}
	}
	parts := make([]string, 0, len(order))
	for _, r := range order {
		p := fmt.Sprintf("%s %d", r, ok[r])
		if len(other[r]) > 0 {
			p += " + " + strings.Join(other[r], " + ")
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
