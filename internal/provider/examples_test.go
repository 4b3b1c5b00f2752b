package provider_test

// The examples under examples/ are what the registry docs show, so each one is applied here
// against the emulator: an example that does not apply is a defect. The rules:
//
//   - Every file under examples/ belongs to exactly one test below; TestExamples_everyFileIsTested
//     fails on a file nobody applies.
//   - The test providers are served in-process under registry.terraform.io/hashicorp/<name>,
//     so before applying an example the test removes its top-level terraform block (whose
//     required_providers name the registry sources, such as orgtokens/signalfx) and its
//     provider "signalfx" block, and prepends the provider block of the test's emulator.
//     Nothing else in the example changes, except where a test says so.
//   - Examples that use other providers get an in-process stand-in with the real provider's
//     name and the real resource type's attribute names (time_rotating from hashicorp/time,
//     kubernetes_secret_v1 from hashicorp/kubernetes, signalfx_org_token from
//     splunk-terraform/signalfx), since the test cannot download providers. The stand-ins
//     only do what the examples need; the real providers are not exercised.
//   - The examples use fixed token names such as otel-collectors-prod, so they run only
//     against the emulator: against a live org they could clash with, import and then
//     destroy real tokens. They skip themselves there, saying so.

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

const examplesDir = "../../examples"

// exampleTest applies the examples named in files (paths relative to examples/).
type exampleTest struct {
	files []string
	run   func(t *testing.T, env *acctest.Env)
}

// exampleTests are every example except the provider configurations, which
// TestExamples_provider applies with environment variables of its own.
var exampleTests = map[string]exampleTest{
	"resource":            {[]string{"resources/signalfx_org_token/resource.tf"}, testExampleResource},
	"resource-rotation":   {[]string{"resources/signalfx_org_token/resource-rotation.tf"}, testExampleScheduledRotation},
	"import-by-string-id": {[]string{"resources/signalfx_org_token/import-by-string-id.tf"}, testExampleImportBlock},
	"import.sh":           {[]string{"resources/signalfx_org_token/import.sh"}, testExampleImportCommand},
	"data-source-one":     {[]string{"data-sources/signalfx_org_token/data-source.tf"}, testExampleDataSource},
	"data-source-list":    {[]string{"data-sources/signalfx_org_tokens/data-source.tf"}, testExampleDataSourceList},
	"ephemeral-resource":  {[]string{"ephemeral-resources/signalfx_org_token/ephemeral-resource.tf"}, testExampleEphemeral},
	"guide-on-demand":     {[]string{"guides/rotating-org-tokens/on-demand.tf"}, testExampleOnDemandRotation},
	"guide-secrets":       {[]string{"guides/keeping-secrets-out-of-state/main.tf"}, testExampleSecretsOutOfState},
	"guide-migration": {[]string{
		"guides/migrating-from-splunk-terraform-signalfx/before.tf",
		"guides/migrating-from-splunk-terraform-signalfx/after.tf",
	}, testExampleMigration},
	"quickstart": {quickstartFiles, testExampleQuickstart},
}

var quickstartFiles = []string{"quickstart/main.tf", "quickstart/outputs.tf", "quickstart/variables.tf"}

var providerExamples = []string{"provider/provider.tf", "provider/provider-settings.tf"}

func TestExamples(t *testing.T) {
	t.Parallel()
	names := make([]string, 0, len(exampleTests))
	for name := range exampleTests {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ex := exampleTests[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.RequireEmulator(t, "the examples use fixed names of real-looking tokens")
			ex.run(t, env)
		})
	}
}

