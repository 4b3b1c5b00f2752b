package emulator

import (
	"net/http"
	"testing"
	"time"
)

func TestRotateGracePeriod(t *testing.T) {
	t.Parallel()
	s, c, mc := testServer(t, Options{})
	tok := c.create(`{"name":"rot","authScopes":["API"]}`)
	oldSecret := tok["secret"].(string)
	mc.Advance(time.Second)

	r := c.do(http.MethodPost, "/v2/token/rot/rotate?graceful=60&secondsUntilExpiry=3600", "")
	if r.status != 200 {
		t.Fatalf("rotate = %d %s", r.status, r.body)
	}
	rot := r.json(t)
	newSecret := rot["secret"].(string)
	now := t0.Add(time.Second).UnixMilli()
	if newSecret == oldSecret || len(newSecret) != 22 {
		t.Fatalf("new secret %q, old %q", newSecret, oldSecret)
	}
	if num(t, rot, "latestRotation") != now || num(t, rot, "lastUpdated") != now || num(t, rot, "expiry") != now+3_600_000 {
		t.Errorf("latestRotation/lastUpdated/expiry = %v/%v/%v, want %d/%d/%d", rot["latestRotation"], rot["lastUpdated"], rot["expiry"], now, now, now+3_600_000)
	}
	if rot["id"] != tok["id"] || rot["created"] != tok["created"] {
		t.Errorf("rotation changed id or created")
	}
	// Both secrets work during the grace period, over HTTP too.
	if !s.Authenticates(oldSecret) || !s.Authenticates(newSecret) {
		t.Fatal("both secrets should authenticate during the grace period")
	}
	if r := c.as(oldSecret).do(http.MethodGet, "/v2/token/rot", ""); r.status != 200 {
		t.Errorf("old secret GET during grace = %d", r.status)
	}
	mc.Advance(59*time.Second + 999*time.Millisecond)
	if !s.Authenticates(oldSecret) {
		t.Error("old secret stopped before the grace period ended")
	}
	mc.Advance(time.Millisecond)
	if s.Authenticates(oldSecret) {
		t.Error("old secret still works at the end of the grace period")
	}
	wantError(t, c.as(oldSecret).do(http.MethodGet, "/v2/token/rot", ""), http.StatusUnauthorized, msgInvalidToken)
	if !s.Authenticates(newSecret) {
		t.Error("new secret does not authenticate")
	}
	if st, _ := s.Token("rot"); st.PreviousSecret != oldSecret || st.PreviousSecretValidUntil != now+60_000 {
		t.Errorf("Token() previous secret = %q until %d", st.PreviousSecret, st.PreviousSecretValidUntil)
	}
}

func TestRotateWithoutGraceRevokesAtOnce(t *testing.T) {
	t.Parallel()
	for _, query := range []string{"?graceful=0", "", "?graceful="} {
		s, c, _ := testServer(t, Options{DefaultLifetime: time.Hour})
		old := c.create(`{"name":"g0"}`)["secret"].(string)
		rot := c.do(http.MethodPost, "/v2/token/g0/rotate"+query, "").json(t)
		if s.Authenticates(old) {
			t.Errorf("%q: old secret still authenticates", query)
		}
		if !s.Authenticates(rot["secret"].(string)) {
			t.Errorf("%q: new secret does not authenticate", query)
		}
		if got, want := num(t, rot, "expiry"), t0.Add(time.Hour).UnixMilli(); got != want {
			t.Errorf("%q: expiry = %d, want the default lifetime %d", query, got, want)
		}
	}
}

func TestRotateTwiceRevokesFirstOldSecret(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	first := c.create(`{"name":"x"}`)["secret"].(string)
	second := c.do(http.MethodPost, "/v2/token/x/rotate?graceful=600", "").json(t)["secret"].(string)
	third := c.do(http.MethodPost, "/v2/token/x/rotate?graceful=600", "").json(t)["secret"].(string)
	if s.Authenticates(first) {
		t.Error("the first secret survived a second rotation")
	}
	if !s.Authenticates(second) || !s.Authenticates(third) {
		t.Error("the previous and current secrets should both authenticate")
	}
}

