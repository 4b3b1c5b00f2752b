package provider_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

type standInProvider struct {
	name      string
	resources []func() fwresource.Resource
}

func (p *standInProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = p.name
}

func (*standInProvider) Schema(_ context.Context, _ fwprovider.SchemaRequest, resp *fwprovider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}

func (*standInProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (p *standInProvider) Resources(context.Context) []func() fwresource.Resource { return p.resources }

func (*standInProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// standInResource holds the methods a stand-in resource does not need: reads keep the
// state, deletes only forget, and updates are refused.
type standInResource struct{ typeName string }

func (r standInResource) Metadata(_ context.Context, _ fwresource.MetadataRequest, resp *fwresource.MetadataResponse) {
	resp.TypeName = r.typeName
}

func (standInResource) Read(context.Context, fwresource.ReadRequest, *fwresource.ReadResponse) {}

func (standInResource) Delete(context.Context, fwresource.DeleteRequest, *fwresource.DeleteResponse) {
}

func (r standInResource) Update(_ context.Context, _ fwresource.UpdateRequest, resp *fwresource.UpdateResponse) {
	resp.Diagnostics.AddError("Not Supported by the Stand-In", "The "+r.typeName+" stand-in of the example tests does not update.")
}

// standInClock is the stand-in time provider's clock: the real time plus an offset.
type standInClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *standInClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset).Truncate(time.Second)
}

func (c *standInClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// newStandInTime is hashicorp/time with time_rotating. Like the real resource, it takes a
// base time at creation, and its read removes it from state once the rotation time has
// passed, so that the next plan creates it again with a new ID.
func newStandInTime(clock *standInClock) fwprovider.Provider {
	return &standInProvider{name: "time", resources: []func() fwresource.Resource{
		func() fwresource.Resource { return standInTimeRotating{standInResource{"time_rotating"}, clock} },
	}}
}

type standInTimeRotating struct {
	standInResource
	clock *standInClock
}

type standInTimeRotatingModel struct {
	ID              types.String `tfsdk:"id"`
	RFC3339         types.String `tfsdk:"rfc3339"`
	RotationRFC3339 types.String `tfsdk:"rotation_rfc3339"`
	RotationYears   types.Int64  `tfsdk:"rotation_years"`
	RotationMonths  types.Int64  `tfsdk:"rotation_months"`
	RotationDays    types.Int64  `tfsdk:"rotation_days"`
	RotationHours   types.Int64  `tfsdk:"rotation_hours"`
	RotationMinutes types.Int64  `tfsdk:"rotation_minutes"`
	Year            types.Int64  `tfsdk:"year"`
	Month           types.Int64  `tfsdk:"month"`
	Day             types.Int64  `tfsdk:"day"`
	Hour            types.Int64  `tfsdk:"hour"`
	Minute          types.Int64  `tfsdk:"minute"`
	Second          types.Int64  `tfsdk:"second"`
	Unix            types.Int64  `tfsdk:"unix"`
	Triggers        types.Map    `tfsdk:"triggers"`
}

func (standInTimeRotating) Schema(_ context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	computedInt := rschema.Int64Attribute{Computed: true}
	optionalInt := rschema.Int64Attribute{Optional: true}
	resp.Schema = rschema.Schema{Attributes: map[string]rschema.Attribute{
		"id": rschema.StringAttribute{Computed: true},
		"rfc3339": rschema.StringAttribute{Optional: true, Computed: true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
		"rotation_rfc3339": rschema.StringAttribute{Optional: true, Computed: true},
		"rotation_years":   optionalInt, "rotation_months": optionalInt, "rotation_days": optionalInt,
		"rotation_hours": optionalInt, "rotation_minutes": optionalInt,
		"year": computedInt, "month": computedInt, "day": computedInt, "hour": computedInt,
		"minute": computedInt, "second": computedInt, "unix": computedInt,
		"triggers": rschema.MapAttribute{Optional: true, ElementType: types.StringType,
			PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()}},
	}}
}

func (r standInTimeRotating) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	var m standInTimeRotatingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	base := r.clock.now()
	rotation := base.AddDate(int(m.RotationYears.ValueInt64()), int(m.RotationMonths.ValueInt64()), int(m.RotationDays.ValueInt64())).
		Add(time.Duration(m.RotationHours.ValueInt64())*time.Hour + time.Duration(m.RotationMinutes.ValueInt64())*time.Minute)
	m.ID, m.RFC3339 = types.StringValue(base.Format(time.RFC3339)), types.StringValue(base.Format(time.RFC3339))
	m.RotationRFC3339 = types.StringValue(rotation.Format(time.RFC3339))
	m.Year, m.Month, m.Day = types.Int64Value(int64(base.Year())), types.Int64Value(int64(base.Month())), types.Int64Value(int64(base.Day()))
	m.Hour, m.Minute, m.Second = types.Int64Value(int64(base.Hour())), types.Int64Value(int64(base.Minute())), types.Int64Value(int64(base.Second()))
	m.Unix = types.Int64Value(base.Unix())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r standInTimeRotating) Read(ctx context.Context, req fwresource.ReadRequest, resp *fwresource.ReadResponse) {
	var rotationRFC3339 types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("rotation_rfc3339"), &rotationRFC3339)...)
	if rotation, err := time.Parse(time.RFC3339, rotationRFC3339.ValueString()); err == nil && r.clock.now().After(rotation) {
		resp.State.RemoveResource(ctx)
	}
}