// TestExamples_everyFileIsTested fails when a file under examples/ belongs to no test.
func TestExamples_everyFileIsTested(t *testing.T) {
	t.Parallel()
	tested := map[string]bool{}
	for _, f := range providerExamples {
		tested[f] = true
	}
	for _, ex := range exampleTests {
		for _, f := range ex.files {
			if tested[f] {
				t.Errorf("%s is claimed by two tests", f)
			}
			tested[f] = true
		}
	}
	err := filepath.WalkDir(examplesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(examplesDir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !tested[rel] {
			t.Errorf("examples/%s is applied by no test: add it to exampleTests in examples_test.go", rel)
		}
		delete(tested, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for f := range tested {
		t.Errorf("examples/%s is listed in examples_test.go but does not exist", f)
	}
}

// TestExamples_areFormatted runs terraform fmt -check on examples/, with a CLI configuration
// of its own.
func TestExamples_areFormatted(t *testing.T) {
	t.Parallel()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH") // set by acctest.SetupTerraform in TestMain
	if bin == "" {
		bin = "terraform"
	}
	cliConfig := filepath.Join(t.TempDir(), "empty.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), bin, "fmt", "-check", "-recursive", "-diff", examplesDir)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s fmt -check -recursive examples/ failed (%v); run make fmt:\n%s", filepath.Base(bin), err, out)
	}
}

// TestExamples_provider applies the provider configurations as written, with the settings
// they leave to the environment. It sets environment variables, so it cannot run in
// parallel; it runs before the parallel tests start.
func TestExamples_provider(t *testing.T) {
	env := acctest.New(t)
	env.RequireEmulator(t, "it points SFX_API_URL at the emulator")
	t.Setenv("SFX_API_URL", env.URL)
	t.Setenv("SFX_AUTH_TOKEN", env.AdminToken)
	t.Setenv("SFX_REALM", "")

	// provider.tf takes everything from the environment: a data source proves that the
	// provider block as written configures a working client.
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: dropBlocks(readExample(t, "provider/provider.tf"), isTerraformBlock) +
				"data \"signalfx_org_tokens\" \"probe\" {}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.signalfx_org_tokens.probe", attr("names"), knownvalue.ListSizeExact(0)),
			},
		}},
	})

	// provider-settings.tf names the real realm eu0, so it is planned, not applied: the plan
	// validates the provider block and configures the provider (neither calls the API),
	// with a token resource to plan for. Its realm wins over SFX_API_URL.
	before := len(env.Emulator.Requests())
	t.Log("provider-settings.tf names the real realm eu0: it is validated and configured by a plan, not applied")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: readExample(t, "provider/provider-settings.tf") +
				"resource \"signalfx_org_token\" \"probe\" {\n  name = \"probe\"\n}\n",
			ConfigVariables:    config.Variables{"signalfx_auth_token": config.StringVariable("example-session-token")},
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if n := len(env.Emulator.Requests()) - before; n != 0 {
		t.Errorf("planning provider-settings.tf sent %d requests to the emulator, want none", n)
	}
}

func testExampleResource(t *testing.T, env *acctest.Env) {
	const collectors, ci = "signalfx_org_token.collectors", "signalfx_org_token.ci"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, env, "resources/signalfx_org_token/resource.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(collectors, attr("limits").AtMapKey("dpm_quota"), knownvalue.Int64Exact(500000)),
				statecheck.ExpectKnownValue(collectors, attr("notifications"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue(ci, attr("permissions"), knownvalue.SetSizeExact(1)),
				statecheck.ExpectKnownOutputValue("ci_token_expires_at", knownvalue.StringRegexp(rfc3339)),
			},
			Check: func(*terraform.State) error {
				tok := env.Get(t, "ci-dashboards-deploy")
				if got := time.UnixMilli(tok.Expiry).Sub(time.UnixMilli(tok.Created)); got != 2160*time.Hour {
					return fmt.Errorf("the CI token expires %s after creation, want 90 days", got)
				}
				return nil
			},
		}},
	})
}

// testExampleScheduledRotation applies the time_rotating example, then moves the stand-in
// time provider's clock past the 30 days: the token must rotate in place, and the old
// secret keep working for the three-day grace period only.
func testExampleScheduledRotation(t *testing.T, env *acctest.Env) {
	const addr = "signalfx_org_token.gateway"
	clock := &standInClock{}
	cfg := exampleConfig(t, env, "resources/signalfx_org_token/resource-rotation.tf")
	sameID, newSecret := statecheck.CompareValue(compare.ValuesSame()), statecheck.CompareValue(compare.ValuesDiffer())
	var oldSecret string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: withStandIn(env, "time", newStandInTime(clock)),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, attr("id")), newSecret.AddStateValue(addr, attr("secret")),
				},
				Check: func(*terraform.State) error { oldSecret = env.Get(t, "otel-gateway-prod").Secret; return nil },
			},
			{
				PreConfig: func() { clock.advance(31 * 24 * time.Hour) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("time_rotating.gateway", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, attr("secret")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, attr("id")), newSecret.AddStateValue(addr, attr("secret")),
					statecheck.ExpectKnownValue(addr, attr("latest_rotation_at"), knownvalue.StringRegexp(rfc3339)),
				},
				Check: func(*terraform.State) error { return checkGracePeriod(env, oldSecret, 72*time.Hour) },
			},
		},
	})
}

