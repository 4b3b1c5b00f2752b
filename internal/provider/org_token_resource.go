package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

var (
	_ resource.ResourceWithConfigure      = (*orgTokenResource)(nil)
	_ resource.ResourceWithImportState    = (*orgTokenResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*orgTokenResource)(nil)
	_ resource.ResourceWithValidateConfig = (*orgTokenResource)(nil)
)

// NewOrgTokenResource returns the signalfx_org_token resource.
func NewOrgTokenResource() resource.Resource {
	return &orgTokenResource{}
}

type orgTokenResource struct {
	client *sfx.Client
}

// orgTokenResourceModel is the API's attributes plus the ones that live only in Terraform.
type orgTokenResourceModel struct {
	orgTokenAPIModel
	Lifetime            types.String `tfsdk:"lifetime"`
	RotationTrigger     types.String `tfsdk:"rotation_trigger"`
	RotationGracePeriod types.String `tfsdk:"rotation_grace_period"`
	StoreSecret         types.Bool   `tfsdk:"store_secret"`
}

// setFromAPI fills the API-backed attributes from t, leaving the secret out of state when
// store_secret is false.
func (m *orgTokenResourceModel) setFromAPI(ctx context.Context, t *sfx.Token, prior *orgTokenAPIModel) diag.Diagnostics {
	diags := flattenToken(ctx, t, &m.orgTokenAPIModel, prior)
	if !m.keepsSecret() {
		m.Secret = types.StringNull()
	}
	return diags
}

// keepsSecret reports whether the secret belongs in state (store_secret defaults to true).
func (m *orgTokenResourceModel) keepsSecret() bool {
	return m.StoreSecret.IsNull() || m.StoreSecret.IsUnknown() || m.StoreSecret.ValueBool()
}

func (r *orgTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_token"
}

func (r *orgTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = orgTokenResourceSchema()
}

func (r *orgTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider: please report it.", req.ProviderData))
		return
	}
	r.client = data.client
}

func (r *orgTokenResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var notifications types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("notifications"), &notifications)...)
	resp.Diagnostics.Append(validateNotifications(ctx, notifications, path.Root("notifications"))...)
}

// rotationPlanned reports whether the trigger moves from one value to another. Setting it
// for the first time or removing it does not rotate. An unknown new value may rotate.
func rotationPlanned(prior, planned types.String) bool {
	if prior.IsNull() || planned.IsNull() {
		return false
	}
	return planned.IsUnknown() || prior.ValueString() != planned.ValueString()
}

// ModifyPlan shows in the plan what an update really changes. The secret is null when it
// is kept out of state, and unknown when a rotation is planned or it is to be stored again.
// Server-set times stay as they are unless the update moves them: expires_at changes only
// with a rotation or a new lifetime, latest_rotation_at only with a rotation, and the
// last_updated_* pair only when something is sent to the API.
func (r *orgTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	// Decoding the whole plan and state costs more than the rest of a plan, and most plans
	// need neither: a create needs only store_secret, and a plan that changes nothing (every
	// refresh of an unchanged token) nothing at all while the secret is where it belongs.
	var storeSecret types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("store_secret"), &storeSecret)...)
	if resp.Diagnostics.HasError() {
		return
	}
	keepsSecret := (&orgTokenResourceModel{StoreSecret: storeSecret}).keepsSecret()
	if req.State.Raw.IsNull() {
		if !keepsSecret {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("secret"), types.StringNull())...)
		}
		return
	}
	if req.Plan.Raw.Equal(req.State.Raw) {
		var secret types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("secret"), &secret)...)
		if resp.Diagnostics.HasError() || keepsSecret != secret.IsNull() {
			return
		}
	}
	var plan orgTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state orgTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	imported := wasImported(ctx, req.Private, &resp.Diagnostics)
	rotate := rotationPlanned(state.RotationTrigger, plan.RotationTrigger)
	switch {
	case !plan.keepsSecret():
		plan.Secret = types.StringNull()
	case rotate || state.Secret.IsNull():
		plan.Secret = types.StringUnknown()
	}
	if !rotate && !lifetimeChanged(&state, &plan, imported) {
		plan.ExpiresAt = state.ExpiresAt
	}
	if !rotate {
		plan.LatestRotationAt = state.LatestRotationAt
		if !apiChangePlanned(&state, &plan, imported) {
			plan.LastUpdatedAt, plan.LastUpdatedBy = state.LastUpdatedAt, state.LastUpdatedBy
		}
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan, resp.Plan.Schema, &plan)...)
}

