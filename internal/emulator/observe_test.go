package emulator

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestRequestLogAndStats(t *testing.T) {
	t.Parallel()
	s, c, mc := testServer(t, Options{})
	c.create(`{"name":"a b"}`)
	mc.Advance(time.Second)
	c.do(http.MethodGet, "/v2/token/a%20b?x=1", "")
	c.do(http.MethodGet, "/v2/token/nope", "")
	c.as("").do(http.MethodGet, "/v2/token", "")
	c.do(http.MethodGet, "/_emulator/stats", "") // control requests are not logged

	reqs := s.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d records, want 4: %+v", len(reqs), reqs)
	}
	want := []RequestRecord{
		{Method: "POST", EscapedPath: "/v2/token", Route: RouteCreate, Status: 200, Time: t0},
		{Method: "GET", EscapedPath: "/v2/token/a%20b", RawQuery: "x=1", Route: RouteGet, Status: 200, Time: t0.Add(time.Second)},
		{Method: "GET", EscapedPath: "/v2/token/nope", Route: RouteGet, Status: 404, Time: t0.Add(time.Second)},
		{Method: "GET", EscapedPath: "/v2/token", Route: RouteSearch, Status: 401, Time: t0.Add(time.Second)},
	}
	for i, w := range want {
		got := reqs[i]
		got.Duration = 0
		if got != w {
			t.Errorf("record %d = %+v, want %+v", i, got, w)
		}
	}
	st := s.Stats()
	if st.Total != 4 || st.Tokens != 1 || st.Count(RouteGet, "GET", AnyStatus) != 2 || st.Count(RouteGet, "GET", 404) != 1 || st.Count("", "", 401) != 1 {
		t.Errorf("stats = %+v", st)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 || s.Stats().Total != 0 || s.Stats().Connections != 0 {
		t.Error("ResetRequests left data")
	}
}

func TestRequestLogRing(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{RequestLogSize: 3})
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		c.do(http.MethodGet, "/v2/token/"+n, "")
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].EscapedPath != "/v2/token/c" || reqs[2].EscapedPath != "/v2/token/e" {
		t.Errorf("ring = %+v", reqs)
	}
	if s.Stats().Total != 5 {
		t.Errorf("Total = %d, want 5", s.Stats().Total)
	}
	s2, c2, _ := testServer(t, Options{RequestLogSize: -1})
	c2.do(http.MethodGet, "/v2/token", "")
	if len(s2.Requests()) != 0 || s2.Stats().Total != 1 {
		t.Error("a disabled log recorded requests or stopped counting")
	}
}

func TestConnectionCounting(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	for range 3 {
		c.do(http.MethodGet, "/v2/token", "")
	}
	if n := s.Stats().Connections; n != 1 {
		t.Errorf("keep-alive: %d connections, want 1", n)
	}
	nk := c.noKeepAlive(5 * time.Second)
	for range 4 {
		nk.do(http.MethodGet, "/v2/token", "")
	}
	if n := s.Stats().Connections; n != 5 {
		t.Errorf("%d connections, want 5", n)
	}
}