// checkGracePeriod checks that a rotated-out secret still authenticates, and stops once the
// grace period is over (the emulator's clock is moved past it).
func checkGracePeriod(env *acctest.Env, old string, grace time.Duration) error {
	if !env.Emulator.Authenticates(old) {
		return fmt.Errorf("the old secret stopped working at once; want a %s grace period", grace)
	}
	env.Clock.Advance(grace + time.Minute)
	if env.Emulator.Authenticates(old) {
		return fmt.Errorf("the old secret still works after its %s grace period", grace)
	}
	return nil
}

// testExampleImportBlock creates the token first, as if in the UI, with another description:
// the import block adopts it (same ID and secret) and the apply updates it in place.
func testExampleImportBlock(t *testing.T, env *acctest.Env) {
	const addr = "signalfx_org_token.collector"
	existing := createExampleToken(t, env, sfx.Token{Name: "otel-collector-prod", Description: "made in the UI", AuthScopes: []string{"INGEST"}})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, env, "resources/signalfx_org_token/import-by-string-id.tf"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, attr("id"), knownvalue.StringExact(existing.ID)),
				statecheck.ExpectKnownValue(addr, attr("secret"), knownvalue.StringExact(existing.Secret)),
				statecheck.ExpectKnownValue(addr, attr("description"), knownvalue.StringExact("OpenTelemetry collector in production.")),
			},
		}},
	})
}

var importCommand = regexp.MustCompile(`(?m)^terraform import (\S+) (.+)$`)

// testExampleImportCommand runs the terraform import command of import.sh (through
// terraform-plugin-testing, which runs terraform import) for a token created first, with
// the resource block of import-by-string-id.tf as the configuration.
func testExampleImportCommand(t *testing.T, env *acctest.Env) {
	m := importCommand.FindStringSubmatch(readExample(t, "resources/signalfx_org_token/import.sh"))
	if m == nil {
		t.Fatalf("import.sh has no line matching %s", importCommand)
	}
	addr, id := m[1], shellWord(t, m[2])
	existing := createExampleToken(t, env, sfx.Token{Name: id, Description: "OpenTelemetry collector in production.", AuthScopes: []string{"INGEST"}})
	cfg := dropBlocks(exampleConfig(t, env, "resources/signalfx_org_token/import-by-string-id.tf"), func(h string) bool { return h == "import {" })
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: id, ImportStatePersist: true},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, attr("id"), knownvalue.StringExact(existing.ID)),
					statecheck.ExpectKnownValue(addr, attr("name"), knownvalue.StringExact(id)),
				},
			},
		},
	})
}

func testExampleDataSource(t *testing.T, env *acctest.Env) {
	env.Clock.Set(time.Now()) // the example's check compares the expiry with plantimestamp()
	existing := createExampleToken(t, env, sfx.Token{Name: "otel-collector-prod", AuthScopes: []string{"INGEST"}, SecondsUntilExpiry: seconds(365 * 24 * time.Hour)})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, env, "data-sources/signalfx_org_token/data-source.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValueAtPath("collector_token", attr("id"), knownvalue.StringExact(existing.ID)),
				statecheck.ExpectKnownOutputValueAtPath("collector_token", attr("disabled"), knownvalue.Bool(false)),
			},
		}},
	})
}

func testExampleDataSourceList(t *testing.T, env *acctest.Env) {
	env.Clock.Set(time.Now()) // the example's filters compare expiries with plantimestamp()
	createExampleToken(t, env, sfx.Token{Name: "otel-collector-prod", AuthScopes: []string{"INGEST"}, SecondsUntilExpiry: seconds(365 * 24 * time.Hour)})
	createExampleToken(t, env, sfx.Token{Name: "ingest-prod-eu", AuthScopes: []string{"INGEST"}, SecondsUntilExpiry: seconds(10 * 24 * time.Hour)})
	createExampleToken(t, env, sfx.Token{Name: "api-prod", AuthScopes: []string{"API"}, SecondsUntilExpiry: seconds(10 * 24 * time.Hour)})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: exampleConfig(t, env, "data-sources/signalfx_org_tokens/data-source.tf"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("token_count", knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownOutputValue("expiring_soon", knownvalue.MapExact(map[string]knownvalue.Check{
					"ingest-prod-eu": knownvalue.StringRegexp(rfc3339),
				})),
			},
		}},
	})
}

