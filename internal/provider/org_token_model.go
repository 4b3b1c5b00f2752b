package provider

import (
	"context"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

// orgTokenAPIModel holds every attribute that comes from the API. The resource, both data
// sources and the ephemeral resource embed or reuse it, so one flatten function serves all.
type orgTokenAPIModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	Description      types.String `tfsdk:"description"`
	AuthScopes       types.Set    `tfsdk:"auth_scopes"`
	Disabled         types.Bool   `tfsdk:"disabled"`
	ExpiresAt        types.String `tfsdk:"expires_at"`
	Limits           types.Object `tfsdk:"limits"`
	Notifications    types.List   `tfsdk:"notifications"`
	Permissions      types.Set    `tfsdk:"permissions"`
	Secret           types.String `tfsdk:"secret"`
	CreatedAt        types.String `tfsdk:"created_at"`
	CreatedBy        types.String `tfsdk:"created_by"`
	LastUpdatedAt    types.String `tfsdk:"last_updated_at"`
	LastUpdatedBy    types.String `tfsdk:"last_updated_by"`
	LatestRotationAt types.String `tfsdk:"latest_rotation_at"`
}

type limitsModel struct {
	DPMQuota                            types.Int64 `tfsdk:"dpm_quota"`
	DPMNotificationThreshold            types.Int64 `tfsdk:"dpm_notification_threshold"`
	HostQuota                           types.Int64 `tfsdk:"host_quota"`
	HostNotificationThreshold           types.Int64 `tfsdk:"host_notification_threshold"`
	ContainerQuota                      types.Int64 `tfsdk:"container_quota"`
	ContainerNotificationThreshold      types.Int64 `tfsdk:"container_notification_threshold"`
	CustomMetricsQuota                  types.Int64 `tfsdk:"custom_metrics_quota"`
	CustomMetricsNotificationThreshold  types.Int64 `tfsdk:"custom_metrics_notification_threshold"`
	HighResMetricsQuota                 types.Int64 `tfsdk:"high_res_metrics_quota"`
	HighResMetricsNotificationThreshold types.Int64 `tfsdk:"high_res_metrics_notification_threshold"`
	EventSearchesPerMinute              types.Int64 `tfsdk:"event_searches_per_minute"`
	JobsPerMinute                       types.Int64 `tfsdk:"jobs_per_minute"`
}

type notificationModel struct {
	Type           types.String `tfsdk:"type"`
	Email          types.String `tfsdk:"email"`
	CredentialID   types.String `tfsdk:"credential_id"`
	CredentialName types.String `tfsdk:"credential_name"`
	Channel        types.String `tfsdk:"channel"`
	Team           types.String `tfsdk:"team"`
	RoutingKey     types.String `tfsdk:"routing_key"`
	URL            types.String `tfsdk:"url"`
	Secret         types.String `tfsdk:"secret"`
	ResponderName  types.String `tfsdk:"responder_name"`
	ResponderID    types.String `tfsdk:"responder_id"`
	ResponderType  types.String `tfsdk:"responder_type"`
}

type permissionModel struct {
	PrincipalID   types.String `tfsdk:"principal_id"`
	PrincipalType types.String `tfsdk:"principal_type"`
	Actions       types.Set    `tfsdk:"actions"`
}

var (
	limitsAttrTypes = map[string]attr.Type{
		"dpm_quota": types.Int64Type, "dpm_notification_threshold": types.Int64Type,
		"host_quota": types.Int64Type, "host_notification_threshold": types.Int64Type,
		"container_quota": types.Int64Type, "container_notification_threshold": types.Int64Type,
		"custom_metrics_quota": types.Int64Type, "custom_metrics_notification_threshold": types.Int64Type,
		"high_res_metrics_quota": types.Int64Type, "high_res_metrics_notification_threshold": types.Int64Type,
		"event_searches_per_minute": types.Int64Type, "jobs_per_minute": types.Int64Type,
	}
	notificationAttrTypes = map[string]attr.Type{
		"type": types.StringType, "email": types.StringType, "credential_id": types.StringType,
		"credential_name": types.StringType, "channel": types.StringType, "team": types.StringType,
		"routing_key": types.StringType, "url": types.StringType, "secret": types.StringType,
		"responder_name": types.StringType, "responder_id": types.StringType, "responder_type": types.StringType,
	}
	permissionAttrTypes = map[string]attr.Type{
		"principal_id": types.StringType, "principal_type": types.StringType,
		"actions": types.SetType{ElemType: types.StringType},
	}
	notificationObjectType = types.ObjectType{AttrTypes: notificationAttrTypes}
	permissionObjectType   = types.ObjectType{AttrTypes: permissionAttrTypes}
)

