package emulator

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// RequestRecord describes one API request (control requests under
// /_emulator are not recorded).
type RequestRecord struct {
	// Time is the server clock's time when the request arrived.
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	// EscapedPath is the path exactly as received, e.g. /v2/token/a%2Fb.
	EscapedPath string `json:"escapedPath"`
	RawQuery    string `json:"rawQuery"`
	// Route is one of the Route* names.
	Route string `json:"route"`
	// Status is the status sent to the client; 0 when none was (a dropped
	// connection, or the client went away during injected latency).
	Status int `json:"status"`
	// HandlerStatus is the status the API produced when a fault kept it
	// from the client (drop-after, malformed, slow); otherwise 0.
	HandlerStatus int `json:"handlerStatus,omitempty"`
	// Fault is the kind of the fault rule applied, if any (latency rules
	// are not recorded here).
	Fault FaultKind `json:"fault,omitempty"`
	// RateLimited is true when the rate limiter answered 429.
	RateLimited bool `json:"rateLimited,omitempty"`
	// Duration is the wall time spent serving, in nanoseconds on the wire.
	Duration time.Duration `json:"durationNs"`
}

// RouteCount counts requests by route, method and status sent.
type RouteCount struct {
	Route  string `json:"route"`
	Method string `json:"method"`
	Status int    `json:"status"`
	Count  int64  `json:"count"`
}

// Stats is a snapshot of the server's counters.
type Stats struct {
	// Connections is the number of TCP connections accepted through
	// WrapListener (and so Start and NewTestServer).
	Connections int64 `json:"connections"`
	// Requests counts API requests, sorted by route, method and status.
	Requests []RouteCount `json:"requests"`
	// Total is the number of API requests.
	Total int64 `json:"total"`
	// Tokens is the number of tokens stored.
	Tokens int `json:"tokens"`
}

// AnyStatus makes Stats.Count match every status.
const AnyStatus = -1

// Count returns the count for route, method and status; an empty route or
// method, or AnyStatus, matches any. Status 0 counts requests that got no
// response (dropped connections).
func (st Stats) Count(route, method string, status int) int64 {
	var n int64
	for _, c := range st.Requests {
		if (route == "" || c.Route == route) && (method == "" || c.Method == method) && (status == AnyStatus || c.Status == status) {
			n += c.Count
		}
	}
	return n
}

type counterKey struct {
	route, method string
	status        int
}

// observer keeps the request log (a ring of the newest records) and the
// request counters.
type observer struct {
	mu       sync.Mutex
	size     int
	ring     []RequestRecord
	next     int // index of the oldest record once the ring is full
	counters map[counterKey]int64
}

func (o *observer) init(size int) {
	o.size = size
	o.counters = make(map[counterKey]int64)
}

func (o *observer) record(rec RequestRecord) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.counters[counterKey{rec.Route, rec.Method, rec.Status}]++
	switch {
	case o.size <= 0:
	case len(o.ring) < o.size:
		o.ring = append(o.ring, rec)
	default:
		o.ring[o.next] = rec
		o.next = (o.next + 1) % o.size
	}
}

// Requests returns the logged requests, oldest first.
func (s *Server) Requests() []RequestRecord {
	o := &s.obs
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]RequestRecord, 0, len(o.ring))
	out = append(out, o.ring[o.next:]...)
	return append(out, o.ring[:o.next]...)
}

// ResetRequests empties the request log and zeroes the request and
// connection counters.
func (s *Server) ResetRequests() {
	o := &s.obs
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ring = nil
	o.next = 0
	clear(o.counters)
	s.conns.Store(0)
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	o := &s.obs
	o.mu.Lock()
	st := Stats{Connections: s.conns.Load(), Requests: make([]RouteCount, 0, len(o.counters))}
	for k, n := range o.counters {
		st.Requests = append(st.Requests, RouteCount{Route: k.route, Method: k.method, Status: k.status, Count: n})
		st.Total += n
	}
	o.mu.Unlock()
	slices.SortFunc(st.Requests, func(a, b RouteCount) int {
		return cmp.Or(cmp.Compare(a.Route, b.Route), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Status, b.Status))
	})
	st.Tokens = s.TokenCount()
	return st
}

// bucket is a token-bucket rate limiter driven by the server clock.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
	clock  Clock
}

func newBucket(rate float64, burst int, clock Clock) *bucket {
	b := float64(burst)
	if burst <= 0 {
		b = max(1, float64(int(rate+0.999999)))
	}
	return &bucket{rate: rate, burst: b, tokens: b, last: clock.Now(), clock: clock}
}

// take consumes one token, or reports how long until one is available.
func (b *bucket) take() (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.burst, b.tokens+el*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}
