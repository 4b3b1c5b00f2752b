package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

func TestMain(m *testing.M) {
	if err := acctest.SetupTerraform(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	removeBuiltProvider()
	os.Exit(code)
}

const addr = "signalfx_org_token.test"

func tokenConfig(env *acctest.Env, body string) string {
	return env.ProviderConfig() + "resource \"signalfx_org_token\" \"test\" {\n" + body + "\n}\n"
}

func attr(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

var rfc3339 = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

func TestOrgToken_createFillsEveryComputedAttribute(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("create")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: tokenConfig(env, fmt.Sprintf(`
  name        = %s
  description = "ingest for prod"
  auth_scopes = ["INGEST", "API"]
  lifetime    = "720h"`, acctest.Quote(name))),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, attr("name"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue(addr, attr("id"), knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
				statecheck.ExpectKnownValue(addr, attr("secret"), knownvalue.StringRegexp(regexp.MustCompile(`^\S{8,}$`))),
				statecheck.ExpectKnownValue(addr, attr("auth_scopes"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("API"), knownvalue.StringExact("INGEST")})),
				statecheck.ExpectKnownValue(addr, attr("disabled"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, attr("expires_at"), knownvalue.StringRegexp(rfc3339)),
				statecheck.ExpectKnownValue(addr, attr("created_at"), knownvalue.StringRegexp(rfc3339)),
				statecheck.ExpectKnownValue(addr, attr("created_by"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(addr, attr("latest_rotation_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, attr("limits"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, attr("rotation_grace_period"), knownvalue.StringExact("0s")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(s *terraform.State) error {
					// The secret in state is the one the API holds, and expiry is lifetime after creation.
					rs := s.RootModule().Resources[addr].Primary.Attributes
					tok := env.Get(t, name)
					if rs["secret"] != tok.Secret {
						return fmt.Errorf("secret in state differs from the API's")
					}
					if got := time.UnixMilli(tok.Expiry).Sub(time.UnixMilli(tok.Created)); got != 720*time.Hour {
						return fmt.Errorf("expiry is %s after creation, want 720h", got)
					}
					if !env.Live && tok.Limits != nil {
						return fmt.Errorf("the emulator should omit limits on this token, got %+v", tok.Limits)
					}
					return nil
				},
			),
		}},
	})
}

func TestOrgToken_updatesEveryAttributeInPlace(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("update")
	before := fmt.Sprintf(`
  name        = %s
  description = "before"
  lifetime    = "720h"`, acctest.Quote(name))
	after := fmt.Sprintf(`
  name                  = %s
  description           = "after"
  disabled              = true
  lifetime              = "1440h"
  rotation_grace_period = "1h"
  limits = {
    dpm_quota                  = 5000
    dpm_notification_threshold = 4000
    event_searches_per_minute  = 10
    jobs_per_minute            = 20
  }
  notifications = [
    { type = "Email", email = "ops@example.com" },
    { type = "Slack", credential_id = "cred1", channel = "alerts" },
    { type = "Webhook", url = "https://hooks.example.com/x", secret = "hook-secret" },
  ]
  permissions = [
    { principal_id = "team1", principal_type = "TEAM", actions = ["READ", "WRITE"] },
    { principal_id = "user1", principal_type = "USER", actions = ["READ"] },
  ]`, acctest.Quote(name))
	categories := fmt.Sprintf(`
  name   = %s
  limits = {
    host_quota                              = 10
    host_notification_threshold             = 8
    container_quota                         = 100
    container_notification_threshold        = 80
    custom_metrics_quota                    = 1000
    custom_metrics_notification_threshold   = 800
    high_res_metrics_quota                  = 50
    high_res_metrics_notification_threshold = 40
  }`, acctest.Quote(name))
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{
				Config: tokenConfig(env, before),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, attr("id")),
					sameSecret.AddStateValue(addr, attr("secret")),
				},
			},
			{
				Config: tokenConfig(env, after),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, attr("id")),
					sameSecret.AddStateValue(addr, attr("secret")),
					statecheck.ExpectKnownValue(addr, attr("description"), knownvalue.StringExact("after")),
					statecheck.ExpectKnownValue(addr, attr("disabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, attr("limits").AtMapKey("dpm_quota"), knownvalue.Int64Exact(5000)),
					statecheck.ExpectKnownValue(addr, attr("limits").AtMapKey("jobs_per_minute"), knownvalue.Int64Exact(20)),
					statecheck.ExpectKnownValue(addr, attr("limits").AtMapKey("host_quota"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, attr("notifications"), knownvalue.ListSizeExact(3)),
					statecheck.ExpectKnownValue(addr, attr("notifications").AtSliceIndex(1).AtMapKey("channel"), knownvalue.StringExact("alerts")),
					statecheck.ExpectKnownValue(addr, attr("permissions"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue(addr, attr("rotation_grace_period"), knownvalue.StringExact("1h")),
				},
				Check: func(*terraform.State) error {
					tok := env.Get(t, name)
					if !tok.Disabled || tok.Description != "after" {
						return fmt.Errorf("API has disabled=%v description=%q", tok.Disabled, tok.Description)
					}
					if got := time.UnixMilli(tok.Expiry).Sub(time.UnixMilli(tok.LastUpdated)); got != 1440*time.Hour {
						return fmt.Errorf("a changed lifetime should reset the expiry to 1440h from the update, got %s", got)
					}
					if tok.Permissions == nil || len(tok.Permissions.ACL) != 2 {
						return fmt.Errorf("API permissions: %+v", tok.Permissions)
					}
					return nil
				},
			},
			{
				// Switching from DPM to category quotas, and dropping notifications, permissions and the description.
				Config: tokenConfig(env, categories),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, attr("id")),
					statecheck.ExpectKnownValue(addr, attr("limits").AtMapKey("dpm_quota"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, attr("limits").AtMapKey("high_res_metrics_notification_threshold"), knownvalue.Int64Exact(40)),
					statecheck.ExpectKnownValue(addr, attr("notifications"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, attr("permissions"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, attr("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, attr("disabled"), knownvalue.Bool(false)),
				},
				Check: func(*terraform.State) error {
					tok := env.Get(t, name)
					if tok.Disabled {
						return fmt.Errorf("the token should be enabled again: false must be sent")
					}
					if tok.Permissions != nil || len(tok.Notifications) != 0 {
						return fmt.Errorf("permissions and notifications should be cleared: %+v %+v", tok.Permissions, tok.Notifications)
					}
					return nil
				},
			},
		},
	})
}

func TestOrgToken_renameIsInPlace(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	oldName, newName := env.Name("before rename"), env.Name("after/rename 100%")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{
				Config:            tokenConfig(env, "name = "+acctest.Quote(oldName)),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, attr("id")), sameSecret.AddStateValue(addr, attr("secret"))},
			},
			{
				Config: tokenConfig(env, "name = "+acctest.Quote(newName)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, attr("id")),
					sameSecret.AddStateValue(addr, attr("secret")),
					statecheck.ExpectKnownValue(addr, attr("name"), knownvalue.StringExact(newName)),
				},
				Check: func(*terraform.State) error {
					if _, err := env.Client(t).GetToken(context.Background(), oldName); !sfx.IsNotFound(err) {
						return fmt.Errorf("the old name should be gone, got %w", err)
					}
					env.Get(t, newName)
					return nil
				},
			},
		},
	})
}