// standInKubernetes is hashicorp/kubernetes with kubernetes_secret_v1; it records what each
// create or update receives in the write-only data_wo.
type standInKubernetes struct {
	mu     sync.Mutex
	writes []map[string]string
}

func (k *standInKubernetes) provider() fwprovider.Provider {
	return &standInProvider{name: "kubernetes", resources: []func() fwresource.Resource{
		func() fwresource.Resource { return standInSecret{standInResource{"kubernetes_secret_v1"}, k} },
	}}
}

func (k *standInKubernetes) written() []map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.writes)
}

// lastWritten is the last value data_wo[key] received ("" if none).
func (k *standInKubernetes) lastWritten(key string) string {
	w := k.written()
	if len(w) == 0 {
		return ""
	}
	return w[len(w)-1][key]
}

type standInSecret struct {
	standInResource
	k *standInKubernetes
}

func (standInSecret) Schema(_ context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	stringMap := rschema.MapAttribute{Optional: true, ElementType: types.StringType}
	sensitiveMap := rschema.MapAttribute{Optional: true, Sensitive: true, ElementType: types.StringType}
	writeOnlyMap := rschema.MapAttribute{Optional: true, Sensitive: true, WriteOnly: true, ElementType: types.StringType}
	resp.Schema = rschema.Schema{
		Attributes: map[string]rschema.Attribute{
			"id": rschema.StringAttribute{Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"data": sensitiveMap, "binary_data": sensitiveMap,
			"data_wo": writeOnlyMap, "binary_data_wo": writeOnlyMap,
			"data_wo_revision":        rschema.Int64Attribute{Optional: true},
			"binary_data_wo_revision": rschema.Int64Attribute{Optional: true},
			"immutable":               rschema.BoolAttribute{Optional: true},
			"type":                    rschema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("Opaque")},
			"wait_for_service_account_token": rschema.BoolAttribute{Optional: true, Computed: true,
				Default: booldefault.StaticBool(true)},
		},
		Blocks: map[string]rschema.Block{
			"metadata": rschema.ListNestedBlock{
				Validators: []validator.List{listvalidator.SizeBetween(1, 1)},
				NestedObject: rschema.NestedBlockObject{Attributes: map[string]rschema.Attribute{
					"name": rschema.StringAttribute{Optional: true}, "namespace": rschema.StringAttribute{Optional: true},
					"generate_name": rschema.StringAttribute{Optional: true}, "labels": stringMap, "annotations": stringMap,
				}},
			},
		},
	}
}

