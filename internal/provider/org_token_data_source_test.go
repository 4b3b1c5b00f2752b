package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/provider"
)

// ms is a fixed instant in API milliseconds, and its RFC 3339 form as state shows it.
func ms(year int, month time.Month, day, hour, minute, sec, milli int) (int64, string) {
	t := time.Date(year, month, day, hour, minute, sec, milli*int(time.Millisecond), time.UTC)
	return t.UnixMilli(), t.Format(time.RFC3339Nano)
}

// seed stores tokens in the emulator as if they had been made in the UI.
func seed(t *testing.T, env *acctest.Env, tokens ...emulator.Token) {
	t.Helper()
	env.RequireEmulator(t, "seeds tokens made outside Terraform")
	if err := env.Emulator.Seed(tokens...); err != nil {
		t.Fatalf("seed: %v", err)
	}
}

// assertOnlyGets fails unless every API request was an exact GET /v2/token/{name}: no
// search, no write.
func assertOnlyGets(t *testing.T, env *acctest.Env, atLeast int) {
	t.Helper()
	reqs := env.Emulator.Requests()
	for _, r := range reqs {
		if r.Method != "GET" || r.Route != emulator.RouteGet {
			t.Errorf("want only GET /v2/token/{name}; saw %s %s?%s (route %s)", r.Method, r.EscapedPath, r.RawQuery, r.Route)
		}
	}
	if len(reqs) < atLeast {
		t.Errorf("want at least %d GETs, saw %d", atLeast, len(reqs))
	}
}

const dsShort, dsSlash = "data.signalfx_org_token.short", "data.signalfx_org_token.slash"

func TestOrgTokenDataSource_readsEveryAttributeOfATokenMadeElsewhere(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	expiry, expiryText := ms(2026, 3, 4, 5, 6, 7, 89)
	created, createdText := ms(2025, 6, 1, 0, 0, 0, 0)
	updated, updatedText := ms(2025, 12, 24, 18, 30, 0, 500)
	rotated, rotatedText := ms(2025, 11, 11, 11, 11, 11, 0)
	seed(t, env,
		emulator.Token{Name: "app", ID: "IDAPP", Secret: "secret-app", AuthScopes: []string{"INGEST"}},
		emulator.Token{Name: "app-prod", ID: "IDAPPPROD", Secret: "secret-app-prod", AuthScopes: []string{"API"}},
		emulator.Token{
			Name: "team a/ingest prod", ID: "IDSLASH", Secret: "secret-slash", Description: "made in the UI",
			AuthScopes: []string{"API", "INGEST"}, Disabled: true, Expiry: expiry,
			Created: created, Creator: "USERA", LastUpdated: updated, LastUpdatedBy: "USERB", LatestRotation: rotated,
			Limits: json.RawMessage(`{"dpmQuota":5000,"dpmNotificationThreshold":4000,"jobsPerMinuteLimit":20}`),
			Notifications: []json.RawMessage{
				json.RawMessage(`{"type":"Email","email":"ops@example.com"}`),
				json.RawMessage(`{"type":"Slack","credentialId":"cred1","channel":"alerts"}`),
			},
			Permissions: json.RawMessage(`{"acl":[{"principalId":"team1","principalType":"TEAM","actions":["READ","WRITE"]}],"parent":null}`),
		},
	)
	str := knownvalue.StringExact
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "signalfx_org_token" "short" {
  name = "app"
}
data "signalfx_org_token" "slash" {
  name = "team a/ingest prod"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				// "app" is a substring of "app-prod": the lookup is exact all the same.
				statecheck.ExpectKnownValue(dsShort, attr("id"), str("IDAPP")),
				statecheck.ExpectKnownValue(dsShort, attr("secret"), str("secret-app")),
				statecheck.ExpectKnownValue(dsShort, attr("auth_scopes"), knownvalue.SetExact([]knownvalue.Check{str("INGEST")})),
				statecheck.ExpectKnownValue(dsShort, attr("description"), str("")),
				statecheck.ExpectKnownValue(dsShort, attr("disabled"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(dsShort, attr("expires_at"), str("2026-02-01T03:04:05Z")), // now + 30 days
				statecheck.ExpectKnownValue(dsShort, attr("created_by"), str("seed")),
				statecheck.ExpectKnownValue(dsShort, attr("latest_rotation_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dsShort, attr("limits"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dsShort, attr("notifications"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dsShort, attr("permissions"), knownvalue.Null()),

				statecheck.ExpectKnownValue(dsSlash, attr("name"), str("team a/ingest prod")),
				statecheck.ExpectKnownValue(dsSlash, attr("id"), str("IDSLASH")),
				statecheck.ExpectKnownValue(dsSlash, attr("secret"), str("secret-slash")),
				statecheck.ExpectKnownValue(dsSlash, attr("description"), str("made in the UI")),
				statecheck.ExpectKnownValue(dsSlash, attr("auth_scopes"), knownvalue.SetExact([]knownvalue.Check{str("API"), str("INGEST")})),
				statecheck.ExpectKnownValue(dsSlash, attr("disabled"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(dsSlash, attr("expires_at"), str(expiryText)),
				statecheck.ExpectKnownValue(dsSlash, attr("created_at"), str(createdText)),
				statecheck.ExpectKnownValue(dsSlash, attr("created_by"), str("USERA")),
				statecheck.ExpectKnownValue(dsSlash, attr("last_updated_at"), str(updatedText)),
				statecheck.ExpectKnownValue(dsSlash, attr("last_updated_by"), str("USERB")),
				statecheck.ExpectKnownValue(dsSlash, attr("latest_rotation_at"), str(rotatedText)),
				statecheck.ExpectKnownValue(dsSlash, attr("limits").AtMapKey("dpm_quota"), knownvalue.Int64Exact(5000)),
				statecheck.ExpectKnownValue(dsSlash, attr("limits").AtMapKey("dpm_notification_threshold"), knownvalue.Int64Exact(4000)),
				statecheck.ExpectKnownValue(dsSlash, attr("limits").AtMapKey("jobs_per_minute"), knownvalue.Int64Exact(20)),
				statecheck.ExpectKnownValue(dsSlash, attr("limits").AtMapKey("host_quota"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dsSlash, attr("notifications"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"type": str("Email"), "email": str("ops@example.com"), "channel": knownvalue.Null()}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"type": str("Slack"), "credential_id": str("cred1"), "channel": str("alerts")}),
				})),
				statecheck.ExpectKnownValue(dsSlash, attr("permissions"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"principal_id": str("team1"), "principal_type": str("TEAM"),
						"actions": knownvalue.SetExact([]knownvalue.Check{str("READ"), str("WRITE")}),
					}),
				})),
			},
		}},
	})
	assertOnlyGets(t, env, 2)
}

