package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

var objectAsOptions = basetypes.ObjectAsOptions{}

var categoryQuotaAttributes = []string{"host_quota", "container_quota", "custom_metrics_quota", "high_res_metrics_quota"}
var categoryThresholdAttributes = []string{
	"host_notification_threshold", "container_notification_threshold",
	"custom_metrics_notification_threshold", "high_res_metrics_notification_threshold",
}

func limitAttribute(description string, extra ...validator.Int64) schema.Int64Attribute {
	validators := []validator.Int64{int64validator.AtLeast(0)}
	return schema.Int64Attribute{
		MarkdownDescription: description,
		Optional:            true,
		Validators:          append(validators, extra...),
	}
}

func limitsSchema() schema.SingleNestedAttribute {
	categoryNote := " Category quotas apply to host-based and usage-based subscriptions and cannot be combined with `dpm_quota`."
	attrs := map[string]schema.Attribute{
		"dpm_quota":                               limitAttribute("Data points per minute the token may send (DPM subscriptions). Cannot be combined with the category quotas."),
		"dpm_notification_threshold":              limitAttribute("Data points per minute at which SignalFx notifies the `notifications` recipients. Cannot be combined with the category thresholds."),
		"host_quota":                              limitAttribute("Maximum number of hosts." + categoryNote),
		"host_notification_threshold":             limitAttribute("Host count at which SignalFx notifies."),
		"container_quota":                         limitAttribute("Maximum number of containers." + categoryNote),
		"container_notification_threshold":        limitAttribute("Container count at which SignalFx notifies."),
		"custom_metrics_quota":                    limitAttribute("Maximum number of custom metric time series." + categoryNote),
		"custom_metrics_notification_threshold":   limitAttribute("Custom metric time series count at which SignalFx notifies."),
		"high_res_metrics_quota":                  limitAttribute("Maximum number of high-resolution metric time series." + categoryNote),
		"high_res_metrics_notification_threshold": limitAttribute("High-resolution metric time series count at which SignalFx notifies."),
		"event_searches_per_minute": limitAttribute("Event searches per minute the token may start, from 1 to 30. Unset means no limit.",
			int64validator.Between(1, 30)),
		"jobs_per_minute": limitAttribute("SignalFlow jobs per minute the token may start, from 1 to 60. Unset means no limit.",
			int64validator.Between(1, 60)),
	}
	return schema.SingleNestedAttribute{
		MarkdownDescription: "Usage quotas, notification thresholds and rate limits. Omit the attribute for no limits. " +
			"Limits the API knows but this provider does not model (such as `mtsmLimit`) are kept as they are on update.",
		Optional:   true,
		Attributes: attrs,
		Validators: []validator.Object{nonEmptyObject{}, exclusiveLimitKinds{}},
	}
}

func notificationsSchema() schema.ListNestedAttribute {
	optionalString := func(description string, sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: description, Optional: true, Sensitive: sensitive,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	return schema.ListNestedAttribute{
		MarkdownDescription: "Who SignalFx notifies when the token nears or exceeds a limit. Each type takes its own fields: " +
			"`Email` takes `email`; `Slack` takes `credential_id` and `channel`; `Team` and `TeamEmail` take `team`; " +
			"`VictorOps` takes `credential_id` and `routing_key`; `Webhook` takes `credential_id`, or `url` and `secret`; " +
			"`Opsgenie` takes `credential_id`, `responder_type` and `responder_name` or `responder_id` (and optionally `credential_name`); " +
			"`AmazonEventBridge`, `BigPanda`, `Jira`, `Office365`, `PagerDuty`, `ServiceNow` and `XMatters` take `credential_id`. " +
			"A missing or extra field is reported at plan time. Omit the attribute for no notifications. " +
			"Fields the API has and this provider does not model (the `cc` and `bcc` of an `Email` notification set in the UI) " +
			"are kept on update for as long as the notification keeps its type and fields.",
		Optional:   true,
		Validators: []validator.List{listvalidator.SizeAtLeast(1)},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "The notification type: one of " + quotedList(notificationTypeNames()) + ".",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(notificationTypeNames()...)},
			},
			"email":           optionalString("Email address (`Email`).", false),
			"credential_id":   optionalString("ID of the integration credential to notify through.", false),
			"credential_name": optionalString("Name of the integration credential (`Opsgenie`).", false),
			"channel":         optionalString("Slack channel, without the leading `#` (`Slack`).", false),
			"team":            optionalString("Team ID (`Team`, `TeamEmail`).", false),
			"routing_key":     optionalString("Routing key (`VictorOps`).", false),
			"url":             optionalString("Webhook URL (`Webhook` without a credential).", false),
			"secret":          optionalString("Webhook shared secret (`Webhook` without a credential).", true),
			"responder_name":  optionalString("Responder name (`Opsgenie`).", false),
			"responder_id":    optionalString("Responder ID (`Opsgenie`).", false),
			"responder_type":  optionalString("Responder type, for example `Team` (`Opsgenie`).", false),
		}},
	}
}