func TestOrgToken_rotationIsAnInPlaceUpdateWithGracePeriod(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "advances the emulator's clock through the grace period")
	name := env.Name("rotate")
	config := func(trigger string) string {
		return tokenConfig(env, fmt.Sprintf(`
  name                  = %s
  lifetime              = "48h"
  rotation_trigger      = %q
  rotation_grace_period = "2h"`, acctest.Quote(name), trigger))
	}
	secrets := statecheck.CompareValue(compare.ValuesDiffer())
	sameID := statecheck.CompareValue(compare.ValuesSame())
	keptSecret := statecheck.CompareValue(compare.ValuesSame())
	var oldSecret string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{
				Config:            config("v1"),
				ConfigStateChecks: []statecheck.StateCheck{secrets.AddStateValue(addr, attr("secret")), sameID.AddStateValue(addr, attr("id"))},
				Check: func(s *terraform.State) error {
					oldSecret = s.RootModule().Resources[addr].Primary.Attributes["secret"]
					env.Clock.Advance(time.Hour) // so the new expiry is visibly later
					return nil
				},
			},
			{
				Config: config("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, attr("secret")),
						plancheck.ExpectUnknownValue(addr, attr("expires_at")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					secrets.AddStateValue(addr, attr("secret")),
					keptSecret.AddStateValue(addr, attr("secret")),
					sameID.AddStateValue(addr, attr("id")),
					statecheck.ExpectKnownValue(addr, attr("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(addr, attr("latest_rotation_at"), knownvalue.StringRegexp(rfc3339)),
				},
				Check: func(s *terraform.State) error {
					newSecret := s.RootModule().Resources[addr].Primary.Attributes["secret"]
					tok := env.Get(t, name)
					if tok.Secret != newSecret {
						return fmt.Errorf("state holds a secret the API does not")
					}
					if got := time.UnixMilli(tok.Expiry).Sub(time.UnixMilli(tok.LatestRotation)); got != 48*time.Hour {
						return fmt.Errorf("rotation should reset the expiry to lifetime (48h), got %s", got)
					}
					if !env.Emulator.Authenticates(oldSecret) || !env.Emulator.Authenticates(newSecret) {
						return fmt.Errorf("both secrets should work during the grace period")
					}
					env.Clock.Advance(2*time.Hour + time.Second)
					if env.Emulator.Authenticates(oldSecret) {
						return fmt.Errorf("the old secret should stop working after the 2h grace period")
					}
					if !env.Emulator.Authenticates(newSecret) {
						return fmt.Errorf("the new secret should keep working")
					}
					return nil
				},
			},
			{
				// Removing the trigger does not rotate.
				Config: tokenConfig(env, fmt.Sprintf("name = %s\n lifetime = \"48h\"\n rotation_grace_period = \"2h\"", acctest.Quote(name))),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, attr("secret"), knownvalue.NotNull()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{keptSecret.AddStateValue(addr, attr("secret"))},
			},
		},
	})
}