func TestOrgTokenDataSource_matchesTheResourceAttributeForAttribute(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("shared mapping")
	config := tokenConfig(env, fmt.Sprintf(`
  name        = %s
  description = "one mapping for both"
  auth_scopes = ["API", "INGEST"]
  disabled    = true
  lifetime    = "720h"
  limits      = { host_quota = 10, host_notification_threshold = 8, event_searches_per_minute = 5 }
  notifications = [
    { type = "Email", email = "ops@example.com" },
    { type = "Opsgenie", credential_id = "og", responder_type = "Team", responder_name = "sre" },
  ]
  permissions = [{ principal_id = "u1", principal_type = "USER", actions = ["READ"] }]`, acctest.Quote(name))) + `
data "signalfx_org_token" "test" {
  name = signalfx_org_token.test.name
}
`
	const ds = "data.signalfx_org_token.test"
	var checks []statecheck.StateCheck
	for _, a := range dataSourceAttributes(t) {
		checks = append(checks, statecheck.CompareValuePairs(addr, attr(a), ds, attr(a), compare.ValuesSame()))
	}
	checks = append(checks,
		statecheck.ExpectKnownValue(ds, attr("limits").AtMapKey("host_quota"), knownvalue.Int64Exact(10)),
		statecheck.ExpectKnownValue(ds, attr("notifications"), knownvalue.ListSizeExact(2)),
		statecheck.ExpectKnownValue(ds, attr("disabled"), knownvalue.Bool(true)),
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func TestOrgTokenDataSource_missingNameIsAnErrorNamingTheToken(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	// Only longer names contain "app": a substring match must not stand in for the token.
	seed(t, env, emulator.Token{Name: "app-prod"}, emulator.Token{Name: "my app"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config:      env.ProviderConfig() + "data \"signalfx_org_token\" \"test\" {\n  name = \"app\"\n}\n",
			ExpectError: errorWith("Org Token Not Found", `SignalFx has no org token named "app".`),
		}},
	})
	assertOnlyGets(t, env, 1)
}

