package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// envTokens is how many tokens noop_org_tokens lists; it is an environment variable rather
// than an attribute so that the schema keeps the shape of signalfx_org_tokens.
const envTokens = "BENCH_NOOP_TOKENS"

var _ datasource.DataSource = orgTokensDataSource{}

// orgTokensDataSource is noop_org_tokens: the shape of signalfx_org_tokens, listing
// BENCH_NOOP_TOKENS made-up tokens built the way the real data source builds them.
type orgTokensDataSource struct{}

type orgTokensModel struct {
	NameContains  types.String `tfsdk:"name_contains"`
	AuthScope     types.String `tfsdk:"auth_scope"`
	Disabled      types.Bool   `tfsdk:"disabled"`
	ExpiresBefore types.String `tfsdk:"expires_before"`
	Names         types.List   `tfsdk:"names"`
	Tokens        types.List   `tfsdk:"tokens"`
}

var summaryStrings = []string{
	"name", "id", "description", "expires_at", "created_at", "created_by",
	"last_updated_at", "last_updated_by", "latest_rotation_at",
}

func (orgTokensDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_tokens"
}

func (orgTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	token := map[string]schema.Attribute{
		"auth_scopes": schema.SetAttribute{Computed: true, ElementType: types.StringType},
		"disabled":    schema.BoolAttribute{Computed: true},
	}
	for _, name := range summaryStrings {
		token[name] = schema.StringAttribute{Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists made-up org tokens, for benchmarks.",
		Attributes: map[string]schema.Attribute{
			"name_contains":  schema.StringAttribute{Optional: true},
			"auth_scope":     schema.StringAttribute{Optional: true},
			"disabled":       schema.BoolAttribute{Optional: true},
			"expires_before": schema.StringAttribute{Optional: true},
			"names":          schema.ListAttribute{Computed: true, ElementType: types.StringType},
			"tokens":         schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: token}},
		},
	}
}

func (d orgTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m orgTokensModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	n, _ := strconv.Atoi(os.Getenv(envTokens))
	attrTypes := map[string]attr.Type{"auth_scopes": types.SetType{ElemType: types.StringType}, "disabled": types.BoolType}
	for _, name := range summaryStrings {
		attrTypes[name] = types.StringType
	}
	scopes := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("INGEST")})
	names := make([]attr.Value, n)
	tokens := make([]attr.Value, n)
	for i := range n {
		name := fmt.Sprintf("noop-%05d", i)
		values := map[string]attr.Value{"auth_scopes": scopes, "disabled": types.BoolValue(false)}
		for _, a := range summaryStrings {
			values[a] = types.StringValue("2025-01-01T00:00:00.000Z")
		}
		values["name"] = types.StringValue(name)
		names[i] = values["name"]
		obj, diags := types.ObjectValue(attrTypes, values)
		resp.Diagnostics.Append(diags...)
		tokens[i] = obj
	}
	var diags diag.Diagnostics
	m.Names, diags = types.ListValue(types.StringType, names)
	resp.Diagnostics.Append(diags...)
	m.Tokens, diags = types.ListValue(types.ObjectType{AttrTypes: attrTypes}, tokens)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
