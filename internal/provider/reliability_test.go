package provider_test

// How the resource behaves when the API misbehaves: storms of 429 and 5xx answers on reads,
// updates and deletes (retried within the configured bounds, then a clear error naming the
// token and the last status, and never a token dropped from state for anything but the API's
// own 404), malformed answers and HTML error pages (a short diagnostic, never the page), and
// refused credentials (a hint about admin session tokens).

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
)

// stormRetries is retry_max_attempts in the storm tests: every failing call makes exactly
// stormRetries+1 attempts.
const stormRetries = 2

// stormRateLimitTimeout is rate_limit_timeout_seconds in the storm tests: with 429s asking
// for more than retry_wait_max_seconds (1), a call retries them for about this long.
const stormRateLimitTimeout = 4

// stormProvider is the test provider block with the retry settings pinned, so a test can
// count the attempts the configuration allows.
func stormProvider(env *acctest.Env) string { return stormProviderWith(env, stormRetries) }

func stormProviderWith(env *acctest.Env, retries int) string {
	return fmt.Sprintf(`provider "signalfx" {
  api_url                    = %q
  auth_token                 = %q
  retry_max_attempts         = %d
  retry_wait_min_seconds     = 0
  retry_wait_max_seconds     = 1
  rate_limit_timeout_seconds = %d
  timeout_seconds            = 5
}
`, env.URL, env.AdminToken, retries, stormRateLimitTimeout)
}

func stormConfig(env *acctest.Env, body string) string {
	return stormProvider(env) + "resource \"signalfx_org_token\" \"test\" {\n" + body + "\n}\n"
}

// statuses lists the statuses the emulator sent on one route and method, oldest first.
func statuses(env *acctest.Env, route, method string) []int {
	var out []int
	for _, r := range env.Emulator.Requests() {
		if r.Route == route && r.Method == method {
			out = append(out, r.Status)
		}
	}
	return out
}

// expectStatuses checks the statuses sent on a route since the last ResetRequests.
func expectStatuses(env *acctest.Env, route, method string, want ...int) error {
	if got := statuses(env, route, method); !slices.Equal(got, want) {
		return fmt.Errorf("%s %s answered %v, want %v", method, route, got, want)
	}
	return nil
}

func repeat(status, n int) []int { return slices.Repeat([]int{status}, n) }

// phrase is the pattern of words() without its flags, for joining into a longer pattern.
func phrase(p string) string { return words(p).String()[len("(?s)"):] }

// stormError matches the diagnostic of a call that ran out of retries: it names the action,
// the token, the route and the last status, and says how many attempts were made.
func stormError(action, name, method, status string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + phrase(fmt.Sprintf(`Could not %s org token %q:`, action, name)) +
		`.*` + phrase(method+` /v2/token/{name}`) + `.*` + phrase(status) +
		`.*` + phrase(fmt.Sprintf(`(after %d attempts)`, stormRetries+1)))
}

func TestOrgToken_readStormIsRetriedThenReportedWithoutDroppingState(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "injects 503 and 429 answers")
	name := env.Name("storm read/1")
	config := stormConfig(env, "name = "+acctest.Quote(name))
	var started time.Time
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A short storm of 503s: the refresh retries through it.
				PreConfig: func() {
					env.Emulator.ResetRequests()
					addFault(t, env, emulator.Fault{Route: emulator.RouteGet, Kind: emulator.FaultStatus, Status: 503, Count: stormRetries})
				},
				RefreshState: true,
				Check: func(*terraform.State) error {
					return expectStatuses(env, emulator.RouteGet, "GET", append(repeat(503, stormRetries), 200)...)
				},
			},
			{
				// 429s asking for an hour's wait: honoured only up to retry_wait_max_seconds (1s).
				PreConfig: func() {
					env.Emulator.ResetRequests()
					addFault(t, env, emulator.Fault{Route: emulator.RouteGet, Kind: emulator.FaultStatus, Status: 429, RetryAfter: 3600, Count: stormRetries})
					started = time.Now()
				},
				RefreshState: true,
				Check: func(*terraform.State) error {
					if d := time.Since(started); d > 15*time.Second {
						return fmt.Errorf("refresh took %s: Retry-After was not capped at retry_wait_max_seconds", d)
					}
					return expectStatuses(env, emulator.RouteGet, "GET", append(repeat(429, stormRetries), 200)...)
				},
			},
			{
				// A storm that outlasts the retries: an error naming the token and the last
				// status, after exactly retry_max_attempts retries.
				PreConfig: func() {
					env.Emulator.ResetRequests()
					addFault(t, env, emulator.Fault{Route: emulator.RouteGet, Kind: emulator.FaultStatus, Status: 503})
				},
				RefreshState: true,
				ExpectError:  stormError("read", name, "GET", "503 Service Unavailable"),
			},
			{
				// The refresh above must not have dropped the token from state: with the API
				// healthy again, nothing is planned (a dropped token would be planned for creation).
				PreConfig: func() {
					if err := expectStatuses(env, emulator.RouteGet, "GET", repeat(503, stormRetries+1)...); err != nil {
						t.Error(err)
					}
					env.Emulator.ClearFaults()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					return tokenCount(env, 1)
				},
			},
		},
	})
}

