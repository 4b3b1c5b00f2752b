package sfx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"no base URL", Config{AuthToken: "x"}, "BaseURL is required"},
		{"no scheme", Config{BaseURL: "api.us0.signalfx.com", AuthToken: "x"}, "https://"},
		{"ftp", Config{BaseURL: "ftp://api.us0.signalfx.com", AuthToken: "x"}, "https://"},
		{"no host", Config{BaseURL: "https://", AuthToken: "x"}, "no host"},
		{"credentials", Config{BaseURL: "https://u:p@api.us0.signalfx.com", AuthToken: "x"}, "credentials"},
		{"query", Config{BaseURL: "https://api.us0.signalfx.com?x=1", AuthToken: "x"}, "query"},
		{"v2 suffix", Config{BaseURL: "https://api.us0.signalfx.com/v2/", AuthToken: "x"}, "/v2"},
		{"no token", Config{BaseURL: "https://api.us0.signalfx.com"}, "AuthToken is required"},
		{"newline in token", Config{BaseURL: "https://a.b", AuthToken: testAuthToken + "\n"}, "not allowed"},
		{"negative timeout", Config{BaseURL: "https://a.b", AuthToken: "x", Timeout: -1}, "Timeout"},
		{"waits inverted", Config{BaseURL: "https://a.b", AuthToken: "x", RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond}, "RetryWaitMin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), testAuthToken) {
				t.Errorf("error leaks the auth token: %v", err)
			}
		})
	}
	// A token pasted into the URL field by mistake is not echoed back.
	_, err := New(Config{BaseURL: "api.us0.signalfx.com/" + testAuthToken, AuthToken: testAuthToken})
	if err == nil || strings.Contains(err.Error(), testAuthToken) {
		t.Errorf("New error = %v", err)
	}
}

func TestFormattingHidesAuthToken(t *testing.T) {
	t.Parallel()
	cfg := testConfig("https://api.us0.signalfx.com", nil)
	c := newTestClient(t, cfg)
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", &cfg), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, testAuthToken) {
			t.Errorf("formatted value leaks the auth token: %s", s)
		}
	}
	if !strings.Contains(cfg.String(), "BaseURL:https://api.us0.signalfx.com") {
		t.Errorf("Config.String() = %s", cfg.String())
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "https://api.us0.signalfx.com/prefix/", AuthToken: "x", RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	if c.base.String() != "https://api.us0.signalfx.com/prefix" || c.userAgent != DefaultUserAgent ||
		c.httpClient.Timeout != DefaultTimeout || c.retryMax != 0 ||
		c.waitMin != DefaultRetryWaitMin || c.waitMax != DefaultRetryWaitMax {
		t.Errorf("client = %+v", c)
	}
	tr, ok := c.transport.(*http.Transport)
	if !ok || tr.MaxIdleConnsPerHost < 100 || tr.DisableKeepAlives {
		t.Errorf("transport = %#v", c.transport)
	}
	c2, _ := New(Config{BaseURL: "https://a.b", AuthToken: "x"})
	if c2.retryMax != DefaultRetryMax {
		t.Errorf("retryMax = %d", c2.retryMax)
	}
}

