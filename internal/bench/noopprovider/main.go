// Command noopprovider is the benchmark's plugin-protocol floor: a terraform-plugin-framework
// provider ("orgtokens/noop") whose noop_org_token resource has the shape of
// signalfx_org_token (the same attributes, types, nesting, defaults and plan modifiers) but
// makes no API calls. Create and Update echo the plan into state, filling unknown computed
// values with fixed strings; Read keeps the state; Delete does nothing. Its noop_org_tokens
// data source has the shape of signalfx_org_tokens and lists BENCH_NOOP_TOKENS made-up
// tokens. Like the provider built by -pprof, it writes profiles when BENCH_PPROF_DIR is set.
// It is served as the real provider is, with the loggers nobody reads turned off
// (provider.SilenceDroppedLogs), so that what the comparison shows is the cost of the real
// provider's own work: API calls, validation, model conversion.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/orgtokens/terraform-provider-signalfx/internal/bench/profile"
	signalfx "github.com/orgtokens/terraform-provider-signalfx/internal/provider"
)

func main() {
	stop := profile.Start("noop")
	signalfx.SilenceDroppedLogs(os.Getenv, os.Setenv)
	err := providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/orgtokens/noop"})
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

var _ provider.Provider = noopProvider{}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
	resp.Version = "bench"
}

// Schema has the signalfx provider's settings, all optional and all ignored.
func (noopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A provider that makes no API calls, for benchmarks.",
		Attributes: map[string]schema.Attribute{
			"realm":                      schema.StringAttribute{Optional: true},
			"api_url":                    schema.StringAttribute{Optional: true},
			"auth_token":                 schema.StringAttribute{Optional: true, Sensitive: true},
			"timeout_seconds":            schema.Int64Attribute{Optional: true},
			"retry_max_attempts":         schema.Int64Attribute{Optional: true},
			"retry_wait_min_seconds":     schema.Int64Attribute{Optional: true},
			"retry_wait_max_seconds":     schema.Int64Attribute{Optional: true},
			"rate_limit_timeout_seconds": schema.Int64Attribute{Optional: true},
		},
	}
}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return orgTokenResource{} }}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return orgTokensDataSource{} }}
}
