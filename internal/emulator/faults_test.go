package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// noKeepAlive returns a client whose requests each use a new connection,
// so Go's transport never silently retries a dropped request.
func (c *client) noKeepAlive(timeout time.Duration) *client {
	cc := *c
	cc.hc = &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	return &cc
}

func mustAddFault(t *testing.T, s *Server, f Fault) int {
	t.Helper()
	id, err := s.AddFault(f)
	if err != nil {
		t.Fatalf("AddFault(%+v): %v", f, err)
	}
	return id
}

func lastRecord(t *testing.T, s *Server) RequestRecord {
	t.Helper()
	reqs := s.Requests()
	if len(reqs) == 0 {
		t.Fatal("no requests logged")
	}
	return reqs[len(reqs)-1]
}

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status     int
		retryAfter int
		msg        string
	}{
		{429, 3, "Too many requests"},
		{429, 0, "Too many requests"},
		{500, 0, "Unable to process the request. Please try again later."},
		{502, 0, "HTTP 502 Bad Gateway"},
		{503, 7, "HTTP 503 Service Unavailable"},
		{504, 0, "HTTP 504 Gateway Timeout"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d-%d", tc.status, tc.retryAfter), func(t *testing.T) {
			t.Parallel()
			s, c, _ := testServer(t, Options{})
			mustAddFault(t, s, Fault{Route: RouteCreate, Kind: FaultStatus, Status: tc.status, RetryAfter: tc.retryAfter, Count: 1})
			r := c.do(http.MethodPost, "/v2/token", `{"name":"x"}`)
			wantError(t, r, tc.status, tc.msg)
			wantRA := ""
			if tc.retryAfter > 0 {
				wantRA = fmt.Sprint(tc.retryAfter)
			}
			if got := r.header.Get("Retry-After"); got != wantRA {
				t.Errorf("Retry-After = %q, want %q", got, wantRA)
			}
			if s.TokenCount() != 0 {
				t.Error("the API ran behind a status fault")
			}
			if rec := lastRecord(t, s); rec.Fault != FaultStatus || rec.Status != tc.status || rec.HandlerStatus != 0 {
				t.Errorf("record = %+v", rec)
			}
			// Count 1: the next request is served normally and the rule is gone.
			c.create(`{"name":"x"}`)
			if n := len(s.Faults()); n != 0 {
				t.Errorf("%d rules left after Count was used up", n)
			}
		})
	}
}

func TestFaultStatusCustomBody(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	mustAddFault(t, s, Fault{Kind: FaultStatus, Status: 400, Body: `{"code":400,"message":"Unable to create or update the given token. Please try again later."}`})
	wantError(t, c.do(http.MethodPost, "/v2/token", `{"name":"x"}`), 400, "Unable to create or update the given token. Please try again later.")
	wantError(t, c.do(http.MethodGet, "/v2/token", ""), 400, "Unable to create or update the given token. Please try again later.")
	s.ClearFaults()
	c.create(`{"name":"x"}`)
}