func TestOrgToken_importByName(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("import me / 50% off")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{
				Config: tokenConfig(env, fmt.Sprintf(`
  name        = %s
  description = "imported"
  limits      = { dpm_quota = 100 }
  permissions = [{ principal_id = "u1", principal_type = "USER", actions = ["READ"] }]`, acctest.Quote(name))),
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        name,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "name",
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: name + " (missing)",
				ExpectError:   regexp.MustCompile(`(?i)cannot import non-existent remote object`),
			},
		},
	})
}

func TestOrgToken_deletedByHandIsPlannedForCreation(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("deleted by hand")
	config := tokenConfig(env, "name = "+acctest.Quote(name))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if err := env.Client(t).DeleteToken(context.Background(), name); err != nil {
						t.Fatalf("delete by hand: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, attr("name"), knownvalue.StringExact(name)),
				},
			},
		},
	})
}

func TestOrgToken_changedByHandIsPlannedBack(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("changed by hand")
	config := tokenConfig(env, fmt.Sprintf(`
  name        = %s
  description = "managed"
  limits      = { dpm_quota = 1000 }`, acctest.Quote(name)))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.Edit(t, name, func(tok *sfx.Token) {
						tok.Description = "edited in the UI"
						tok.Disabled = true
						q := int64(1)
						tok.Limits.DPMQuota = &q
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, attr("description"), knownvalue.StringExact("managed")),
					},
				},
				Check: func(*terraform.State) error {
					tok := env.Get(t, name)
					if tok.Description != "managed" || tok.Disabled || *tok.Limits.DPMQuota != 1000 {
						return fmt.Errorf("apply should undo the hand edit, API has %q disabled=%v quota=%d", tok.Description, tok.Disabled, *tok.Limits.DPMQuota)
					}
					return nil
				},
			},
			{
				// A rotation by hand changes the secret: refresh picks it up without planning any change.
				PreConfig: func() {
					if _, err := env.Client(t).RotateToken(context.Background(), name, sfx.RotateOptions{}); err != nil {
						t.Fatalf("rotate by hand: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					if s.RootModule().Resources[addr].Primary.Attributes["secret"] != env.Get(t, name).Secret {
						return fmt.Errorf("refresh should store the secret rotated by hand")
					}
					return nil
				},
			},
		},
	})
}

