package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

// The data sources and the ephemeral resource derive their attributes from the resource
// schema (orgTokenResourceSchema): same names, same types, same nested attributes, same
// sensitivity. Only the top-level descriptions that talk about configuring a token are
// replaced by readDescriptions; everything else is the resource's text. A new API-backed
// attribute on the resource therefore appears in the data source without further work, and
// a type change cannot make the two drift.

// readDescriptions replace the resource's descriptions where those describe what setting
// the attribute does, which means nothing for a token that is only read.
var readDescriptions = map[string]string{
	"name": "The token's exact name. Names are unique in the organization and matched in full, case included: " +
		"`ingest` never finds `ingest-prod`.",
	"auth_scopes": "What the token may do: `API`, `INGEST`, or `RUM`.",
	"disabled":    "Whether the token is disabled: a disabled token cannot authenticate.",
	"limits": "The token's usage quotas, notification thresholds and rate limits; null when it has none. " +
		"Limits this provider does not model (such as `mtsmLimit`) are not shown.",
	"notifications": "Who SignalFx notifies when the token nears or exceeds a limit; null when nobody is notified.",
	"permissions":   "Who besides administrators may read or change the token; null when the token is admin-only.",
	"secret":        "The token's secret: the value clients send. It changes only when the token is rotated.",
}

// apiAttributeNames returns the attribute names of orgTokenAPIModel: every attribute the
// API backs, in field order.
func apiAttributeNames() []string {
	t := reflect.TypeFor[orgTokenAPIModel]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		names = append(names, t.Field(i).Tag.Get("tfsdk"))
	}
	return names
}

// resourceAttribute returns the resource schema's attribute called name and the description
// a read-only schema gives it.
func resourceAttribute(name string) (rschema.Attribute, string) {
	a, ok := orgTokenResourceSchema().Attributes[name]
	if !ok {
		panic(fmt.Sprintf("provider: the signalfx_org_token resource has no attribute %q", name))
	}
	if d, ok := readDescriptions[name]; ok {
		return a, d
	}
	return a, a.GetMarkdownDescription()
}

// computedDataSourceAttributes returns the named resource attributes as computed data
// source attributes.
func computedDataSourceAttributes(names ...string) map[string]dsschema.Attribute {
	out := make(map[string]dsschema.Attribute, len(names))
	for _, name := range names {
		a, description := resourceAttribute(name)
		out[name] = toDataSourceAttribute(a, description)
	}
	return out
}

// toDataSourceAttribute converts a resource attribute to a computed data source attribute
// with the same type, nested attributes and sensitivity, and the given description; nested
// attributes keep the resource's descriptions. Validators, plan modifiers and defaults are
// dropped: a computed attribute has no configuration to check. It panics on an attribute
// kind it does not know, which the schema tests catch.
func toDataSourceAttribute(a rschema.Attribute, description string) dsschema.Attribute {
	switch a := a.(type) {
	case rschema.StringAttribute:
		return dsschema.StringAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive}
	case rschema.BoolAttribute:
		return dsschema.BoolAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive}
	case rschema.Int64Attribute:
		return dsschema.Int64Attribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive}
	case rschema.SetAttribute:
		return dsschema.SetAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive, ElementType: a.ElementType}
	case rschema.ListAttribute:
		return dsschema.ListAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive, ElementType: a.ElementType}
	case rschema.SingleNestedAttribute:
		return dsschema.SingleNestedAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive,
			Attributes: nestedDataSourceAttributes(a.Attributes)}
	case rschema.ListNestedAttribute:
		return dsschema.ListNestedAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive,
			NestedObject: dsschema.NestedAttributeObject{Attributes: nestedDataSourceAttributes(a.NestedObject.Attributes)}}
	case rschema.SetNestedAttribute:
		return dsschema.SetNestedAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive,
			NestedObject: dsschema.NestedAttributeObject{Attributes: nestedDataSourceAttributes(a.NestedObject.Attributes)}}
	}
	panic(fmt.Sprintf("provider: no data source conversion for resource attribute type %T", a))
}

func nestedDataSourceAttributes(attrs map[string]rschema.Attribute) map[string]dsschema.Attribute {
	out := make(map[string]dsschema.Attribute, len(attrs))
	for name, a := range attrs {
		out[name] = toDataSourceAttribute(a, a.GetMarkdownDescription())
	}
	return out
}