// testExampleEphemeral applies the ephemeral resource example with a stand-in for
// kubernetes_secret_v1: the token's secret must reach its write-only data_wo and appear
// in neither the plan nor the state.
func testExampleEphemeral(t *testing.T, env *acctest.Env) {
	existing := createExampleToken(t, env, sfx.Token{Name: "otel-collector-prod", AuthScopes: []string{"INGEST"}})
	k8s := &standInKubernetes{}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: withStandIn(env, "kubernetes", k8s.provider()),
		Steps: []resource.TestStep{withEphemeral(t, resource.TestStep{
			Config:            exampleConfig(t, env, "ephemeral-resources/signalfx_org_token/ephemeral-resource.tf"),
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{secretAbsent{existing.Secret}}},
			ConfigStateChecks: []statecheck.StateCheck{secretAbsent{existing.Secret}},
		})},
	})
	if got := k8s.lastWritten("splunk_observability_access_token"); got != existing.Secret {
		t.Errorf("the Kubernetes secret received %q, want the token's secret", got)
	}
}

func testExampleOnDemandRotation(t *testing.T, env *acctest.Env) {
	const addr = "signalfx_org_token.collectors"
	cfg := exampleConfig(t, env, "guides/rotating-org-tokens/on-demand.tf")
	sameID, newSecret := statecheck.CompareValue(compare.ValuesSame()), statecheck.CompareValue(compare.ValuesDiffer())
	var oldSecret string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, attr("id")), newSecret.AddStateValue(addr, attr("secret"))},
				Check:             func(*terraform.State) error { oldSecret = env.Get(t, "otel-collectors-prod").Secret; return nil },
			},
			{
				Config:          cfg,
				ConfigVariables: config.Variables{"collectors_secret_generation": config.IntegerVariable(2)},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, attr("id")), newSecret.AddStateValue(addr, attr("secret"))},
				Check:             func(*terraform.State) error { return checkGracePeriod(env, oldSecret, 24*time.Hour) },
			},
		},
	})
}

// testExampleSecretsOutOfState applies the guide's configuration (the token created in the
// same apply) and then a rotation: each time, the current secret must reach the stand-in
// Kubernetes secret and never the plan or the state.
func testExampleSecretsOutOfState(t *testing.T, env *acctest.Env) {
	const addr = "signalfx_org_token.collector"
	k8s := &standInKubernetes{}
	cfg := exampleConfig(t, env, "guides/keeping-secrets-out-of-state/main.tf")
	pushed := func(*terraform.State) error {
		if got, want := k8s.lastWritten("splunk_observability_access_token"), env.Get(t, "otel-collector-prod").Secret; got != want {
			return fmt.Errorf("the Kubernetes secret holds %q, want the token's current secret", got)
		}
		return nil
	}
	step := func(generation int64) resource.TestStep {
		return withEphemeral(t, resource.TestStep{
			Config:          cfg,
			ConfigVariables: config.Variables{"collector_secret_generation": config.IntegerVariable(generation)},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, attr("secret"), knownvalue.Null()),
				secretAbsentNow{env, "otel-collector-prod"},
			},
			Check: pushed,
		})
	}
	rotation := step(2)
	rotation.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: withStandIn(env, "kubernetes", k8s.provider()),
		Steps:                    []resource.TestStep{step(1), rotation},
	})
	if n := len(k8s.written()); n != 2 {
		t.Errorf("the Kubernetes secret was written %d times, want 2 (create, rotation)", n)
	}
}

// testExampleMigration applies before.tf with a stand-in for the splunk-terraform/signalfx
// provider, then after.tf. The stand-in is served as "splunk", so the test adds
// provider = splunk to before.tf's resources (in after.tf the old provider already has that
// local name). The tokens must survive with their IDs and secrets, and the new
// configuration must describe them exactly (an empty plan after the apply).
func testExampleMigration(t *testing.T, env *acctest.Env) {
	const dir = "guides/migrating-from-splunk-terraform-signalfx/"
	before := addProviderToResources(exampleConfig(t, env, dir+"before.tf"), `resource "signalfx_org_token" `, "splunk")
	old := newStandInSplunk(env.Client(t))
	var tokens []*sfx.Token
	sameTokens := func(s *terraform.State) error {
		for _, want := range tokens {
			got := env.Get(t, want.Name)
			if got.ID != want.ID || got.Secret != want.Secret {
				return fmt.Errorf("token %q changed identity or secret during the migration", want.Name)
			}
		}
		if n := env.Emulator.TokenCount(); n != len(tokens) {
			return fmt.Errorf("the emulator holds %d tokens, want the %d migrated", n, len(tokens))
		}
		for _, r := range []string{"signalfx_org_token.otel_collectors", "signalfx_org_token.k8s_clusters"} {
			if s.RootModule().Resources[r] == nil {
				return fmt.Errorf("%s is not in the state", r)
			}
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		ProtoV6ProviderFactories: withStandIn(env, "splunk", old),
		Steps: []resource.TestStep{
			{
				Config: before,
				Check: func(*terraform.State) error {
					tokens = []*sfx.Token{env.Get(t, "otel-collectors-prod"), env.Get(t, "k8s-clusters")}
					return nil
				},
			},
			{
				Config: exampleConfig(t, env, dir+"after.tf"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("signalfx_org_token.otel_collectors", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("signalfx_org_token.k8s_clusters", plancheck.ResourceActionNoop),
						expectForget{"signalfx_org_token.collectors"}, expectForget{"signalfx_org_token.clusters"},
					},
				},
				Check: sameTokens,
			},
		},
	})
}