func TestOrgToken_updateStormIsRetriedThenReportedWithoutDroppingState(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "injects 503 and 429 answers")
	name := env.Name("storm update")
	config := func(description string) string {
		return stormConfig(env, fmt.Sprintf("name = %s\n description = %q", acctest.Quote(name), description))
	}
	description := func(want string) func(*terraform.State) error {
		return func(*terraform.State) error {
			if got := env.Get(t, name).Description; got != want {
				return fmt.Errorf("the API has description %q, want %q", got, want)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config("one")},
			{
				PreConfig: func() {
					env.Emulator.ResetRequests()
					addFault(t, env, emulator.Fault{Route: emulator.RouteUpdate, Kind: emulator.FaultStatus, Status: 503, Count: stormRetries})
				},
				Config: config("two"),
				Check: resource.ComposeAggregateTestCheckFunc(description("two"), func(*terraform.State) error {
					return expectStatuses(env, emulator.RouteUpdate, "PUT", append(repeat(503, stormRetries), 200)...)
				}),
			},
			{
				PreConfig: func() {
					env.Emulator.ResetRequests()
					addFault(t, env, emulator.Fault{Route: emulator.RouteUpdate, Kind: emulator.FaultStatus, Status: 429, RetryAfter: 3600})
				},
				// 429s spend no retries: they are retried for rate_limit_timeout_seconds, each
				// after retry_wait_max_seconds (1), then reported with a way out.
				Config: config("three"),
				ExpectError: regexp.MustCompile(`(?s)` + phrase(fmt.Sprintf(`Could not update org token %q:`, name)) +
					`.*` + phrase(`PUT /v2/token/{name}`) + `.*` + phrase(`429 Too Many Requests`) +
					`.*` + phrase(`attempts in`) + `.*` + phrase(`raise it, lower terraform's -parallelism, or run again later`)),
			},
			{
				// The failed update left the token in state, unchanged: it is still an update,
				// not a creation, and it goes through once the API recovers.
				PreConfig: func() {
					// Waits of 1s for stormRateLimitTimeout (4s): four or five attempts, more
					// than the stormRetries+1 that 429s spending the failure budget would allow.
					got := statuses(env, emulator.RouteUpdate, "PUT")
					if len(got) <= stormRetries+1 || slices.ContainsFunc(got, func(s int) bool { return s != 429 }) {
						t.Errorf("PUT answered %v, want more than %d answers of 429 and nothing else", got, stormRetries+1)
					}
					env.Emulator.ClearFaults()
				},
				Config: config("three"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: description("three"),
			},
		},
	})
}

// TestOrgToken_rateLimitedCreateWaitsItsTurn: a create that meets more 429s in a row than
// retry_max_attempts still succeeds, exactly once. Under a steady rate limit any one create of
// a large apply can be that unlucky; counting 429s as failures failed such an apply at random.
func TestOrgToken_rateLimitedCreateWaitsItsTurn(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "injects 429 answers")
	name := env.Name("rate limited create")
	const limited = stormRetries + 2
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.Emulator.ResetRequests()
				// No Retry-After: the wait is retry_wait_min_seconds (0) to twice that.
				addFault(t, env, emulator.Fault{Route: emulator.RouteCreate, Kind: emulator.FaultStatus, Status: 429, Count: limited})
			},
			Config: stormConfig(env, "name = "+acctest.Quote(name)),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "name", name),
				func(*terraform.State) error {
					got := statuses(env, emulator.RouteCreate, "POST")
					if len(got) != limited+1 || !slices.Equal(got[:limited], repeat(429, limited)) || got[limited]/100 != 2 {
						return fmt.Errorf("POST answered %v, want %d answers of 429 and then a success", got, limited)
					}
					return tokenCount(env, 1)
				},
			),
		}},
	})
}

