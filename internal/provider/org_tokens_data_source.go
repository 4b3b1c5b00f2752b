package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

var (
	_ datasource.DataSourceWithConfigure = (*orgTokensDataSource)(nil)
)

// orgTokensPageSize is the page size the list asks for. A server that serves smaller pages
// is paged through all the same; one that honours it lists the API's maximum of 10,000
// tokens in 10 requests.
const orgTokensPageSize = 1000

// NewOrgTokensDataSource returns the signalfx_org_tokens data source.
func NewOrgTokensDataSource() datasource.DataSource {
	return &orgTokensDataSource{}
}

type orgTokensDataSource struct {
	client *sfx.Client
}

type orgTokensDataSourceModel struct {
	NameContains  types.String `tfsdk:"name_contains"`
	AuthScope     types.String `tfsdk:"auth_scope"`
	Disabled      types.Bool   `tfsdk:"disabled"`
	ExpiresBefore types.String `tfsdk:"expires_before"`
	Names         types.List   `tfsdk:"names"`
	Tokens        types.List   `tfsdk:"tokens"`
}

// summaryAttributeNames are the attributes of each element of tokens: the API-backed ones
// without the secret and without those that can hold secrets (notifications carry webhook
// secrets) or that an audit list does not need (limits, permissions).
var summaryAttributeNames = []string{
	"name", "id", "description", "auth_scopes", "disabled", "expires_at",
	"created_at", "created_by", "last_updated_at", "last_updated_by", "latest_rotation_at",
}

// summarize builds one element of tokens from a model flattenToken filled, so that the list
// and the single-token data source share one mapping from the API. It builds the object
// directly rather than by reflection: a list can hold 10,000 tokens.
func summarize(m *orgTokenAPIModel, objectType types.ObjectType) (types.Object, diag.Diagnostics) {
	return types.ObjectValue(objectType.AttrTypes, map[string]attr.Value{
		"name": m.Name, "id": m.ID, "description": m.Description, "auth_scopes": m.AuthScopes, "disabled": m.Disabled,
		"expires_at": m.ExpiresAt, "created_at": m.CreatedAt, "created_by": m.CreatedBy,
		"last_updated_at": m.LastUpdatedAt, "last_updated_by": m.LastUpdatedBy, "latest_rotation_at": m.LatestRotationAt,
	})
}

func (d *orgTokensDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_tokens"
}

func (d *orgTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = orgTokensDataSourceSchema()
}

func orgTokensDataSourceSchema() schema.Schema {
	tokenAttrs := computedDataSourceAttributes(summaryAttributeNames...)
	tokenAttrs["name"] = schema.StringAttribute{MarkdownDescription: "The token's name.", Computed: true}
	return schema.Schema{
		MarkdownDescription: "Lists the SignalFx (Splunk Observability Cloud) org tokens, optionally filtered, " +
			"without their secrets: for audits, and to find tokens made outside this configuration. " +
			"All filters must match. `name_contains` is applied by the API's search; the other filters are applied " +
			"to the search results. The API returns at most 10,000 tokens for one search: when the search reaches " +
			"that cap, a warning says the list may be incomplete.",
		Attributes: map[string]schema.Attribute{
			"name_contains": schema.StringAttribute{
				MarkdownDescription: "Keeps the tokens whose name contains this string, as the API's search matches it " +
					"(a substring, anywhere in the name). Omit it to list every token.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"auth_scope": schema.StringAttribute{
				MarkdownDescription: "Keeps the tokens that have this scope: one of `API`, `INGEST` and `RUM`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(sfx.ScopeAPI, sfx.ScopeIngest, sfx.ScopeRUM)},
			},
			"disabled": schema.BoolAttribute{
				MarkdownDescription: "Keeps only disabled tokens when `true`, only enabled ones when `false`. Omit it to keep both.",
				Optional:            true,
			},
			"expires_before": schema.StringAttribute{
				MarkdownDescription: "Keeps the tokens whose secret expires before this instant, an RFC 3339 timestamp such as " +
					"`\"2026-07-01T00:00:00Z\"`; `timeadd(plantimestamp(), \"720h\")` finds the tokens expiring within 30 days. " +
					"Tokens that have already expired match too; tokens without an expiry never do.",
				Optional:   true,
				Validators: []validator.String{rfc3339Validator{}},
			},
			"names": schema.ListAttribute{
				MarkdownDescription: "The names of the matching tokens, sorted.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"tokens": schema.ListNestedAttribute{
				MarkdownDescription: "The matching tokens, in the order of `names`, with their attributes except the secret, " +
					"limits, notifications and permissions. Read one token's secret with the `signalfx_org_token` " +
					"ephemeral resource or data source.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: tokenAttrs},
			},
		},
	}
}

