package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
)

// words matches a phrase however Terraform wraps it across lines.
func words(phrase string) *regexp.Regexp {
	parts := strings.Fields(phrase)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

// TestOrgToken_badInputFailsAtPlanWithoutCallingTheAPI feeds each kind of mistake to
// terraform plan: each must fail there, with an error that says what is allowed, and none
// may reach the API.
func TestOrgToken_badInputFailsAtPlanWithoutCallingTheAPI(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, want string
	}{
		{"empty name", `name = ""`, `string length must be at least 1`},
		{"unknown scope", `name = "x"` + "\n" + `auth_scopes = ["FOO"]`, `value must be one of: ["API" "INGEST" "RUM"]`},
		{"RUM with others", `name = "x"` + "\n" + `auth_scopes = ["RUM", "API"]`, `A RUM token cannot also have the API or INGEST scope`},
		{"empty scopes", `name = "x"` + "\n" + `auth_scopes = []`, `set must contain at least 1 elements`},
		{"lifetime in days", `name = "x"` + "\n" + `lifetime = "90d"`, `"90d" is not a duration`},
		{"lifetime over 18 years", `name = "x"` + "\n" + `lifetime = "157681h"`, `"157681h" is out of range`},
		{"lifetime zero", `name = "x"` + "\n" + `lifetime = "0s"`, `"0s" is out of range`},
		{"grace over 60 days", `name = "x"` + "\n" + `rotation_grace_period = "1441h"`, `"1441h" is out of range`},
		// A fraction used to be dropped silently ("500ms" was sent as 0, which revokes the old
		// secret at once); FuzzDurationAttribute found it.
		{"fractional lifetime", `name = "x"` + "\n" + `lifetime = "720h0.5s"`, `"720h0.5s" is not a whole number of seconds`},
		{"fractional grace", `name = "x"` + "\n" + `rotation_grace_period = "500ms"`, `"500ms" is not a whole number of seconds`},
		{"negative grace", `name = "x"` + "\n" + `rotation_grace_period = "-1s"`, `"-1s" is out of range`},
		{"empty limits", `name = "x"` + "\n" + `limits = {}`, `limits sets no limit`},
		{"dpm with category quota", `name = "x"` + "\n" + `limits = { dpm_quota = 1, host_quota = 2 }`, `cannot be combined with`},
		{"dpm threshold with category threshold", `name = "x"` + "\n" + `limits = { dpm_notification_threshold = 1, container_notification_threshold = 2 }`, `cannot be combined with`},
		{"negative quota", `name = "x"` + "\n" + `limits = { custom_metrics_quota = -1 }`, `value must be at least 0`},
		{"event searches over 30", `name = "x"` + "\n" + `limits = { event_searches_per_minute = 31 }`, `value must be between 1 and 30`},
		{"jobs per minute zero", `name = "x"` + "\n" + `limits = { jobs_per_minute = 0 }`, `value must be between 1 and 60`},
		{"unknown notification type", `name = "x"` + "\n" + `notifications = [{ type = "Pigeon" }]`, `value must be one of:`},
		{"slack without channel", `name = "x"` + "\n" + `notifications = [{ type = "Slack", credential_id = "c" }]`, `A notification of type "Slack" needs credential_id and channel.`},
		{"email with a channel", `name = "x"` + "\n" + `notifications = [{ type = "Email", email = "a@b.c", channel = "c" }]`, `A notification of type "Email" does not take channel`},
		{"webhook half set", `name = "x"` + "\n" + `notifications = [{ type = "Webhook", url = "https://h" }]`, `needs credential_id, or url and secret`},
		{"empty notifications", `name = "x"` + "\n" + `notifications = []`, `list must contain at least 1 elements`},
		{"unknown principal type", `name = "x"` + "\n" + `permissions = [{ principal_id = "u", principal_type = "GROUP", actions = ["READ"] }]`, `value must be one of: ["USER" "TEAM" "ORG"]`},
		{"write without read", `name = "x"` + "\n" + `permissions = [{ principal_id = "u", principal_type = "USER", actions = ["WRITE"] }]`, `WRITE must be granted together with READ`},
		{"unknown action", `name = "x"` + "\n" + `permissions = [{ principal_id = "u", principal_type = "USER", actions = ["DELETE"] }]`, `value must be one of: ["READ" "WRITE"]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.Factories(),
				Steps: []resource.TestStep{{
					Config:      tokenConfig(env, tc.body),
					PlanOnly:    true,
					ExpectError: words(tc.want),
				}},
			})
			assertNoWrites(t, env)
		})
	}
}

func assertNoWrites(t *testing.T, env *acctest.Env) {
	t.Helper()
	if env.Emulator == nil {
		return
	}
	for _, r := range env.Emulator.Requests() {
		if r.Method != "GET" {
			t.Errorf("a plan that fails validation must not write: saw %s %s", r.Method, r.EscapedPath)
		}
	}
}

func TestProvider_badSettingsFailAtPlan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, provider, want string
	}{
		{"realm and api_url", `realm = "us1"` + "\n" + `api_url = "https://api.us1.signalfx.com"`, `Attribute "realm" cannot be specified when "api_url" is specified`},
		{"empty api_url", `api_url = ""`, `"" is not an absolute URL`},
		{"schemeless api_url", `api_url = "api.us1.signalfx.com"`, `"api.us1.signalfx.com" is not an absolute URL`},
		{"plain http to a remote host", `api_url = "http://api.us1.signalfx.com"`, `uses plain http to a host that is not loopback`},
		{"api_url with /v2", `api_url = "https://api.us1.signalfx.com/v2"`, `ends with /v2`},
		{"malformed realm", `realm = "US 1"`, `must be a SignalFx realm such as us0`},
		{"zero timeout", `timeout_seconds = 0`, `value must be between 1 and 600`},
		{"retry waits reversed", `retry_wait_min_seconds = 10` + "\n" + `retry_wait_max_seconds = 5`, `retry_wait_min_seconds (10) must not be larger than retry_wait_max_seconds (5)`},
		{"minimum wait above the default maximum", `retry_wait_min_seconds = 45`, `retry_wait_min_seconds is 45, above retry_wait_max_seconds, which defaults to 30: set retry_wait_max_seconds as well`},
		{"maximum wait below the default minimum", `retry_wait_max_seconds = 0`, `retry_wait_max_seconds is 0, below retry_wait_min_seconds, which defaults to 1: set retry_wait_min_seconds as well (0 for no minimum)`},
		{"negative rate-limit timeout", `rate_limit_timeout_seconds = -1`, `value must be between 0 and 3600`},
		{"negative retries", `retry_max_attempts = -1`, `value must be between 0 and 20`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.RequireEmulator(t, "writes its own provider block")
			config := fmt.Sprintf("provider \"signalfx\" {\n auth_token = \"x\"\n %s\n}\n", tc.provider) +
				`resource "signalfx_org_token" "test" { name = "x" }`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.Factories(),
				Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: words(tc.want)}},
			})
		})
	}
}

func TestProvider_missingAuthTokenSaysBothWaysToSetIt(t *testing.T) {
	// Not parallel: it needs SFX_AUTH_TOKEN unset in the environment Terraform passes on.
	t.Setenv("SFX_AUTH_TOKEN", "")
	env := acctest.New(t)
	env.RequireEmulator(t, "needs no credentials")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"signalfx\" {\n api_url = %q\n}\nresource \"signalfx_org_token\" \"test\" { name = \"x\" }\n", env.URL),
			PlanOnly:    true,
			ExpectError: words(`set auth_token in the provider block, or set the SFX_AUTH_TOKEN environment variable`),
		}},
	})
}

func TestProvider_rejectedCredentialsExplainSessionTokens(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "uses a credential the emulator rejects")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"signalfx\" {\n api_url = %q\n auth_token = \"not-an-admin\"\n}\nresource \"signalfx_org_token\" \"test\" { name = \"x\" }\n", env.URL),
			ExpectError: words(`needs the session token (user API access token) of an org admin; org access tokens are refused. Check the provider's auth_token, or the SFX_AUTH_TOKEN environment variable.`),
		}},
	})
}