// importedKey marks, in private state, a token imported and not yet updated: its lifetime
// was never applied by Terraform, so the first lifetime in configuration is adopted rather
// than treated as a change that resets the expiry.
const importedKey = "imported"

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

func wasImported(ctx context.Context, private privateGetter, diags *diag.Diagnostics) bool {
	v, d := private.GetKey(ctx, importedKey)
	diags.Append(d...)
	return len(v) > 0
}

func (r *orgTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan orgTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	var body sfx.Token
	resp.Diagnostics.Append(expandToken(ctx, &plan.orgTokenAPIModel, &body)...)
	body.SecondsUntilExpiry = durationSeconds(plan.Lifetime)
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := r.client.CreateToken(ctx, &body)
	switch {
	case err == nil:
	case sfx.IsNameClash(err):
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Org Token Already Exists",
			fmt.Sprintf("An org token named %q already exists in SignalFx (names are unique, disabled tokens included). "+
				"To manage it with Terraform, import it with this block and run apply again:\n\n%s\n\n"+
				"or choose another name.", name, importBlock(name)))
		return
	case sfx.IsAmbiguous(err):
		// The token may exist even though the response was lost: look it up before failing.
		created = r.adoptAfterLostCreate(ctx, &body, err, &resp.Diagnostics)
		if created == nil {
			return
		}
	default:
		resp.Diagnostics.AddError("Unable to Create Org Token", errorDetail("create", name, err))
		return
	}

	resp.Diagnostics.Append(plan.setFromAPI(ctx, created, &plan.orgTokenAPIModel)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, resp.State.Schema, &plan)...)
}

// reconcileTimeout bounds the lookup that settles a create or rotation whose outcome is
// unknown, on top of the time the client may spend waiting out the API's rate limit.
const reconcileTimeout = time.Minute

// reconcileContext is ctx without its cancellation, bounded by reconcileTimeout plus the client's
// rate-limit timeout (a lookup under a rate limit waits its turn like any other call). An
// interrupted apply (Ctrl-C) cancels the requests in flight: a create or rotation cut off
// that way may have been applied, and must still be looked up, or the token it made (or
// the secret it issued) would be missing from state and the next apply could not converge.
func (r *orgTokenResource) reconcileContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), reconcileTimeout+r.client.RateLimitTimeout())
}

// adoptAfterLostCreate looks a token up by name after a create whose outcome is unknown. A
// token that matches what was sent is the one this create made; anything else is an error.
func (r *orgTokenResource) adoptAfterLostCreate(ctx context.Context, sent *sfx.Token, createErr error, diags *diag.Diagnostics) *sfx.Token {
	name := sent.Name
	tflog.Warn(ctx, "create response lost; looking the token up by name", map[string]any{"name": name, "error": createErr.Error()})
	lookupCtx, cancel := r.reconcileContext(ctx)
	defer cancel()
	found, err := r.client.GetToken(lookupCtx, name)
	switch {
	case sfx.IsNotFound(err):
		diags.AddError("Unable to Create Org Token",
			errorDetail("create", name, createErr)+" SignalFx has no token of that name, so nothing was created: apply again.")
		return nil
	case err != nil:
		diags.AddError("Unable to Create Org Token",
			errorDetail("create", name, createErr)+fmt.Sprintf(" Looking the token up afterwards also failed (%s), "+
				"so it may or may not exist. Run terraform apply again: if it was not created, it is created then; if it was, "+
				"the apply stops on the name, and this block adopts the token:\n\n%s", err, importBlock(name)))
		return nil
	case !sameWritableFields(sent, found):
		diags.AddAttributeError(path.Root("name"), "Unable to Create Org Token",
			errorDetail("create", name, createErr)+" A token with this name now exists but differs from the configuration, "+
				"so it was not adopted. If it is yours, import it:\n\n"+importBlock(name))
		return nil
	}
	tflog.Info(ctx, "adopted the token created by a request whose response was lost", map[string]any{"name": name})
	return found
}

