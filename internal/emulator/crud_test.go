package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCreateReturnsFullToken(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{OrgID: "ORG123"})
	r := c.do(http.MethodPost, "/v2/token", `{"name":"ingest-1","description":"d"}`)
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200 (not 201); body %s", r.status, r.body)
	}
	tok := r.json(t)
	wantKeys := []string{"name", "id", "description", "authScopes", "disabled", "secret", "expiry", "created",
		"creator", "lastUpdated", "lastUpdatedBy", "latestRotation", "orgId", "exceedingLimits",
		"notifications", "permissions", "roles"}
	for _, k := range wantKeys {
		if _, ok := tok[k]; !ok {
			t.Errorf("response lacks %q", k)
		}
	}
	if _, ok := tok["limits"]; ok {
		t.Errorf("limits present (%v), want omitted when never set", tok["limits"])
	}
	created := t0.UnixMilli()
	checks := map[string]any{
		"name": "ingest-1", "description": "d", "disabled": false, "creator": adminUser,
		"lastUpdatedBy": adminUser, "orgId": "ORG123", "exceedingLimits": false,
		"created": float64(created), "lastUpdated": float64(created),
		"expiry":         float64(created + (30 * 24 * time.Hour).Milliseconds()),
		"latestRotation": nil, "permissions": nil,
		"authScopes": []any{"INGEST"}, "notifications": []any{}, "roles": []any{},
	}
	for k, want := range checks {
		if !reflect.DeepEqual(tok[k], want) {
			t.Errorf("%s = %#v, want %#v", k, tok[k], want)
		}
	}
	if s := str(t, tok, "secret"); len(s) != 22 || strings.Trim(s, secretAlphabet) != "" {
		t.Errorf("secret = %q, want 22 URL-safe characters", s)
	}
	if id := str(t, tok, "id"); len(id) != 11 {
		t.Errorf("id = %q, want 11 characters", id)
	}
	other := c.create(`{"name":"ingest-2"}`)
	if other["id"] == tok["id"] || other["secret"] == tok["secret"] {
		t.Errorf("two tokens share id or secret: %v %v", tok, other)
	}
}

func TestCreateAPITokenGetsPowerRole(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	tok := c.create(`{"name":"api","authScopes":["API"]}`)
	roles := tok["roles"].([]any)
	if len(roles) != 1 || roles[0].(map[string]any)["title"] != "power" {
		t.Errorf("roles = %v, want [power]", roles)
	}
	_, c2, _ := testServer(t, Options{NoDefaultRoles: true})
	if roles := c2.create(`{"name":"api","authScopes":["API"]}`)["roles"].([]any); len(roles) != 0 {
		t.Errorf("with NoDefaultRoles roles = %v, want []", roles)
	}
}

func TestCreateStoresWhatWasSent(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	body := `{"name":"full","authScopes":["RUM"],"disabled":true,"secondsUntilExpiry":3600,
		"limits":{"categoryQuota":{"3":100,"4":null},"eventSearchesPerMinute":30,"jobsPerMinuteLimit":60,"mtsmLimit":500,"futureLimit":{"a":1}},
		"notifications":[{"type":"Email","email":"a@b.c","cc":"x"}],
		"permissions":{"acl":[{"principalId":"U1","principalType":"USER","actions":["WRITE","READ"]}],"parent":null},
		"roles":[{"title":"usage"},{"title":"read_only"}],
		"customField":[1,2],"secret":"ignored","id":"ignored","created":1}`
	tok := c.create(body)
	if got, want := mustJSON(t, tok["limits"]), `{"categoryQuota":{"3":100,"4":null},"eventSearchesPerMinute":30,"futureLimit":{"a":1},"jobsPerMinuteLimit":60,"mtsmLimit":500}`; got != want {
		t.Errorf("limits = %s, want %s", got, want)
	}
	if got, want := mustJSON(t, tok["notifications"]), `[{"cc":"x","email":"a@b.c","type":"Email"}]`; got != want {
		t.Errorf("notifications = %s, want %s", got, want)
	}
	if got, want := mustJSON(t, tok["permissions"]), `{"acl":[{"actions":["WRITE","READ"],"principalId":"U1","principalType":"USER"}],"parent":null}`; got != want {
		t.Errorf("permissions = %s, want %s", got, want)
	}
	var titles []string
	for _, r := range tok["roles"].([]any) {
		titles = append(titles, r.(map[string]any)["title"].(string))
	}
	if !slices.Equal(titles, []string{"usage", "read_only"}) {
		t.Errorf("role titles = %v", titles)
	}
	if got := mustJSON(t, tok["customField"]); got != "[1,2]" {
		t.Errorf("customField = %s, want [1,2]", got)
	}
	if tok["secret"] == "ignored" || tok["id"] == "ignored" || num(t, tok, "created") == 1 {
		t.Errorf("read-only fields taken from the body: %v", tok)
	}
	if got, want := num(t, tok, "expiry"), t0.UnixMilli()+3_600_000; got != want {
		t.Errorf("expiry = %d, want %d", got, want)
	}
	if tok["disabled"] != true || mustJSON(t, tok["authScopes"]) != `["RUM"]` {
		t.Errorf("disabled/authScopes = %v/%v", tok["disabled"], tok["authScopes"])
	}
	// A later GET echoes the same document.
	got := c.do(http.MethodGet, "/v2/token/full", "").json(t)
	if !reflect.DeepEqual(got, tok) {
		t.Errorf("GET differs from create response:\n%v\n%v", got, tok)
	}
}