// TestOrgToken_unknownValuesAtPlanTime feeds every validated attribute from a value known
// only after apply: validation must wait for it rather than fail or crash.
func TestOrgToken_unknownValuesAtPlanTime(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	name := env.Name("unknowns")
	config := env.ProviderConfig() + fmt.Sprintf(`
resource "terraform_data" "later" {
  input = {
    lifetime = "720h"
    grace    = "1h"
    quota    = 10
    type     = "Email"
    email    = "ops@example.com"
    scope    = "INGEST"
    action   = "READ"
  }
}

resource "signalfx_org_token" "test" {
  name                  = %s
  auth_scopes           = [terraform_data.later.output.scope]
  lifetime              = terraform_data.later.output.lifetime
  rotation_grace_period = terraform_data.later.output.grace
  limits                = { dpm_quota = terraform_data.later.output.quota }
  notifications         = [{ type = terraform_data.later.output.type, email = terraform_data.later.output.email }]
  permissions           = [{ principal_id = "u1", principal_type = "USER", actions = [terraform_data.later.output.action] }]
}
`, acctest.Quote(name))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, attr("limits").AtMapKey("dpm_quota"), knownvalue.Int64Exact(10)),
				statecheck.ExpectKnownValue(addr, attr("notifications").AtSliceIndex(0).AtMapKey("email"), knownvalue.StringExact("ops@example.com")),
			},
		}},
	})
}
