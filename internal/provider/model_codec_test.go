package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

// TestModelCodecMatchesFramework: getModel and setModel, which replace the framework's
// reflection on the resource's hot paths, read and write exactly what tfsdk's Get and Set
// do, for a model with every attribute set, nested ones included, and for one with most
// of them null or unknown.
func TestModelCodecMatchesFramework(t *testing.T) {
	ctx := context.Background()
	var sresp resource.SchemaResponse
	(&orgTokenResource{}).Schema(ctx, resource.SchemaRequest{}, &sresp)
	if sresp.Diagnostics.HasError() {
		t.Fatal(sresp.Diagnostics)
	}
	schema := sresp.Schema

	i64 := func(n int64) *int64 { return &n }
	full := &sfx.Token{
		Name: "full", ID: "id1", Description: "d", AuthScopes: []string{"API", "INGEST"}, Secret: "s",
		Limits: &sfx.Limits{
			DPMQuota: i64(1000), DPMNotificationThreshold: i64(900),
			CategoryQuota: &sfx.CategoryLimits{Hosts: i64(5)}, EventSearchesPerMinute: i64(7),
		},
		Notifications: []sfx.Notification{{Type: "Email", Email: "a@example.com"}, {Type: "Slack", CredentialID: "c", Channel: "#x"}},
		Permissions:   &sfx.Permissions{ACL: []sfx.ACLEntry{{PrincipalID: "u", PrincipalType: "USER", Actions: []string{"READ"}}}},
		Expiry:        1_800_000_000_000, Created: 1_700_000_000_000, LastUpdated: 1_700_000_100_000, LatestRotation: 1_700_000_050_000,
		Creator: "me", LastUpdatedBy: "you",
	}
	var fullModel orgTokenResourceModel
	if d := flattenToken(ctx, full, &fullModel.orgTokenAPIModel, nil); d.HasError() {
		t.Fatal(d)
	}
	fullModel.Lifetime = types.StringValue("720h")
	fullModel.RotationTrigger = types.StringValue("2026-01")
	fullModel.RotationGracePeriod = types.StringNull()
	fullModel.StoreSecret = types.BoolValue(true)

	var sparse orgTokenResourceModel
	if d := flattenToken(ctx, &sfx.Token{Name: "sparse"}, &sparse.orgTokenAPIModel, nil); d.HasError() {
		t.Fatal(d)
	}
	sparse.Secret = types.StringUnknown()
	sparse.Lifetime, sparse.RotationTrigger, sparse.RotationGracePeriod = types.StringNull(), types.StringUnknown(), types.StringNull()
	sparse.StoreSecret = types.BoolNull()

	for name, m := range map[string]*orgTokenResourceModel{"full": &fullModel, "sparse": &sparse} {
		t.Run(name, func(t *testing.T) {
			ours := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(schema.Type().TerraformType(ctx), nil)}
			theirs := ours
			if d := setModel(ctx, &ours, ours.Schema, m); d.HasError() {
				t.Fatalf("setModel: %v", d)
			}
			if d := theirs.Set(ctx, m); d.HasError() {
				t.Fatalf("State.Set: %v", d)
			}
			if !ours.Raw.Equal(theirs.Raw) {
				t.Fatalf("setModel wrote\n%s\nState.Set wrote\n%s", ours.Raw, theirs.Raw)
			}
			var got, want orgTokenResourceModel
			if d := getModel(ctx, theirs, &got); d.HasError() {
				t.Fatalf("getModel: %v", d)
			}
			if d := theirs.Get(ctx, &want); d.HasError() {
				t.Fatalf("State.Get: %v", d)
			}
			gotV, wantV := tfsdk.State{Schema: schema}, tfsdk.State{Schema: schema}
			if d := gotV.Set(ctx, &got); d.HasError() {
				t.Fatal(d)
			}
			if d := wantV.Set(ctx, &want); d.HasError() {
				t.Fatal(d)
			}
			if !gotV.Raw.Equal(wantV.Raw) || !gotV.Raw.Equal(theirs.Raw) {
				t.Errorf("getModel read\n%s\nState.Get read\n%s", gotV.Raw, wantV.Raw)
			}
		})
	}
}

// TestModelCodecRejectsMismatch: a model that does not fit the schema is a diagnostic, not
// a panic or a silently dropped attribute.
func TestModelCodecRejectsMismatch(t *testing.T) {
	ctx := context.Background()
	var sresp resource.SchemaResponse
	(&orgTokenResource{}).Schema(ctx, resource.SchemaRequest{}, &sresp)
	var m orgTokenResourceModel
	if d := flattenToken(ctx, &sfx.Token{Name: "x"}, &m.orgTokenAPIModel, nil); d.HasError() {
		t.Fatal(d)
	}
	m.Lifetime, m.RotationTrigger, m.RotationGracePeriod, m.StoreSecret = types.StringNull(), types.StringNull(), types.StringNull(), types.BoolNull()
	state := tfsdk.State{Schema: sresp.Schema}
	if d := setModel(ctx, &state, state.Schema, &m); d.HasError() {
		t.Fatal(d)
	}

	var short struct {
		Name types.String `tfsdk:"name"`
	}
	if d := getModel(ctx, state, &short); !d.HasError() || !strings.Contains(d[0].Detail(), "bug in the provider") {
		t.Errorf("getModel into a model missing attributes: %v", d)
	}
	var wrongType struct {
		orgTokenAPIModel
		Lifetime            types.Int64  `tfsdk:"lifetime"`
		RotationTrigger     types.String `tfsdk:"rotation_trigger"`
		RotationGracePeriod types.String `tfsdk:"rotation_grace_period"`
		StoreSecret         types.Bool   `tfsdk:"store_secret"`
	}
	if d := getModel(ctx, state, &wrongType); !d.HasError() || !strings.Contains(d[0].Detail(), `"lifetime"`) {
		t.Errorf("getModel into a field of the wrong type: %v", d)
	}
	if d := setModel(ctx, &state, state.Schema, &short); !d.HasError() {
		t.Error("setModel of a model missing attributes succeeded")
	}
}

// TestFieldsOfFollowsTheFrameworksRules: a model the framework would refuse is refused, not
// half read.
func TestFieldsOfFollowsTheFrameworksRules(t *testing.T) {
	type inner struct {
		A types.String `tfsdk:"a"`
	}
	type noTag struct {
		A types.String
	}
	type unexported struct {
		a types.String `tfsdk:"a"`
	}
	type twice struct {
		A types.String `tfsdk:"a"`
		B types.String `tfsdk:"a"`
	}
	type embeddedPointer struct {
		*inner
	}
	type fine struct {
		inner
		B       types.String `tfsdk:"b"`
		Skipped types.String `tfsdk:"-"`
		private int
	}
	for _, v := range []any{noTag{}, unexported{}, twice{}, embeddedPointer{}} {
		if _, err := fieldsOf(reflect.TypeOf(v)); err == nil {
			t.Errorf("%T: no error", v)
		}
	}
	fields, err := fieldsOf(reflect.TypeOf(fine{}))
	if err != nil || len(fields) != 2 || fields[0].name != "a" || fields[1].name != "b" {
		t.Errorf("fine: %+v, %v", fields, err)
	}
	_ = unexported{}.a
	_ = fine{}.private
}