func (d *orgTokensDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// tokenFilter is the configuration's filters, applied to each search result.
type tokenFilter struct {
	scope         string
	disabled      *bool
	expiresBefore *time.Time
}

func newTokenFilter(m *orgTokensDataSourceModel) (tokenFilter, error) {
	var f tokenFilter
	f.scope = m.AuthScope.ValueString()
	if !m.Disabled.IsNull() {
		v := m.Disabled.ValueBool()
		f.disabled = &v
	}
	if !m.ExpiresBefore.IsNull() {
		t, err := parseRFC3339(m.ExpiresBefore.ValueString())
		if err != nil {
			return f, err
		}
		f.expiresBefore = &t
	}
	return f, nil
}

func (f tokenFilter) keep(t *sfx.Token) bool {
	if f.scope != "" && !slices.Contains(t.AuthScopes, f.scope) {
		return false
	}
	if f.disabled != nil && t.Disabled != *f.disabled {
		return false
	}
	if f.expiresBefore != nil && (t.Expiry <= 0 || !time.UnixMilli(t.Expiry).Before(*f.expiresBefore)) {
		return false
	}
	return true
}

func (d *orgTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m orgTokensDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !requireClient(d.client, &resp.Diagnostics) {
		return
	}
	filter, err := newTokenFilter(&m)
	if err != nil { // the validator has reported it already; this guards a value it did not see
		resp.Diagnostics.AddError("Invalid Timestamp", fmt.Sprintf("expires_before: %s.", err))
		return
	}
	res, err := d.client.SearchTokens(ctx, sfx.SearchOptions{NameContains: m.NameContains.ValueString(), PageSize: orgTokensPageSize})
	if err != nil {
		what := "all org tokens"
		if !m.NameContains.IsNull() {
			what = fmt.Sprintf("the org tokens whose names contain %q", m.NameContains.ValueString())
		}
		resp.Diagnostics.AddError("Unable to List Org Tokens", sentence(fmt.Sprintf("Could not list %s: %s", what, err))+listHint(err))
		return
	}
	tflog.Debug(ctx, "listed org tokens", map[string]any{"count": res.Count, "fetched": len(res.Tokens), "requests": res.Requests})
	if res.Count >= sfx.MaxSearchResults {
		resp.Diagnostics.AddWarning("Org Token List May Be Incomplete",
			fmt.Sprintf("The search matched at least %d tokens, the most SignalFx returns for one search, so some tokens may be missing "+
				"from names and tokens. Narrow the search with name_contains.", sfx.MaxSearchResults))
	}

	kept := make([]*sfx.Token, 0, len(res.Tokens))
	for i := range res.Tokens {
		if filter.keep(&res.Tokens[i]) {
			kept = append(kept, &res.Tokens[i])
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Name < kept[j].Name })

	tokenType := orgTokensDataSourceSchema().Attributes["tokens"].(schema.ListNestedAttribute).NestedObject.Type().(types.ObjectType)
	names := make([]attr.Value, len(kept))
	tokens := make([]attr.Value, len(kept))
	for i, t := range kept {
		var full orgTokenAPIModel
		resp.Diagnostics.Append(flattenToken(ctx, t, &full, nil)...)
		var diags diag.Diagnostics
		tokens[i], diags = summarize(&full, tokenType)
		resp.Diagnostics.Append(diags...)
		names[i] = full.Name
		if resp.Diagnostics.HasError() {
			return
		}
	}
	var diags diag.Diagnostics
	m.Names, diags = types.ListValue(types.StringType, names)
	resp.Diagnostics.Append(diags...)
	m.Tokens, diags = types.ListValue(tokenType, tokens)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// listHint says what to do about a failed search: where the credentials of a refused search
// are set (the client's error already says which kind of token the API needs), or what to
// change when the rate limit or the timeout gave out.
func listHint(err error) string {
	apiErr, isAPI := errors.AsType[*sfx.APIError](err)
	reqErr, isReq := errors.AsType[*sfx.RequestError](err)
	switch {
	case sfx.IsUnauthorized(err):
		return " Check the provider's auth_token, or the " + envAuthToken + " environment variable."
	case isAPI && apiErr.StatusCode == http.StatusTooManyRequests:
		return " SignalFx's rate limit refused the search until the provider's rate_limit_timeout_seconds ran out: " +
			"raise it, or run again later."
	case isReq && timedOut(reqErr.Err):
		return " SignalFx did not answer within the provider's timeout_seconds: raise it if the API is slow."
	}
	return ""
}
