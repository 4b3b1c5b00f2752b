package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

var (
	_ datasource.DataSourceWithConfigure = (*orgTokenDataSource)(nil)
)

// NewOrgTokenDataSource returns the signalfx_org_token data source.
func NewOrgTokenDataSource() datasource.DataSource {
	return &orgTokenDataSource{}
}

type orgTokenDataSource struct {
	client *sfx.Client
}

func (d *orgTokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_token"
}

func (d *orgTokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = orgTokenDataSourceSchema()
}

// orgTokenDataSourceSchema is every API-backed attribute of the resource, computed, with
// name required: the data source's model is orgTokenAPIModel itself.
func orgTokenDataSourceSchema() schema.Schema {
	attrs := computedDataSourceAttributes(apiAttributeNames()...)
	_, nameDescription := resourceAttribute("name")
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: nameDescription,
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	return schema.Schema{
		MarkdownDescription: "Reads one SignalFx (Splunk Observability Cloud) org token by its exact name, including its " +
			"secret, whoever created it: in the UI, through the API, or in another Terraform configuration. " +
			"The attributes are those of the `signalfx_org_token` resource. A token that does not exist is an error. " +
			"The secret is stored in the Terraform state like every data source attribute; to hand it to another " +
			"system without storing it, use the `signalfx_org_token` ephemeral resource instead.",
		Attributes: attrs,
	}
}

func (d *orgTokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *orgTokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if state := readNamedToken(ctx, d.client, req.Config, "read org token", &resp.Diagnostics); state != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}
