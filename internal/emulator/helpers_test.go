package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	adminToken = "admin-secret"
	adminUser  = "ADMINUSER"
)

// t0 is the manual clock's starting time in tests.
var t0 = time.UnixMilli(1_700_000_000_000)

// testServer starts a server with an admin token and, unless opts has one,
// a manual clock at t0.
func testServer(t *testing.T, opts Options) (*Server, *client, *ManualClock) {
	t.Helper()
	if opts.AdminTokens == nil {
		opts.AdminTokens = map[string]string{adminToken: adminUser}
	}
	mc, _ := opts.Clock.(*ManualClock)
	if opts.Clock == nil {
		mc = NewManualClock(t0)
		opts.Clock = mc
	}
	s, url := NewTestServer(t, opts)
	return s, &client{t: t, base: url, token: adminToken, hc: &http.Client{Timeout: 10 * time.Second}}, mc
}

type client struct {
	t     *testing.T
	base  string
	token string
	hc    *http.Client
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body as an object.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %q", err, r.body)
	}
	return m
}

// as returns a client that authenticates with token.
func (c *client) as(token string) *client {
	cc := *c
	cc.token = token
	return &cc
}

// do sends a request to rawPath (already escaped, with any query) and
// fails the test on a transport error.
func (c *client) do(method, rawPath, body string) response {
	c.t.Helper()
	resp, err := c.try(method, rawPath, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, rawPath, err)
	}
	return resp
}

func (c *client) try(method, rawPath, body string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+rawPath, rd)
	if err != nil {
		return response{}, err
	}
	if c.token != "" {
		req.Header.Set("X-Sf-Token", c.token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// create creates a token from a JSON body and returns the decoded response.
func (c *client) create(body string) map[string]any {
	c.t.Helper()
	r := c.do(http.MethodPost, "/v2/token", body)
	if r.status != http.StatusOK {
		c.t.Fatalf("create %s: status %d, body %s", body, r.status, r.body)
	}
	return r.json(c.t)
}

// wantError checks status and the {"code","message"} envelope.
func wantError(t *testing.T, r response, status int, message string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body is not JSON: %q", r.body)
	}
	if e.Code != status {
		t.Errorf("code = %d, want %d", e.Code, status)
	}
	if message != "" && e.Message != message {
		t.Errorf("message = %q, want %q", e.Message, message)
	}
}

// wantErrorPrefix is wantError with a message prefix.
func wantErrorPrefix(t *testing.T, r response, status int, prefix string) {
	t.Helper()
	wantError(t, r, status, "")
	var e struct{ Message string }
	_ = json.Unmarshal(r.body, &e)
	if !strings.HasPrefix(e.Message, prefix) {
		t.Errorf("message = %q, want prefix %q", e.Message, prefix)
	}
}

func num(t *testing.T, m map[string]any, key string) int64 {
	t.Helper()
	f, ok := m[key].(float64)
	if !ok {
		t.Fatalf("%s = %#v, want a number", key, m[key])
	}
	return int64(f)
}

func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok {
		t.Fatalf("%s = %#v, want a string", key, m[key])
	}
	return s
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
