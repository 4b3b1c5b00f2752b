// Package provider implements the signalfx Terraform provider: its configuration, the
// signalfx_org_token resource, data sources and ephemeral resource.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

var (
	_ provider.Provider                       = (*signalfxProvider)(nil)
	_ provider.ProviderWithValidateConfig     = (*signalfxProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*signalfxProvider)(nil)
)

// New returns a function that builds the provider, for providerserver.Serve and tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &signalfxProvider{version: version, getenv: osGetenv}
	}
}

type signalfxProvider struct {
	version string
	// getenv reads the environment fallbacks; tests replace it instead of mutating os.Environ.
	getenv func(string) string
}

type providerModel struct {
	Realm               types.String `tfsdk:"realm"`
	APIURL              types.String `tfsdk:"api_url"`
	AuthToken           types.String `tfsdk:"auth_token"`
	TimeoutSeconds      types.Int64  `tfsdk:"timeout_seconds"`
	RetryMaxAttempts    types.Int64  `tfsdk:"retry_max_attempts"`
	RetryWaitMinSeconds types.Int64  `tfsdk:"retry_wait_min_seconds"`
	RetryWaitMaxSeconds types.Int64  `tfsdk:"retry_wait_max_seconds"`
	RateLimitTimeout    types.Int64  `tfsdk:"rate_limit_timeout_seconds"`
}

// providerData is what Configure hands to resources, data sources and ephemeral resources.
type providerData struct {
	client *sfx.Client
}

func (p *signalfxProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "signalfx"
	resp.Version = p.version
}

func (p *signalfxProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages SignalFx (Splunk Observability Cloud) org tokens. The provider authenticates " +
			"with an org administrator's **session** token (a user API access token), not with an org token.",
		Attributes: map[string]schema.Attribute{
			"realm": schema.StringAttribute{
				MarkdownDescription: "The SignalFx realm, such as `us0`, `us1`, `eu0` or `jp0`: the API is `https://api.<realm>.signalfx.com`. " +
					"When neither `realm` nor `api_url` is set, the `SFX_API_URL` environment variable is used, then `SFX_REALM`, " +
					"then the realm `" + defaultRealm + "`. Conflicts with `api_url`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(realmPattern, realmHint)},
			},
			"api_url": schema.StringAttribute{
				MarkdownDescription: "The API's base URL, overriding `realm`, such as `https://api.us1.signalfx.com`. It must use https, " +
					"or http to a loopback host (for a local emulator). When neither `api_url` nor `realm` is set, the `SFX_API_URL` environment " +
					"variable is used (before `SFX_REALM`). Conflicts with `realm`.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.ConflictsWith(path.MatchRoot("realm")),
					apiURLValidator{},
				},
			},
			"auth_token": schema.StringAttribute{
				MarkdownDescription: "An org administrator's session token (user API access token). Org tokens cannot manage org tokens. " +
					"Falls back to the `SFX_AUTH_TOKEN` environment variable; one of the two is required.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"timeout_seconds": schema.Int64Attribute{
				MarkdownDescription: "How long one HTTP attempt may take, in seconds, before it is abandoned (and retried, when it is safe to). " +
					"Defaults to " + itoa(defaultTimeoutSeconds) + ".",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 600)},
			},
			"retry_max_attempts": schema.Int64Attribute{
				MarkdownDescription: "How many times a read, update or delete that failed (a connection error, a timeout or a 5xx answer) is retried. " +
					"Creates and rotations are never retried after such a failure: the provider looks the token up instead, so nothing is created or rotated twice. " +
					"Answers of `429 Too Many Requests` do not count: `rate_limit_timeout_seconds` bounds them. " +
					"Defaults to " + itoa(defaultRetryMax) + "; 0 disables these retries.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"rate_limit_timeout_seconds": schema.Int64Attribute{
				MarkdownDescription: "How long, in seconds, one API call keeps retrying while the API answers `429 Too Many Requests` (its rate limit). " +
					"A 429 applies nothing, so every call is retried, creates and rotations included, after the API's `Retry-After` " +
					"(up to `retry_wait_max_seconds`) or, without one, between `retry_wait_min_seconds` and twice that, and never less than a second. " +
					"Defaults to " + itoa(defaultRateLimitTimeout) + "; 0 disables these retries.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 3600)},
			},
			"retry_wait_min_seconds": schema.Int64Attribute{
				MarkdownDescription: "Shortest wait between retries, in seconds; 0 for no minimum (the waits after failures still " +
					"grow from one second). Defaults to " + itoa(defaultRetryWaitMin) + ".",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 300)},
			},
			"retry_wait_max_seconds": schema.Int64Attribute{
				MarkdownDescription: "Longest wait between retries, in seconds; a `Retry-After` from the API is honoured up to this. " +
					"0 retries failures at once; after a `429` the provider waits at least a second whatever the waits are set to. " +
					"Defaults to " + itoa(defaultRetryWaitMax) + ".",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 600)},
			},
		},
	}
}

func (p *signalfxProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(checkRetryWaits(m)...)
}

func (p *signalfxProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, diags := resolveClientConfig(m, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = userAgent(p.version, req.TerraformVersion)
	cfg.Logger = clientLogger{}
	client, err := sfx.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create SignalFx Client", err.Error())
		return
	}
	tflog.Debug(ctx, "configured SignalFx client", map[string]any{"api_url": cfg.BaseURL})
	data := &providerData{client: client}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

func (p *signalfxProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewOrgTokenResource}
}

func (p *signalfxProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewOrgTokenDataSource, NewOrgTokensDataSource}
}

func (p *signalfxProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewOrgTokenEphemeralResource}
}