// sameWritableFields compares what a create sent with what the API holds, ignoring the
// fields the server sets and the ones it may add on its own.
func sameWritableFields(sent, found *sfx.Token) bool {
	norm := func(t *sfx.Token, scopes []string) []byte {
		c := sfx.Token{
			Name: t.Name, Description: t.Description, Disabled: t.Disabled,
			AuthScopes: sortedCopy(scopes), Notifications: t.Notifications, Permissions: t.Permissions,
		}
		if t.Limits != nil {
			l := *t.Limits
			l.Extra = nil
			c.Limits = &l
		}
		if c.Permissions != nil {
			p := sfx.Permissions{ACL: append([]sfx.ACLEntry(nil), c.Permissions.ACL...)}
			sort.Slice(p.ACL, func(i, j int) bool { return p.ACL[i].PrincipalID < p.ACL[j].PrincipalID })
			c.Permissions = &p
		}
		b, _ := json.Marshal(c)
		return b
	}
	foundScopes := found.AuthScopes
	if len(sent.AuthScopes) == 0 {
		foundScopes = nil // the server chose them
	}
	return string(norm(sent, sent.AuthScopes)) == string(norm(found, foundScopes))
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func (r *orgTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state orgTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	token, err := r.client.GetToken(ctx, name)
	if sfx.IsNotFound(err) {
		tflog.Info(ctx, "org token no longer exists; removing it from state", map[string]any{"name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Org Token", errorDetail("read", name, err))
		return
	}
	if state.RotationGracePeriod.IsNull() { // imported: no configuration has been applied yet
		state.RotationGracePeriod = types.StringValue("0s")
	}
	if state.StoreSecret.IsNull() {
		state.StoreSecret = types.BoolValue(true)
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, token, &state.orgTokenAPIModel)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, resp.State.Schema, &state)...)
}

// apiChangePlanned reports whether the plan changes anything the PUT endpoint holds.
func apiChangePlanned(state, plan *orgTokenResourceModel, imported bool) bool {
	return !plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description) ||
		!plan.Disabled.Equal(state.Disabled) || !plan.Limits.Equal(state.Limits) ||
		!plan.Notifications.Equal(state.Notifications) || !plan.Permissions.Equal(state.Permissions) ||
		lifetimeChanged(state, plan, imported)
}

// lifetimeChanged reports whether a new lifetime is to be applied to the current secret.
// Removing the lifetime changes nothing; the first lifetime after an import is adopted.
func lifetimeChanged(state, plan *orgTokenResourceModel, imported bool) bool {
	if imported && state.Lifetime.IsNull() {
		return false
	}
	return !plan.Lifetime.IsNull() && !plan.Lifetime.Equal(state.Lifetime)
}

func (r *orgTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state orgTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	rotate := rotationPlanned(state.RotationTrigger, plan.RotationTrigger)
	imported := wasImported(ctx, req.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)

	var token *sfx.Token
	if apiChangePlanned(&state, &plan, imported) {
		token = r.put(ctx, name, lifetimeChanged(&state, &plan, imported), &plan, &resp.Diagnostics)
		if token == nil {
			return
		}
		name = token.Name
	}

	if rotate {
		if token != nil {
			// Save the update before rotating, so a failed rotation keeps it (and stays planned).
			saved := plan
			saved.RotationTrigger = state.RotationTrigger
			resp.Diagnostics.Append(saved.setFromAPI(ctx, token, &plan.orgTokenAPIModel)...)
			resp.Diagnostics.Append(setModel(ctx, &resp.State, resp.State.Schema, &saved)...)
		}
		before := rfc3339ToMs(state.LatestRotationAt)
		if token != nil {
			before = token.LatestRotation
		}
		rotated := r.rotate(ctx, name, before, &plan, &resp.Diagnostics)
		if rotated == nil {
			return
		}
		token = rotated
	}

	if token == nil && plan.keepsSecret() && state.Secret.IsNull() {
		// store_secret was turned back on: the secret has to be read.
		var err error
		if token, err = r.client.GetToken(ctx, name); err != nil {
			resp.Diagnostics.AddError("Unable to Read Org Token", errorDetail("read", name, err))
			return
		}
	}
	if token == nil {
		// Only Terraform-side settings changed (grace period, trigger set or removed, store_secret off).
		prior := plan
		plan.orgTokenAPIModel = state.orgTokenAPIModel
		plan.Secret = prior.Secret
		if plan.Secret.IsUnknown() {
			plan.Secret = state.Secret
		}
		if !plan.keepsSecret() {
			plan.Secret = types.StringNull()
		}
	} else {
		resp.Diagnostics.Append(plan.setFromAPI(ctx, token, &plan.orgTokenAPIModel)...)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, resp.State.Schema, &plan)...)
}

