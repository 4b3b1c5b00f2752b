package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
)

// TestOrgToken_fractionalSecondsFailAtPlan: the API counts lifetimes and grace periods in
// whole seconds; a fraction used to be dropped silently ("1.5s" sent as 1, "500ms" as 0,
// which revokes the old secret at once). FuzzDurationAttribute found it.
func TestOrgToken_fractionalSecondsFailAtPlan(t *testing.T) {
	t.Parallel()
	for label, tc := range map[string]struct{ body, want string }{
		"lifetime":     {`name = "x"` + "\n" + `lifetime = "720h0.5s"`, `"720h0.5s" is not a whole number of seconds`},
		"grace period": {`name = "x"` + "\n" + `rotation_grace_period = "500ms"`, `"500ms" is not a whole number of seconds`},
	} {
		t.Run(label, func(t *testing.T) {
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