// write records data_wo from the configuration and stores the plan (where data_wo is null).
func (r standInSecret) write(ctx context.Context, cfg tfsdk.Config, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var data types.Map
	diags.Append(cfg.GetAttribute(ctx, path.Root("data_wo"), &data)...)
	values := map[string]string{}
	diags.Append(data.ElementsAs(ctx, &values, true)...)
	r.k.mu.Lock()
	r.k.writes = append(r.k.writes, values)
	r.k.mu.Unlock()
	state.Raw = plan.Raw
	var name, namespace types.String
	meta := path.Root("metadata").AtListIndex(0)
	diags.Append(plan.GetAttribute(ctx, meta.AtName("name"), &name)...)
	diags.Append(plan.GetAttribute(ctx, meta.AtName("namespace"), &namespace)...)
	diags.Append(state.SetAttribute(ctx, path.Root("id"), namespace.ValueString()+"/"+name.ValueString())...)
}

func (r standInSecret) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	r.write(ctx, req.Config, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r standInSecret) Update(ctx context.Context, req fwresource.UpdateRequest, resp *fwresource.UpdateResponse) {
	r.write(ctx, req.Config, req.Plan, &resp.State, &resp.Diagnostics)
}

// newStandInSplunk is splunk-terraform/signalfx with its signalfx_org_token resource (schema
// version 0). Create sends the token to the API as that provider does, mapping its
// notification strings and its two limit blocks, in which -1 (here also null) means unset.
func newStandInSplunk(client *sfx.Client) fwprovider.Provider {
	return &standInProvider{name: "splunk", resources: []func() fwresource.Resource{
		func() fwresource.Resource { return standInOldToken{standInResource{"signalfx_org_token"}, client} },
	}}
}

type standInOldToken struct {
	standInResource
	client *sfx.Client
}

type oldHostLimitsModel struct {
	HostLimit                           types.Int64 `tfsdk:"host_limit"`
	HostNotificationThreshold           types.Int64 `tfsdk:"host_notification_threshold"`
	ContainerLimit                      types.Int64 `tfsdk:"container_limit"`
	ContainerNotificationThreshold      types.Int64 `tfsdk:"container_notification_threshold"`
	CustomMetricsLimit                  types.Int64 `tfsdk:"custom_metrics_limit"`
	CustomMetricsNotificationThreshold  types.Int64 `tfsdk:"custom_metrics_notification_threshold"`
	HighResMetricsLimit                 types.Int64 `tfsdk:"high_res_metrics_limit"`
	HighResMetricsNotificationThreshold types.Int64 `tfsdk:"high_res_metrics_notification_threshold"`
}

type oldDPMLimitsModel struct {
	DPMLimit                 types.Int64 `tfsdk:"dpm_limit"`
	DPMNotificationThreshold types.Int64 `tfsdk:"dpm_notification_threshold"`
}

type oldTokenModel struct {
	ID                types.String         `tfsdk:"id"`
	Name              types.String         `tfsdk:"name"`
	Description       types.String         `tfsdk:"description"`
	AuthScopes        types.List           `tfsdk:"auth_scopes"`
	Disabled          types.Bool           `tfsdk:"disabled"`
	Notifications     []string             `tfsdk:"notifications"`
	Secret            types.String         `tfsdk:"secret"`
	HostOrUsageLimits []oldHostLimitsModel `tfsdk:"host_or_usage_limits"`
	DPMLimits         []oldDPMLimitsModel  `tfsdk:"dpm_limits"`
}