func testExampleQuickstart(t *testing.T, env *acctest.Env) {
	const addr = "signalfx_org_token.collectors"
	var src strings.Builder
	for _, f := range quickstartFiles {
		src.WriteString(readExample(t, f) + "\n")
	}
	cfg := env.ProviderConfig() + dropBlocks(src.String(), isTerraformOrProviderBlock)
	vars := func(rotation string) config.Variables {
		return config.Variables{"reader_team_id": config.StringVariable("EXAMPLETEAMID"), "rotation": config.StringVariable(rotation)}
	}
	newSecret := statecheck.CompareValue(compare.ValuesDiffer())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: vars("1"), ConfigStateChecks: []statecheck.StateCheck{newSecret.AddStateValue(addr, attr("secret"))}},
			{
				Config: cfg, ConfigVariables: vars("2"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{newSecret.AddStateValue(addr, attr("secret"))},
			},
		},
	})
}

// Reading and adapting examples.

func readExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// exampleConfig is the example with the emulator's provider block instead of its own
// terraform and provider "signalfx" blocks.
func exampleConfig(t *testing.T, env *acctest.Env, rel string) string {
	t.Helper()
	return env.ProviderConfig() + dropBlocks(readExample(t, rel), isTerraformOrProviderBlock)
}

func isTerraformBlock(header string) bool { return header == "terraform {" }

func isTerraformOrProviderBlock(header string) bool {
	return isTerraformBlock(header) || strings.HasPrefix(header, `provider "signalfx" {`)
}

// dropBlocks removes the top-level blocks whose header line drop accepts. The examples are
// terraform fmt-clean (TestExamples_areFormatted), so a top-level block starts at column 0
// and ends at the first following line that is exactly "}", or on its header line ("{}").
func dropBlocks(src string, drop func(header string) bool) string {
	lines := strings.SplitAfter(src, "\n")
	var out strings.Builder
	for i := 0; i < len(lines); i++ {
		header := strings.TrimSpace(lines[i])
		if lines[i] == "" || lines[i][0] == ' ' || !drop(header) {
			out.WriteString(lines[i])
			continue
		}
		if strings.HasSuffix(header, "{}") {
			continue
		}
		for i++; i < len(lines) && strings.TrimRight(lines[i], "\r\n") != "}"; i++ {
		}
	}
	return out.String()
}

// addProviderToResources adds a provider meta-argument to every top-level block whose
// header starts with prefix.
func addProviderToResources(src, prefix, provider string) string {
	lines := strings.SplitAfter(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) && strings.HasSuffix(strings.TrimSpace(l), "{") {
			lines[i] = l + "  provider = " + provider + "\n\n"
		}
	}
	return strings.Join(lines, "")
}

// shellWord reads one shell word: plain, or in single or double quotes (without escapes).
func shellWord(t *testing.T, w string) string {
	t.Helper()
	w = strings.TrimSpace(w)
	if len(w) >= 2 && (w[0] == '"' || w[0] == '\'') && w[len(w)-1] == w[0] && !strings.ContainsAny(w[1:len(w)-1], `"'\$`+"`") {
		return w[1 : len(w)-1]
	}
	if strings.ContainsAny(w, ` "'\$`+"`") {
		t.Fatalf("import.sh: %s is not a simple shell word", w)
	}
	return w
}

func createExampleToken(t *testing.T, env *acctest.Env, tok sfx.Token) *sfx.Token {
	t.Helper()
	created, err := env.Client(t).CreateToken(t.Context(), &tok)
	if err != nil {
		t.Fatalf("create %q: %v", tok.Name, err)
	}
	return created
}

func seconds(d time.Duration) *int64 {
	s := int64(d / time.Second)
	return &s
}

func withStandIn(env *acctest.Env, name string, p fwprovider.Provider) map[string]func() (tfprotov6.ProviderServer, error) {
	factories := env.Factories()
	factories[name] = providerserver.NewProtocol6WithError(p)
	return factories
}
