package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
)

// countRequests counts the emulator's requests to one route (create, get, rotate, ...).
func countRequests(env *acctest.Env, route string) int {
	n := 0
	for _, r := range env.Emulator.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

func addFault(t *testing.T, env *acctest.Env, f emulator.Fault) {
	t.Helper()
	if _, err := env.Emulator.AddFault(f); err != nil {
		t.Fatalf("add fault: %v", err)
	}
}

// tokenCount checks that the emulator holds exactly want tokens: no token lost, none made twice.
func tokenCount(env *acctest.Env, want int) error {
	if n := env.Emulator.TokenCount(); n != want {
		return fmt.Errorf("the API has %d tokens, want %d", n, want)
	}
	return nil
}

func stateSecret(s *terraform.State) string {
	return s.RootModule().Resources[addr].Primary.Attributes["secret"]
}

func TestOrgToken_lostCreateResponseAdoptsTheToken(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "drops the create response")
	name := env.Name("lost create")
	addFault(t, env, emulator.Fault{Route: emulator.RouteCreate, Kind: emulator.FaultDropAfter, Count: 1})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: tokenConfig(env, fmt.Sprintf("name = %s\n description = \"adopt me\"", acctest.Quote(name))),
			Check: func(s *terraform.State) error {
				if err := tokenCount(env, 1); err != nil {
					return err
				}
				if n := countRequests(env, emulator.RouteCreate); n != 1 {
					return fmt.Errorf("create must not be retried: %d POSTs", n)
				}
				if stateSecret(s) == "" || stateSecret(s) != env.Get(t, name).Secret {
					return fmt.Errorf("the adopted token's secret must be in state")
				}
				return nil
			},
		}},
	})
}

func TestOrgToken_lostRotateResponseDoesNotRotateTwice(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "drops the rotate response")
	name := env.Name("lost rotate")
	config := func(trigger string) string {
		return tokenConfig(env, fmt.Sprintf("name = %s\n rotation_trigger = %q", acctest.Quote(name), trigger))
	}
	secrets := statecheck.CompareValue(compare.ValuesDiffer())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config("1"), ConfigStateChecks: []statecheck.StateCheck{secrets.AddStateValue(addr, attr("secret"))}},
			{
				PreConfig: func() {
					addFault(t, env, emulator.Fault{Route: emulator.RouteRotate, Kind: emulator.FaultDropAfter, Count: 1})
				},
				Config:            config("2"),
				ConfigStateChecks: []statecheck.StateCheck{secrets.AddStateValue(addr, attr("secret"))},
				Check: func(s *terraform.State) error {
					if n := countRequests(env, emulator.RouteRotate); n != 1 {
						return fmt.Errorf("want exactly one rotate request, saw %d", n)
					}
					if !env.Emulator.Authenticates(stateSecret(s)) {
						return fmt.Errorf("the secret in state must be the one that works")
					}
					return nil
				},
			},
		},
	})
}

func TestOrgToken_failedRotationStaysPlanned(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "makes the rotate request fail")
	name := env.Name("failed rotate")
	config := func(trigger, description string) string {
		return tokenConfig(env, fmt.Sprintf("name = %s\n description = %q\n rotation_trigger = %q", acctest.Quote(name), description, trigger))
	}
	var first string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config("1", "a"), Check: func(s *terraform.State) error { first = stateSecret(s); return nil }},
			{
				PreConfig: func() {
					addFault(t, env, emulator.Fault{Route: emulator.RouteRotate, Kind: emulator.FaultStatus, Status: 400, Count: 1})
				},
				Config:      config("2", "b"),
				ExpectError: words("The secret was not rotated; the rotation stays planned for the next apply"),
			},
			{
				// The update before the rotation was saved; only the rotation is still planned.
				Config: config("2", "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, attr("secret")),
					},
				},
				Check: func(s *terraform.State) error {
					if stateSecret(s) == first {
						return fmt.Errorf("the rotation should have happened on the second apply")
					}
					if d := env.Get(t, name).Description; d != "b" {
						return fmt.Errorf("description %q", d)
					}
					return nil
				},
			},
		},
	})
}

func TestOrgToken_htmlErrorPageIsSummarised(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "serves an HTML error page")
	addFault(t, env, emulator.Fault{Route: emulator.RouteCreate, Kind: emulator.FaultHTML, Status: 403})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config:      tokenConfig(env, `name = "html"`),
			ExpectError: regexp.MustCompile(`(?s)403.*session token`),
		}},
	})
}