// errorWith matches a diagnostic by its summary and a phrase of its detail, however
// Terraform wraps them.
func errorWith(summary, detail string) *regexp.Regexp {
	return regexp.MustCompile(`Error: ` + regexp.QuoteMeta(summary) + `(?s).*` + strings.TrimPrefix(words(detail).String(), "(?s)"))
}

// resourceAttributesOnlyInTerraform are the resource's attributes the API does not hold.
// A new resource attribute must be added either here or to the API model (and so to the
// data source): this test makes that choice explicit.
var resourceAttributesOnlyInTerraform = []string{"lifetime", "rotation_grace_period", "rotation_trigger", "store_secret"}

func resourceSchema(t *testing.T) rschema.Schema {
	t.Helper()
	var resp fwresource.SchemaResponse
	provider.NewOrgTokenResource().Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("resource schema: %v", resp.Diagnostics)
	}
	return resp.Schema
}

func dataSourceSchema(t *testing.T, ds datasource.DataSource) dsschema.Schema {
	t.Helper()
	var resp datasource.SchemaResponse
	ds.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("data source schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("data source schema is invalid: %v", diags)
	}
	return resp.Schema
}

func dataSourceAttributes(t *testing.T) []string {
	t.Helper()
	var names []string
	for n := range dataSourceSchema(t, provider.NewOrgTokenDataSource()).Attributes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// sensitivePaths lists the sensitive attributes, nested ones included, as dotted paths.
func sensitivePaths[A interface{ IsSensitive() bool }](prefix string, attrs map[string]A, nested func(A) map[string]A) []string {
	var out []string
	for name, a := range attrs {
		if a.IsSensitive() {
			out = append(out, prefix+name)
		}
		if n := nested(a); n != nil {
			out = append(out, sensitivePaths(prefix+name+".", n, nested)...)
		}
	}
	sort.Strings(out)
	return out
}

func resourceNested(a rschema.Attribute) map[string]rschema.Attribute {
	switch a := a.(type) {
	case rschema.SingleNestedAttribute:
		return a.Attributes
	case rschema.ListNestedAttribute:
		return a.NestedObject.Attributes
	case rschema.SetNestedAttribute:
		return a.NestedObject.Attributes
	}
	return nil
}

func dataSourceNested(a dsschema.Attribute) map[string]dsschema.Attribute {
	switch a := a.(type) {
	case dsschema.SingleNestedAttribute:
		return a.Attributes
	case dsschema.ListNestedAttribute:
		return a.NestedObject.Attributes
	case dsschema.SetNestedAttribute:
		return a.NestedObject.Attributes
	}
	return nil
}

// TestOrgTokenDataSource_schemaIsTheResourcesAPIAttributes proves the data source cannot
// drift from the resource: same names, types and sensitivity, everything computed but name.
func TestOrgTokenDataSource_schemaIsTheResourcesAPIAttributes(t *testing.T) {
	t.Parallel()
	rs := resourceSchema(t)
	ds := dataSourceSchema(t, provider.NewOrgTokenDataSource())

	var apiBacked []string
	for name := range rs.Attributes {
		if !slices.Contains(resourceAttributesOnlyInTerraform, name) {
			apiBacked = append(apiBacked, name)
		}
	}
	sort.Strings(apiBacked)
	if got := dataSourceAttributes(t); !slices.Equal(got, apiBacked) {
		t.Fatalf("data source attributes\n got %v\nwant %v (the resource's minus %v)", got, apiBacked, resourceAttributesOnlyInTerraform)
	}
	for _, name := range apiBacked {
		r, d := rs.Attributes[name], ds.Attributes[name]
		if !r.GetType().Equal(d.GetType()) {
			t.Errorf("%s: data source type %s, resource type %s", name, d.GetType(), r.GetType())
		}
		if d.GetMarkdownDescription() == "" {
			t.Errorf("%s: no MarkdownDescription", name)
		}
		if wantRequired := name == "name"; d.IsRequired() != wantRequired || d.IsComputed() == wantRequired || d.IsOptional() {
			t.Errorf("%s: required=%v optional=%v computed=%v; want only name required, the rest computed",
				name, d.IsRequired(), d.IsOptional(), d.IsComputed())
		}
	}
	want := sensitivePaths("", rs.Attributes, resourceNested)
	got := sensitivePaths("", ds.Attributes, dataSourceNested)
	if !slices.Equal(got, want) || !slices.Contains(got, "secret") {
		t.Errorf("sensitive attributes: data source %v, resource %v (secret must be one)", got, want)
	}
}
