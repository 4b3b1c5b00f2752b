package sfx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAuthToken = "AUTH-TOKEN-must-never-leak-0123456789"
	testSecret    = "SECRET-of-a-token-must-never-leak-9876"
	testUserAgent = "terraform-provider-signalfx/1.2.3 (+https://registry.terraform.io/providers/orgtokens/signalfx)"
)

// seen is one request as the test server received it.
type seen struct {
	Method      string
	RequestURI  string
	EscapedPath string
	Path        string // decoded
	RawQuery    string
	Header      http.Header
	Body        []byte
	Remote      string
	At          time.Time
}

// fakeAPI is an httptest server that records requests and answers with handle, which gets
// the zero-based index of the request.
type fakeAPI struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []seen
	handle func(w http.ResponseWriter, r *http.Request, n int)
}

func newFakeAPI(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{handle: handle}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		n := len(f.reqs)
		f.reqs = append(f.reqs, seen{
			Method: r.Method, RequestURI: r.RequestURI, EscapedPath: r.URL.EscapedPath(),
			Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
			Remote: r.RemoteAddr, At: time.Now(),
		})
		f.mu.Unlock()
		f.handle(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

func (f *fakeAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// testConfig returns a fast configuration pointing at baseURL.
func testConfig(baseURL string, log *recLogger) Config {
	cfg := Config{
		BaseURL:      baseURL,
		AuthToken:    testAuthToken,
		UserAgent:    testUserAgent,
		Timeout:      5 * time.Second,
		RetryMax:     4,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		// No one-second floor after a 429: the tests that count 429s would take seconds.
		RateLimitMinWait: -1,
	}
	if log != nil {
		cfg.Logger = log
	}
	return cfg
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// recLogger records log lines and checks none of them holds a secret.
type recLogger struct {
	mu    sync.Mutex
	lines []logLine
}

type logLine struct {
	Warn   bool
	Msg    string
	Fields map[string]any
}

func (l *recLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add(false, msg, fields)
}

func (l *recLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add(true, msg, fields)
}

func (l *recLogger) add(warn bool, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{Warn: warn, Msg: msg, Fields: fields})
}

func (l *recLogger) all() []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logLine(nil), l.lines...)
}

// assertNoSecrets fails if any log line contains one of the secrets.
func (l *recLogger) assertNoSecrets(t *testing.T, secrets ...string) {
	t.Helper()
	for _, line := range l.all() {
		text := fmt.Sprintf("%s %v", line.Msg, line.Fields)
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("log line leaks a secret: %s", text)
			}
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// tokenJSON is a full API token object with a secret, named name.
func tokenJSON(name string) string {
	return fmt.Sprintf(`{"name":%q,"id":"Eabc123","description":"d","authScopes":["API"],"disabled":false,`+
		`"secret":%q,"expiry":1893456000000,"created":1700000000000,"lastUpdated":1700000000001,`+
		`"latestRotation":0,"creator":"U1","lastUpdatedBy":"U1","orgId":"O1","exceedingLimits":false,`+
		`"limits":{"categoryQuota":{"3":1000},"mtsmLimit":500},"notifications":[],"permissions":null,`+
		`"roles":[{"id":"R1","title":"power"}]}`, name, testSecret)
}