func TestOrgToken_unmodelledFieldsSurviveUpdates(t *testing.T) {
	t.Parallel()
	const (
		emailA = `{ type = "Email", email = "a@example.com" }`
		emailB = `{ type = "Email", email = "b@example.com" }`
	)
	ccBcc := map[string]json.RawMessage{"cc": json.RawMessage(`["c@example.com"]`), "bcc": json.RawMessage(`["d@example.com"]`)}
	env := acctest.New(t)
	env.RequireEmulator(t, "sets fields the real API may not accept")
	name := env.Name("unmodelled")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: tokenConfig(env, fmt.Sprintf("name = %s\n limits = { dpm_quota = 10 }\n notifications = [%s]", acctest.Quote(name), emailA))},
			{
				PreConfig: func() {
					env.Edit(t, name, func(tok *sfx.Token) {
						tok.Limits.Extra = map[string]json.RawMessage{"mtsmLimit": json.RawMessage(`500`)}
						tok.Extra["futureField"] = json.RawMessage(`{"kept":true}`)
						// cc and bcc, which the UI sets on an Email notification and the provider does not model.
						tok.Notifications[0].Extra = ccBcc
					})
				},
				// A new notification goes first: the cc and bcc follow their recipient, not the position.
				Config: tokenConfig(env, fmt.Sprintf("name = %s\n description = \"x\"\n limits = { dpm_quota = 20 }\n notifications = [%s, %s]",
					acctest.Quote(name), emailB, emailA)),
				Check: func(*terraform.State) error {
					tok := env.Get(t, name)
					if string(tok.Limits.Extra["mtsmLimit"]) != "500" {
						return fmt.Errorf("mtsmLimit was dropped: %s", tok.Limits.Extra)
					}
					if string(tok.Extra["futureField"]) != `{"kept":true}` {
						return fmt.Errorf("futureField was dropped: %s", tok.Extra["futureField"])
					}
					if *tok.Limits.DPMQuota != 20 || tok.Description != "x" {
						return fmt.Errorf("update not applied")
					}
					n := tok.Notifications
					if len(n) != 2 || n[0].Email != "b@example.com" || n[0].Extra != nil || n[1].Email != "a@example.com" || !reflect.DeepEqual(n[1].Extra, ccBcc) {
						return fmt.Errorf("notifications after the update: %+v; want b@ without extra keys, then a@ with its cc and bcc", n)
					}
					return nil
				},
			},
			{
				// Another address is another recipient: a@'s cc and bcc do not move to it.
				Config: tokenConfig(env, fmt.Sprintf("name = %s\n description = \"x\"\n limits = { dpm_quota = 20 }\n notifications = [%s]",
					acctest.Quote(name), emailB)),
				Check: func(*terraform.State) error {
					if n := env.Get(t, name).Notifications; len(n) != 1 || n[0].Email != "b@example.com" || n[0].Extra != nil {
						return fmt.Errorf("notifications: %+v, want b@ alone without extra keys", n)
					}
					return nil
				},
			},
		},
	})
}

func TestOrgToken_nameClashShowsImportBlock(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name(`clash "quoted" ${x}`)
	if _, err := env.Client(t).CreateToken(context.Background(), &sfx.Token{Name: name}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client(t).DeleteToken(context.Background(), name) })
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config:      tokenConfig(env, "name = "+acctest.Quote(name)),
			ExpectError: regexp.MustCompile(`(?s)already exists.*import \{.*id = "` + regexp.QuoteMeta(env.Name(`clash \"quoted\" $${x}`)) + `"`),
		}},
	})
}

func TestOrgToken_storeSecretFalseKeepsTheSecretOutOfState(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("no secret in state")
	config := func(store bool, trigger string) string {
		return tokenConfig(env, fmt.Sprintf("name = %s\n store_secret = %t\n rotation_trigger = %q", acctest.Quote(name), store, trigger))
	}
	var apiSecret string
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config(false, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectKnownValue(addr, attr("secret"), knownvalue.Null())},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, attr("secret"), knownvalue.Null()),
					sameID.AddStateValue(addr, attr("id")),
				},
				Check: func(*terraform.State) error { apiSecret = env.Get(t, name).Secret; return nil },
			},
			{
				// Rotation still works without the secret in state.
				Config: config(false, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, attr("secret"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, attr("secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, attr("latest_rotation_at"), knownvalue.NotNull()),
					sameID.AddStateValue(addr, attr("id")),
				},
				Check: func(*terraform.State) error {
					if env.Get(t, name).Secret == apiSecret {
						return fmt.Errorf("the secret should have rotated")
					}
					return nil
				},
			},
			{
				// Turning storage on reads the current secret, in place.
				Config: config(true, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, attr("secret")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, attr("id"))},
				Check: func(s *terraform.State) error {
					if stateSecret(s) != env.Get(t, name).Secret {
						return fmt.Errorf("state should now hold the current secret")
					}
					return nil
				},
			},
			{
				Config: config(false, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, attr("secret"), knownvalue.Null()),
					sameID.AddStateValue(addr, attr("id")),
				},
			},
		},
	})
}

