package sfx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Body size limits. A search page of 100 tokens is a few hundred kilobytes.
const (
	maxBody      = 64 << 20
	maxErrorBody = 1 << 20
)

var errBodyTooLarge = errors.New("response body too large")

// retryPolicy says which failed attempts of a request may be repeated.
type retryPolicy int

const (
	// retryRateLimited is for POST create and POST rotate. A retried create that reached the
	// server fails with "A token with the same name already exists!" although the first
	// attempt created the token; a retried rotate rotates twice, and the secret of the first
	// rotation, already in force, is lost. The caller reconciles instead (IsAmbiguous). Only
	// a 429, which the API answers without applying anything, is retried: otherwise an apply
	// of many tokens under the API's rate limit fails.
	retryRateLimited retryPolicy = iota
	// retryUnapplied is for a PUT that renames: a repeat of an applied rename answers 404,
	// because the old name is gone. Only failures that certainly left the token untouched
	// are retried: 429, and transport errors before the request was written.
	retryUnapplied
	// retryIdempotent is for GET, DELETE and a PUT that keeps the name: connection errors,
	// timeouts, 429 and 5xx other than 501 are retried.
	retryIdempotent
)

// request describes one API call.
type request struct {
	method string
	route  string // route template for errors and logs, e.g. "/v2/token/{name}"
	name   string // token name for errors and logs; "" for the collection
	path   string // escaped path below the base URL, e.g. "/v2/token/my%20token"
	query  string // encoded query without "?", or ""
	body   []byte // nil for no body
	policy retryPolicy
	want   []int // success statuses
}

// callState is the state of one call across its attempts. Only the goroutine running
// retryablehttp.Client.Do touches it, except the atomics, which httptrace hooks set from
// transport goroutines.
type callState struct {
	c   *Client
	r   *request
	ctx context.Context

	attempts int
	begin    time.Time // when the first attempt started
	start    time.Time // when the current attempt started
	logged   bool      // the current attempt has been logged
	// failures counts the retries spent from the RetryMax budget by earlier attempts;
	// failedThis records that the current attempt is to spend one. Only the next attempt
	// commits it, because retryablehttp may ask checkRetry twice about one attempt.
	failures     int
	failedThis   bool
	sentThis     atomic.Bool // the current attempt wrote its request headers
	answeredThis bool        // the current attempt got a response
	// priorAmbiguous records that an attempt that was then retried may have been applied.
	priorAmbiguous bool

	body     []byte
	bodyErr  error
	bodyRead bool
}

// do sends r with retries and returns the status and body of a response whose status is in
// r.want. Any other outcome is an *APIError, *DecodeError or *RequestError.
func (c *Client) do(ctx context.Context, r *request) (int, []byte, error) {
	st := &callState{c: c, r: r, ctx: ctx}
	trace := &httptrace.ClientTrace{WroteHeaders: func() {
		st.sentThis.Store(true)
	}}
	target := c.base.String() + r.path
	if r.query != "" {
		target += "?" + r.query
	}
	var body any
	if r.body != nil {
		body = r.body
	}
	req, err := retryablehttp.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), r.method, target, body)
	if err != nil {
		return 0, nil, &RequestError{Method: r.method, Route: r.route, Name: r.name, Err: err}
	}
	req.Header.Set("X-SF-TOKEN", c.authToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.method == http.MethodPost || r.method == http.MethodPut {
		// Rotate has no body, but the documented examples send the header there too.
		req.Header.Set("Content-Type", "application/json")
	}
	req.SetResponseHandler(st.readResponse)

	rc := &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		RetryWaitMin: c.waitMin,
		RetryWaitMax: c.waitMax,
		// checkRetry enforces the two budgets, RetryMax for failures and RateLimitTimeout
		// for 429s; retryablehttp's own count must never cut them short.
		RetryMax:   math.MaxInt32,
		CheckRetry: st.checkRetry,
		Backoff:    st.backoff,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, i int) {
			st.attempts = i + 1
			st.start = c.now()
			if i == 0 {
				st.begin = st.start
			}
			if st.failedThis {
				st.failures++
				st.failedThis = false
			}
			st.sentThis.Store(false)
			st.answeredThis = false
			st.logged = false
			st.body, st.bodyErr, st.bodyRead = nil, nil, false
		},
		// Hand the last response or error back unchanged instead of retryablehttp's
		// untyped "giving up after N attempt(s)"; the code below types it.
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) { return resp, err },
	}
	resp, err := rc.Do(req)
	if resp == nil {
		if err == nil {
			err = errors.New("no response")
		}
		return 0, nil, &RequestError{
			Method: r.method, Route: r.route, Name: r.name,
			// An attempt answered 429 (or another status that applies nothing) and then cut
			// short while waiting to retry was not applied: only an unanswered one may be.
			Attempts: max(st.attempts, 1), Sent: st.priorAmbiguous || (st.sentThis.Load() && !st.answeredThis),
			Err: transportCause(err),
		}
	}
	if !st.bodyRead {
		// Retries ran out on a retryable status: its body has not been read yet.
		_ = st.readResponse(resp)
	}
	if !slices.Contains(r.want, resp.StatusCode) {
		return 0, nil, newAPIError(c, st, resp, st.body)
	}
	if st.bodyErr != nil {
		reason := "reading the response body failed"
		if errors.Is(st.bodyErr, errBodyTooLarge) {
			reason = "the response body is larger than " + strconv.Itoa(maxBody>>20) + " MiB"
		}
		return 0, nil, &DecodeError{
			StatusCode: resp.StatusCode, Method: r.method, Route: r.route, Name: r.name,
			Reason: reason, Err: transportCause(st.bodyErr),
		}
	}
	return resp.StatusCode, st.body, nil
}