// TestProvider_zeroRetriesMeansOneAttempt: retry_max_attempts = 0 disables retries, as its
// description says (0 once reached the client as "use the default" and meant 4 retries).
func TestProvider_zeroRetriesMeansOneAttempt(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "injects 503 answers")
	name := env.Name("zero retries")
	config := stormProviderWith(env, 0) + "resource \"signalfx_org_token\" \"test\" {\n name = " + acctest.Quote(name) + "\n}\n"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.Emulator.ResetRequests()
					addFault(t, env, emulator.Fault{Route: emulator.RouteGet, Kind: emulator.FaultStatus, Status: 503, Count: 1})
				},
				RefreshState: true,
				ExpectError:  regexp.MustCompile(`(?s)` + phrase(fmt.Sprintf(`Could not read org token %q:`, name)) + `.*` + phrase(`503 Service Unavailable`)),
			},
			{
				PreConfig: func() {
					if err := expectStatuses(env, emulator.RouteGet, "GET", 503); err != nil {
						t.Error(err)
					}
				},
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

func TestOrgToken_deleteStormIsRetriedThenReportedWithoutDroppingState(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "injects 5xx answers and dropped connections")
	names := []string{env.Name("storm delete a"), env.Name("storm delete b")}
	config := func(n int) string {
		c := stormProvider(env)
		for i, name := range names[:n] {
			c += fmt.Sprintf("resource \"signalfx_org_token\" \"t%d\" {\n name = %s\n}\n", i, acctest.Quote(name))
		}
		return c
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config(2)},
			{
				PreConfig: func() {
					env.Emulator.ResetRequests()
					addFault(t, env, emulator.Fault{Route: emulator.RouteDelete, Kind: emulator.FaultStatus, Status: 500})
				},
				Config:      config(1),
				ExpectError: stormError("delete", names[1], "DELETE", "500 Internal Server Error"),
			},
			{
				// Still in state and still in the API: nothing to do once the API recovers.
				PreConfig: func() {
					if err := expectStatuses(env, emulator.RouteDelete, "DELETE", repeat(500, stormRetries+1)...); err != nil {
						t.Error(err)
					}
					env.Emulator.ClearFaults()
				},
				Config: config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A 502 page, then a delete whose answer is lost: the retry's 404 means done.
				PreConfig: func() {
					env.Emulator.ResetRequests()
					addFault(t, env, emulator.Fault{Route: emulator.RouteDelete, Kind: emulator.FaultHTML, Status: 502, Count: 1})
					addFault(t, env, emulator.Fault{Route: emulator.RouteDelete, Kind: emulator.FaultDropAfter, Count: 1})
				},
				Config: config(1),
				Check: func(*terraform.State) error {
					if err := tokenCount(env, 1); err != nil {
						return err
					}
					if _, ok := env.Emulator.Token(names[1]); ok {
						return fmt.Errorf("%q should be deleted", names[1])
					}
					return expectStatuses(env, emulator.RouteDelete, "DELETE", 502, 0, 404)
				},
			},
		},
	})
}

// shortError matches a whole error output that contains the phrases in order, holds no
// "<" at all (no HTML tag of an error page made it through) and stays short: at most
// `lead` characters before the first phrase (Terraform's own summary and source excerpt)
// and `tail` after the last one.
func shortError(lead, tail int, phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = phrase(p)
	}
	return regexp.MustCompile(fmt.Sprintf(`\A[^<]{0,%d}%s[^<]{0,%d}\z`, lead, strings.Join(parts, `[^<]{0,200}`), tail))
}

