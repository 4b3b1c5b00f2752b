package emulator

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestPutIsFullReplacement(t *testing.T) {
	t.Parallel()
	s, c, mc := testServer(t, Options{AdminTokens: map[string]string{adminToken: adminUser, "other-admin": "OTHERUSER"}})
	created := c.create(`{"name":"r","description":"d","disabled":true,"authScopes":["API"],
		"limits":{"dpmQuota":5,"mtsmLimit":7},"notifications":[{"type":"Team","team":"t"}],
		"permissions":{"acl":[{"principalId":"u","principalType":"USER","actions":["READ"]}]},
		"roles":[{"title":"usage"}],"unknownField":"keep-me"}`)
	mc.Advance(time.Minute)

	// Unknown fields sent back are kept; limits keys the emulator doesn't
	// model are kept.
	r := c.do(http.MethodPut, "/v2/token/r", `{"name":"r","disabled":true,"limits":{"dpmQuota":5,"mtsmLimit":7,"newKey":1},"unknownField":"keep-me"}`)
	tok := r.json(t)
	if tok["unknownField"] != "keep-me" || mustJSON(t, tok["limits"]) != `{"dpmQuota":5,"mtsmLimit":7,"newKey":1}` {
		t.Errorf("PUT with the fields did not keep them: %s", r.body)
	}

	// A body with only the name resets every writable field.
	mc.Advance(time.Minute)
	r = c.as("other-admin").do(http.MethodPut, "/v2/token/r", `{"name":"r"}`)
	if r.status != 200 {
		t.Fatalf("PUT = %d %s", r.status, r.body)
	}
	tok = r.json(t)
	want := map[string]any{
		"description": "", "disabled": false, "notifications": []any{}, "permissions": nil,
		"lastUpdatedBy": "OTHERUSER", "lastUpdated": float64(t0.Add(2 * time.Minute).UnixMilli()),
		"creator": adminUser, "created": created["created"], "expiry": created["expiry"],
		"id": created["id"], "secret": created["secret"], "authScopes": []any{"API"},
	}
	for k, v := range want {
		if !reflect.DeepEqual(tok[k], v) {
			t.Errorf("%s = %#v, want %#v", k, tok[k], v)
		}
	}
	for _, k := range []string{"limits", "unknownField"} {
		if _, ok := tok[k]; ok {
			t.Errorf("%s = %v after a PUT without it, want removed", k, tok[k])
		}
	}
	roles := tok["roles"].([]any)
	if len(roles) != 1 || roles[0].(map[string]any)["title"] != "power" {
		t.Errorf("roles = %v, want the default [power] for an API token", roles)
	}
	stored, _ := s.Token("r")
	if stored.Disabled || stored.Limits != nil || stored.Extra != nil {
		t.Errorf("stored token not replaced: %+v", stored)
	}
}

func TestPutReenablesWhenDisabledIsMissing(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	tok := c.create(`{"name":"d","disabled":true}`)
	secret := tok["secret"].(string)
	if s.Authenticates(secret) {
		t.Fatal("a disabled token authenticates")
	}
	if got := c.do(http.MethodPut, "/v2/token/d", `{"name":"d","description":"x"}`).json(t)["disabled"]; got != false {
		t.Fatalf("disabled = %v after a PUT without it, want false", got)
	}
	if !s.Authenticates(secret) {
		t.Error("a re-enabled token does not authenticate")
	}
}

func TestPutAuthScopes(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	c.create(`{"name":"s","authScopes":["INGEST","API"]}`)
	cases := []struct {
		scopes string
		status int
	}{
		{`["API","INGEST"]`, 200},
		{`["INGEST","API"]`, 200},
		{`["INGEST","API","API"]`, 200},
		{`null`, 200},
		{`["INGEST"]`, 400},
		{`["API","INGEST","RUM"]`, 400},
		{`[]`, 400},
	}
	for _, tc := range cases {
		r := c.do(http.MethodPut, "/v2/token/s", `{"name":"s","authScopes":`+tc.scopes+`}`)
		if tc.status == 200 {
			if r.status != 200 {
				t.Errorf("authScopes %s: status %d %s", tc.scopes, r.status, r.body)
			}
			continue
		}
		if tc.scopes == `["API","INGEST","RUM"]` {
			wantError(t, r, 400, "A token with the RUM authorization scope cannot have other authorization scopes")
			continue
		}
		wantError(t, r, 400, msgScopesImmutable)
	}
	if r := c.do(http.MethodPut, "/v2/token/s", `{"name":"s"}`); mustJSON(t, r.json(t)["authScopes"]) != `["API","INGEST"]` {
		t.Errorf("absent authScopes changed the scopes: %s", r.body)
	}
}

