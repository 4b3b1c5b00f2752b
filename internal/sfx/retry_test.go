package sfx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestGetRetriedOn503ThenSucceeds(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n < 2 {
			writeJSON(w, 503, `{"code":503,"message":"try later"}`)
			return
		}
		writeJSON(w, 200, tokenJSON("t"))
	})
	log := &recLogger{}
	c := newTestClient(t, testConfig(api.URL, log))
	tok, err := c.GetToken(t.Context(), "t")
	if err != nil || tok.Name != "t" {
		t.Fatalf("GetToken = %v, %v", tok, err)
	}
	if n := api.count(); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
	var warns, debugs int
	for _, l := range log.all() {
		if l.Warn {
			warns++
			if _, ok := l.Fields["wait_ms"]; !ok || l.Fields["status"] != 503 || l.Fields["token_name"] != "t" {
				t.Errorf("retry log fields = %v", l.Fields)
			}
		} else {
			debugs++
		}
	}
	if warns != 2 || debugs != 3 {
		t.Errorf("logged %d warnings and %d debug lines, want 2 and 3", warns, debugs)
	}
	log.assertNoSecrets(t, testAuthToken, testSecret)
}

func TestRetryAfterHonored(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"code":429,"message":"slow down"}`)
			return
		}
		writeJSON(w, 200, tokenJSON("t"))
	})
	cfg := testConfig(api.URL, nil)
	cfg.RetryWaitMax = 3 * time.Second // above the Retry-After, so it is honored in full
	c := newTestClient(t, cfg)
	if _, err := c.GetToken(t.Context(), "t"); err != nil {
		t.Fatal(err)
	}
	reqs := api.requests()
	if len(reqs) != 2 {
		t.Fatalf("server saw %d requests", len(reqs))
	}
	if gap := reqs[1].At.Sub(reqs[0].At); gap < 950*time.Millisecond || gap > 2500*time.Millisecond {
		t.Errorf("waited %s after Retry-After: 1", gap)
	}
}

func TestRetryAfterCappedAtRetryWaitMax(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			w.Header().Set("Retry-After", "3600")
			writeJSON(w, 503, `{}`)
			return
		}
		writeJSON(w, 200, tokenJSON("t"))
	})
	c := newTestClient(t, testConfig(api.URL, nil)) // RetryWaitMax 5ms
	start := time.Now()
	if _, err := c.GetToken(t.Context(), "t"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s; Retry-After not capped", d)
	}
}

func TestRetryWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	c := &Client{waitMin: time.Second, waitMax: 30 * time.Second, now: func() time.Time { return now }}
	header := func(retryAfter string) http.Header {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return h
	}
	c.jitter = func(n int64) int64 { return n - 1 } // top of the range
	for attempt, want := range []time.Duration{1, 2, 4, 8, 16, 30, 30} {
		if got := c.retryWait(attempt, 500, header("")); got != want*time.Second {
			t.Errorf("attempt %d: wait %s, want %s", attempt, got, want*time.Second)
		}
	}
	c.jitter = func(int64) int64 { return 0 } // bottom of the range: half, but never below min
	for attempt, want := range []time.Duration{1000, 1000, 2000, 4000} {
		if got := c.retryWait(attempt, 0, nil); got != want*time.Millisecond {
			t.Errorf("attempt %d: wait %s, want %s", attempt, got, want*time.Millisecond)
		}
	}
	if got := c.retryWait(100, 0, nil); got != 15*time.Second {
		t.Errorf("huge attempt: wait %s", got)
	}
	// No minimum removes the floor, not the series: it still starts at a second instead of
	// jumping to RetryWaitMax.
	c.waitMin = 0
	for attempt, want := range []time.Duration{500, 1000, 2000, 4000} {
		if got := c.retryWait(attempt, 500, nil); got != want*time.Millisecond {
			t.Errorf("RetryWaitMin 0, attempt %d: wait %s, want %s", attempt, got, want*time.Millisecond)
		}
	}
	c.waitMin = time.Second
	tests := []struct {
		code  int
		after string
		want  time.Duration
	}{
		{429, "7", 7 * time.Second},
		{503, "0", 0},
		{429, now.Add(12 * time.Second).Format(http.TimeFormat), 12 * time.Second},
		{429, now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{429, "Sunday, 02-Jan-25 03:04:25 GMT", 20 * time.Second}, // RFC 850
		{429, "99999999999999", 30 * time.Second},                 // capped at RetryWaitMax
		{429, "-5", time.Second},                                  // invalid: backoff
		{429, "soon", time.Second},                                // invalid: backoff
		{500, "7", time.Second},                                   // only 429 and 503
	}
	for _, tt := range tests {
		if got := c.retryWait(0, tt.code, header(tt.after)); got != tt.want {
			t.Errorf("%d Retry-After %q: wait %s, want %s", tt.code, tt.after, got, tt.want)
		}
	}
	// The real jitter stays within [min, max].
	c.jitter = randInt64N
	for attempt := range 10 {
		if got := c.retryWait(attempt, 0, nil); got < c.waitMin || got > c.waitMax {
			t.Errorf("attempt %d: wait %s out of range", attempt, got)
		}
	}
}

// TestRateLimitWaitDoesNotGrow: a 429 without Retry-After waits between RetryWaitMin and
// twice that at every attempt; doubling idled and, under a steady limit, used up the retries
// of an apply of many tokens.
func TestRateLimitWaitDoesNotGrow(t *testing.T) {
	t.Parallel()
	c := &Client{waitMin: time.Second, waitMax: 30 * time.Second, now: time.Now}
	for _, top := range []bool{false, true} {
		c.jitter = func(n int64) int64 {
			if top {
				return n - 1
			}
			return 0
		}
		for attempt := range 6 {
			got := c.retryWait(attempt, http.StatusTooManyRequests, http.Header{})
			if got < time.Second || got > 2*time.Second {
				t.Errorf("attempt %d: wait %s, want between 1s and 2s", attempt, got)
			}
		}
	}
	c.waitMax = 1500 * time.Millisecond
	if got := c.retryWait(0, http.StatusTooManyRequests, nil); got > c.waitMax {
		t.Errorf("wait %s above RetryWaitMax", got)
	}
}

// TestNonIdempotentNotRetried: a retried create would hit a name clash and a retried rotate
// would lose a secret, so neither is repeated, even on a 503.
func TestNonIdempotentNotRetried(t *testing.T) {
	t.Parallel()
	calls := map[string]func(*Client) error{
		"create": func(c *Client) error { _, err := c.CreateToken(t.Context(), &Token{Name: "t"}); return err },
		"rotate": func(c *Client) error { _, err := c.RotateToken(t.Context(), "t", RotateOptions{}); return err },
		"rename": func(c *Client) error { _, err := c.UpdateToken(t.Context(), "t", &Token{Name: "u"}); return err },
	}
	for name, call := range calls {
		for _, status := range []int{500, 502, 503, 504} {
			t.Run(name+" "+strconv.Itoa(status), func(t *testing.T) {
				api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
					w.Header().Set("Retry-After", "0")
					writeJSON(w, status, `{"code":503,"message":"overloaded"}`)
				})
				err := call(newTestClient(t, testConfig(api.URL, nil)))
				e, ok := errors.AsType[*APIError](err)
				if !ok || e.StatusCode != status || e.Attempts != 1 || !IsAmbiguous(err) {
					t.Errorf("error = %#v", err)
				}
				if n := api.count(); n != 1 {
					t.Errorf("server saw %d requests, want exactly 1", n)
				}
			})
		}
	}
}

// TestRenameRetriedOnlyWhenUnapplied: a rate-limited rename was not applied and is retried.
func TestRenameRetriedOnlyWhenUnapplied(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			writeJSON(w, 429, `{"code":429,"message":"slow down"}`)
			return
		}
		writeJSON(w, 200, tokenJSON("u"))
	})
	c := newTestClient(t, testConfig(api.URL, nil))
	if _, err := c.UpdateToken(t.Context(), "t", &Token{Name: "u"}); err != nil {
		t.Fatal(err)
	}
	if n := api.count(); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

// TestCreateAndRotateRetriedOnRateLimit: a 429 means the API applied nothing, so a create or
// rotate is retried; without it an apply of many tokens under a rate limit fails.
func TestCreateAndRotateRetriedOnRateLimit(t *testing.T) {
	t.Parallel()
	calls := map[string]func(*Client) error{
		"create": func(c *Client) error { _, err := c.CreateToken(t.Context(), &Token{Name: "t"}); return err },
		"rotate": func(c *Client) error { _, err := c.RotateToken(t.Context(), "t", RotateOptions{}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 0 {
					writeJSON(w, 429, `{"code":429,"message":"slow down"}`)
					return
				}
				writeJSON(w, 200, tokenJSON("t"))
			})
			if err := call(newTestClient(t, testConfig(api.URL, nil))); err != nil {
				t.Fatal(err)
			}
			if n := api.count(); n != 2 {
				t.Errorf("server saw %d requests, want 2", n)
			}
		})
	}
}

func TestRetriesExhaustedGiveAPIError(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "PUT", "DELETE"} {
		t.Run(method, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				writeJSON(w, 503, `{"code":503,"message":"still down `+strconv.Itoa(n)+`"}`)
			})
			c := newTestClient(t, testConfig(api.URL, nil))
			var err error
			switch method {
			case "GET":
				_, err = c.GetToken(t.Context(), "t")
			case "PUT":
				_, err = c.UpdateToken(t.Context(), "t", &Token{Name: "t"})
			case "DELETE":
				err = c.DeleteToken(t.Context(), "t")
			}
			e, ok := errors.AsType[*APIError](err)
			if !ok {
				t.Fatalf("error = %#v, want *APIError", err)
			}
			if e.StatusCode != 503 || e.Message != "still down 4" || e.Attempts != 5 {
				t.Errorf("APIError = %+v", e)
			}
			if !strings.Contains(err.Error(), "503 Service Unavailable: still down 4 (after 5 attempts)") ||
				strings.Contains(err.Error(), "giving up") {
				t.Errorf("Error() = %q", err)
			}
			if n := api.count(); n != 5 {
				t.Errorf("server saw %d requests, want 5", n)
			}
		})
	}
}

func TestNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 406, 501} {
		api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, status, `{}`) })
		c := newTestClient(t, testConfig(api.URL, nil))
		_, err := c.GetToken(t.Context(), "t")
		if e, ok := errors.AsType[*APIError](err); !ok || e.StatusCode != status || api.count() != 1 {
			t.Errorf("status %d: error %v after %d requests", status, err, api.count())
		}
	}
}

// TestTimeoutIsPerAttempt: the first attempt outlives Timeout; the retry answers at once.
// A timeout covering the whole chain would fail the call.
func TestTimeoutIsPerAttempt(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		writeJSON(w, 200, tokenJSON("t"))
	})
	cfg := testConfig(api.URL, nil)
	cfg.Timeout = 500 * time.Millisecond
	c := newTestClient(t, cfg)
	start := time.Now()
	if _, err := c.GetToken(t.Context(), "t"); err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("took %s", d)
	}
	if n := api.count(); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

// TestTimeoutCoversBody: headers arrive, then the body stalls past Timeout. The attempt
// fails and is retried; a stalled body on create is an ambiguous *DecodeError.
func TestTimeoutCoversBody(t *testing.T) {
	t.Parallel()
	stall := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"name":"t","secret":"`))
		http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 || r.Method == "POST" {
			stall(w, r)
			return
		}
		writeJSON(w, 200, tokenJSON("t"))
	})
	cfg := testConfig(api.URL, nil)
	cfg.Timeout = 500 * time.Millisecond
	c := newTestClient(t, cfg)
	if _, err := c.GetToken(t.Context(), "t"); err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	_, err := c.CreateToken(t.Context(), &Token{Name: "t"})
	if de, ok := errors.AsType[*DecodeError](err); !ok || !IsAmbiguous(err) || !strings.Contains(de.Error(), "reading the response body failed") {
		t.Fatalf("create error = %#v", err)
	}
	if n := api.count(); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
}

