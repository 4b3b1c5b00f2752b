// Package sfx is a small typed client for the SignalFx (Splunk Observability Cloud)
// org-token API: create, read, update, delete, rotate and search org tokens.
//
// The package has no Terraform dependency. It escapes token names exactly once, retries only
// idempotent requests, applies its timeout to each attempt, returns typed errors (*APIError,
// *DecodeError, *RequestError) that never carry the auth token or a token secret, and is safe
// for concurrent use.
package sfx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// Defaults applied by New to zero Config fields.
const (
	// DefaultTimeout bounds each attempt.
	DefaultTimeout = 30 * time.Second
	// DefaultRetryMax is the number of retries after the first attempt.
	DefaultRetryMax = 4
	// DefaultRetryWaitMin is the shortest wait between attempts.
	DefaultRetryWaitMin = 1 * time.Second
	// DefaultRetryWaitMax is the longest wait between attempts.
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultRateLimitTimeout is how long a call keeps retrying answers of 429 Too Many
	// Requests.
	DefaultRateLimitTimeout = 5 * time.Minute
	// DefaultRateLimitMinWait is the shortest wait after a 429.
	DefaultRateLimitMinWait = time.Second
	// DefaultUserAgent is sent when Config.UserAgent is empty.
	DefaultUserAgent = "terraform-provider-signalfx-sfx"
)

// maxIdleConnsPerHost lets a Terraform run with -parallelism well above the default of 10
// keep its connections alive instead of reconnecting for every request.
const maxIdleConnsPerHost = 100

// Config configures a Client. Only BaseURL and AuthToken are required.
type Config struct {
	// BaseURL is the API's address without the /v2 suffix, for example
	// "https://api.us0.signalfx.com". It must be an absolute http or https URL with a host.
	// A path prefix (for a proxy) is kept.
	BaseURL string
	// AuthToken is sent as the X-SF-TOKEN header. It is never logged and never put in an error.
	AuthToken string
	// UserAgent is sent as the User-Agent header; DefaultUserAgent when empty.
	UserAgent string
	// Timeout bounds each attempt (connect, send, wait, read the body), not the whole
	// retry chain; DefaultTimeout when zero. Bound the whole call with ctx.
	Timeout time.Duration
	// RetryMax is the number of retries after failed attempts (connection errors, timeouts,
	// 5xx) of requests that may be retried; DefaultRetryMax when zero, no retries when
	// negative. Answers of 429 Too Many Requests do not count: RateLimitTimeout bounds them.
	RetryMax int
	// RateLimitTimeout is how long, from its first attempt, a call keeps retrying while the
	// API answers 429 Too Many Requests (which applies nothing, so every call, creates and
	// rotations included, may repeat it). DefaultRateLimitTimeout when zero; 429 is not
	// retried when negative. A retry starts only before the deadline, so the call can end up
	// to one wait (at most RetryWaitMax) plus one attempt later.
	//
	// A separate budget, because a 429 is not a failure but a pace: under a steady rate
	// limit any one call can meet several 429s in a row while the run as a whole progresses
	// at the allowed rate, and counting them against RetryMax fails such a run at random.
	RateLimitTimeout time.Duration
	// RateLimitMinWait is the shortest wait after a 429, whatever RetryWaitMin and
	// RetryWaitMax say, so that 429s are never retried back to back; DefaultRateLimitMinWait
	// when zero, none when negative (for tests).
	RateLimitMinWait time.Duration
	// RetryWaitMin is the shortest wait between attempts; DefaultRetryWaitMin when zero, no
	// wait when negative.
	RetryWaitMin time.Duration
	// RetryWaitMax is the longest wait between attempts, and caps a server's Retry-After;
	// DefaultRetryWaitMax when zero, no wait when negative.
	RetryWaitMax time.Duration
	// Logger receives one debug line per attempt and a warning per retry; nil disables logging.
	Logger Logger
	// Transport sends the requests; when nil the Client creates its own pooled transport
	// with keep-alives. Tests use it to inject a transport.
	Transport http.RoundTripper
}

// String formats the configuration with the auth token masked, so that printing or logging
// a Config cannot leak it.
func (c Config) String() string {
	type plain Config // no methods: formatting it does not recurse into String
	p := plain(c)
	p.AuthToken = mask(p.AuthToken)
	return fmt.Sprintf("%+v", p)
}

// GoString is String for the %#v verb.
func (c Config) GoString() string { return c.String() }

// String describes the client by its base URL only.
func (c *Client) String() string { return "sfx.Client(" + c.base.String() + ")" }

// GoString is String for the %#v verb.
func (c *Client) GoString() string { return c.String() }

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "(redacted)"
}

