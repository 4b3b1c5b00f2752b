package emulator

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Route names used in the request log, the counters and fault rules.
const (
	RouteSearch           = "search"
	RouteCreate           = "create"
	RouteGet              = "get"
	RouteUpdate           = "update"
	RouteDelete           = "delete"
	RouteRotate           = "rotate"
	RouteNotFound         = "not-found"
	RouteMethodNotAllowed = "method-not-allowed"
)

// escapedPath returns the request path exactly as it arrived on the wire.
func escapedPath(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" || uri[0] != '/' {
		return r.URL.EscapedPath()
	}
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	return uri
}

// resolve maps a method and a raw path to a route, decoding the token name
// segment exactly once. allow lists the methods of a known path.
func resolve(method, rawPath string) (route, name, allow string) {
	segs := strings.Split(strings.TrimPrefix(rawPath, "/"), "/")
	if len(segs) < 2 || len(segs) > 4 || segs[0] != "v2" || segs[1] != "token" {
		return RouteNotFound, "", ""
	}
	if len(segs) == 2 {
		switch method {
		case http.MethodGet:
			return RouteSearch, "", ""
		case http.MethodPost:
			return RouteCreate, "", ""
		}
		return RouteMethodNotAllowed, "", "GET, POST"
	}
	name, err := url.PathUnescape(segs[2])
	if err != nil || name == "" {
		return RouteNotFound, "", ""
	}
	if len(segs) == 4 {
		if segs[3] != "rotate" {
			return RouteNotFound, "", ""
		}
		if method == http.MethodPost {
			return RouteRotate, name, ""
		}
		return RouteMethodNotAllowed, name, "POST"
	}
	switch method {
	case http.MethodGet:
		return RouteGet, name, ""
	case http.MethodPut:
		return RouteUpdate, name, ""
	case http.MethodDelete:
		return RouteDelete, name, ""
	}
	return RouteMethodNotAllowed, name, "DELETE, GET, PUT"
}

// ServeHTTP serves the API under /v2 and the control surface under
// /_emulator.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := escapedPath(r)
	if path == "/_emulator" || strings.HasPrefix(path, "/_emulator/") {
		s.serveControl(w, r, path)
		return
	}
	route, name, allow := resolve(r.Method, path)
	sw := &statusWriter{ResponseWriter: w, srv: s, start: time.Now(), rec: RequestRecord{
		Time: s.clock.Now(), Method: r.Method, EscapedPath: path,
		RawQuery: r.URL.RawQuery, Route: route,
	}}
	defer sw.finish(0) // no-op when a response was started

	ctx := r.Context()
	if s.opts.Latency > 0 && !sleep(ctx, s.opts.Latency) {
		return
	}
	if s.limiter != nil {
		if ok, wait := s.limiter.take(); !ok {
			sw.rec.RateLimited = true
			if s.opts.RateLimitRetryAfter {
				sw.Header().Set("Retry-After", strconv.Itoa(int(math.Max(1, math.Ceil(wait.Seconds())))))
			}
			writeError(sw, http.StatusTooManyRequests, "Too many requests: the API rate limit was exceeded")
			return
		}
	}
	if s.faults.active() {
		delay, hit := s.faults.pick(route, r.Method)
		if delay > 0 && !sleep(ctx, delay) {
			return
		}
		if hit != nil {
			sw.rec.Fault = hit.Kind
			s.applyFault(w, sw, r, hit, route, name, allow)
			return
		}
	}
	s.serveAPI(sw, r, route, name, allow)
}

// serveAPI authenticates, authorizes and dispatches one API request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, route, name, allow string) {
	p, e := s.authenticate(r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	switch route {
	case RouteNotFound:
		writeError(w, http.StatusNotFound, "HTTP 404 Not Found")
		return
	case RouteMethodNotAllowed:
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed")
		return
	}
	if e := authorize(p, route, name); e != nil {
		writeAPIError(w, e)
		return
	}
	switch route {
	case RouteSearch:
		s.handleSearch(w, r, p)
	case RouteCreate:
		s.handleCreate(w, r, p)
	case RouteGet:
		s.handleGet(w, name)
	case RouteUpdate:
		s.handleUpdate(w, r, p, name)
	case RouteDelete:
		s.handleDelete(w, name)
	case RouteRotate:
		s.handleRotate(w, r, p, name)
	}
}

type errorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(errorBody{Code: status, Message: msg})
	writeJSON(w, status, b)
}

func writeAPIError(w http.ResponseWriter, e *apiError) { writeError(w, e.status, e.msg) }

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// statusWriter records the request in the log and counters as soon as the
// status is known, before any byte reaches the client, so a test that reads
// Requests right after a response always sees it.
type statusWriter struct {
	http.ResponseWriter
	srv   *Server
	start time.Time
	rec   RequestRecord
	done  bool
}

// finish records the request once, with the given status sent.
func (w *statusWriter) finish(status int) {
	if w.done {
		return
	}
	w.done = true
	w.rec.Status = status
	w.rec.Duration = time.Since(w.start)
	w.srv.obs.record(w.rec)
}

func (w *statusWriter) WriteHeader(code int) {
	w.finish(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// bufferWriter holds a response so a fault can decide what reaches the wire.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: make(http.Header)} }

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferWriter) flushTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}