// TestTimeoutOnCreateIsAmbiguous: the request was sent and no answer came in time.
func TestTimeoutOnCreateIsAmbiguous(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	cfg := testConfig(api.URL, nil)
	cfg.Timeout = 100 * time.Millisecond
	c := newTestClient(t, cfg)
	_, err := c.CreateToken(t.Context(), &Token{Name: "t"})
	if re, ok := errors.AsType[*RequestError](err); !ok || !re.Sent || !IsAmbiguous(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %#v", err)
	}
	if n := api.count(); n != 1 {
		t.Errorf("server saw %d requests", n)
	}
}

// TestCancelStopsWaiting: neither a long backoff nor a slow attempt outlives ctx.
func TestCancelStopsWaiting(t *testing.T) {
	t.Parallel()
	t.Run("during backoff", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "30")
			writeJSON(w, 503, `{}`)
		})
		cfg := testConfig(api.URL, nil)
		cfg.RetryWaitMax = time.Minute
		c := newTestClient(t, cfg)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.GetToken(ctx, "t")
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("returned after %s", d)
		}
		if _, ok := errors.AsType[*RequestError](err); !ok || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %#v", err)
		}
		if !IsAmbiguous(err) {
			t.Errorf("a GET that got a 503 before the cancel is reported unambiguous: %v", err)
		}
	})
	t.Run("during attempt", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		})
		c := newTestClient(t, testConfig(api.URL, nil))
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		err := c.DeleteToken(ctx, "t")
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("returned after %s", d)
		}
		if !errors.Is(err, context.Canceled) || api.count() != 1 {
			t.Errorf("error = %v after %d requests", err, api.count())
		}
	})
}

