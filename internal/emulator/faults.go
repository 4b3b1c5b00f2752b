package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FaultKind names what a fault rule does to a matching request.
type FaultKind string

const (
	// FaultLatency sleeps Delay before the request is handled; the request
	// is then served normally. A client that gives up during the sleep
	// changes nothing.
	FaultLatency FaultKind = "latency"
	// FaultStatus answers Status with a JSON {"code","message"} body (or
	// Body) and a Retry-After header when RetryAfter > 0. The API is not
	// called.
	FaultStatus FaultKind = "status"
	// FaultHTML answers Status (default 502) with a Jetty-style HTML error
	// page. The API is not called.
	FaultHTML FaultKind = "html"
	// FaultDropBefore closes the connection without a response before the
	// API is called: nothing changes.
	FaultDropBefore FaultKind = "drop-before"
	// FaultDropAfter calls the API (its change is committed) and then
	// closes the connection without a response.
	FaultDropAfter FaultKind = "drop-after"
	// FaultMalformed calls the API (its change is committed) and answers
	// 200 with the first half of the API's body (or a fragment when it had
	// none), which is never valid JSON.
	FaultMalformed FaultKind = "malformed"
	// FaultSlow calls the API (its change is committed), then holds the
	// response for Delay. If the client gives up first it gets nothing.
	FaultSlow FaultKind = "slow"
)

var faultKinds = []FaultKind{FaultLatency, FaultStatus, FaultHTML, FaultDropBefore, FaultDropAfter, FaultMalformed, FaultSlow}

var faultRoutes = []string{RouteSearch, RouteCreate, RouteGet, RouteUpdate, RouteDelete, RouteRotate, RouteNotFound, RouteMethodNotAllowed}

// Fault is a fault-injection rule. Rules are evaluated in the order added:
// every matching latency rule that fires adds its delay, until the first
// other rule that fires, which is applied and ends the evaluation.
type Fault struct {
	// Method matches the request method (case-insensitive); "" or "*"
	// matches any.
	Method string
	// Route is a Route* name (create, get, update, delete, rotate, search,
	// not-found, method-not-allowed); "", "*" or "any" matches any.
	Route string
	Kind  FaultKind
	// Status is the status for FaultStatus (400..599, required) and
	// FaultHTML (default 502).
	Status int
	// RetryAfter, when positive, is sent as a Retry-After header in
	// seconds by FaultStatus and FaultHTML.
	RetryAfter int
	// Delay is the sleep of FaultLatency and FaultSlow.
	Delay time.Duration
	// Body replaces the generated body of FaultStatus and FaultHTML.
	Body string
	// Count is how many times the rule fires before it is removed; 0 means
	// until it is removed or cleared.
	Count int
	// Probability, when in (0, 1), is the chance that a matching request
	// fires the rule, drawn from an RNG seeded by Options.Seed; 0 means 1.
	Probability float64
}

// faultJSON is Fault on the wire; delay is a Go duration string ("150ms")
// or a number of milliseconds.
type faultJSON struct {
	Method      string          `json:"method,omitempty"`
	Route       string          `json:"route,omitempty"`
	Kind        FaultKind       `json:"kind"`
	Status      int             `json:"status,omitempty"`
	RetryAfter  int             `json:"retryAfter,omitempty"`
	Delay       json.RawMessage `json:"delay,omitempty"`
	Body        string          `json:"body,omitempty"`
	Count       int             `json:"count,omitempty"`
	Probability float64         `json:"probability,omitempty"`
}

// MarshalJSON renders Delay as a duration string.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{Method: f.Method, Route: f.Route, Kind: f.Kind, Status: f.Status,
		RetryAfter: f.RetryAfter, Body: f.Body, Count: f.Count, Probability: f.Probability}
	if f.Delay != 0 {
		j.Delay, _ = json.Marshal(f.Delay.String())
	}
	return json.Marshal(j)
}

// UnmarshalJSON accepts delay as a duration string or milliseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Fault{Method: j.Method, Route: j.Route, Kind: j.Kind, Status: j.Status,
		RetryAfter: j.RetryAfter, Body: j.Body, Count: j.Count, Probability: j.Probability}
	if len(j.Delay) == 0 || isNull(j.Delay) {
		return nil
	}
	var str string
	if json.Unmarshal(j.Delay, &str) == nil {
		d, err := time.ParseDuration(str)
		if err != nil {
			return fmt.Errorf("delay: %w", err)
		}
		f.Delay = d
		return nil
	}
	var ms float64
	if err := json.Unmarshal(j.Delay, &ms); err != nil {
		return errors.New("delay: want a duration string such as \"150ms\" or a number of milliseconds")
	}
	f.Delay = time.Duration(ms * float64(time.Millisecond))
	return nil
}

func (f *Fault) validate() error {
	if !slices.Contains(faultKinds, f.Kind) {
		return fmt.Errorf("unknown fault kind %q", f.Kind)
	}
	if f.Route == "*" || f.Route == "any" {
		f.Route = ""
	}
	if f.Route != "" && !slices.Contains(faultRoutes, f.Route) {
		return fmt.Errorf("unknown route %q: want one of %s, or any", f.Route, strings.Join(faultRoutes, ", "))
	}
	if f.Method == "*" {
		f.Method = ""
	}
	f.Method = strings.ToUpper(f.Method)
	switch f.Kind {
	case FaultStatus:
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("fault kind status needs a status between 400 and 599, got %d", f.Status)
		}
	case FaultHTML:
		if f.Status == 0 {
			f.Status = http.StatusBadGateway
		}
		if f.Status < 200 || f.Status > 599 {
			return fmt.Errorf("fault kind html needs a status between 200 and 599, got %d", f.Status)
		}
	case FaultLatency, FaultSlow:
		if f.Delay <= 0 {
			return fmt.Errorf("fault kind %s needs a positive delay", f.Kind)
		}
	}
	if f.Count < 0 {
		return fmt.Errorf("count must not be negative, got %d", f.Count)
	}
	if f.Probability < 0 || f.Probability > 1 {
		return fmt.Errorf("probability must be between 0 and 1, got %g", f.Probability)
	}
	return nil
}

