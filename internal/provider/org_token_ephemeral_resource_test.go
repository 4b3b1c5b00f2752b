package provider_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	ephschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/provider"
)

// withProvider adds a provider to the test's factories.
func withProvider(env *acctest.Env, name string, f func() (tfprotov6.ProviderServer, error)) map[string]func() (tfprotov6.ProviderServer, error) {
	factories := env.Factories()
	factories[name] = f
	return factories
}

func TestOrgTokenEphemeral_readsTheSecretWithGETsOnly(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const name = "ci deploy/prod"
	expiry, expiryText := ms(2026, 4, 1, 12, 0, 0, 5)
	seed(t, env,
		emulator.Token{Name: name, Secret: "the-ci-secret", Expiry: expiry, AuthScopes: []string{"INGEST"}},
		emulator.Token{Name: name + " (old)", Secret: "not-this-one", Disabled: true},
	)
	before, _ := env.Emulator.Token(name)
	config := env.ProviderConfig() + fmt.Sprintf(`
ephemeral "signalfx_org_token" "test" {
  name = %q
}
provider "echo" {
  data = ephemeral.signalfx_org_token.test
}
resource "echo" "test" {}
`, name)
	str := knownvalue.StringExact
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withProvider(env, "echo", echoprovider.NewProviderServer()),
		Steps: []resource.TestStep{
			withEphemeral(t, resource.TestStep{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", attr("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": str(name), "secret": str("the-ci-secret"), "expires_at": str(expiryText), "disabled": knownvalue.Bool(false),
					})),
				},
			}),
			withEphemeral(t, resource.TestStep{
				// Plan and apply again: every open is another read, and nothing else.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{onlyEphemeralOpens{}},
				},
			}),
		},
	})
	assertOnlyGets(t, env, 3)
	after, _ := env.Emulator.Token(name)
	if after.Secret != before.Secret || after.LastUpdated != before.LastUpdated ||
		after.LatestRotation != before.LatestRotation || after.Expiry != before.Expiry || after.Disabled != before.Disabled {
		t.Errorf("opening the ephemeral resource changed the token:\nbefore %+v\n after %+v", before, after)
	}
	if n := env.Emulator.TokenCount(); n != 2 {
		t.Errorf("the emulator holds %d tokens, want the 2 seeded", n)
	}
}

func TestOrgTokenEphemeral_missingNameIsAnErrorNamingTheToken(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	seed(t, env, emulator.Token{Name: "deploy-prod"})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: withProvider(env, "echo", echoprovider.NewProviderServer()),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
ephemeral "signalfx_org_token" "test" {
  name = "deploy"
}
provider "echo" {
  data = ephemeral.signalfx_org_token.test
}
resource "echo" "test" {}
`,
			ExpectError: errorWith("Org Token Not Found", `SignalFx has no org token named "deploy".`),
		}},
	})
	assertOnlyGets(t, env, 1)
}

// TestOrgTokenEphemeral_secretReachesAWriteOnlyArgumentButNoArtifact follows the documented
// pattern: the secret goes to another provider's write-only argument. That provider gets it,
// and neither the plan nor the state holds it.
func TestOrgTokenEphemeral_secretReachesAWriteOnlyArgumentButNoArtifact(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const secret = "write-only-secret-value"
	seed(t, env, emulator.Token{Name: "otel/collector", Secret: secret})
	sink := &sinkProvider{}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: withProvider(env, "sink", providerserver.NewProtocol6WithError(sink)),
		Steps: []resource.TestStep{withEphemeral(t, resource.TestStep{
			Config: env.ProviderConfig() + `
ephemeral "signalfx_org_token" "collector" {
  name = "otel/collector"
}
resource "sink_secret" "collector" {
  value_wo          = ephemeral.signalfx_org_token.collector.secret
  value_wo_revision = 1
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{notInPlan(secret)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				notInState(secret),
				statecheck.ExpectKnownValue("sink_secret.collector", attr("value_wo"), knownvalue.Null()),
				statecheck.ExpectKnownValue("sink_secret.collector", attr("value_wo_revision"), knownvalue.Int64Exact(1)),
			},
		})},
	})
	if got := sink.received(); !slices.Equal(got, []string{secret}) {
		t.Errorf("the write-only argument received %q, want the token's secret once", got)
	}
	assertOnlyGets(t, env, 1)
}

