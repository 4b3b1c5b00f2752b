package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*orgTokenEphemeralResource)(nil)
)

// NewOrgTokenEphemeralResource returns the signalfx_org_token ephemeral resource.
func NewOrgTokenEphemeralResource() ephemeral.EphemeralResource {
	return &orgTokenEphemeralResource{}
}

type orgTokenEphemeralResource struct {
	client *sfx.Client
}

type orgTokenEphemeralModel struct {
	Name      types.String `tfsdk:"name"`
	Secret    types.String `tfsdk:"secret"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	Disabled  types.Bool   `tfsdk:"disabled"`
}

// ephemeralAttributeNames are the computed attributes of orgTokenEphemeralModel.
var ephemeralAttributeNames = []string{"secret", "expires_at", "disabled"}

func (e *orgTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_token"
}

func (e *orgTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = orgTokenEphemeralSchema()
}

func orgTokenEphemeralSchema() schema.Schema {
	attrs := computedEphemeralAttributes(ephemeralAttributeNames...)
	_, nameDescription := resourceAttribute("name")
	attrs["name"] = schema.StringAttribute{
		MarkdownDescription: nameDescription,
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	return schema.Schema{
		MarkdownDescription: "Reads an existing SignalFx (Splunk Observability Cloud) org token's secret by the token's exact " +
			"name, without storing it in the plan or the state (Terraform 1.10 and later). Pass `secret` to a write-only " +
			"argument of another provider (for example `data_wo` of `kubernetes_secret_v1`), to a provider configuration, " +
			"or to another ephemeral resource, and it is never written to any Terraform artifact.\n\n" +
			"Opening it only reads the token (one `GET /v2/token/{name}`): it never creates, rotates or changes the token, " +
			"however often Terraform opens it during plan and apply. A token that does not exist is an error.",
		Attributes: attrs,
	}
}

func (e *orgTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (e *orgTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	full := readNamedToken(ctx, e.client, req.Config, "opened org token", &resp.Diagnostics)
	if full == nil {
		return
	}
	result := orgTokenEphemeralModel{Name: full.Name, Secret: full.Secret, ExpiresAt: full.ExpiresAt, Disabled: full.Disabled}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &result)...)
}