func TestRotateValidation(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	c.create(`{"name":"v"}`)
	bad := map[string]string{
		"?graceful=-1":                       "graceful must be between 0 and 5184000 seconds (60 days), inclusive; got \"-1\"",
		"?graceful=5184001":                  "graceful must be between 0 and 5184000 seconds (60 days), inclusive; got \"5184001\"",
		"?graceful=soon":                     "graceful must be between 0 and 5184000 seconds (60 days), inclusive; got \"soon\"",
		"?secondsUntilExpiry=-1":             "secondsUntilExpiry must be between 0 and 5676000000 seconds (18 years), inclusive; got -1",
		"?secondsUntilExpiry=5676000001":     "secondsUntilExpiry must be between 0 and 5676000000 seconds (18 years), inclusive; got 5676000001",
		"?secondsUntilExpiry=1.5":            "secondsUntilExpiry must be between 0 and 5676000000 seconds (18 years), inclusive; got \"1.5\"",
		"?graceful=1&secondsUntilExpiry=abc": "secondsUntilExpiry must be between 0 and 5676000000 seconds (18 years), inclusive; got \"abc\"",
	}
	for q, msg := range bad {
		wantError(t, c.do(http.MethodPost, "/v2/token/v/rotate"+q, ""), 400, msg)
	}
	for _, q := range []string{"?graceful=5184000", "?secondsUntilExpiry=5676000000", "?graceful=0&secondsUntilExpiry=1"} {
		if r := c.do(http.MethodPost, "/v2/token/v/rotate"+q, ""); r.status != 200 {
			t.Errorf("%s: status %d %s", q, r.status, r.body)
		}
	}
	// A body is accepted and ignored.
	if r := c.do(http.MethodPost, "/v2/token/v/rotate", `{"name":"ignored","graceful":99}`); r.status != 200 || r.json(t)["name"] != "v" {
		t.Errorf("rotate with a body = %d %s", r.status, r.body)
	}
	wantError(t, c.do(http.MethodPost, "/v2/token/nope/rotate", ""), 404, `Token "nope" not found`)
}

func TestRotateExpiredToken(t *testing.T) {
	t.Parallel()
	s, c, mc := testServer(t, Options{})
	tok := c.create(`{"name":"exp","secondsUntilExpiry":10}`)
	mc.Advance(10 * time.Second)
	if s.Authenticates(tok["secret"].(string)) {
		t.Error("an expired token authenticates")
	}
	wantError(t, c.do(http.MethodPost, "/v2/token/exp/rotate", ""), 400, `Token "exp" is past its expiration date and cannot be rotated`)
	if st, _ := s.Token("exp"); st.Secret != tok["secret"] || st.LatestRotation != 0 {
		t.Error("a refused rotation changed the token")
	}
	// Extending the expiry with PUT makes it rotatable again.
	c.do(http.MethodPut, "/v2/token/exp", `{"name":"exp","secondsUntilExpiry":10}`)
	if r := c.do(http.MethodPost, "/v2/token/exp/rotate", ""); r.status != 200 {
		t.Errorf("rotate after extending = %d %s", r.status, r.body)
	}

	// secondsUntilExpiry 0 creates an already-expired token.
	c.create(`{"name":"zero","secondsUntilExpiry":0}`)
	wantErrorPrefix(t, c.do(http.MethodPost, "/v2/token/zero/rotate", ""), 400, `Token "zero" is past its expiration date`)

	_, c2, _ := testServer(t, Options{ExpiredRotateStatus: http.StatusConflict})
	c2.create(`{"name":"z","secondsUntilExpiry":0}`)
	wantErrorPrefix(t, c2.do(http.MethodPost, "/v2/token/z/rotate", ""), http.StatusConflict, `Token "z" is past`)
}

func TestRotateDisabledToken(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	c.create(`{"name":"off","disabled":true}`)
	rot := c.do(http.MethodPost, "/v2/token/off/rotate", "").json(t)
	if rot["disabled"] != true || s.Authenticates(rot["secret"].(string)) {
		t.Errorf("rotating a disabled token: %v", rot)
	}
}