// TestWireRequests checks what each method puts on the wire.
func TestWireRequests(t *testing.T) {
	t.Parallel()
	secs := int64(86400)
	tests := []struct {
		name        string
		status      int
		body        string
		call        func(context.Context, *Client) error
		method, uri string
		contentType bool
		checkBody   func(*testing.T, map[string]any)
	}{
		{
			name: "create", status: 200, body: tokenJSON("my token"),
			call: func(ctx context.Context, c *Client) error {
				tok, err := c.CreateToken(ctx, &Token{Name: "my token", AuthScopes: []string{ScopeAPI}})
				if err == nil && tok.Secret != testSecret {
					err = fmt.Errorf("secret = %q", tok.Secret)
				}
				return err
			},
			method: "POST", uri: "/v2/token", contentType: true,
			checkBody: func(t *testing.T, m map[string]any) {
				if m["name"] != "my token" || m["disabled"] != false || m["authScopes"].([]any)[0] != "API" {
					t.Errorf("body = %v", m)
				}
			},
		},
		{
			name: "create answered 201", status: 201, body: tokenJSON("t"),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateToken(ctx, &Token{Name: "t"})
				return err
			},
			method: "POST", uri: "/v2/token", contentType: true,
		},
		{
			name: "get", status: 200, body: tokenJSON("a/b c"),
			call: func(ctx context.Context, c *Client) error {
				tok, err := c.GetToken(ctx, "a/b c")
				if err == nil && (tok.Name != "a/b c" || tok.Limits == nil) {
					err = fmt.Errorf("token = %+v", tok)
				}
				return err
			},
			method: "GET", uri: "/v2/token/a%2Fb%20c",
		},
		{
			name: "update keeps disabled false", status: 200, body: tokenJSON("t"),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateToken(ctx, "t", &Token{Name: "t", Disabled: false})
				return err
			},
			method: "PUT", uri: "/v2/token/t", contentType: true,
			checkBody: func(t *testing.T, m map[string]any) {
				if v, ok := m["disabled"]; !ok || v != false {
					t.Errorf("disabled not sent as false: %v", m)
				}
			},
		},
		{
			name: "update renames", status: 200, body: tokenJSON("new"),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateToken(ctx, "old name", &Token{Name: "new"})
				return err
			},
			method: "PUT", uri: "/v2/token/old%20name", contentType: true,
			checkBody: func(t *testing.T, m map[string]any) {
				if m["name"] != "new" {
					t.Errorf("body = %v", m)
				}
			},
		},
		{
			name: "delete 204", status: 204,
			call:   func(ctx context.Context, c *Client) error { return c.DeleteToken(ctx, "100%") },
			method: "DELETE", uri: "/v2/token/100%25",
		},
		{
			name: "delete 200", status: 200, body: "{}",
			call:   func(ctx context.Context, c *Client) error { return c.DeleteToken(ctx, "t") },
			method: "DELETE", uri: "/v2/token/t",
		},
		{
			name: "rotate immediately", status: 200, body: tokenJSON("t"),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.RotateToken(ctx, "what?", RotateOptions{})
				return err
			},
			method: "POST", uri: "/v2/token/what%3F/rotate?graceful=0", contentType: true,
		},
		{
			name: "rotate with grace and expiry", status: 200, body: tokenJSON("t"),
			call: func(ctx context.Context, c *Client) error {
				_, err := c.RotateToken(ctx, "t", RotateOptions{GracePeriodSeconds: 604800, SecondsUntilExpiry: &secs})
				return err
			},
			method: "POST", uri: "/v2/token/t/rotate?graceful=604800&secondsUntilExpiry=86400", contentType: true,
		},
		{
			name: "search page with name", status: 200, body: `{"count":0,"results":[]}`,
			call: func(ctx context.Context, c *Client) error {
				_, _, err := c.SearchPage(ctx, "my token+x", 20, 10)
				return err
			},
			method: "GET", uri: "/v2/token?limit=10&offset=20&name=my%20token%2Bx",
		},
		{
			name: "search page without name", status: 200, body: `{"count":0,"results":null}`,
			call: func(ctx context.Context, c *Client) error {
				_, _, err := c.SearchPage(ctx, "", 0, 0)
				return err
			},
			method: "GET", uri: "/v2/token?limit=100&offset=0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := &recLogger{}
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if tt.body == "" {
					w.WriteHeader(tt.status)
					return
				}
				writeJSON(w, tt.status, tt.body)
			})
			c := newTestClient(t, testConfig(api.URL, log))
			if err := tt.call(t.Context(), c); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := api.requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.RequestURI != tt.uri {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.RequestURI, tt.method, tt.uri)
			}
			if got := r.Header.Get("X-SF-TOKEN"); got != testAuthToken {
				t.Errorf("X-SF-TOKEN = %q", got)
			}
			if got := r.Header.Get("User-Agent"); got != testUserAgent {
				t.Errorf("User-Agent = %q", got)
			}
			if got := r.Header.Get("Accept"); got != "application/json" {
				t.Errorf("Accept = %q", got)
			}
			if got, want := r.Header.Get("Content-Type"), map[bool]string{true: "application/json"}[tt.contentType]; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			if tt.checkBody != nil {
				var m map[string]any
				if err := json.Unmarshal(r.Body, &m); err != nil {
					t.Fatalf("request body %q: %v", r.Body, err)
				}
				tt.checkBody(t, m)
			} else if len(r.Body) != 0 && tt.method != "POST" && tt.method != "PUT" {
				t.Errorf("unexpected request body %q", r.Body)
			}
			log.assertNoSecrets(t, testAuthToken, testSecret)
		})
	}
}