// TestOrgToken_awkwardNames creates, refreshes and imports tokens whose names need escaping:
// a client that escapes twice (or not at all) loses them on refresh and plans to recreate.
func TestOrgToken_awkwardNames(t *testing.T) {
	t.Parallel()
	for label, base := range map[string]string{
		"space":        "my token",
		"slash":        "team/ingest",
		"percent":      "100% ingest",
		"escaped text": "my%20token %2F",
		"query chars":  "what?#frag&x=1",
		"unicode":      "données 名前 ✓",
		"plus":         "a+b",
	} {
		t.Run(label, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			name := env.Name(base)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.Factories(),
				Steps: []resource.TestStep{
					{
						Config: tokenConfig(env, "name = "+acctest.Quote(name)),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: func(*terraform.State) error {
							if env.Get(t, name).Name != name {
								return fmt.Errorf("the API holds another name")
							}
							return nil
						},
					},
					{
						ResourceName: addr, ImportState: true, ImportStateId: name,
						ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "name",
					},
				},
			})
		})
	}
}

// TestOrgToken_plainUpdateKeepsServerTimesKnown: an update that neither rotates nor changes
// the lifetime must not show expires_at or latest_rotation_at as "known after apply", or
// every output built from them would churn.
func TestOrgToken_plainUpdateKeepsServerTimesKnown(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("plain update")
	config := func(description string) string {
		return tokenConfig(env, fmt.Sprintf("name = %s\n description = %q\n lifetime = \"240h\"\n rotation_trigger = \"a\"", acctest.Quote(name), description))
	}
	sameExpiry := statecheck.CompareValue(compare.ValuesSame())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config("one"), ConfigStateChecks: []statecheck.StateCheck{sameExpiry.AddStateValue(addr, attr("expires_at"))}},
			{
				Config: config("two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, attr("expires_at"), knownvalue.StringRegexp(rfc3339)),
						plancheck.ExpectKnownValue(addr, attr("latest_rotation_at"), knownvalue.Null()),
						plancheck.ExpectKnownValue(addr, attr("secret"), knownvalue.NotNull()),
						plancheck.ExpectUnknownValue(addr, attr("last_updated_at")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameExpiry.AddStateValue(addr, attr("expires_at"))},
			},
		},
	})
}

// TestOrgToken_importThenLifetimeKeepsTheExpiry: a lifetime in the configuration of an
// imported token is adopted; it must not reset the token's expiry on the first apply.
func TestOrgToken_importThenLifetimeKeepsTheExpiry(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("imported with lifetime")
	created, err := env.Client(t).CreateToken(context.Background(), &sfx.Token{Name: name, Description: "made in the UI"})
	if err != nil {
		t.Fatal(err)
	}
	config := tokenConfig(env, fmt.Sprintf("name = %s\n description = \"made in the UI\"\n lifetime = \"8760h\"", acctest.Quote(name)))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{
				Config: config, ResourceName: addr, ImportState: true, ImportStateId: name, ImportStatePersist: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, attr("expires_at"), knownvalue.StringRegexp(rfc3339)),
					},
				},
				Check: func(*terraform.State) error {
					if got := env.Get(t, name).Expiry; got != created.Expiry {
						return fmt.Errorf("expiry moved from %d to %d", created.Expiry, got)
					}
					return nil
				},
			},
			{
				// Once adopted, a changed lifetime applies as usual.
				Config: tokenConfig(env, fmt.Sprintf("name = %s\n description = \"made in the UI\"\n lifetime = \"100h\"", acctest.Quote(name))),
				Check: func(*terraform.State) error {
					tok := env.Get(t, name)
					if got := time.UnixMilli(tok.Expiry).Sub(time.UnixMilli(tok.LastUpdated)); got != 100*time.Hour {
						return fmt.Errorf("a changed lifetime should reset the expiry to 100h, got %s", got)
					}
					return nil
				},
			},
		},
	})
}