func TestControlEndpoints(t *testing.T) {
	t.Parallel()
	s, c, mc := testServer(t, Options{})

	r := c.do(http.MethodPost, "/_emulator/faults", `{"method":"GET","route":"get","kind":"latency","delay":"20ms","count":2}`)
	var added struct{ IDs []int }
	if r.status != 200 || json.Unmarshal(r.body, &added) != nil || len(added.IDs) != 1 {
		t.Fatalf("add = %d %s", r.status, r.body)
	}
	r = c.do(http.MethodPost, "/_emulator/faults", `[{"kind":"status","status":503,"retryAfter":2,"route":"search","probability":0.25},{"kind":"slow","delay":1500}]`)
	if r.status != 200 {
		t.Fatalf("add list = %d %s", r.status, r.body)
	}
	var listed struct{ Faults []FaultState }
	if err := json.Unmarshal(c.do(http.MethodGet, "/_emulator/faults", "").body, &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed.Faults) != 3 {
		t.Fatalf("listed %+v", listed)
	}
	f0, f2 := listed.Faults[0], listed.Faults[2]
	if f0.Fault.Delay != 20*time.Millisecond || f0.Fault.Method != "GET" || f0.Remaining != 2 || f2.Fault.Delay != 1500*time.Millisecond || f2.Remaining != -1 {
		t.Errorf("listed = %+v", listed.Faults)
	}
	if listed.Faults[1].Fault.RetryAfter != 2 || listed.Faults[1].Fault.Probability != 0.25 {
		t.Errorf("listed = %+v", listed.Faults[1])
	}
	if r := c.do(http.MethodDelete, "/_emulator/faults/"+itoa(f0.ID), ""); r.status != 204 {
		t.Errorf("delete one = %d", r.status)
	}
	wantError(t, c.do(http.MethodDelete, "/_emulator/faults/"+itoa(f0.ID), ""), 404, "")
	if r := c.do(http.MethodDelete, "/_emulator/faults", ""); r.status != 204 || len(s.Faults()) != 0 {
		t.Errorf("clear = %d, %d left", r.status, len(s.Faults()))
	}
	wantErrorPrefix(t, c.do(http.MethodPost, "/_emulator/faults", `{"kind":"explode"}`), 400, "Invalid fault: unknown fault kind")
	wantErrorPrefix(t, c.do(http.MethodPost, "/_emulator/faults", `{"kind":"latency","delay":"soon"}`), 400, "Invalid fault: delay")
	wantError(t, c.do(http.MethodPut, "/_emulator/faults", ""), 405, "")

	r = c.do(http.MethodPost, "/_emulator/seed", `{"prefix":"s-","count":25}`)
	if r.status != 200 || num(t, r.json(t), "tokens") != 25 {
		t.Errorf("seed = %d %s", r.status, r.body)
	}
	wantError(t, c.do(http.MethodPost, "/_emulator/seed", `{"prefix":"s-","count":0}`), 400, "")

	c.do(http.MethodGet, "/v2/token/s-01", "")
	var reqs struct{ Requests []RequestRecord }
	if err := json.Unmarshal(c.do(http.MethodGet, "/_emulator/requests", "").body, &reqs); err != nil || len(reqs.Requests) != 1 || reqs.Requests[0].EscapedPath != "/v2/token/s-01" {
		t.Errorf("requests = %+v %v", reqs, err)
	}
	var st Stats
	if err := json.Unmarshal(c.do(http.MethodGet, "/_emulator/stats", "").body, &st); err != nil || st.Tokens != 25 || st.Count(RouteGet, "GET", 200) != 1 || st.Connections < 1 {
		t.Errorf("stats = %+v %v", st, err)
	}
	if r := c.do(http.MethodDelete, "/_emulator/requests", ""); r.status != 204 || len(s.Requests()) != 0 {
		t.Error("DELETE requests did not reset")
	}

	r = c.do(http.MethodPost, "/_emulator/clock", `{"advance":"1h"}`)
	if r.status != 200 || num(t, r.json(t), "now") != t0.Add(time.Hour).UnixMilli() || !mc.Now().Equal(t0.Add(time.Hour)) {
		t.Errorf("clock advance = %d %s", r.status, r.body)
	}
	r = c.do(http.MethodPost, "/_emulator/clock", `{"set":1000}`)
	if num(t, r.json(t), "now") != 1000 {
		t.Errorf("clock set = %s", r.body)
	}
	wantError(t, c.do(http.MethodGet, "/_emulator/nothing", ""), 404, "")
	wantError(t, c.as("").do(http.MethodGet, "/_emulator/stats", ""), 401, msgInvalidToken)

	_, rc, _ := testServer(t, Options{Clock: realClock{}})
	wantError(t, rc.do(http.MethodPost, "/_emulator/clock", `{"advance":"1h"}`), 409, "The server clock is not a manual clock")
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