// readResponse reads and closes the body within the attempt, so that the per-attempt timeout
// covers it and a body cut short can be retried like any other transport error.
func (st *callState) readResponse(resp *http.Response) error {
	defer resp.Body.Close()
	limit := int64(maxBody)
	wanted := slices.Contains(st.r.want, resp.StatusCode)
	if !wanted {
		limit = maxErrorBody
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if int64(len(b)) > limit {
		b = b[:limit]
		if wanted {
			err = errBodyTooLarge
		}
	}
	st.body, st.bodyErr, st.bodyRead = b, err, true
	return err
}

// checkRetry is the retryablehttp.CheckRetry of one call. It never returns an error, so
// that retryablehttp hands back the last response or transport error unchanged.
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err == nil {
		st.answeredThis = true
	}
	retry := st.shouldRetry(resp, err) && ctx.Err() == nil
	switch {
	case !retry:
	case err == nil && resp.StatusCode == http.StatusTooManyRequests:
		retry = st.c.now().Sub(st.begin) < st.c.rateLimitTimeout
	default:
		retry = st.failures < st.c.retryMax
		st.failedThis = retry
	}
	if retry {
		if err != nil {
			st.priorAmbiguous = st.priorAmbiguous || st.sentThis.Load()
		} else {
			st.priorAmbiguous = st.priorAmbiguous || statusAmbiguous(resp.StatusCode)
		}
	}
	// retryablehttp asks again after the response handler has read the body; log that
	// second answer only when reading the body failed.
	if st.logged && err == nil {
		return retry, nil
	}
	st.logged = true
	fields := st.fields()
	fields["duration_ms"] = st.c.now().Sub(st.start).Milliseconds()
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	if err != nil {
		fields["error"] = transportCause(err).Error()
	}
	fields["will_retry"] = retry
	st.c.log(st.ctx, false, "sfx: API request attempt finished", fields)
	return retry, nil
}

func (st *callState) shouldRetry(resp *http.Response, err error) bool {
	switch st.r.policy {
	case retryRateLimited:
		return err == nil && resp.StatusCode == http.StatusTooManyRequests
	case retryUnapplied:
		if err != nil {
			return !st.sentThis.Load() && retryableError(err)
		}
		return resp.StatusCode == http.StatusTooManyRequests
	default:
		if err != nil {
			return retryableError(err)
		}
		code := resp.StatusCode
		return code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented)
	}
}

// retryableError reports whether a transport error may go away on its own. A missing DNS
// name (a wrong realm) and certificate failures will not.
func retryableError(err error) bool {
	if errors.Is(err, errBodyTooLarge) || errors.Is(err, context.Canceled) {
		return false
	}
	if e, ok := errors.AsType[*net.DNSError](err); ok && e.IsNotFound {
		return false
	}
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return false
	}
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return false
	}
	if _, ok := errors.AsType[x509.HostnameError](err); ok {
		return false
	}
	if _, ok := errors.AsType[x509.CertificateInvalidError](err); ok {
		return false
	}
	return true
}