// TestGetThenUpdateKeepsUnmodeledFields is the read-modify-write that must not drop
// roles, mtsmLimit or fields added to the API later.
func TestGetThenUpdateKeepsUnmodeledFields(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 200, strings.Replace(tokenJSON("t"), `"orgId"`, `"futureField":{"a":[1]},"orgId"`, 1))
	})
	c := newTestClient(t, testConfig(api.URL, nil))
	tok, err := c.GetToken(t.Context(), "t")
	if err != nil {
		t.Fatal(err)
	}
	tok.Description = "changed"
	tok.Disabled = false
	if _, err := c.UpdateToken(t.Context(), "t", tok); err != nil {
		t.Fatal(err)
	}
	put := api.requests()[1]
	var m map[string]any
	if err := json.Unmarshal(put.Body, &m); err != nil {
		t.Fatal(err)
	}
	if m["description"] != "changed" || m["disabled"] != false || m["roles"] == nil ||
		m["futureField"] == nil || m["limits"].(map[string]any)["mtsmLimit"] != 500.0 {
		t.Errorf("PUT body = %s", put.Body)
	}
	if strings.Contains(string(put.Body), testSecret) || m["id"] != nil {
		t.Errorf("PUT body sends read-only fields: %s", put.Body)
	}
}

// escapingNames are token names that break clients that escape zero times or twice.
var escapingNames = []string{
	"plain", "my token", "a/b", "/leading", "trailing/", "100%", "%20", "a%2Fb", "what?", "hash#tag",
	"a+b", "semi;colon", "amp&eq=", "ünïcødé ✓", "emoji 🔑", "tab\tname", "quote\"'", "back\\slash",
	".", "..", "...", "a..b", "~tilde", "[brackets]", "colon:at@",
}