// computedEphemeralAttributes returns the named resource attributes as computed ephemeral
// resource attributes. Only the primitive kinds the ephemeral resource exposes are known;
// any other panics, which the schema tests catch.
func computedEphemeralAttributes(names ...string) map[string]ephschema.Attribute {
	out := make(map[string]ephschema.Attribute, len(names))
	for _, name := range names {
		a, description := resourceAttribute(name)
		switch a := a.(type) {
		case rschema.StringAttribute:
			out[name] = ephschema.StringAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive}
		case rschema.BoolAttribute:
			out[name] = ephschema.BoolAttribute{MarkdownDescription: description, Computed: true, Sensitive: a.Sensitive}
		default:
			panic(fmt.Sprintf("provider: no ephemeral conversion for resource attribute type %T", a))
		}
	}
	return out
}

// clientFromProviderData returns the API client the provider's Configure built. It returns
// nil without an error when the provider has not been configured yet (Terraform validates
// configurations before configuring providers).
func clientFromProviderData(raw any, diags *diag.Diagnostics) *sfx.Client {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider: please report it.", raw))
		return nil
	}
	return data.client
}

// requireClient reports a missing client, which means Terraform read before configuring.
func requireClient(c *sfx.Client, diags *diag.Diagnostics) bool {
	if c != nil {
		return true
	}
	diags.AddError("Unconfigured SignalFx Client",
		"The signalfx provider was not configured before this read. This is a bug in the provider or in Terraform: please report it.")
	return false
}

// readNamedToken is the read of the data source and the ephemeral resource: it reads the
// token that the configuration's name attribute names and maps it as the resource does.
// It returns nil after adding a diagnostic.
func readNamedToken(ctx context.Context, c *sfx.Client, config tfsdk.Config, logMsg string, diags *diag.Diagnostics) *orgTokenAPIModel {
	var name types.String
	diags.Append(config.GetAttribute(ctx, path.Root("name"), &name)...)
	if diags.HasError() || !requireClient(c, diags) {
		return nil
	}
	token := getTokenByName(ctx, c, name.ValueString(), diags)
	if token == nil {
		return nil
	}
	tflog.Debug(ctx, logMsg, map[string]any{"name": token.Name, "id": token.ID})
	var m orgTokenAPIModel
	if diags.Append(flattenToken(ctx, token, &m, nil)...); diags.HasError() {
		return nil
	}
	return &m
}

// getTokenByName reads the token called exactly name with GET /v2/token/{name} (the search
// endpoint would match substrings). A missing token, or an answer for a token of another
// name, is an error on the name attribute; it returns nil after adding any error.
func getTokenByName(ctx context.Context, c *sfx.Client, name string, diags *diag.Diagnostics) *sfx.Token {
	token, err := c.GetToken(ctx, name)
	switch {
	case sfx.IsNotFound(err):
		diags.AddAttributeError(path.Root("name"), "Org Token Not Found", notFoundDetail(name))
		return nil
	case err != nil:
		diags.AddAttributeError(path.Root("name"), "Unable to Read Org Token", errorDetail("read", name, err))
		return nil
	case token.Name != name:
		diags.AddAttributeError(path.Root("name"), "Unexpected Org Token",
			fmt.Sprintf("SignalFx answered a request for org token %q with token %q. Only an exact match is used: "+
				"set name to the token's exact name.", name, token.Name))
		return nil
	}
	return token
}

// notFoundDetail says that no token has the name, and how to find the right one.
func notFoundDetail(name string) string {
	return fmt.Sprintf("SignalFx has no org token named %q. Names are matched exactly, case included, and a token "+
		"whose name merely contains this one is not a match. Check the name, or list the tokens whose names contain "+
		"a string with the signalfx_org_tokens data source and its name_contains argument.", name)
}

// rfc3339Validator checks that a string is an RFC 3339 timestamp.
type rfc3339Validator struct{}

var _ validator.String = rfc3339Validator{}

func (rfc3339Validator) Description(context.Context) string {
	return "must be an RFC 3339 timestamp such as \"2026-07-01T00:00:00Z\""
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (rfc3339Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	if _, err := parseRFC3339(raw); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Timestamp",
			fmt.Sprintf("%q is not an RFC 3339 timestamp. Write a date, \"T\", a time and a time zone (\"Z\" or an offset such as "+
				"\"+02:00\"), for example \"2026-07-01T00:00:00Z\"; for a time relative to now use timeadd(plantimestamp(), \"720h\").", raw))
	}
}

// parseRFC3339 parses an RFC 3339 timestamp, fractional seconds allowed. A lowercase "t" or
// "z", which RFC 3339 permits, is accepted too.
func parseRFC3339(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, strings.ToUpper(s))
}