// backoff is the retryablehttp.Backoff of one call; it logs the wait it chooses.
func (st *callState) backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	status, header := 0, http.Header(nil)
	if resp != nil {
		status, header = resp.StatusCode, resp.Header
	}
	wait := st.c.retryWait(attempt, status, header)
	if status == http.StatusTooManyRequests {
		// Retry once more when the budget ends rather than after it: a Retry-After longer
		// than the time left would otherwise overrun rate_limit_timeout_seconds by up to
		// RetryWaitMax.
		wait = max(min(wait, st.c.rateLimitTimeout-st.c.now().Sub(st.begin)), 0)
	}
	fields := st.fields()
	fields["wait_ms"] = wait.Milliseconds()
	if status != 0 {
		fields["status"] = status
	}
	st.c.log(st.ctx, true, "sfx: retrying API request", fields)
	return wait
}

// retryWait returns the wait after the attempt with zero-based index attempt.
//
// After a 429 see rateLimitWait. On 503 a Retry-After header (seconds or an HTTP date) is
// honored when it is at most RetryWaitMax, and shortened to RetryWaitMax when longer: a
// Terraform run must not appear to hang for a server-chosen time. Otherwise the wait is
// exponential, RetryWaitMin·2^attempt capped at RetryWaitMax, with "equal jitter": a random
// point in its upper half, never below RetryWaitMin, so parallel calls spread out. With a
// RetryWaitMin of zero the series starts at one second (only the floor goes), so that "no
// minimum" does not jump to RetryWaitMax; with a RetryWaitMax of zero there is no wait.
//
// status and header are those of the failed attempt's response (0 and nil when it got none).
func (c *Client) retryWait(attempt, status int, header http.Header) time.Duration {
	if status == http.StatusTooManyRequests {
		return c.rateLimitWait(header)
	}
	if status == http.StatusServiceUnavailable {
		if d, ok := parseRetryAfter(header.Get("Retry-After"), c.now()); ok {
			return min(d, c.waitMax)
		}
	}
	unit := c.waitMin
	if unit <= 0 {
		unit = time.Second
	}
	base := c.waitMax
	if attempt >= 0 && attempt < 62 {
		if b := unit << attempt; b>>attempt == unit && b > 0 && b < c.waitMax {
			base = b
		}
	}
	half := base / 2
	return max(half+time.Duration(c.jitter(int64(base-half)+1)), c.waitMin)
}

// rateLimitWait returns the wait after a 429: the Retry-After header (seconds or an HTTP
// date) or, without a usable one, a random wait between RetryWaitMin and twice that, capped
// at RetryWaitMax, and never shorter than RateLimitMinWait (one second by default), whatever
// the retry waits are set to: 429s are retried for as long as RateLimitTimeout allows, and
// without a floor, waits set to zero would send a call's requests back to back at an API
// that asked for fewer. The wait does not grow from attempt to attempt: a 429 means "too
// fast for now", not "failing", and a doubling wait would idle while the rate already
// allows requests again.
func (c *Client) rateLimitWait(header http.Header) time.Duration {
	d, ok := parseRetryAfter(header.Get("Retry-After"), c.now())
	if !ok {
		d = c.waitMin + time.Duration(c.jitter(int64(c.waitMin)+1))
	}
	return max(min(d, c.waitMax), c.rateLimitMinWait)
}

// parseRetryAfter parses a Retry-After value: delay-seconds or an HTTP date. A date in the
// past means no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// fields returns the log fields that identify the call and attempt.
func (st *callState) fields() map[string]any {
	f := map[string]any{"method": st.r.method, "route": st.r.route, "attempt": st.attempts}
	if st.r.name != "" {
		f["token_name"] = st.r.name
	}
	return f
}

// transportCause strips the *url.Error wrapper, whose text repeats the full URL.
func transportCause(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok && ue.Err != nil {
		return ue.Err
	}
	return err
}

func randInt64N(n int64) int64 { return rand.Int64N(n) }
