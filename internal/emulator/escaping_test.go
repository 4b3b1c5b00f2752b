package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestNameEscapingOnTheWire drives every name-keyed endpoint with names that
// need escaping, sent escaped exactly once.
func TestNameEscapingOnTheWire(t *testing.T) {
	t.Parallel()
	names := []string{"my token", "a/b", "50%", "what?", "#hash", "ünïcødé ✓", "a%20b", "a+b", "..", "sp ace/and%2Fslash"}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, c, _ := testServer(t, Options{})
			c.create(mustJSON(t, map[string]any{"name": name}))
			seg := url.PathEscape(name)
			if got := c.do(http.MethodGet, "/v2/token/"+seg, "").json(t)["name"]; got != name {
				t.Fatalf("GET name = %v, want %q", got, name)
			}
			search := c.do(http.MethodGet, "/v2/token?limit=20&name="+url.QueryEscape(name)+"&offset=0", "").json(t)
			if num(t, search, "count") != 1 {
				t.Errorf("search count = %v, want 1", search["count"])
			}
			r := c.do(http.MethodPut, "/v2/token/"+seg, mustJSON(t, map[string]any{"name": name, "description": "updated"}))
			if r.status != 200 || r.json(t)["description"] != "updated" {
				t.Errorf("PUT = %d %s", r.status, r.body)
			}
			if r := c.do(http.MethodPost, "/v2/token/"+seg+"/rotate", ""); r.status != 200 {
				t.Errorf("rotate = %d %s", r.status, r.body)
			}
			if r := c.do(http.MethodDelete, "/v2/token/"+seg, ""); r.status != http.StatusNoContent {
				t.Errorf("DELETE = %d %s", r.status, r.body)
			}
			reqs := s.Requests()
			if got := reqs[1].EscapedPath; got != "/v2/token/"+seg {
				t.Errorf("logged EscapedPath = %q, want %q", got, "/v2/token/"+seg)
			}
		})
	}
}

// TestDoubleEncodedNameIsNotFound shows the signalfx-go double-escape bug:
// "my token" sent as my%2520token is the literal name "my%20token".
func TestDoubleEncodedNameIsNotFound(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	c.create(`{"name":"my token"}`)
	c.create(`{"name":"a/b"}`)
	for _, p := range []string{"/v2/token/my%2520token", "/v2/token/a%252Fb"} {
		r := c.do(http.MethodGet, p, "")
		wantError(t, r, http.StatusNotFound, "")
		if !strings.Contains(string(r.body), `%20token`) && !strings.Contains(string(r.body), `%2Fb`) {
			t.Errorf("404 message %s does not show the once-decoded name", r.body)
		}
	}
	wantError(t, c.do(http.MethodDelete, "/v2/token/my%2520token", ""), http.StatusNotFound, `Token "my%20token" not found`)
	if r := c.do(http.MethodGet, "/v2/token?name=my%2520token", "").json(t); num(t, r, "count") != 0 {
		t.Errorf("double-encoded search count = %v, want 0", r["count"])
	}
	// An unescaped "/" is a path separator, not part of the name.
	wantError(t, c.do(http.MethodGet, "/v2/token/a/b", ""), http.StatusNotFound, "HTTP 404 Not Found")
	// A literal token named "my%20token" is found by its single-escaped form.
	c.create(`{"name":"my%20token"}`)
	if r := c.do(http.MethodGet, "/v2/token/my%2520token", ""); r.status != 200 {
		t.Errorf("GET literal my%%20token = %d", r.status)
	}
	if s.TokenCount() != 3 {
		t.Errorf("TokenCount = %d, want 3", s.TokenCount())
	}
}