// TestOrgToken_malformedAndHTMLAnswersGiveShortDiagnostics: an HTML error page, a success
// answer whose JSON is cut short and a malformed error body each produce a short
// diagnostic naming the status and the route, never the page; a JSON error body
// contributes its message; a create whose answer is malformed adopts the token it made.
func TestOrgToken_malformedAndHTMLAnswersGiveShortDiagnostics(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "serves malformed answers and HTML pages")
	name := env.Name("garbled")
	config := func(description string) string {
		return stormConfig(env, fmt.Sprintf("name = %s\n description = %q", acctest.Quote(name), description))
	}
	fault := func(f emulator.Fault) func() {
		return func() {
			env.Emulator.ClearFaults()
			addFault(t, env, f)
		}
	}
	const lead, tail = 300, 200
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{
				// The create was applied but its answer is garbage: the token is looked up and adopted.
				PreConfig: fault(emulator.Fault{Route: emulator.RouteCreate, Kind: emulator.FaultMalformed, Count: 1}),
				Config:    config("a"),
				Check: func(s *terraform.State) error {
					if n := countRequests(env, emulator.RouteCreate); n != 1 {
						return fmt.Errorf("create must not be repeated: %d POSTs", n)
					}
					if err := tokenCount(env, 1); err != nil {
						return err
					}
					if stateSecret(s) != env.Get(t, name).Secret {
						return fmt.Errorf("the adopted token's secret must be in state")
					}
					return nil
				},
			},
			{
				PreConfig:    fault(emulator.Fault{Route: emulator.RouteGet, Kind: emulator.FaultHTML, Status: 502}),
				RefreshState: true,
				ExpectError: shortError(lead, tail, fmt.Sprintf(`Could not read org token %q: GET /v2/token/{name}`, name),
					`502 Bad Gateway: Error 502 Bad Gateway`),
			},
			{
				PreConfig:    fault(emulator.Fault{Route: emulator.RouteGet, Kind: emulator.FaultMalformed}),
				RefreshState: true,
				ExpectError: shortError(lead, tail, fmt.Sprintf(`Could not read org token %q: GET /v2/token/{name}`, name),
					`200 OK: the response body is malformed JSON`, `; the answer could not be used`),
			},
			{
				PreConfig:   fault(emulator.Fault{Route: emulator.RouteUpdate, Kind: emulator.FaultHTML, Status: 504, Body: jettyLikePage}),
				Config:      config("b"),
				ExpectError: shortError(lead, tail, fmt.Sprintf(`Could not update org token %q: PUT /v2/token/{name}`, name), `504 Gateway Timeout: Gateway Timeout`),
			},
			{
				PreConfig:   fault(emulator.Fault{Route: emulator.RouteUpdate, Kind: emulator.FaultStatus, Status: 400, Body: `{"code":400,"message":"Limits are not valid for`}),
				Config:      config("b"),
				ExpectError: shortError(lead, tail, fmt.Sprintf(`Could not update org token %q: PUT /v2/token/{name}`, name), `400 Bad Request: (malformed JSON error body)`),
			},
			{
				PreConfig:   fault(emulator.Fault{Route: emulator.RouteUpdate, Kind: emulator.FaultStatus, Status: 400, Body: `{"code":400,"message":"Token limits exceed the organization's limits"}`}),
				Config:      config("b"),
				ExpectError: shortError(lead, tail, fmt.Sprintf(`Could not update org token %q: PUT /v2/token/{name}`, name), `400 Bad Request: Token limits exceed the organization's limits`),
			},
			{
				// An update whose answer is garbage was applied: the error says so, and the
				// next refresh finds the change, so nothing is left to do.
				PreConfig:   fault(emulator.Fault{Route: emulator.RouteUpdate, Kind: emulator.FaultMalformed, Count: 1}),
				Config:      config("b"),
				ExpectError: shortError(lead, tail, fmt.Sprintf(`Could not update org token %q: PUT /v2/token/{name}`, name), `200 OK: the response body is malformed JSON`),
			},
			{
				PreConfig: env.Emulator.ClearFaults,
				Config:    config("b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// jettyLikePage is a proxy's error page: a long body with markup, scripts and styles, none
// of which may reach the user beyond its title.
var jettyLikePage = `<!DOCTYPE html><html><head><title>Gateway Timeout</title>
<style>body{font-family:sans-serif}</style><script>var trace="` + strings.Repeat("x", 2000) + `";</script></head>
<body><h1>504 Gateway Timeout</h1><p>The upstream server did not answer in time.</p>` + strings.Repeat("<div>filler</div>\n", 200) + `</body></html>`

// TestOrgToken_refusedCredentialsOnEveryEndpointExplainSessionTokens: a 401 or 403 on a
// read, an update, a rotation or a delete says these endpoints need an admin's session
// token and where that is set, and leaves the state as it was.
func TestOrgToken_refusedCredentialsOnEveryEndpointExplainSessionTokens(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "answers 401 and 403 on chosen routes")
	name := env.Name("refused")
	config := func(description, trigger string) string {
		return stormConfig(env, fmt.Sprintf("name = %s\n description = %q\n rotation_trigger = %q", acctest.Quote(name), description, trigger))
	}
	refused := func(action string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)` + phrase(fmt.Sprintf(`SignalFx refused to %s org token %q`, action, name)) +
			`.*` + phrase(`needs the session token (user API access token) of an org admin; org access tokens are refused`) +
			`.*` + phrase(`Check the provider's auth_token, or the SFX_AUTH_TOKEN environment variable.`))
	}
	fault := func(route string, status int) func() {
		return func() {
			env.Emulator.ClearFaults()
			addFault(t, env, emulator.Fault{Route: route, Kind: emulator.FaultStatus, Status: status})
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config("a", "1")},
			{PreConfig: fault(emulator.RouteGet, 401), RefreshState: true, ExpectError: refused("read")},
			{PreConfig: fault(emulator.RouteUpdate, 403), Config: config("b", "1"), ExpectError: refused("update")},
			{PreConfig: fault(emulator.RouteRotate, 403), Config: config("a", "2"), ExpectError: refused("rotate")},
			{PreConfig: fault(emulator.RouteDelete, 401), Config: stormProvider(env), ExpectError: refused("delete")},
			{
				PreConfig: env.Emulator.ClearFaults,
				Config:    config("a", "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