func permissionsSchema() schema.SetNestedAttribute {
	return schema.SetNestedAttribute{
		MarkdownDescription: "Who besides administrators may read or change the token. Omit the attribute to keep the token admin-only.",
		Optional:            true,
		Validators:          []validator.Set{setvalidator.SizeAtLeast(1)},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"principal_id": schema.StringAttribute{
				MarkdownDescription: "ID of the user, team or organization granted access.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"principal_type": schema.StringAttribute{
				MarkdownDescription: "Kind of principal: `USER`, `TEAM` or `ORG`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf("USER", "TEAM", "ORG")},
			},
			"actions": schema.SetAttribute{
				MarkdownDescription: "What the principal may do: `[\"READ\"]` or `[\"READ\", \"WRITE\"]`.",
				Required:            true,
				ElementType:         types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeBetween(1, 2),
					setvalidator.ValueStringsAre(stringvalidator.OneOf("READ", "WRITE")),
					writeNeedsRead{},
				},
			},
		}},
	}
}

func quotedList(values []string) string {
	out := ""
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			out += " and "
		default:
			out += ", "
		}
		out += "`" + v + "`"
	}
	return out
}

var rfc3339Description = " (RFC 3339, UTC)"

func orgTokenResourceSchema() schema.Schema {
	computedString := func(description string, stable bool) schema.StringAttribute {
		a := schema.StringAttribute{MarkdownDescription: description, Computed: true}
		if stable {
			a.PlanModifiers = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
		}
		return a
	}
	return schema.Schema{
		MarkdownDescription: "Manages a SignalFx (Splunk Observability Cloud) org token: an access token that " +
			"sends data to SignalFx (`INGEST`), calls its API (`API`) or instruments browsers (`RUM`). " +
			"Changing `rotation_trigger` rotates the token's secret in place, optionally keeping the old secret " +
			"valid for `rotation_grace_period`.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The token's immutable ID, assigned by SignalFx.", true),
			"name": schema.StringAttribute{
				MarkdownDescription: "The token's name, unique in the organization (disabled tokens count too). " +
					"Changing it renames the token in place; its secret stays the same.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A description of what the token is for.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
			},
			"auth_scopes": schema.SetAttribute{
				MarkdownDescription: "What the token may do: any of `API` and `INGEST`, or `RUM` alone. " +
					"When omitted SignalFx chooses (usually `INGEST`). SignalFx cannot change a token's scopes, " +
					"so changing them replaces the token (a new secret).",
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(sfx.ScopeAPI, sfx.ScopeIngest, sfx.ScopeRUM)),
					rumAlone{},
				},
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown(), setplanmodifier.RequiresReplace()},
			},
			"disabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the token is disabled: a disabled token cannot authenticate. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"lifetime": schema.StringAttribute{
				MarkdownDescription: "How long a secret stays valid, as a duration in hours, minutes or seconds such as `\"8760h\"` " +
					"(one year; days are not a unit), at most 18 years (`\"157680h\"`). " +
					"It sets the expiry to now plus the lifetime when the token is created, at every rotation, and on the next apply " +
					"after the lifetime changes. Removing it leaves the current expiry as it is, and after an import the first " +
					"lifetime is adopted without changing the expiry. When omitted, SignalFx gives the token, and each new secret, " +
					"the organization's default token lifetime.",
				Optional:   true,
				Validators: []validator.String{durationBetween(time.Second, maxLifetime)},
			},
			"expires_at":    computedString("When the current secret expires"+rfc3339Description+".", false),
			"limits":        limitsSchema(),
			"notifications": notificationsSchema(),
			"permissions":   permissionsSchema(),
			"rotation_trigger": schema.StringAttribute{
				MarkdownDescription: "Any value; when it changes from one value to another, the next apply rotates the secret in place " +
					"(an update, never a replacement). Setting or removing it does not rotate. Feed it from `time_rotating` " +
					"to rotate on a schedule.",
				Optional: true,
			},
			"rotation_grace_period": schema.StringAttribute{
				MarkdownDescription: "How long the old secret keeps working after a rotation, as a duration such as `\"24h\"`, " +
					"at most 60 days (`\"1440h\"`). Defaults to `\"0s\"`: the old secret stops working at once.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString("0s"),
				Validators: []validator.String{durationBetween(0, maxGracePeriod)},
			},
			"store_secret": schema.BoolAttribute{
				MarkdownDescription: "Whether to keep the secret in Terraform state. Defaults to `true`. When `false`, `secret` stays null " +
					"and the secret never reaches the state file: read it where it is needed with the `signalfx_org_token` ephemeral resource. " +
					"Rotation still works. Changing it never replaces the token.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The token's secret: the value clients send. Known after create; it changes only when the token is rotated. " +
					"Null when `store_secret` is `false`.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at":         computedString("When the token was created"+rfc3339Description+".", true),
			"created_by":         computedString("ID of the user who created the token.", true),
			"last_updated_at":    computedString("When the token was last changed"+rfc3339Description+".", false),
			"last_updated_by":    computedString("ID of the user who last changed the token.", false),
			"latest_rotation_at": computedString("When the secret was last rotated"+rfc3339Description+"; null if never.", false),
		},
	}
}