// TestNameEscapingOnTheWire checks that every name is escaped exactly once in the path and
// in the search query, and that a standard server decodes it back to the original.
func TestNameEscapingOnTheWire(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v2/token/"), "/rotate")
		if r.URL.Path == "/v2/token" {
			name = r.URL.Query().Get("name")
			writeJSON(w, 200, `{"count":0,"results":[]}`)
		} else {
			writeJSON(w, 200, tokenJSON(name))
		}
		mu.Lock()
		got = append(got, name)
		mu.Unlock()
	})
	c := newTestClient(t, testConfig(api.URL, nil))
	for _, name := range escapingNames {
		t.Run(name, func(t *testing.T) {
			before := api.count()
			ctx := t.Context()
			if _, err := c.GetToken(ctx, name); err != nil {
				t.Fatal(err)
			}
			if _, err := c.RotateToken(ctx, name, RotateOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.SearchPage(ctx, name, 0, 1); err != nil {
				t.Fatal(err)
			}
			reqs := api.requests()[before:]
			seg := url.PathEscape(name)
			switch name {
			case ".":
				seg = "%2E"
			case "..":
				seg = "%2E%2E"
			}
			if p := reqs[0].EscapedPath; p != "/v2/token/"+seg || reqs[0].RequestURI != p {
				t.Errorf("GET path = %q (RequestURI %q), want /v2/token/%s", p, reqs[0].RequestURI, seg)
			}
			if strings.Count(reqs[0].EscapedPath, "/") != 3 {
				t.Errorf("name is not one path segment: %q", reqs[0].EscapedPath)
			}
			if reqs[0].Path != "/v2/token/"+name {
				t.Errorf("server decoded path %q", reqs[0].Path)
			}
			if p := reqs[1].EscapedPath; p != "/v2/token/"+seg+"/rotate" {
				t.Errorf("rotate path = %q", p)
			}
			if q := reqs[2].RawQuery; q != "limit=1&offset=0&name="+queryEscape(name) {
				t.Errorf("search query = %q", q)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, g := range got[len(got)-3:] {
				if g != name {
					t.Errorf("server decoded name %q, want %q", g, name)
				}
			}
		})
	}
	// The signalfx-go regression, spelled out.
	if got := tokenPath("my token"); got != "/v2/token/my%20token" {
		t.Errorf("tokenPath(my token) = %q", got)
	}
}

func TestInvalidArgumentsSendNothing(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(500) })
	c := newTestClient(t, testConfig(api.URL, nil))
	ctx := t.Context()
	neg := int64(-1)
	calls := map[string]func() error{
		"create nil":      func() error { _, err := c.CreateToken(ctx, nil); return err },
		"create no name":  func() error { _, err := c.CreateToken(ctx, &Token{}); return err },
		"get empty":       func() error { _, err := c.GetToken(ctx, ""); return err },
		"update empty":    func() error { _, err := c.UpdateToken(ctx, "", &Token{Name: "x"}); return err },
		"update nil":      func() error { _, err := c.UpdateToken(ctx, "x", nil); return err },
		"delete empty":    func() error { return c.DeleteToken(ctx, "") },
		"rotate empty":    func() error { _, err := c.RotateToken(ctx, "", RotateOptions{}); return err },
		"rotate negative": func() error { _, err := c.RotateToken(ctx, "x", RotateOptions{SecondsUntilExpiry: &neg}); return err },
		"page negative":   func() error { _, _, err := c.SearchPage(ctx, "", -1, 10); return err },
		"search negative": func() error { _, err := c.SearchTokens(ctx, SearchOptions{PageSize: -1}); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrInvalidArgument) || IsAmbiguous(err) {
			t.Errorf("%s: error = %v", name, err)
		}
	}
	if n := api.count(); n != 0 {
		t.Errorf("server saw %d requests", n)
	}
}

// TestConcurrentCallsReuseConnections runs parallel calls (as terraform -parallelism=20
// does) and checks that later rounds reuse the connections of the first.
func TestConcurrentCallsReuseConnections(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		time.Sleep(2 * time.Millisecond)
		writeJSON(w, 200, tokenJSON(strings.TrimPrefix(r.URL.Path, "/v2/token/")))
	})
	c := newTestClient(t, testConfig(api.URL, &recLogger{}))
	const parallel, rounds = 20, 5
	for round := range rounds {
		var wg sync.WaitGroup
		for i := range parallel {
			wg.Go(func() {
				name := fmt.Sprintf("tok %d-%d", round, i)
				if tok, err := c.GetToken(t.Context(), name); err != nil || tok.Name != name {
					t.Errorf("GetToken(%q) = %v, %v", name, tok, err)
				}
			})
		}
		wg.Wait()
	}
	conns := map[string]bool{}
	for _, r := range api.requests() {
		conns[r.Remote] = true
	}
	// Without reuse every request would dial (100 connections). A connection returns to the
	// pool asynchronously, so a round may occasionally dial before the last one is back.
	if len(conns) > 2*parallel {
		t.Errorf("%d requests used %d connections, want at most %d", parallel*rounds, len(conns), 2*parallel)
	}
}
