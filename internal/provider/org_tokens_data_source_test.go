package provider_test

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/orgtokens/terraform-provider-signalfx/internal/acctest"
	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/provider"
)

// namesExact checks a list of names.
func namesExact(names ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		checks[i] = knownvalue.StringExact(n)
	}
	return knownvalue.ListExact(checks)
}

// searches returns the search requests' offsets and limits, in order.
func searches(t *testing.T, env *acctest.Env) (offsets, limits []int, nameFilters []string) {
	t.Helper()
	for _, r := range env.Emulator.Requests() {
		if r.Route != emulator.RouteSearch {
			continue
		}
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			t.Fatalf("search query %q: %v", r.RawQuery, err)
		}
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		offsets, limits = append(offsets, offset), append(limits, limit)
		nameFilters = append(nameFilters, q.Get("name"))
	}
	return offsets, limits, nameFilters
}

func TestOrgTokens_filtersCombine(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	feb1, _ := ms(2026, 2, 1, 0, 0, 0, 0)
	jan15, jan15Text := ms(2026, 1, 15, 12, 0, 0, 250)
	dec, _ := ms(2026, 12, 1, 0, 0, 0, 0)
	later, _ := ms(2027, 6, 1, 0, 0, 0, 0)
	created, createdText := ms(2025, 5, 5, 5, 5, 5, 0)
	seed(t, env,
		emulator.Token{Name: "ingest-prod", AuthScopes: []string{"INGEST"}, Expiry: feb1}, // exactly at the bound: not before it
		emulator.Token{Name: "ingest-staging", AuthScopes: []string{"INGEST"}, Disabled: true, Expiry: dec},
		emulator.Token{
			Name: "api-prod", ID: "IDAPIPROD", Secret: "must-not-appear", Description: "deploys",
			AuthScopes: []string{"API", "INGEST"}, Expiry: jan15, Created: created, Creator: "USERA", LastUpdatedBy: "USERB",
		},
		emulator.Token{Name: "rum-web", AuthScopes: []string{"RUM"}, Expiry: later},
	)
	ds := func(label, body string) string {
		return fmt.Sprintf("data \"signalfx_org_tokens\" %q {\n%s\n}\n", label, body)
	}
	config := env.ProviderConfig() +
		ds("all", "") +
		ds("prod", `  name_contains = "prod"`) +
		ds("ingest", `  auth_scope = "INGEST"`) +
		ds("rum", `  auth_scope = "RUM"`) +
		ds("disabled", `  disabled = true`) +
		ds("enabled", `  disabled = false`) +
		ds("expiring", `  expires_before = "2026-02-01T00:00:00Z"`) +
		ds("offset", `  expires_before = "2026-02-01T01:00:00+01:00"`) + // the same instant, written with an offset
		ds("combined", "  name_contains = \"ingest\"\n  auth_scope = \"INGEST\"\n  disabled = false\n  expires_before = \"2026-02-01T00:00:00.001Z\"") +
		ds("none", `  name_contains = "nothing matches this"`)
	at := func(label string) string { return "data.signalfx_org_tokens." + label }
	str := knownvalue.StringExact
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(at("all"), attr("names"), namesExact("api-prod", "ingest-prod", "ingest-staging", "rum-web")),
				statecheck.ExpectKnownValue(at("prod"), attr("names"), namesExact("api-prod", "ingest-prod")),
				statecheck.ExpectKnownValue(at("ingest"), attr("names"), namesExact("api-prod", "ingest-prod", "ingest-staging")),
				statecheck.ExpectKnownValue(at("rum"), attr("names"), namesExact("rum-web")),
				statecheck.ExpectKnownValue(at("disabled"), attr("names"), namesExact("ingest-staging")),
				statecheck.ExpectKnownValue(at("enabled"), attr("names"), namesExact("api-prod", "ingest-prod", "rum-web")),
				statecheck.ExpectKnownValue(at("expiring"), attr("names"), namesExact("api-prod")),
				statecheck.ExpectKnownValue(at("offset"), attr("names"), namesExact("api-prod")),
				statecheck.ExpectKnownValue(at("combined"), attr("names"), namesExact("ingest-prod")),
				statecheck.ExpectKnownValue(at("none"), attr("names"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue(at("none"), attr("tokens"), knownvalue.ListExact([]knownvalue.Check{})),
				// tokens follows names, and its objects hold exactly the non-secret attributes.
				statecheck.ExpectKnownValue(at("prod"), attr("tokens"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": str("api-prod"), "id": str("IDAPIPROD"), "description": str("deploys"),
						"auth_scopes": knownvalue.SetExact([]knownvalue.Check{str("API"), str("INGEST")}),
						"disabled":    knownvalue.Bool(false), "expires_at": str(jan15Text),
						"created_at": str(createdText), "created_by": str("USERA"),
						"last_updated_at": str(createdText), "last_updated_by": str("USERB"),
						"latest_rotation_at": knownvalue.Null(),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": str("ingest-prod"), "disabled": knownvalue.Bool(false)}),
				})),
			},
		}},
	})
	// name_contains went to the API's search; the other filters were not sent (the API has none).
	_, _, filters := searches(t, env)
	for _, want := range []string{"prod", "ingest", "nothing matches this"} {
		if !slices.Contains(filters, want) {
			t.Errorf("no search sent name=%q; searches sent %q", want, filters)
		}
	}
	for _, r := range env.Emulator.Requests() {
		if r.Method != "GET" || r.Route != emulator.RouteSearch {
			t.Errorf("want only searches; saw %s %s", r.Method, r.EscapedPath)
		}
	}
}