func TestPutRename(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	old := c.create(`{"name":"old name","authScopes":["API"]}`)
	c.create(`{"name":"taken"}`)

	wantError(t, c.do(http.MethodPut, "/v2/token/old%20name", `{"name":"taken"}`), 400, msgDuplicateName)
	wantError(t, c.do(http.MethodPut, "/v2/token/old%20name", `{"name":""}`), 400, msgNameRequired)
	wantError(t, c.do(http.MethodPut, "/v2/token/old%20name", `{"description":"no name"}`), 400, msgNameRequired)

	r := c.do(http.MethodPut, "/v2/token/old%20name", `{"name":"new/name"}`)
	if r.status != 200 {
		t.Fatalf("rename = %d %s", r.status, r.body)
	}
	renamed := r.json(t)
	if renamed["name"] != "new/name" || renamed["id"] != old["id"] || renamed["secret"] != old["secret"] {
		t.Errorf("rename changed id or secret: %v -> %v", old, renamed)
	}
	wantError(t, c.do(http.MethodGet, "/v2/token/old%20name", ""), 404, `Token "old name" not found`)
	if r := c.do(http.MethodGet, "/v2/token/new%2Fname", ""); r.status != 200 {
		t.Errorf("GET new name = %d", r.status)
	}
	// The secret still authenticates, and now reads the token by its new name.
	sc := c.as(old["secret"].(string))
	if r := sc.do(http.MethodGet, "/v2/token/new%2Fname", ""); r.status != 200 {
		t.Errorf("org token GET itself after rename = %d %s", r.status, r.body)
	}
	// The old name is free again.
	c.create(`{"name":"old name"}`)
	if s.TokenCount() != 3 {
		t.Errorf("TokenCount = %d, want 3", s.TokenCount())
	}
}

func TestPutExpiryAndErrors(t *testing.T) {
	t.Parallel()
	_, c, mc := testServer(t, Options{})
	tok := c.create(`{"name":"e","secondsUntilExpiry":100}`)
	mc.Advance(10 * time.Second)
	if got := num(t, c.do(http.MethodPut, "/v2/token/e", `{"name":"e"}`).json(t), "expiry"); got != num(t, tok, "expiry") {
		t.Errorf("PUT without secondsUntilExpiry moved expiry to %d", got)
	}
	if got, want := num(t, c.do(http.MethodPut, "/v2/token/e", `{"name":"e","secondsUntilExpiry":50}`).json(t), "expiry"), t0.Add(60*time.Second).UnixMilli(); got != want {
		t.Errorf("expiry = %d, want %d", got, want)
	}
	wantErrorPrefix(t, c.do(http.MethodPut, "/v2/token/e", `{"name":"e","secondsUntilExpiry":5676000001}`), 400, "secondsUntilExpiry must be between 0 and 5676000000")
	wantError(t, c.do(http.MethodPut, "/v2/token/missing", `{"name":"missing"}`), 404, `Token "missing" not found`)
	wantErrorPrefix(t, c.do(http.MethodPut, "/v2/token/e", `{"name":"e"`), 400, "Failed to deserialize payload: ")
	wantError(t, c.do(http.MethodPut, "/v2/token/e", `{"name":"e","permissions":{"acl":[{"principalId":"","principalType":"USER","actions":["READ"]}]}}`), 400, msgPrincipalID)

	// permissions: null removes what was set.
	c.do(http.MethodPut, "/v2/token/e", `{"name":"e","permissions":{"acl":[{"principalId":"u","principalType":"TEAM","actions":["READ","WRITE"]}]}}`)
	if got := c.do(http.MethodPut, "/v2/token/e", `{"name":"e","permissions":null}`).json(t)["permissions"]; got != nil {
		t.Errorf("permissions = %v after null, want null", got)
	}
}