func TestCreateAccepts(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"categoryQuota null":    `{"name":"x","limits":{"categoryQuota":null}}`,
		"empty limits":          `{"name":"x","limits":{}}`,
		"null limits":           `{"name":"x","limits":null}`,
		"dpm with null cat":     `{"name":"x","limits":{"dpmQuota":1000,"categoryQuota":null}}`,
		"zero rate limits":      `{"name":"x","limits":{"eventSearchesPerMinute":0,"jobsPerMinuteLimit":0}}`,
		"integral float":        `{"name":"x","limits":{"dpmQuota":10.0}}`,
		"quoted integer":        `{"name":"x","secondsUntilExpiry":"10"}`,
		"max expiry":            `{"name":"x","secondsUntilExpiry":5676000000}`,
		"zero expiry":           `{"name":"x","secondsUntilExpiry":0}`,
		"null scopes":           `{"name":"x","authScopes":null}`,
		"empty scopes":          `{"name":"x","authScopes":[]}`,
		"API and INGEST":        `{"name":"x","authScopes":["INGEST","API","API"]}`,
		"null permissions":      `{"name":"x","permissions":null}`,
		"role without title":    `{"name":"x","roles":[{}]}`,
		"opsgenie responderId":  `{"name":"x","notifications":[{"type":"Opsgenie","credentialId":"c","responderType":"Team","responderId":"r"}]}`,
		"webhook url+secret":    `{"name":"x","notifications":[{"type":"Webhook","url":"https://h","secret":"s"}]}`,
		"webhook credentialId":  `{"name":"x","notifications":[{"type":"Webhook","credentialId":"c"}]}`,
		"every credentialId":    `{"name":"x","notifications":[{"type":"AmazonEventBridge","credentialId":"c"},{"type":"BigPanda","credentialId":"c"},{"type":"Jira","credentialId":"c"},{"type":"Office365","credentialId":"c"},{"type":"PagerDuty","credentialId":"c"},{"type":"ServiceNow","credentialId":"c"},{"type":"XMatters","credentialId":"c"}]}`,
		"slack team victorops":  `{"name":"x","notifications":[{"type":"Slack","credentialId":"c","channel":"ch"},{"type":"Team","team":"t"},{"type":"TeamEmail","team":"t"},{"type":"VictorOps","credentialId":"c","routingKey":"k"}]}`,
		"ORG READ permission":   `{"name":"x","permissions":{"acl":[{"principalId":"O","principalType":"ORG","actions":["READ"]}]}}`,
		"unicode and spaces":    `{"name":"  ✓ \u00e9 / % ? # "}`,
		"trailing whitespace":   "{\"name\":\"x\"}\n\n",
		"unknown nested object": `{"name":"x","extra":{"deep":[{"a":null}]}}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, c, _ := testServer(t, Options{})
			if r := c.do(http.MethodPost, "/v2/token", body); r.status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", r.status, r.body)
			}
		})
	}
}

func TestCreateRejects(t *testing.T) {
	t.Parallel()
	const deser = "Failed to deserialize payload"
	cases := []struct {
		name, body, msg string
		prefix          bool
	}{
		{"missing name", `{"description":"d"}`, msgNameRequired, false},
		{"null name", `{"name":null}`, msgNameRequired, false},
		{"empty name", `{"name":""}`, msgNameRequired, false},
		{"malformed JSON", `{"name":`, deser + ": ", true},
		{"empty body", ``, deser + ": No content to map due to end-of-input", false},
		{"array body", `[]`, deser + ": ", true},
		{"null body", `null`, deser + ": ", true},
		{"name wrong type", `{"name":5}`, deser + ` at: sf.rest.shared.model.NamedToken["name"]`, false},
		{"disabled wrong type", `{"name":"x","disabled":"yes"}`, deser + ` at: sf.rest.shared.model.NamedToken["disabled"]`, false},
		{"expiry negative", `{"name":"x","secondsUntilExpiry":-1}`, "secondsUntilExpiry must be between 0 and 5676000000 seconds (18 years), inclusive; got -1", false},
		{"expiry too big", `{"name":"x","secondsUntilExpiry":5676000001}`, "secondsUntilExpiry must be between 0 and 5676000000", true},
		{"expiry word", `{"name":"x","secondsUntilExpiry":"soon"}`, deser + ` at: sf.rest.shared.model.NamedToken["secondsUntilExpiry"]`, false},
		{"expiry bool", `{"name":"x","secondsUntilExpiry":true}`, deser + ` at: sf.rest.shared.model.NamedToken["secondsUntilExpiry"]`, false},
		{"expiry fraction", `{"name":"x","secondsUntilExpiry":1.5}`, deser, true},
		{"bad scope", `{"name":"x","authScopes":["ADMIN"]}`, `Invalid authorization scope "ADMIN": valid scopes are API, INGEST and RUM`, false},
		{"lowercase scope", `{"name":"x","authScopes":["api"]}`, `Invalid authorization scope "api"`, true},
		{"RUM with API", `{"name":"x","authScopes":["RUM","API"]}`, "A token with the RUM authorization scope cannot have other authorization scopes", false},
		{"dpm and category", `{"name":"x","limits":{"dpmQuota":1,"categoryQuota":{"1":5}}}`, "DPM quota and category quota cannot both be set on a token", false},
		{"negative dpm", `{"name":"x","limits":{"dpmQuota":-1}}`, "dpmQuota must not be negative; got -1", false},
		{"dpm too big", `{"name":"x","limits":{"dpmQuota":3000000000}}`, deser, true},
		{"negative category", `{"name":"x","limits":{"categoryQuota":{"2":-3}}}`, "categoryQuota for containers must not be negative; got -3", false},
		{"unknown category", `{"name":"x","limits":{"categoryQuota":{"5":1}}}`, `Unknown category "5" in categoryQuota`, true},
		{"event searches 31", `{"name":"x","limits":{"eventSearchesPerMinute":31}}`, "eventSearchesPerMinute must be between 1 and 30, or 0 to remove the limit; got 31", false},
		{"event searches -1", `{"name":"x","limits":{"eventSearchesPerMinute":-1}}`, "eventSearchesPerMinute must be between 1 and 30", true},
		{"jobs 61", `{"name":"x","limits":{"jobsPerMinuteLimit":61}}`, "jobsPerMinuteLimit must be between 1 and 60, or 0 to remove the limit; got 61", false},
		{"negative mtsm", `{"name":"x","limits":{"mtsmLimit":-5}}`, "mtsmLimit must not be negative; got -5", false},
		{"limits not object", `{"name":"x","limits":[1]}`, deser + ` at: sf.rest.shared.model.NamedToken["limits"]`, false},
		{"unknown notification", `{"name":"x","notifications":[{"type":"Pigeon"}]}`, `Unknown notification type "Pigeon"`, false},
		{"SplunkPlatform unknown", `{"name":"x","notifications":[{"type":"SplunkPlatform"}]}`, `Unknown notification type "SplunkPlatform"`, false},
		{"notification no type", `{"name":"x","notifications":[{"email":"a@b"}]}`, "Notification 0 has no type", false},
		{"email missing", `{"name":"x","notifications":[{"type":"Email"}]}`, "Notification of type Email requires email", false},
		{"slack channel missing", `{"name":"x","notifications":[{"type":"Slack","credentialId":"c"}]}`, "Notification of type Slack requires channel", false},
		{"pagerduty missing", `{"name":"x","notifications":[{"type":"PagerDuty","credentialId":""}]}`, "Notification of type PagerDuty requires credentialId", false},
		{"opsgenie responder", `{"name":"x","notifications":[{"type":"Opsgenie","credentialId":"c","responderType":"Team"}]}`, "Notification of type Opsgenie requires responderName, or responderId", false},
		{"victorops routingKey", `{"name":"x","notifications":[{"type":"VictorOps","credentialId":"c"}]}`, "Notification of type VictorOps requires routingKey", false},
		{"webhook url only", `{"name":"x","notifications":[{"type":"Webhook","url":"https://h"}]}`, "Notification of type Webhook requires credentialId, or url and secret", false},
		{"team missing", `{"name":"x","notifications":[{"type":"TeamEmail"}]}`, "Notification of type TeamEmail requires team", false},
		{"acl null", `{"name":"x","permissions":{"acl":null}}`, deser + ` at: sf.rest.shared.model.NamedToken["permissions"]->sf.rest.shared.model.Permissions["acl"]`, false},
		{"acl empty", `{"name":"x","permissions":{"acl":[]}}`, "permissions.acl must have at least one entry", false},
		{"principalId empty", `{"name":"x","permissions":{"acl":[{"principalId":"","principalType":"USER","actions":["READ"]}]}}`, msgPrincipalID, false},
		{"principalType null", `{"name":"x","permissions":{"acl":[{"principalId":"u","principalType":null,"actions":["READ"]}]}}`, deser + ` at: sf.rest.shared.model.NamedToken["permissions"]`, true},
		{"principalType bad", `{"name":"x","permissions":{"acl":[{"principalId":"u","principalType":"GROUP","actions":["READ"]}]}}`, deser, true},
		{"actions null", `{"name":"x","permissions":{"acl":[{"principalId":"u","principalType":"USER","actions":null}]}}`, msgActions, false},
		{"actions empty", `{"name":"x","permissions":{"acl":[{"principalId":"u","principalType":"USER","actions":[]}]}}`, msgActions, false},
		{"write only", `{"name":"x","permissions":{"acl":[{"principalId":"u","principalType":"USER","actions":["WRITE"]}]}}`, "An acl entry with WRITE must also have READ", false},
		{"bad action", `{"name":"x","permissions":{"acl":[{"principalId":"u","principalType":"USER","actions":["DELETE"]}]}}`, `Invalid action "DELETE"`, true},
		{"parent set", `{"name":"x","permissions":{"acl":[{"principalId":"u","principalType":"USER","actions":["READ"]}],"parent":"p"}}`, "permissions.parent is not used and must be null", false},
		{"bad role", `{"name":"x","roles":[{"title":"admin"}]}`, `Invalid role title "admin": valid titles are power, usage and read_only`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c, _ := testServer(t, Options{})
			r := c.do(http.MethodPost, "/v2/token", tc.body)
			if tc.prefix {
				wantErrorPrefix(t, r, http.StatusBadRequest, tc.msg)
			} else {
				wantError(t, r, http.StatusBadRequest, tc.msg)
			}
			if n := s.TokenCount(); n != 0 {
				t.Errorf("TokenCount = %d after a rejected create, want 0", n)
			}
		})
	}
}

func TestCreateDuplicateNameIncludingDisabled(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	c.create(`{"name":"dup","disabled":true}`)
	wantError(t, c.do(http.MethodPost, "/v2/token", `{"name":"dup"}`), http.StatusBadRequest, msgDuplicateName)
	// Names are case-sensitive: "DUP" is another token.
	c.create(`{"name":"DUP"}`)
}

func TestPlanValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		plan       Plan
		limits     string
		wantStatus int
		msg        string
	}{
		{PlanDPM, `{"dpmQuota":5}`, 200, ""},
		{PlanDPM, `{"categoryQuota":{"3":5}}`, 400, "Category quota cannot be set on a DPM subscription plan"},
		{PlanDPM, `{"dpmQuota":5,"categoryQuota":null}`, 200, ""},
		{PlanHosts, `{"dpmQuota":5}`, 400, "DPM quota cannot be set on a Hosts subscription plan"},
		{PlanHosts, `{"categoryQuota":{"1":5,"2":6}}`, 200, ""},
		{PlanMTS, `{"categoryQuota":{"1":5}}`, 400, "Host/Container quota cannot be set on a MTS subscription plan"},
		{PlanMTS, `{"categoryQuota":{"3":5,"4":6}}`, 200, ""},
		{PlanMTS, `{"dpmQuota":5}`, 400, "DPM quota cannot be set on a MTS subscription plan"},
		{PlanAny, `{"dpmQuota":5,"categoryQuota":{}}`, 200, ""},
	}
	for _, tc := range cases {
		t.Run(string(tc.plan)+tc.limits, func(t *testing.T) {
			t.Parallel()
			_, c, _ := testServer(t, Options{Plan: tc.plan})
			r := c.do(http.MethodPost, "/v2/token", `{"name":"x","limits":`+tc.limits+`}`)
			if tc.wantStatus == 200 {
				if r.status != 200 {
					t.Fatalf("status = %d, body %s", r.status, r.body)
				}
				return
			}
			wantError(t, r, tc.wantStatus, tc.msg)
		})
	}
}

func TestUnsetLimitsModes(t *testing.T) {
	t.Parallel()
	for mode, want := range map[UnsetLimitsMode]string{UnsetLimitsNull: "null", UnsetLimitsEmpty: "{}"} {
		_, c, _ := testServer(t, Options{UnsetLimits: mode})
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(c.do(http.MethodPost, "/v2/token", `{"name":"x"}`).body, &raw); err != nil {
			t.Fatal(err)
		}
		if got := string(raw["limits"]); got != want {
			t.Errorf("mode %d: limits = %q, want %q", mode, got, want)
		}
	}
}

func TestGetAndDelete(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	created := c.create(`{"name":"gd"}`)
	got := c.do(http.MethodGet, "/v2/token/gd", "")
	if got.status != 200 || !reflect.DeepEqual(got.json(t), created) {
		t.Fatalf("GET = %d %s, want the created token", got.status, got.body)
	}
	wantError(t, c.do(http.MethodGet, "/v2/token/nope", ""), http.StatusNotFound, `Token "nope" not found`)

	del := c.do(http.MethodDelete, "/v2/token/gd", "")
	if del.status != http.StatusNoContent || len(del.body) != 0 {
		t.Fatalf("DELETE = %d %q, want 204 with an empty body", del.status, del.body)
	}
	wantError(t, c.do(http.MethodGet, "/v2/token/gd", ""), http.StatusNotFound, `Token "gd" not found`)
	wantError(t, c.do(http.MethodDelete, "/v2/token/gd", ""), http.StatusNotFound, `Token "gd" not found`)
	// The name is free again, and the old secret no longer authenticates.
	again := c.create(`{"name":"gd"}`)
	if again["id"] == created["id"] {
		t.Errorf("recreated token reuses id %v", again["id"])
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	c.create(`{"name":"x"}`)
	for _, p := range []string{"/v2/tokens", "/v2/token/x/rotate/now", "/v2/token/x/spin", "/v2/token/", "/v1/token", "/", "/v2"} {
		wantError(t, c.do(http.MethodGet, p, ""), http.StatusNotFound, "HTTP 404 Not Found")
	}
	cases := []struct{ method, path, allow string }{
		{http.MethodPatch, "/v2/token", "GET, POST"},
		{http.MethodDelete, "/v2/token", "GET, POST"},
		{http.MethodPost, "/v2/token/x", "DELETE, GET, PUT"},
		{http.MethodPatch, "/v2/token/x", "DELETE, GET, PUT"},
		{http.MethodGet, "/v2/token/x/rotate", "POST"},
	}
	for _, tc := range cases {
		r := c.do(tc.method, tc.path, "")
		wantError(t, r, http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed")
		if got := r.header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow = %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}