// TestOrgTokens_pagesThroughSmallServerPages runs against a server that serves 3 tokens a
// page whatever the client asks for: every token must still be listed, once.
func TestOrgTokens_pagesThroughSmallServerPages(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, func(o *emulator.Options) { o.MaxPageSize = 3 })
	env.RequireEmulator(t, "caps the page size")
	if err := env.Emulator.SeedN("page-", 8); err != nil {
		t.Fatal(err)
	}
	seed(t, env, emulator.Token{Name: "other"})
	want := []string{"page-1", "page-2", "page-3", "page-4", "page-5", "page-6", "page-7", "page-8"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + "data \"signalfx_org_tokens\" \"test\" {\n  name_contains = \"page-\"\n}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.signalfx_org_tokens.test", attr("names"), namesExact(want...)),
				statecheck.ExpectKnownValue("data.signalfx_org_tokens.test", attr("tokens"), knownvalue.ListSizeExact(8)),
				statecheck.ExpectKnownValue("data.signalfx_org_tokens.test", attr("tokens").AtSliceIndex(7).AtMapKey("name"),
					knownvalue.StringExact("page-8")),
			},
		}},
	})
	// Each read asks for big pages, gets 3, and advances by what it got: offsets 0, 3, 6.
	offsets, limits, _ := searches(t, env)
	if len(offsets) == 0 || len(offsets)%3 != 0 {
		t.Fatalf("want whole reads of 3 pages each, got offsets %v", offsets)
	}
	for i, o := range offsets {
		if want := []int{0, 3, 6}[i%3]; o != want {
			t.Errorf("request %d: offset %d, want %d (all offsets %v)", i, o, want, offsets)
		}
		if limits[i] < 3 {
			t.Errorf("request %d asked for %d tokens; the client should ask for more than the server serves", i, limits[i])
		}
	}
}