// Logger receives structured log lines. Fields only ever hold the method, the route template,
// the token name, the status, the attempt number, durations, retry waits and transport errors:
// never the auth token, a URL with query, or a body.
type Logger interface {
	// Debug logs a routine event, such as an attempt that got an answer.
	Debug(ctx context.Context, msg string, fields map[string]any)
	// Warn logs an event worth attention, such as a retry.
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// Client is an org-token API client. It is safe for concurrent use; create one per API
// address and credential and reuse it so that connections are reused.
type Client struct {
	base      *url.URL
	authToken string
	userAgent string
	logger    Logger

	httpClient *http.Client
	transport  http.RoundTripper

	retryMax         int
	rateLimitTimeout time.Duration
	rateLimitMinWait time.Duration
	waitMin, waitMax time.Duration

	now    func() time.Time
	jitter func(n int64) int64
}

// New validates cfg, applies the defaults and returns a Client. The returned error names the
// faulty field and what to set; it never contains the auth token.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL, cfg.AuthToken)
	if err != nil {
		return nil, err
	}
	if cfg.AuthToken == "" {
		return nil, errors.New("sfx: AuthToken is required: set a session token of an org admin")
	}
	if !validHeaderValue(cfg.AuthToken) {
		return nil, errors.New("sfx: AuthToken contains characters not allowed in an HTTP header")
	}
	c := &Client{
		base:             base,
		authToken:        cfg.AuthToken,
		userAgent:        cfg.UserAgent,
		logger:           cfg.Logger,
		retryMax:         cfg.RetryMax,
		rateLimitTimeout: cfg.RateLimitTimeout,
		rateLimitMinWait: durationOr(cfg.RateLimitMinWait, DefaultRateLimitMinWait),
		waitMin:          cfg.RetryWaitMin,
		waitMax:          cfg.RetryWaitMax,
		now:              time.Now,
		jitter:           randInt64N,
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if !validHeaderValue(c.userAgent) {
		return nil, errors.New("sfx: UserAgent contains characters not allowed in an HTTP header")
	}
	timeout := cfg.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout < 0:
		return nil, fmt.Errorf("sfx: Timeout must not be negative, got %s", timeout)
	}
	switch {
	case c.retryMax == 0:
		c.retryMax = DefaultRetryMax
	case c.retryMax < 0:
		c.retryMax = 0
	}
	switch {
	case c.rateLimitTimeout == 0:
		c.rateLimitTimeout = DefaultRateLimitTimeout
	case c.rateLimitTimeout < 0:
		c.rateLimitTimeout = 0
	}
	c.waitMin = durationOr(c.waitMin, DefaultRetryWaitMin)
	c.waitMax = durationOr(c.waitMax, DefaultRetryWaitMax)
	if c.waitMax < c.waitMin {
		return nil, fmt.Errorf("sfx: need RetryWaitMin <= RetryWaitMax, got %s and %s", c.waitMin, c.waitMax)
	}

	c.transport = cfg.Transport
	if c.transport == nil {
		t := cleanhttp.DefaultPooledTransport()
		t.MaxIdleConns = maxIdleConnsPerHost
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
		c.transport = t
	}
	c.httpClient = &http.Client{
		// The wrapper hides CloseIdleConnections: retryablehttp calls it after every failed
		// call, which would empty the pool shared by all concurrent calls.
		Transport: poolKeeper{c.transport},
		// Timeout covers one attempt, body included: retryablehttp calls Do once per attempt.
		Timeout: timeout,
		// Never follow redirects: the X-SF-TOKEN header would go along to wherever the
		// Location points, and a redirected PUT or POST is not what the caller asked for.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// durationOr applies the zero-means-default, negative-means-none convention of Config.
func durationOr(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// RateLimitTimeout is how long a call keeps retrying answers of 429 (see Config).
func (c *Client) RateLimitTimeout() time.Duration { return c.rateLimitTimeout }

// CloseIdleConnections closes the idle connections of the Client's transport. Call it when
// the Client is no longer needed.
func (c *Client) CloseIdleConnections() {
	if ci, ok := c.transport.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// poolKeeper forwards RoundTrip and deliberately nothing else.
type poolKeeper struct{ rt http.RoundTripper }

func (p poolKeeper) RoundTrip(r *http.Request) (*http.Response, error) { return p.rt.RoundTrip(r) }

func parseBaseURL(raw, authToken string) (*url.URL, error) {
	const hint = `set it to the API address of your realm, for example "https://api.us0.signalfx.com"`
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("sfx: BaseURL is required: " + hint)
	}
	// Quote the value back only when it cannot hold a credential.
	shown := fmt.Sprintf("%q", raw)
	if strings.Contains(raw, "@") || (authToken != "" && strings.Contains(raw, authToken)) {
		shown = "(value withheld: it looks like it contains credentials)"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("sfx: BaseURL %s is not a URL: %s", shown, hint)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("sfx: BaseURL %s must start with https:// (or http://): %s", shown, hint)
	case u.Opaque != "" || u.Host == "":
		return nil, fmt.Errorf("sfx: BaseURL %s has no host: %s", shown, hint)
	case u.User != nil:
		return nil, errors.New("sfx: BaseURL must not contain credentials: set AuthToken instead")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("sfx: BaseURL %s must not have a query or fragment: %s", shown, hint)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	if strings.HasSuffix(u.Path, "/v2") {
		return nil, fmt.Errorf("sfx: BaseURL %s must not end in /v2: the client adds it", shown)
	}
	return u, nil
}

// validHeaderValue reports whether s can be sent as a header value (no control characters
// other than tab), so a bad credential fails in New and not with a transport error.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// redact removes the auth token from text quoted from a response.
func (c *Client) redact(s string) string {
	if c.authToken == "" || !strings.Contains(s, c.authToken) {
		return s
	}
	return strings.ReplaceAll(s, c.authToken, "[redacted]")
}

// log sends a line to the Logger, if any.
func (c *Client) log(ctx context.Context, warn bool, msg string, fields map[string]any) {
	switch {
	case c.logger == nil:
	case warn:
		c.logger.Warn(ctx, msg, fields)
	default:
		c.logger.Debug(ctx, msg, fields)
	}
}
