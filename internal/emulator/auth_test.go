package emulator

import (
	"net/http"
	"testing"
	"time"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	c.create(`{"name":"x"}`)
	for _, token := range []string{"", "wrong", "ADMIN-SECRET"} {
		for _, req := range [][2]string{{"GET", "/v2/token"}, {"GET", "/v2/token/x"}, {"POST", "/v2/token"}, {"DELETE", "/v2/token/x"}, {"GET", "/v2/nothing"}} {
			wantError(t, c.as(token).do(req[0], req[1], `{"name":"y"}`), http.StatusUnauthorized, msgInvalidToken)
		}
	}
	// Header name matching is case-insensitive.
	for _, h := range []string{"X-SF-TOKEN", "X-SF-Token", "x-sf-token"} {
		req, _ := http.NewRequest(http.MethodGet, c.base+"/v2/token/x", nil)
		req.Header[h] = []string{adminToken} // set raw, bypassing canonicalization
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("header %s: status %d", h, resp.StatusCode)
		}
	}
}

func TestOrgTokenReadsOnlyItself(t *testing.T) {
	t.Parallel()
	_, c, mc := testServer(t, Options{})
	api := c.create(`{"name":"api token","authScopes":["API","INGEST"],"secondsUntilExpiry":100}`)
	c.create(`{"name":"other"}`)
	c.create(`{"name":"api token 2"}`)
	sc := c.as(api["secret"].(string))

	if r := sc.do(http.MethodGet, "/v2/token/api%20token", ""); r.status != 200 || r.json(t)["secret"] != api["secret"] {
		t.Errorf("GET itself = %d %s", r.status, r.body)
	}
	count, names := searchNames(t, sc, "?name=api")
	if count != 1 || len(names) != 1 || names[0] != "api token" {
		t.Errorf("search as org token: count %d names %v, want only itself", count, names)
	}
	if count, _ := searchNames(t, sc, "?name=other"); count != 0 {
		t.Errorf("search for another token as org token: count %d", count)
	}
	wantError(t, sc.do(http.MethodGet, "/v2/token/other", ""), http.StatusForbidden, msgForbiddenRead)
	wantError(t, sc.do(http.MethodGet, "/v2/token/missing", ""), http.StatusForbidden, msgForbiddenRead)
	for _, req := range [][3]string{
		{"POST", "/v2/token", `{"name":"new"}`},
		{"PUT", "/v2/token/api%20token", `{"name":"api token"}`},
		{"DELETE", "/v2/token/api%20token", ""},
		{"POST", "/v2/token/api%20token/rotate", ""},
	} {
		wantError(t, sc.do(req[0], req[1], req[2]), http.StatusForbidden, msgUnauthorized)
	}
	wantError(t, sc.do(http.MethodGet, "/_emulator/stats", ""), http.StatusForbidden, "The emulator control endpoints need an admin token")

	// Expired: 401.
	mc.Advance(100 * time.Second)
	wantError(t, sc.do(http.MethodGet, "/v2/token/api%20token", ""), http.StatusUnauthorized, msgInvalidToken)
}

func TestNonAPIOrgTokensAreForbidden(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	for _, scopes := range []string{`["INGEST"]`, `["RUM"]`} {
		tok := c.create(`{"name":` + mustJSON(t, scopes) + `,"authScopes":` + scopes + `}`)
		sc := c.as(tok["secret"].(string))
		wantError(t, sc.do(http.MethodGet, "/v2/token/"+tok["name"].(string), ""), http.StatusForbidden, msgForbiddenRead)
		wantError(t, sc.do(http.MethodGet, "/v2/token", ""), http.StatusForbidden, msgForbiddenRead)
		wantError(t, sc.do(http.MethodPost, "/v2/token", `{"name":"z"}`), http.StatusForbidden, msgForbiddenRead)
	}
}

func TestDisabledTokenIsUnauthorized(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	tok := c.create(`{"name":"d","authScopes":["API"],"disabled":true}`)
	wantError(t, c.as(tok["secret"].(string)).do(http.MethodGet, "/v2/token/d", ""), http.StatusUnauthorized, msgInvalidToken)
}

func TestPowerTokenReadsButCannotWrite(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{PowerTokens: map[string]string{"power": "POWERUSER"}})
	c.create(`{"name":"a"}`)
	pc := c.as("power")
	if r := pc.do(http.MethodGet, "/v2/token/a", ""); r.status != 200 {
		t.Errorf("power GET = %d", r.status)
	}
	if count, _ := searchNames(t, pc, ""); count != 1 {
		t.Errorf("power search count = %d", count)
	}
	wantError(t, pc.do(http.MethodPost, "/v2/token", `{"name":"b"}`), http.StatusForbidden, msgUnauthorized)
	wantError(t, pc.do(http.MethodPut, "/v2/token/a", `{"name":"a"}`), http.StatusForbidden, msgUnauthorized)
	wantError(t, pc.do(http.MethodDelete, "/v2/token/a", ""), http.StatusForbidden, msgUnauthorized)
	wantError(t, pc.do(http.MethodPost, "/v2/token/a/rotate", ""), http.StatusForbidden, msgUnauthorized)
	wantError(t, pc.do(http.MethodGet, "/_emulator/faults", ""), http.StatusForbidden, "")
}

func TestNoAdminTokensMeansEverything401(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	_, url, stop, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c := &client{t: t, base: url, token: "anything", hc: http.DefaultClient}
	wantError(t, c.do(http.MethodGet, "/v2/token", ""), 401, msgInvalidToken)
	if s.Authenticates("") || s.Authenticates("anything") {
		t.Error("Authenticates accepted an unknown secret")
	}
}