// TestOrgTokens_listsTheAPIMaximumInFewRequests lists 10,000 tokens, the most the API
// returns, in a bounded number of requests per read.
func TestOrgTokens_listsTheAPIMaximumInFewRequests(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.RequireEmulator(t, "seeds 10,000 tokens")
	if err := env.Emulator.SeedN("bulk-", 10000); err != nil {
		t.Fatal(err)
	}
	const ds = "data.signalfx_org_tokens.test"
	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + "data \"signalfx_org_tokens\" \"test\" {}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, attr("names"), knownvalue.ListSizeExact(10000)),
				statecheck.ExpectKnownValue(ds, attr("names").AtSliceIndex(0), knownvalue.StringExact("bulk-00001")),
				statecheck.ExpectKnownValue(ds, attr("names").AtSliceIndex(9999), knownvalue.StringExact("bulk-10000")),
				statecheck.ExpectKnownValue(ds, attr("tokens").AtSliceIndex(4999).AtMapKey("name"), knownvalue.StringExact("bulk-05000")),
			},
		}},
	})
	offsets, _, _ := searches(t, env)
	reads := 0
	for _, o := range offsets {
		if o == 0 {
			reads++
		}
	}
	if reads == 0 || len(offsets) != 10*reads {
		t.Errorf("want 10 requests per read; %d reads made %d requests (offsets %v)", reads, len(offsets), offsets)
	}
	t.Logf("%d reads of 10,000 tokens in %s", reads, time.Since(start))
}

func TestOrgTokens_badFiltersFailAtPlanWithoutCallingTheAPI(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body, summary, detail string }{
		{"words for a time", `expires_before = "next tuesday"`, "Invalid Timestamp", `"next tuesday" is not an RFC 3339 timestamp`},
		{"date without a time", `expires_before = "2026-07-01"`, "Invalid Timestamp", `"2026-07-01" is not an RFC 3339 timestamp`},
		{"time without a zone", `expires_before = "2026-07-01T00:00:00"`, "Invalid Timestamp", `for example "2026-07-01T00:00:00Z"`},
		{"unknown scope", `auth_scope = "ADMIN"`, "Invalid Attribute Value Match", `value must be one of: ["API" "INGEST" "RUM"], got: "ADMIN"`},
		{"lowercase scope", `auth_scope = "ingest"`, "Invalid Attribute Value Match", `got: "ingest"`},
		{"empty name_contains", `name_contains = ""`, "Invalid Attribute Value Length", `string length must be at least 1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.RequireEmulator(t, "checks the request log")
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.Factories(),
				Steps: []resource.TestStep{{
					Config:      env.ProviderConfig() + "data \"signalfx_org_tokens\" \"test\" {\n  " + tc.body + "\n}\n",
					PlanOnly:    true,
					ExpectError: errorWith(tc.summary, tc.detail),
				}},
			})
			if reqs := env.Emulator.Requests(); len(reqs) != 0 {
				t.Errorf("validation must fail before any request; saw %d, the first %s %s", len(reqs), reqs[0].Method, reqs[0].EscapedPath)
			}
		})
	}
}

// TestOrgTokens_schemaHasNoSecrets checks the list's token objects: the resource's types,
// and nothing that holds a secret.
func TestOrgTokens_schemaHasNoSecrets(t *testing.T) {
	t.Parallel()
	rs := resourceSchema(t)
	ds := dataSourceSchema(t, provider.NewOrgTokensDataSource())
	tokens, ok := ds.Attributes["tokens"].(dsschema.ListNestedAttribute)
	if !ok {
		t.Fatalf("tokens is %T, want a list of nested objects", ds.Attributes["tokens"])
	}
	var got []string
	for name, a := range tokens.NestedObject.Attributes {
		got = append(got, name)
		if !rs.Attributes[name].GetType().Equal(a.GetType()) {
			t.Errorf("tokens.%s: type %s, resource type %s", name, a.GetType(), rs.Attributes[name].GetType())
		}
	}
	sort.Strings(got)
	want := []string{"auth_scopes", "created_at", "created_by", "description", "disabled", "expires_at", "id",
		"last_updated_at", "last_updated_by", "latest_rotation_at", "name"}
	if !slices.Equal(got, want) {
		t.Errorf("tokens attributes\n got %v\nwant %v", got, want)
	}
	if s := sensitivePaths("", ds.Attributes, dataSourceNested); len(s) != 0 {
		t.Errorf("signalfx_org_tokens has sensitive attributes %v; it must hold no secrets at all", s)
	}
}