// flattenToken sets every API-backed attribute of m from t. prior, when not nil, is the
// model the values replace: write-only values the API may not echo back (a webhook's
// secret) are kept from it.
func flattenToken(ctx context.Context, t *sfx.Token, m *orgTokenAPIModel, prior *orgTokenAPIModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(t.ID)
	m.Name = types.StringValue(t.Name)
	m.Description = types.StringValue(t.Description)
	m.Disabled = types.BoolValue(t.Disabled)
	m.Secret = types.StringValue(t.Secret)
	m.ExpiresAt = msToRFC3339(t.Expiry)
	m.CreatedAt = msToRFC3339(t.Created)
	m.LastUpdatedAt = msToRFC3339(t.LastUpdated)
	m.LatestRotationAt = msToRFC3339(t.LatestRotation)
	m.CreatedBy = types.StringValue(t.Creator)
	m.LastUpdatedBy = types.StringValue(t.LastUpdatedBy)

	scopes := append([]string(nil), t.AuthScopes...)
	sort.Strings(scopes)
	var d diag.Diagnostics
	m.AuthScopes, d = types.SetValueFrom(ctx, types.StringType, scopes)
	diags.Append(d...)

	m.Limits, d = flattenLimits(t.Limits)
	diags.Append(d...)

	var priorNotifications []notificationModel
	if prior != nil && !prior.Notifications.IsNull() && !prior.Notifications.IsUnknown() {
		diags.Append(prior.Notifications.ElementsAs(ctx, &priorNotifications, false)...)
	}
	m.Notifications, d = flattenNotifications(ctx, t.Notifications, priorNotifications)
	diags.Append(d...)

	m.Permissions, d = flattenPermissions(ctx, t.Permissions)
	diags.Append(d...)
	return diags
}

// msToRFC3339 formats API milliseconds as RFC 3339 with the milliseconds kept, so the value
// converts back exactly (rotation reconciliation compares it with the API's).
func msToRFC3339(ms int64) types.String {
	if ms <= 0 {
		return types.StringNull()
	}
	return types.StringValue(time.UnixMilli(ms).UTC().Format(time.RFC3339Nano))
}

func int64Value(p *int64) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*p)
}

func int64Pointer(v types.Int64) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	n := v.ValueInt64()
	return &n
}

// flattenLimits maps the API's limits to the limits object; no modelled limit set (or no
// limits object at all) is null, so an unset block never diffs against an empty one.
func flattenLimits(l *sfx.Limits) (types.Object, diag.Diagnostics) {
	if l == nil {
		return types.ObjectNull(limitsAttrTypes), nil
	}
	quota := l.CategoryQuota
	if quota == nil {
		quota = &sfx.CategoryLimits{}
	}
	threshold := l.CategoryNotificationThreshold
	if threshold == nil {
		threshold = &sfx.CategoryLimits{}
	}
	values := map[string]attr.Value{
		"dpm_quota":                               int64Value(l.DPMQuota),
		"dpm_notification_threshold":              int64Value(l.DPMNotificationThreshold),
		"host_quota":                              int64Value(quota.Hosts),
		"host_notification_threshold":             int64Value(threshold.Hosts),
		"container_quota":                         int64Value(quota.Containers),
		"container_notification_threshold":        int64Value(threshold.Containers),
		"custom_metrics_quota":                    int64Value(quota.CustomMetrics),
		"custom_metrics_notification_threshold":   int64Value(threshold.CustomMetrics),
		"high_res_metrics_quota":                  int64Value(quota.HighResMetrics),
		"high_res_metrics_notification_threshold": int64Value(threshold.HighResMetrics),
		"event_searches_per_minute":               int64Value(positive(l.EventSearchesPerMinute)),
		"jobs_per_minute":                         int64Value(positive(l.JobsPerMinuteLimit)),
	}
	allNull := true
	for _, v := range values {
		if !v.IsNull() {
			allNull = false
			break
		}
	}
	if allNull {
		return types.ObjectNull(limitsAttrTypes), nil
	}
	return types.ObjectValue(limitsAttrTypes, values)
}