// TestTruncatedBodyRetried: a GET whose body is cut short is retried like a transport error.
func TestTruncatedBodyRetried(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 0 {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"name":"t"`))
			return // the server closes the connection: unexpected EOF
		}
		writeJSON(w, 200, tokenJSON("t"))
	})
	c := newTestClient(t, testConfig(api.URL, nil))
	if _, err := c.GetToken(t.Context(), "t"); err != nil {
		t.Fatal(err)
	}
	if n := api.count(); n != 2 {
		t.Errorf("server saw %d requests, want 2", n)
	}
}

func TestRetryableError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&net.DNSError{Err: "no such host", Name: "api.xx9.signalfx.com", IsNotFound: true}, false},
		{&net.DNSError{Err: "server misbehaving", Name: "api.us0.signalfx.com", IsTemporary: true}, true},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{context.Canceled, false},
		{errBodyTooLarge, false},
		{context.DeadlineExceeded, true},
	}
	for _, tt := range tests {
		if got := retryableError(tt.err); got != tt.want {
			t.Errorf("retryableError(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// steppedClock is a clock that moves only when the fake API answers, by one step per
// request, so that a test of a time budget does not depend on the machine's speed.
type steppedClock struct {
	t0    time.Time
	steps atomic.Int64
	step  time.Duration
}

func (s *steppedClock) now() time.Time { return s.t0.Add(time.Duration(s.steps.Load()) * s.step) }
func (s *steppedClock) tick()          { s.steps.Add(1) }

// TestRateLimitDoesNotSpendRetries: under a steady rate limit any call can meet more 429s in
// a row than RetryMax while the run as a whole progresses; it must wait its turn, not fail.
// (With 429s counted as failures, one create of 200 in a rate-limited benchmark run failed.)
func TestRateLimitDoesNotSpendRetries(t *testing.T) {
	t.Parallel()
	const limited = 6
	calls := map[string]func(*Client) error{
		"create": func(c *Client) error { _, err := c.CreateToken(t.Context(), &Token{Name: "t"}); return err },
		"rotate": func(c *Client) error { _, err := c.RotateToken(t.Context(), "t", RotateOptions{}); return err },
		"get":    func(c *Client) error { _, err := c.GetToken(t.Context(), "t"); return err },
		"rename": func(c *Client) error { _, err := c.UpdateToken(t.Context(), "t", &Token{Name: "u"}); return err },
		"delete": func(c *Client) error { return c.DeleteToken(t.Context(), "t") },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n < limited {
					writeJSON(w, 429, `{"code":429,"message":"slow down"}`)
					return
				}
				writeJSON(w, 200, tokenJSON("t"))
			})
			cfg := testConfig(api.URL, nil)
			cfg.RetryMax = 1
			if err := call(newTestClient(t, cfg)); err != nil {
				t.Fatalf("after %d answers of 429 with RetryMax 1: %v", limited, err)
			}
			if n := api.count(); n != limited+1 {
				t.Errorf("server saw %d requests, want %d", n, limited+1)
			}
		})
	}
}

// TestRateLimitTimeoutBoundsRetries: 429s are retried while the call is younger than
// RateLimitTimeout, then reported with the time spent; a negative timeout disables them.
func TestRateLimitTimeoutBoundsRetries(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		timeout  time.Duration
		attempts int
	}{
		// The clock moves 1s per answer: attempts end at 1s, 2s, ... and a retry starts
		// only while less than the timeout has passed since the first attempt started.
		{timeout: 5 * time.Second, attempts: 5},
		{timeout: 4500 * time.Millisecond, attempts: 5},
		{timeout: time.Second, attempts: 1},
		{timeout: -1, attempts: 1},
	} {
		t.Run(tt.timeout.String(), func(t *testing.T) {
			t.Parallel()
			clock := &steppedClock{t0: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), step: time.Second}
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				clock.tick()
				writeJSON(w, 429, `{"code":429,"message":"slow down"}`)
			})
			cfg := testConfig(api.URL, nil)
			cfg.RateLimitTimeout = tt.timeout
			c := newTestClient(t, cfg)
			c.now = clock.now
			_, err := c.CreateToken(t.Context(), &Token{Name: "t"})
			e, ok := errors.AsType[*APIError](err)
			if !ok {
				t.Fatalf("error = %#v, want *APIError", err)
			}
			if n := api.count(); n != tt.attempts || e.Attempts != tt.attempts {
				t.Errorf("server saw %d requests, error says %d attempts; want %d", n, e.Attempts, tt.attempts)
			}
			if want := time.Duration(tt.attempts) * time.Second; e.Elapsed != want {
				t.Errorf("Elapsed = %s, want %s", e.Elapsed, want)
			}
			if tt.attempts > 1 {
				want := "429 Too Many Requests: slow down (after " + strconv.Itoa(tt.attempts) + " attempts in " + e.Elapsed.String() + ")"
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Error() = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

// TestFailuresAndRateLimitHaveSeparateBudgets: 429s between failures spend none of
// RetryMax, and failures are still capped by it.
func TestFailuresAndRateLimitHaveSeparateBudgets(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		answers []int // then 200 forever
		want    int   // final status: 200 or the last failure
		n       int   // requests
	}{
		{answers: []int{503, 429, 429, 429, 503}, want: 200, n: 6},
		{answers: []int{503, 429, 503, 429, 503}, want: 503, n: 5},
	} {
		api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n < len(tt.answers) {
				writeJSON(w, tt.answers[n], `{"code":1,"message":"no"}`)
				return
			}
			writeJSON(w, 200, tokenJSON("t"))
		})
		cfg := testConfig(api.URL, nil)
		cfg.RetryMax = 2
		_, err := newTestClient(t, cfg).GetToken(t.Context(), "t")
		status := 200
		if e, ok := errors.AsType[*APIError](err); ok {
			status = e.StatusCode
		} else if err != nil {
			t.Fatalf("%v: %v", tt.answers, err)
		}
		if status != tt.want || api.count() != tt.n {
			t.Errorf("%v with RetryMax 2: ended with %d after %d requests, want %d after %d", tt.answers, status, api.count(), tt.want, tt.n)
		}
	}
}

// TestNegativeWaitsMeanNoWait: a caller that asks for no wait between retries gets none,
// not the defaults that zero stands for, except after a 429: 429s are retried until
// RateLimitTimeout, and must never be retried back to back (one call sent thousands of
// requests a second that way).
func TestNegativeWaitsMeanNoWait(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "https://api.us0.signalfx.com", AuthToken: "x", RetryWaitMin: -1, RetryWaitMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	if c.waitMin != 0 || c.waitMax != 0 {
		t.Errorf("waits = %s, %s; want 0, 0", c.waitMin, c.waitMax)
	}
	for _, status := range []int{0, 500, 503} {
		if got := c.retryWait(3, status, http.Header{"Retry-After": {"7"}}); got != 0 {
			t.Errorf("status %d: wait %s, want 0", status, got)
		}
	}
	for _, retryAfter := range []string{"", "0", "7"} {
		if got := c.retryWait(3, 429, http.Header{"Retry-After": {retryAfter}}); got != DefaultRateLimitMinWait {
			t.Errorf("429 with Retry-After %q and no waits: wait %s, want the floor %s", retryAfter, got, DefaultRateLimitMinWait)
		}
	}
	c, err = New(Config{BaseURL: "https://api.us0.signalfx.com", AuthToken: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if c.waitMin != DefaultRetryWaitMin || c.waitMax != DefaultRetryWaitMax || c.rateLimitTimeout != DefaultRateLimitTimeout || c.retryMax != DefaultRetryMax {
		t.Errorf("zero Config gave %s, %s, %s, %d; want the defaults", c.waitMin, c.waitMax, c.rateLimitTimeout, c.retryMax)
	}
}

// TestCanceledRateLimitWaitIsNotAmbiguous: a create answered 429 and canceled (Ctrl-C)
// while it waits to retry applied nothing, so it must not send the caller off to look for a
// token that cannot exist (which, under the same rate limit, took minutes).
func TestCanceledRateLimitWaitIsNotAmbiguous(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "20")
		writeJSON(w, 429, `{"code":429,"message":"slow down"}`)
	})
	cfg := testConfig(api.URL, nil)
	cfg.RetryWaitMax = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := newTestClient(t, cfg).CreateToken(ctx, &Token{Name: "t"})
	e, ok := errors.AsType[*RequestError](err)
	if !ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %#v, want a *RequestError for the cancellation", err)
	}
	if e.Sent || IsAmbiguous(err) {
		t.Errorf("Sent = %v, IsAmbiguous = %v: a 429 applied nothing", e.Sent, IsAmbiguous(err))
	}
	if n := api.count(); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

// TestRateLimitWaitEndsWithTheBudget: the wait after a 429 never runs past
// RateLimitTimeout, so a long Retry-After cannot stretch the call to RetryWaitMax.
func TestRateLimitWaitEndsWithTheBudget(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := &Client{waitMin: time.Second, waitMax: time.Minute, rateLimitTimeout: 3 * time.Second, rateLimitMinWait: time.Second,
		now: func() time.Time { return now }, jitter: func(int64) int64 { return 0 }}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"20"}}}
	for _, tt := range []struct {
		elapsed, want time.Duration
	}{
		{0, 3 * time.Second},
		{2500 * time.Millisecond, 500 * time.Millisecond},
		{5 * time.Second, 0},
	} {
		st := &callState{c: c, r: &request{method: "POST", route: "/v2/token"}, ctx: t.Context(), begin: now.Add(-tt.elapsed)}
		if got := st.backoff(0, 0, 0, resp); got != tt.want {
			t.Errorf("%s into a 3s budget, Retry-After 20: wait %s, want %s", tt.elapsed, got, tt.want)
		}
	}
	// Far from the end of the budget the Retry-After is honoured as before.
	c.rateLimitTimeout = time.Hour
	st := &callState{c: c, r: &request{method: "POST", route: "/v2/token"}, ctx: t.Context(), begin: now}
	if got := st.backoff(0, 0, 0, resp); got != 20*time.Second {
		t.Errorf("wait %s, want the Retry-After of 20s", got)
	}
}