func TestFaultHTML(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	mustAddFault(t, s, Fault{Route: RouteGet, Kind: FaultHTML, Count: 1})
	mustAddFault(t, s, Fault{Route: RouteGet, Kind: FaultHTML, Status: 403, Count: 1})
	r := c.do(http.MethodGet, "/v2/token/a%3Cb", "")
	if r.status != 502 || r.header.Get("Content-Type") != "text/html;charset=iso-8859-1" {
		t.Fatalf("got %d %q", r.status, r.header.Get("Content-Type"))
	}
	body := string(r.body)
	for _, want := range []string{"<title>Error 502 Bad Gateway</title>", "<h2>HTTP ERROR 502 Bad Gateway</h2>", "<td>/v2/token/a%3Cb</td>", "Powered by Jetty://"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if json.Valid(r.body) {
		t.Error("HTML page is valid JSON")
	}
	if r := c.do(http.MethodGet, "/v2/token/x", ""); r.status != 403 || !strings.Contains(string(r.body), "HTTP ERROR 403 Forbidden") {
		t.Errorf("second rule: %d %s", r.status, r.body)
	}
	wantError(t, c.do(http.MethodGet, "/v2/token/x", ""), 404, `Token "x" not found`)
}

func TestFaultDropBefore(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	mustAddFault(t, s, Fault{Method: "post", Route: RouteCreate, Kind: FaultDropBefore, Count: 1})
	if _, err := c.noKeepAlive(5*time.Second).try(http.MethodPost, "/v2/token", `{"name":"x"}`); err == nil {
		t.Fatal("request succeeded through a dropped connection")
	}
	if s.TokenCount() != 0 {
		t.Error("drop-before committed the change")
	}
	if rec := lastRecord(t, s); rec.Fault != FaultDropBefore || rec.Status != 0 || rec.HandlerStatus != 0 {
		t.Errorf("record = %+v", rec)
	}
	c.create(`{"name":"x"}`)
}

func TestFaultDropAfterLeavesAPartialCreate(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	mustAddFault(t, s, Fault{Route: RouteCreate, Kind: FaultDropAfter, Count: 1})
	if _, err := c.noKeepAlive(5*time.Second).try(http.MethodPost, "/v2/token", `{"name":"x"}`); err == nil {
		t.Fatal("request succeeded through a dropped connection")
	}
	if _, ok := s.Token("x"); !ok {
		t.Fatal("drop-after did not commit the create")
	}
	if rec := lastRecord(t, s); rec.Fault != FaultDropAfter || rec.Status != 0 || rec.HandlerStatus != 200 {
		t.Errorf("record = %+v", rec)
	}
	// The naive retry meets the name clash.
	wantError(t, c.do(http.MethodPost, "/v2/token", `{"name":"x"}`), 400, msgDuplicateName)
}

func TestFaultDropAfterGETWithKeepAliveIsRetriedByTransport(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	c.create(`{"name":"x"}`) // opens a keep-alive connection
	mustAddFault(t, s, Fault{Route: RouteGet, Kind: FaultDropBefore, Count: 1})
	r, err := c.try(http.MethodGet, "/v2/token/x", "")
	if err != nil || r.status != 200 {
		t.Fatalf("want the transport's silent retry to succeed; got %v %d", err, r.status)
	}
	if n := s.Stats().Count(RouteGet, "GET", 0); n != 1 {
		t.Errorf("dropped GETs = %d, want 1", n)
	}
}

func TestFaultMalformed(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	mustAddFault(t, s, Fault{Route: RouteCreate, Kind: FaultMalformed, Count: 1})
	r := c.do(http.MethodPost, "/v2/token", `{"name":"x"}`)
	if r.status != 200 || json.Valid(r.body) || !strings.HasPrefix(string(r.body), `{"name":"x"`) {
		t.Fatalf("got %d %q, want 200 with truncated JSON", r.status, r.body)
	}
	if _, ok := s.Token("x"); !ok {
		t.Error("malformed fault did not commit the create")
	}
	mustAddFault(t, s, Fault{Route: RouteDelete, Kind: FaultMalformed, Count: 1})
	r = c.do(http.MethodDelete, "/v2/token/x", "")
	if r.status != 200 || string(r.body) != `{"code":` {
		t.Errorf("delete: got %d %q", r.status, r.body)
	}
	if rec := lastRecord(t, s); rec.HandlerStatus != 204 || rec.Status != 200 {
		t.Errorf("record = %+v", rec)
	}
	if s.TokenCount() != 0 {
		t.Error("malformed delete did not delete")
	}
}

func TestFaultSlowCommitsEvenWhenClientGivesUp(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	mustAddFault(t, s, Fault{Route: RouteCreate, Kind: FaultSlow, Delay: 5 * time.Second, Count: 1})
	start := time.Now()
	if _, err := c.noKeepAlive(150*time.Millisecond).try(http.MethodPost, "/v2/token", `{"name":"x"}`); err == nil {
		t.Fatal("request did not time out")
	}
	if time.Since(start) > 3*time.Second {
		t.Error("client timeout did not end the request promptly")
	}
	if _, ok := s.Token("x"); !ok {
		t.Error("slow fault did not commit the create")
	}
	// With a patient client, the normal response arrives after the delay.
	mustAddFault(t, s, Fault{Route: RouteGet, Kind: FaultSlow, Delay: 60 * time.Millisecond, Count: 1})
	start = time.Now()
	r := c.do(http.MethodGet, "/v2/token/x", "")
	if r.status != 200 || r.json(t)["name"] != "x" || time.Since(start) < 60*time.Millisecond {
		t.Errorf("got %d after %v", r.status, time.Since(start))
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	mustAddFault(t, s, Fault{Route: RouteCreate, Kind: FaultLatency, Delay: 5 * time.Second, Count: 1})
	if _, err := c.noKeepAlive(150*time.Millisecond).try(http.MethodPost, "/v2/token", `{"name":"x"}`); err == nil {
		t.Fatal("request did not time out")
	}
	if s.TokenCount() != 0 {
		t.Error("a request abandoned during latency was still handled")
	}
	// Latency rules stack with the first other rule that fires.
	mustAddFault(t, s, Fault{Kind: FaultLatency, Delay: 40 * time.Millisecond})
	mustAddFault(t, s, Fault{Kind: FaultLatency, Delay: 40 * time.Millisecond})
	mustAddFault(t, s, Fault{Route: RouteSearch, Kind: FaultStatus, Status: 503})
	start := time.Now()
	wantError(t, c.do(http.MethodGet, "/v2/token", ""), 503, "")
	if el := time.Since(start); el < 80*time.Millisecond {
		t.Errorf("elapsed %v, want >= 80ms", el)
	}
	if r := c.do(http.MethodPost, "/v2/token", `{"name":"y"}`); r.status != 200 {
		t.Errorf("create behind latency = %d", r.status)
	}
}

func TestGlobalLatency(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	c.create(`{"name":"x"}`)
	if el := time.Since(start); el < 50*time.Millisecond {
		t.Errorf("elapsed %v, want >= 50ms", el)
	}
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	c.create(`{"name":"x"}`)
	mustAddFault(t, s, Fault{Method: "PUT", Kind: FaultStatus, Status: 500})
	mustAddFault(t, s, Fault{Route: RouteRotate, Kind: FaultStatus, Status: 502})
	mustAddFault(t, s, Fault{Route: "any", Method: "DELETE", Kind: FaultStatus, Status: 504, Count: 2})
	cases := []struct {
		method, path string
		status       int
	}{
		{"GET", "/v2/token/x", 200},
		{"GET", "/v2/token", 200},
		{"PUT", "/v2/token/x", 500},
		{"PUT", "/v2/token/nope", 500},
		{"POST", "/v2/token/x/rotate", 502},
		{"DELETE", "/v2/token/x", 504},
		{"DELETE", "/v2/token/x", 504},
		{"DELETE", "/v2/token/x", 204},
	}
	for _, tc := range cases {
		if r := c.do(tc.method, tc.path, `{"name":"x"}`); r.status != tc.status {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, r.status, tc.status)
		}
	}
}

func TestFaultProbabilityIsReproducible(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) string {
		s, c, _ := testServer(t, Options{Seed: seed})
		mustAddFault(t, s, Fault{Route: RouteSearch, Kind: FaultStatus, Status: 503, Probability: 0.5})
		var b strings.Builder
		for range 60 {
			if c.do(http.MethodGet, "/v2/token", "").status == 503 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b, other := run(42), run(42), run(43)
	if a != b {
		t.Errorf("same seed, different sequences:\n%s\n%s", a, b)
	}
	if a == other {
		t.Errorf("different seeds, same sequence %s", a)
	}
	if n := strings.Count(a, "x"); n < 15 || n > 45 {
		t.Errorf("p=0.5 fired %d/60 times: %s", n, a)
	}
}

func TestAddFaultValidation(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	bad := []Fault{
		{Kind: "explode"},
		{Kind: FaultStatus},
		{Kind: FaultStatus, Status: 302},
		{Kind: FaultHTML, Status: 100},
		{Kind: FaultLatency},
		{Kind: FaultSlow, Delay: -1},
		{Kind: FaultStatus, Status: 500, Route: "list"},
		{Kind: FaultStatus, Status: 500, Count: -1},
		{Kind: FaultStatus, Status: 500, Probability: 1.5},
	}
	for _, f := range bad {
		if _, err := s.AddFault(f); err == nil {
			t.Errorf("AddFault(%+v) accepted", f)
		}
	}
	if len(s.Faults()) != 0 {
		t.Error("invalid rules were stored")
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	_, c, mc := testServer(t, Options{RateLimit: 2, RateLimitRetryAfter: true})
	for i := range 2 {
		if r := c.do(http.MethodGet, "/v2/token", ""); r.status != 200 {
			t.Fatalf("request %d = %d", i, r.status)
		}
	}
	r := c.do(http.MethodGet, "/v2/token", "")
	wantError(t, r, 429, "Too many requests: the API rate limit was exceeded")
	if got := r.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	mc.Advance(500 * time.Millisecond)
	if r := c.do(http.MethodGet, "/v2/token", ""); r.status != 200 {
		t.Errorf("after refill = %d", r.status)
	}
	wantError(t, c.do(http.MethodGet, "/v2/token", ""), 429, "")

	_, c2, _ := testServer(t, Options{RateLimit: 1, RateLimitBurst: 1})
	c2.do(http.MethodGet, "/v2/token", "")
	r = c2.do(http.MethodGet, "/v2/token", "")
	wantError(t, r, 429, "")
	if got := r.header.Get("Retry-After"); got != "" {
		t.Errorf("Retry-After = %q without RateLimitRetryAfter", got)
	}
}