func (standInOldToken) Schema(_ context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	// The real attributes default to -1; a default inside a set nested block makes the
	// framework plan a change after every apply, so here unset is null (or -1).
	unset := func() rschema.Int64Attribute { return rschema.Int64Attribute{Optional: true} }
	hostAttrs := map[string]rschema.Attribute{}
	for _, k := range []string{"host", "container", "custom_metrics", "high_res_metrics"} {
		hostAttrs[k+"_limit"], hostAttrs[k+"_notification_threshold"] = unset(), unset()
	}
	maxOne := []validator.Set{setvalidator.SizeAtMost(1)}
	resp.Schema = rschema.Schema{
		Attributes: map[string]rschema.Attribute{
			"id":            rschema.StringAttribute{Computed: true},
			"name":          rschema.StringAttribute{Required: true},
			"description":   rschema.StringAttribute{Optional: true},
			"auth_scopes":   rschema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType},
			"disabled":      rschema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
			"notifications": rschema.ListAttribute{Optional: true, ElementType: types.StringType},
			"secret":        rschema.StringAttribute{Computed: true, Sensitive: true},
		},
		Blocks: map[string]rschema.Block{
			"host_or_usage_limits": rschema.SetNestedBlock{Validators: maxOne, NestedObject: rschema.NestedBlockObject{Attributes: hostAttrs}},
			"dpm_limits": rschema.SetNestedBlock{Validators: maxOne, NestedObject: rschema.NestedBlockObject{Attributes: map[string]rschema.Attribute{
				"dpm_limit": rschema.Int64Attribute{Required: true}, "dpm_notification_threshold": unset(),
			}}},
		},
	}
}

func (r standInOldToken) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	var m oldTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tok := sfx.Token{Name: m.Name.ValueString(), Description: m.Description.ValueString(), Disabled: m.Disabled.ValueBool()}
	if !m.AuthScopes.IsUnknown() {
		resp.Diagnostics.Append(m.AuthScopes.ElementsAs(ctx, &tok.AuthScopes, true)...)
	}
	for _, n := range m.Notifications {
		tok.Notifications = append(tok.Notifications, oldNotification(n))
	}
	set := func(v types.Int64) *int64 {
		if v.IsNull() || v.ValueInt64() == -1 {
			return nil
		}
		return v.ValueInt64Pointer()
	}
	for _, l := range m.DPMLimits {
		tok.Limits = &sfx.Limits{DPMQuota: set(l.DPMLimit), DPMNotificationThreshold: set(l.DPMNotificationThreshold)}
	}
	for _, l := range m.HostOrUsageLimits {
		tok.Limits = &sfx.Limits{
			CategoryQuota: &sfx.CategoryLimits{Hosts: set(l.HostLimit), Containers: set(l.ContainerLimit),
				CustomMetrics: set(l.CustomMetricsLimit), HighResMetrics: set(l.HighResMetricsLimit)},
			CategoryNotificationThreshold: &sfx.CategoryLimits{Hosts: set(l.HostNotificationThreshold),
				Containers: set(l.ContainerNotificationThreshold), CustomMetrics: set(l.CustomMetricsNotificationThreshold),
				HighResMetrics: set(l.HighResMetricsNotificationThreshold)},
		}
	}
	created, err := r.client.CreateToken(ctx, &tok)
	if err != nil {
		resp.Diagnostics.AddError("Stand-In Create Failed", err.Error())
		return
	}
	m.ID, m.Secret = types.StringValue(created.Name), types.StringValue(created.Secret)
	scopes, diags := types.ListValueFrom(ctx, types.StringType, created.AuthScopes)
	resp.Diagnostics.Append(diags...)
	m.AuthScopes = scopes
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// oldNotification maps one of the old provider's notification strings, such as
// "Slack,credentialId,channel", to the API's notification object.
func oldNotification(s string) sfx.Notification {
	p := append(strings.Split(s, ","), "", "", "", "")
	n := sfx.Notification{Type: p[0]}
	switch p[0] {
	case "Email":
		n.Email = p[1]
	case "Team", "TeamEmail":
		n.Team = p[1]
	case "Slack":
		n.CredentialID, n.Channel = p[1], p[2]
	case "VictorOps":
		n.CredentialID, n.RoutingKey = p[1], p[2]
	case "Webhook":
		n.CredentialID, n.Secret, n.URL = p[1], p[2], p[3]
	case "Opsgenie":
		n.CredentialID, n.ResponderName, n.ResponderID, n.ResponderType = p[1], p[2], p[3], p[4]
	default:
		n.CredentialID = p[1]
	}
	return n
}
