package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var _ resource.Resource = orgTokenResource{}

// orgTokenResource is noop_org_token.
type orgTokenResource struct{}

func (orgTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_token"
}

// Schema copies the shape of signalfx_org_token (internal/provider/org_token_schema.go):
// attribute names, types, nesting, optional/computed/sensitive, defaults and plan
// modifiers. Validators and descriptions are left out: they are the real provider's work.
func (orgTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(stable bool) schema.StringAttribute {
		a := schema.StringAttribute{Computed: true}
		if stable {
			a.PlanModifiers = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
		}
		return a
	}
	optionalInt := schema.Int64Attribute{Optional: true}
	optionalString := schema.StringAttribute{Optional: true}
	limits := map[string]schema.Attribute{}
	for _, name := range []string{
		"dpm_quota", "dpm_notification_threshold", "host_quota", "host_notification_threshold",
		"container_quota", "container_notification_threshold", "custom_metrics_quota",
		"custom_metrics_notification_threshold", "high_res_metrics_quota",
		"high_res_metrics_notification_threshold", "event_searches_per_minute", "jobs_per_minute",
	} {
		limits[name] = optionalInt
	}
	notification := map[string]schema.Attribute{"type": schema.StringAttribute{Required: true}}
	for _, name := range []string{
		"email", "credential_id", "credential_name", "channel", "team", "routing_key", "url",
		"responder_name", "responder_id", "responder_type",
	} {
		notification[name] = optionalString
	}
	notification["secret"] = schema.StringAttribute{Optional: true, Sensitive: true}

	resp.Schema = schema.Schema{
		MarkdownDescription: "An org token that exists only in Terraform state, for benchmarks.",
		Attributes: map[string]schema.Attribute{
			"id":          computed(true),
			"name":        schema.StringAttribute{Required: true},
			"description": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("")},
			"auth_scopes": schema.SetAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown(), setplanmodifier.RequiresReplace()},
			},
			"disabled":      schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
			"lifetime":      optionalString,
			"expires_at":    computed(false),
			"limits":        schema.SingleNestedAttribute{Optional: true, Attributes: limits},
			"notifications": schema.ListNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: notification}},
			"permissions": schema.SetNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"principal_id":   schema.StringAttribute{Required: true},
				"principal_type": schema.StringAttribute{Required: true},
				"actions":        schema.SetAttribute{Required: true, ElementType: types.StringType},
			}}},
			"rotation_trigger":      optionalString,
			"rotation_grace_period": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("0s")},
			"store_secret":          schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
			"secret": schema.StringAttribute{
				Computed: true, Sensitive: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at":         computed(true),
			"created_by":         computed(true),
			"last_updated_at":    computed(false),
			"last_updated_by":    computed(false),
			"latest_rotation_at": computed(false),
		},
	}
}

func (orgTokenResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw, resp.Diagnostics = echo(req.Plan.Raw)
}

// Read keeps the prior state, which the framework has already copied into resp.State.
func (orgTokenResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (orgTokenResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw, resp.Diagnostics = echo(req.Plan.Raw)
}

// Delete does nothing: the framework removes the resource from state.
func (orgTokenResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// echo returns the plan with every unknown value replaced: strings by a fixed timestamp-like
// string, sets of strings (auth_scopes) by ["INGEST"].
func echo(plan tftypes.Value) (tftypes.Value, diag.Diagnostics) {
	v, err := tftypes.Transform(plan, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		switch {
		case v.Type().Is(tftypes.String):
			return tftypes.NewValue(tftypes.String, "2025-01-01T00:00:00.000Z"), nil
		case v.Type().Is(tftypes.Set{ElementType: tftypes.String}):
			return tftypes.NewValue(v.Type(), []tftypes.Value{tftypes.NewValue(tftypes.String, "INGEST")}), nil
		}
		return v, fmt.Errorf("no fixed value for an unknown %s", v.Type())
	})
	var diags diag.Diagnostics
	if err != nil {
		diags.AddError("Noop Provider Cannot Fill a Value", err.Error())
	}
	return v, diags
}