// TestOrgTokenEphemeral_schemaMatchesTheResource checks the ephemeral resource's attributes
// against the resource's.
func TestOrgTokenEphemeral_schemaMatchesTheResource(t *testing.T) {
	t.Parallel()
	rs := resourceSchema(t)
	var resp ephemeral.SchemaResponse
	provider.NewOrgTokenEphemeralResource().Schema(context.Background(), ephemeral.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("ephemeral schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("ephemeral schema is invalid: %v", diags)
	}
	var got []string
	for name, a := range resp.Schema.Attributes {
		got = append(got, name)
		if !rs.Attributes[name].GetType().Equal(a.GetType()) {
			t.Errorf("%s: type %s, resource type %s", name, a.GetType(), rs.Attributes[name].GetType())
		}
		if a.IsSensitive() != (name == "secret") {
			t.Errorf("%s: sensitive=%v; only secret is sensitive", name, a.IsSensitive())
		}
	}
	sort.Strings(got)
	if want := []string{"disabled", "expires_at", "name", "secret"}; !slices.Equal(got, want) {
		t.Errorf("ephemeral attributes %v, want %v", got, want)
	}
	if name, ok := resp.Schema.Attributes["name"].(ephschema.StringAttribute); !ok || !name.Required {
		t.Errorf("name must be a required string, got %#v", resp.Schema.Attributes["name"])
	}
}

// notInState fails if the secret appears anywhere in the state.
func notInState(secret string) statecheck.StateCheck { return secretAbsent{secret} }

// notInPlan fails if the secret appears anywhere in the plan.
func notInPlan(secret string) plancheck.PlanCheck { return secretAbsent{secret} }

// sinkProvider is a stand-in for a provider with a write-only argument (such as
// kubernetes_secret_v1's data_wo): it records what it receives.
type sinkProvider struct {
	mu     sync.Mutex
	values []string
}

func (p *sinkProvider) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.values)
}

func (p *sinkProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "sink"
}

func (p *sinkProvider) Schema(_ context.Context, _ fwprovider.SchemaRequest, resp *fwprovider.SchemaResponse) {
	resp.Schema = pschema.Schema{}
}

func (p *sinkProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (p *sinkProvider) Resources(context.Context) []func() fwresource.Resource {
	return []func() fwresource.Resource{func() fwresource.Resource { return sinkSecret{p} }}
}

func (p *sinkProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type sinkSecret struct{ p *sinkProvider }

type sinkSecretModel struct {
	ValueWO         types.String `tfsdk:"value_wo"`
	ValueWORevision types.Int64  `tfsdk:"value_wo_revision"`
}

func (r sinkSecret) Metadata(_ context.Context, _ fwresource.MetadataRequest, resp *fwresource.MetadataResponse) {
	resp.TypeName = "sink_secret"
}

func (r sinkSecret) Schema(_ context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	resp.Schema = rschema.Schema{Attributes: map[string]rschema.Attribute{
		"value_wo":          rschema.StringAttribute{Required: true, WriteOnly: true, Sensitive: true},
		"value_wo_revision": rschema.Int64Attribute{Required: true},
	}}
}

// store records the write-only value, which only the configuration holds, and returns the
// state: the write-only attribute is always null there.
func (r sinkSecret) store(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) sinkSecretModel {
	var m sinkSecretModel
	diags.Append(config.Get(ctx, &m)...)
	r.p.mu.Lock()
	r.p.values = append(r.p.values, m.ValueWO.ValueString())
	r.p.mu.Unlock()
	m.ValueWO = types.StringNull()
	return m
}

func (r sinkSecret) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	m := r.store(ctx, req.Config, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r sinkSecret) Read(context.Context, fwresource.ReadRequest, *fwresource.ReadResponse) {}

func (r sinkSecret) Update(ctx context.Context, req fwresource.UpdateRequest, resp *fwresource.UpdateResponse) {
	m := r.store(ctx, req.Config, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r sinkSecret) Delete(context.Context, fwresource.DeleteRequest, *fwresource.DeleteResponse) {}