// put is the read-modify-write of an update: fields this provider does not model are sent
// back as the API returned them.
func (r *orgTokenResource) put(ctx context.Context, name string, newLifetime bool, plan *orgTokenResourceModel, diags *diag.Diagnostics) *sfx.Token {
	current, err := r.client.GetToken(ctx, name)
	if err != nil {
		detail := errorDetail("read", name, err)
		if sfx.IsNotFound(err) {
			detail += " It was deleted outside Terraform: run terraform apply again to create it."
		}
		diags.AddError("Unable to Update Org Token", detail)
		return nil
	}
	diags.Append(expandToken(ctx, &plan.orgTokenAPIModel, current)...)
	if newLifetime {
		current.SecondsUntilExpiry = durationSeconds(plan.Lifetime)
	}
	if diags.HasError() {
		return nil
	}
	updated, err := r.client.UpdateToken(ctx, name, current)
	if err != nil {
		if sfx.IsNameClash(err) {
			diags.AddAttributeError(path.Root("name"), "Unable to Rename Org Token",
				fmt.Sprintf("Org token %q cannot be renamed to %q: a token with that name already exists. Choose another name.",
					name, plan.Name.ValueString()))
			return nil
		}
		diags.AddError("Unable to Update Org Token", errorDetail("update", name, err))
		return nil
	}
	return updated
}

// rotate rotates the secret once. A rotation is never retried blindly: when its outcome is
// unknown, the token is read again and latestRotation tells whether it happened.
func (r *orgTokenResource) rotate(ctx context.Context, name string, before int64, plan *orgTokenResourceModel, diags *diag.Diagnostics) *sfx.Token {
	grace := durationSeconds(plan.RotationGracePeriod)
	opts := sfx.RotateOptions{SecondsUntilExpiry: durationSeconds(plan.Lifetime)}
	if grace != nil {
		opts.GracePeriodSeconds = *grace
	}
	rotated, err := r.client.RotateToken(ctx, name, opts)
	if err == nil {
		return rotated
	}
	if !sfx.IsAmbiguous(err) {
		diags.AddError("Unable to Rotate Org Token", errorDetail("rotate", name, err)+
			" The secret was not rotated; the rotation stays planned for the next apply.")
		return nil
	}
	tflog.Warn(ctx, "rotate response lost; reading the token to see whether it rotated", map[string]any{"name": name, "error": err.Error()})
	lookupCtx, cancel := r.reconcileContext(ctx)
	defer cancel()
	current, getErr := r.client.GetToken(lookupCtx, name)
	if getErr != nil {
		diags.AddError("Unable to Rotate Org Token", errorDetail("rotate", name, err)+
			fmt.Sprintf(" Reading the token afterwards also failed (%s): run terraform apply again; "+
				"it will refresh the secret before deciding whether to rotate.", getErr))
		return nil
	}
	if current.LatestRotation > before {
		tflog.Info(ctx, "the lost rotation happened; keeping its secret", map[string]any{"name": name})
		return current
	}
	diags.AddError("Unable to Rotate Org Token", errorDetail("rotate", name, err)+
		" The token's latest rotation time did not change, so the secret was not rotated; the rotation stays planned for the next apply.")
	return nil
}

func (r *orgTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state orgTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	if err := r.client.DeleteToken(ctx, name); err != nil && !sfx.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Delete Org Token", errorDetail("delete", name, err))
	}
}

func (r *orgTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resp.Diagnostics.AddError("Invalid Import ID", "Import an org token by its name, for example: id = \"ingest-prod\".")
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("name"), req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
}

// durationSeconds converts a validated duration attribute to whole seconds; nil when unset.
func durationSeconds(v types.String) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil {
		return nil // the schema validator has already reported it
	}
	s := int64(d / time.Second)
	return &s
}

func rfc3339ToMs(v types.String) int64 {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}