// positive treats the API's 0 ("no limit") for the rate limits as unset.
func positive(p *int64) *int64 {
	if p == nil || *p <= 0 {
		return nil
	}
	return p
}

// expandLimits writes the planned limits onto the token's limits, keeping the keys this
// provider does not model (mtsmLimit, for example).
func expandLimits(ctx context.Context, planned types.Object, current *sfx.Limits) (*sfx.Limits, diag.Diagnostics) {
	var out sfx.Limits
	if current != nil {
		out.Extra = current.Extra
	}
	if planned.IsNull() || planned.IsUnknown() {
		if len(out.Extra) == 0 {
			return nil, nil
		}
		return &out, nil
	}
	var m limitsModel
	diags := planned.As(ctx, &m, basetypes.ObjectAsOptions{})
	if diags.HasError() {
		return nil, diags
	}
	out.DPMQuota = int64Pointer(m.DPMQuota)
	out.DPMNotificationThreshold = int64Pointer(m.DPMNotificationThreshold)
	out.EventSearchesPerMinute = int64Pointer(m.EventSearchesPerMinute)
	out.JobsPerMinuteLimit = int64Pointer(m.JobsPerMinute)
	quota := sfx.CategoryLimits{
		Hosts: int64Pointer(m.HostQuota), Containers: int64Pointer(m.ContainerQuota),
		CustomMetrics: int64Pointer(m.CustomMetricsQuota), HighResMetrics: int64Pointer(m.HighResMetricsQuota),
	}
	if quota != (sfx.CategoryLimits{}) {
		out.CategoryQuota = &quota
	}
	threshold := sfx.CategoryLimits{
		Hosts: int64Pointer(m.HostNotificationThreshold), Containers: int64Pointer(m.ContainerNotificationThreshold),
		CustomMetrics:  int64Pointer(m.CustomMetricsNotificationThreshold),
		HighResMetrics: int64Pointer(m.HighResMetricsNotificationThreshold),
	}
	if threshold != (sfx.CategoryLimits{}) {
		out.CategoryNotificationThreshold = &threshold
	}
	return &out, diags
}