// FaultState is a live rule as listed by Faults.
type FaultState struct {
	ID    int   `json:"id"`
	Fault Fault `json:"fault"`
	// Fired is how many times the rule has fired.
	Fired int `json:"fired"`
	// Remaining is how many more times it will fire; -1 means unlimited.
	Remaining int `json:"remaining"`
}

type faultRule struct {
	id    int
	f     Fault
	fired int
}

type faultSet struct {
	mu     sync.Mutex
	n      atomic.Int32 // len(rules), read without the lock
	rules  []*faultRule
	nextID int
	rng    *rand.Rand
}

func (fs *faultSet) active() bool { return fs.n.Load() > 0 }

// pick evaluates the rules for a request; see Fault.
func (fs *faultSet) pick(route, method string) (delay time.Duration, hit *Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, r := range fs.rules {
		f := &r.f
		if (f.Route != "" && f.Route != route) || (f.Method != "" && f.Method != method) {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && fs.rng.Float64() >= f.Probability {
			continue
		}
		r.fired++
		if f.Kind == FaultLatency {
			delay += f.Delay
			continue
		}
		c := *f
		hit = &c
		break
	}
	fs.rules = slices.DeleteFunc(fs.rules, func(r *faultRule) bool { return r.f.Count > 0 && r.fired >= r.f.Count })
	fs.n.Store(int32(len(fs.rules)))
	return delay, hit
}

// AddFault adds a rule and returns its id.
func (s *Server) AddFault(f Fault) (int, error) {
	if err := f.validate(); err != nil {
		return 0, err
	}
	fs := &s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.nextID++
	fs.rules = append(fs.rules, &faultRule{id: fs.nextID, f: f})
	fs.n.Store(int32(len(fs.rules)))
	return fs.nextID, nil
}

// RemoveFault removes a rule, reporting whether it was live.
func (s *Server) RemoveFault(id int) bool {
	fs := &s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	before := len(fs.rules)
	fs.rules = slices.DeleteFunc(fs.rules, func(r *faultRule) bool { return r.id == id })
	fs.n.Store(int32(len(fs.rules)))
	return len(fs.rules) < before
}

// ClearFaults removes every rule.
func (s *Server) ClearFaults() {
	fs := &s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = nil
	fs.n.Store(0)
}

// Faults lists the live rules in evaluation order. A rule whose Count is
// used up is removed and no longer listed.
func (s *Server) Faults() []FaultState {
	fs := &s.faults
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]FaultState, 0, len(fs.rules))
	for _, r := range fs.rules {
		rem := -1
		if r.f.Count > 0 {
			rem = r.f.Count - r.fired
		}
		out = append(out, FaultState{ID: r.id, Fault: r.f, Fired: r.fired, Remaining: rem})
	}
	return out
}

// applyFault serves a request hit by a non-latency fault, noting in the
// request record the status the API produced when it was called.
func (s *Server) applyFault(raw http.ResponseWriter, w *statusWriter, r *http.Request, f *Fault, route, name, allow string) {
	switch f.Kind {
	case FaultStatus:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		if f.Body != "" {
			writeJSON(w, f.Status, []byte(f.Body))
		} else {
			writeError(w, f.Status, faultMessage(f.Status))
		}
		return
	case FaultHTML:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		body := f.Body
		if body == "" {
			body = jettyPage(f.Status, escapedPath(r))
		}
		w.Header().Set("Content-Type", "text/html;charset=iso-8859-1")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(body))
		return
	case FaultDropBefore:
		w.finish(0)
		dropConnection(raw)
		return
	}
	buf := newBufferWriter()
	s.serveAPI(buf, r, route, name, allow)
	w.rec.HandlerStatus = buf.status
	switch f.Kind {
	case FaultDropAfter:
		w.finish(0)
		dropConnection(raw)
	case FaultMalformed:
		body := buf.body.Bytes()
		garbled := []byte(`{"code":`)
		if len(body) > 1 {
			garbled = body[:len(body)/2]
		}
		writeJSON(w, http.StatusOK, garbled)
	case FaultSlow:
		if sleep(r.Context(), f.Delay) {
			buf.flushTo(w)
		}
	}
}

func faultMessage(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "Too many requests"
	case http.StatusInternalServerError:
		return "Unable to process the request. Please try again later."
	}
	return fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
}

// jettyPage imitates Jetty's default error page.
func jettyPage(status int, uri string) string {
	text := http.StatusText(status)
	return fmt.Sprintf(`<html>
<head>
<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>
<title>Error %d %s</title>
</head>
<body><h2>HTTP ERROR %d %s</h2>
<table>
<tr><th>URI:</th><td>%s</td></tr>
<tr><th>STATUS:</th><td>%d</td></tr>
<tr><th>MESSAGE:</th><td>%s</td></tr>
<tr><th>SERVLET:</th><td>-</td></tr>
</table>
<hr/><a href="https://eclipse.org/jetty">Powered by Jetty:// 9.4.48.v20220622</a><hr/>
</body>
</html>
`, status, text, status, text, html.EscapeString(uri), status, text)
}

// dropConnection closes the client connection without a response. Without
// a hijackable connection (HTTP/2, a ResponseRecorder) it aborts the
// handler with http.ErrAbortHandler, which the server turns into a reset.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