func stringValue(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// flattenNotifications maps the API's notifications; none is null (the schema requires at
// least one element when the attribute is set). A webhook secret the API does not echo is
// kept from the prior value at the same position.
func flattenNotifications(ctx context.Context, ns []sfx.Notification, prior []notificationModel) (types.List, diag.Diagnostics) {
	if len(ns) == 0 {
		return types.ListNull(notificationObjectType), nil
	}
	out := make([]notificationModel, len(ns))
	for i, n := range ns {
		out[i] = notificationModel{
			Type: types.StringValue(n.Type), Email: stringValue(n.Email),
			CredentialID: stringValue(n.CredentialID), CredentialName: stringValue(n.CredentialName),
			Channel: stringValue(n.Channel), Team: stringValue(n.Team), RoutingKey: stringValue(n.RoutingKey),
			URL: stringValue(n.URL), Secret: stringValue(n.Secret), ResponderName: stringValue(n.ResponderName),
			ResponderID: stringValue(n.ResponderID), ResponderType: stringValue(n.ResponderType),
		}
		if n.Secret == "" && i < len(prior) && prior[i].Type.ValueString() == n.Type && prior[i].URL.ValueString() == n.URL {
			out[i].Secret = prior[i].Secret
		}
	}
	return types.ListValueFrom(ctx, notificationObjectType, out)
}

func expandNotifications(ctx context.Context, planned types.List, current []sfx.Notification) ([]sfx.Notification, diag.Diagnostics) {
	if planned.IsNull() || planned.IsUnknown() {
		return nil, nil
	}
	var ms []notificationModel
	diags := planned.ElementsAs(ctx, &ms, false)
	out := make([]sfx.Notification, 0, len(ms))
	used := make([]bool, len(current))
	for _, m := range ms {
		n := sfx.Notification{
			Type: m.Type.ValueString(), Email: m.Email.ValueString(), CredentialID: m.CredentialID.ValueString(),
			CredentialName: m.CredentialName.ValueString(), Channel: m.Channel.ValueString(), Team: m.Team.ValueString(),
			RoutingKey: m.RoutingKey.ValueString(), URL: m.URL.ValueString(), Secret: m.Secret.ValueString(),
			ResponderName: m.ResponderName.ValueString(), ResponderID: m.ResponderID.ValueString(),
			ResponderType: m.ResponderType.ValueString(),
		}
		// Keys the provider does not model (an Email notification's cc and bcc, set in the
		// UI) stay with their recipient instead of being wiped by the update.
		for i, c := range current {
			if !used[i] && n.SameRecipient(c) {
				used[i], n.Extra = true, c.Extra
				break
			}
		}
		out = append(out, n)
	}
	return out, diags
}

// flattenPermissions maps the ACL; no ACL (admin-only) is null.
func flattenPermissions(ctx context.Context, p *sfx.Permissions) (types.Set, diag.Diagnostics) {
	if p == nil || len(p.ACL) == 0 {
		return types.SetNull(permissionObjectType), nil
	}
	var diags diag.Diagnostics
	out := make([]permissionModel, 0, len(p.ACL))
	for _, e := range p.ACL {
		actions, d := types.SetValueFrom(ctx, types.StringType, e.Actions)
		diags.Append(d...)
		out = append(out, permissionModel{
			PrincipalID: types.StringValue(e.PrincipalID), PrincipalType: types.StringValue(e.PrincipalType),
			Actions: actions,
		})
	}
	set, d := types.SetValueFrom(ctx, permissionObjectType, out)
	diags.Append(d...)
	return set, diags
}

func expandPermissions(ctx context.Context, planned types.Set) (*sfx.Permissions, diag.Diagnostics) {
	if planned.IsNull() || planned.IsUnknown() {
		return nil, nil
	}
	var ms []permissionModel
	diags := planned.ElementsAs(ctx, &ms, false)
	out := &sfx.Permissions{ACL: make([]sfx.ACLEntry, 0, len(ms))}
	for _, m := range ms {
		var actions []string
		diags.Append(m.Actions.ElementsAs(ctx, &actions, false)...)
		sort.Strings(actions)
		out.ACL = append(out.ACL, sfx.ACLEntry{
			PrincipalID: m.PrincipalID.ValueString(), PrincipalType: m.PrincipalType.ValueString(), Actions: actions,
		})
	}
	return out, diags
}

// expandToken writes the planned API-backed attributes onto t, which holds what the API
// returned last (or is empty on create): fields this provider does not model stay as they
// are, so an update never wipes them.
func expandToken(ctx context.Context, m *orgTokenAPIModel, t *sfx.Token) diag.Diagnostics {
	var diags diag.Diagnostics
	t.Name = m.Name.ValueString()
	t.Description = m.Description.ValueString()
	if !m.AuthScopes.IsNull() && !m.AuthScopes.IsUnknown() {
		var scopes []string
		diags.Append(m.AuthScopes.ElementsAs(ctx, &scopes, false)...)
		sort.Strings(scopes)
		t.AuthScopes = scopes
	}
	t.Disabled = m.Disabled.ValueBool()
	var d diag.Diagnostics
	t.Limits, d = expandLimits(ctx, m.Limits, t.Limits)
	diags.Append(d...)
	t.Notifications, d = expandNotifications(ctx, m.Notifications, t.Notifications)
	diags.Append(d...)
	t.Permissions, d = expandPermissions(ctx, m.Permissions)
	diags.Append(d...)
	return diags
}
