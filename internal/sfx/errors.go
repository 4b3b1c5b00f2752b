package sfx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// ErrInvalidArgument is wrapped by every error a method returns before sending anything
// because an argument is unusable (an empty token name, a nil token, a negative offset).
var ErrInvalidArgument = errors.New("invalid argument")

// Limits on what an error may quote from a response body.
const (
	maxMessageRunes = 500
	maxSummaryRunes = 200
)

// unauthorizedHint is appended to 401 and 403 errors: the usual cause is the wrong kind of token.
const unauthorizedHint = "hint: managing org tokens needs the session token (user API access token) " +
	"of an org admin; org access tokens are refused"

// APIError is an answer from the API with a status the operation does not expect.
//
// It names the operation by method, route template and token name, never by the URL that
// was sent, and it never carries the auth token or a response body that could hold a secret:
// Message is the API's own error message, or a short summary of a non-JSON body.
type APIError struct {
	// StatusCode is the HTTP status of the last attempt.
	StatusCode int
	// Method is the HTTP method, for example "PUT".
	Method string
	// Route is the route template, for example "/v2/token/{name}".
	Route string
	// Name is the token name the request was about, or "" for the collection.
	Name string
	// Message is the "message" of a JSON error body, or a short summary of any other body.
	Message string
	// RequestID is the X-Request-Id response header, when the server sent one.
	RequestID string
	// Attempts is the number of attempts made, retries included.
	Attempts int
	// Elapsed is the time from the start of the first attempt to the end of the last.
	Elapsed time.Duration
	// RateLimitTimeout is the client's budget for retrying 429s (Config.RateLimitTimeout;
	// zero when they are not retried), so that a caller can say why a 429 was given up on.
	RateLimitTimeout time.Duration
	// JSONBody records that the body was a JSON object: the API's own {code,message}
	// envelope rather than a proxy's or a wrong host's page.
	JSONBody bool

	// priorAmbiguous records that an earlier attempt (one that was retried) may have been applied.
	priorAmbiguous bool
}

// Error returns a one-line description such as
// `PUT /v2/token/{name} (token "a"): 400 Bad Request: A token with the same name already exists!`.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(operation(e.Method, e.Route, e.Name))
	fmt.Fprintf(&b, ": %s", statusText(e.StatusCode))
	if e.Message != "" {
		// The API's messages often end with a full stop; more follows here.
		b.WriteString(": ")
		b.WriteString(strings.TrimSuffix(e.Message, "."))
	}
	switch {
	case e.Attempts > 1 && e.StatusCode == http.StatusTooManyRequests:
		// The rate-limit budget is a time, so say how long the call kept trying.
		elapsed := e.Elapsed.Round(100 * time.Millisecond)
		if e.Elapsed < time.Second {
			elapsed = e.Elapsed.Round(time.Millisecond)
		}
		fmt.Fprintf(&b, " (after %d attempts in %s)", e.Attempts, elapsed)
	case e.Attempts > 1:
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden {
		b.WriteString("; ")
		b.WriteString(unauthorizedHint)
	}
	return b.String()
}

// DecodeError reports a success status whose body could not be read or decoded. The request
// was applied, but its result is lost. Error never quotes the body: it holds token secrets.
type DecodeError struct {
	// StatusCode is the (successful) HTTP status of the response.
	StatusCode int
	// Method is the HTTP method, for example "POST".
	Method string
	// Route is the route template, for example "/v2/token".
	Route string
	// Name is the token name the request was about, or "" for the collection.
	Name string
	// Reason says what is wrong with the body, without quoting it.
	Reason string
	// Err is the error that interrupted reading the body, or nil when the body was read
	// but is not a valid response.
	Err error
}

// Error returns a one-line description that names the status and the route, never the body.
func (e *DecodeError) Error() string {
	outcome := "the request was applied but its result could not be read"
	if e.Method == http.MethodGet {
		outcome = "the answer could not be used" // a read changes nothing: "applied" would alarm for no reason
	}
	return fmt.Sprintf("%s: %s: %s; %s", operation(e.Method, e.Route, e.Name), statusText(e.StatusCode), e.Reason, outcome)
}

// Unwrap returns the error that interrupted reading the body, if any.
func (e *DecodeError) Unwrap() error { return e.Err }

// RequestError reports a request that got no HTTP response: the connection failed, an
// attempt timed out, or ctx was canceled.
type RequestError struct {
	// Method is the HTTP method, for example "GET".
	Method string
	// Route is the route template, for example "/v2/token/{name}".
	Route string
	// Name is the token name the request was about, or "" for the collection.
	Name string
	// Attempts is the number of attempts made, retries included.
	Attempts int
	// Sent reports that the request may have reached the server and been applied: some
	// attempt wrote it to a connection and got no answer (or an answer, such as a 5xx, that
	// leaves it open). It is false when every attempt failed before sending (DNS failure,
	// connection refused, TLS failure) or was answered with a status that applies nothing,
	// such as a 429 whose retry the caller's context then cut short.
	Sent bool
	// Err is the underlying error, for example a *net.OpError or context.Canceled.
	Err error
}

// Error returns a one-line description of the failure.
func (e *RequestError) Error() string {
	s := operation(e.Method, e.Route, e.Name) + ": "
	if e.Attempts > 1 {
		s += fmt.Sprintf("failed after %d attempts: ", e.Attempts)
	} else {
		s += "request failed: "
	}
	return s + e.Err.Error()
}

// Unwrap returns the underlying error, so errors.Is(err, context.Canceled) works.
func (e *RequestError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is the API's own 404 Not Found (a JSON error body): the
// token does not exist. Other failures (401, 5xx, timeouts, and a 404 page from a proxy or
// a wrong base URL) are not "not found": treating them so would drop resources from state.
func IsNotFound(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && e.StatusCode == http.StatusNotFound && e.JSONBody
}

// IsNameClash reports whether err is the API refusing a name because another token (enabled
// or not) already has it. The API answers 400, and some deployments 406, with a message
// containing "same name".
func IsNameClash(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	if !ok || (e.StatusCode != http.StatusBadRequest && e.StatusCode != http.StatusNotAcceptable) {
		return false
	}
	return strings.Contains(strings.ToLower(e.Message), "same name")
}

// IsUnauthorized reports whether err is a 401 or 403 answer: the auth token is invalid,
// expired, or lacks the admin role these endpoints need.
func IsUnauthorized(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// IsAmbiguous reports whether the request behind err may have reached the server and been
// applied even though the caller got an error. It is true for 5xx answers, unexpected 2xx
// answers, success answers whose body was lost (*DecodeError), and transport failures after
// the request was written (timeouts, a connection reset or EOF while waiting for the
// answer); it is also true when an earlier, retried attempt was itself ambiguous. It is false
// for 4xx answers and for failures that certainly happened before sending (DNS failure,
// connection refused, invalid arguments). After an ambiguous create or rotate, look the
// token up to learn what happened instead of repeating the request.
func IsAmbiguous(err error) bool {
	if e, ok := errors.AsType[*APIError](err); ok {
		return e.priorAmbiguous || statusAmbiguous(e.StatusCode)
	}
	if _, ok := errors.AsType[*DecodeError](err); ok {
		return true
	}
	if e, ok := errors.AsType[*RequestError](err); ok {
		return e.Sent
	}
	return false
}

// statusAmbiguous reports whether a response status leaves open whether the request was applied.
func statusAmbiguous(code int) bool {
	return code >= 500 || (code >= 200 && code < 300)
}

func operation(method, route, name string) string {
	if name == "" {
		return method + " " + route
	}
	return fmt.Sprintf("%s %s (token %q)", method, route, name)
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("status %d", code)
}

// newAPIError builds the error for an unexpected status from a body that was read in full
// (or up to the read limit). The auth token is redacted from anything quoted.
func newAPIError(c *Client, st *callState, resp *http.Response, body []byte) *APIError {
	msg := summarizeBody(resp.Header.Get("Content-Type"), body)
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
		msg = strings.TrimSpace("redirected to " + clip(cleanText(loc), maxSummaryRunes) +
			"; set the base URL to the API's address: " + msg)
	}
	return &APIError{
		StatusCode:       resp.StatusCode,
		Method:           st.r.method,
		Route:            st.r.route,
		Name:             st.r.name,
		Message:          c.redact(msg),
		RequestID:        c.redact(clip(cleanText(resp.Header.Get("X-Request-Id")), 100)),
		Attempts:         st.attempts,
		Elapsed:          c.now().Sub(st.begin),
		RateLimitTimeout: c.rateLimitTimeout,
		JSONBody:         json.Valid(body) && jsonStartRe.Match(body) && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")),
		priorAmbiguous:   st.priorAmbiguous,
	}
}

var (
	titleRe     = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	dropRe      = regexp.MustCompile(`(?is)<(script|style|head)[^>]*>.*?</(script|style|head)>`)
	tagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	jsonStartRe = regexp.MustCompile(`^\s*[{\[]`)
)

// summarizeBody turns an error body into a short message. A JSON body contributes only its
// "message" string (the {code,message} and {status,message} envelopes both have one); other
// JSON, even malformed, is never quoted, as it could be a token with its secret. An HTML
// body contributes its <title> or, failing that, its first words with the tags stripped;
// plain text its first words.
func summarizeBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	if jsonStartRe.Match(body) || strings.Contains(strings.ToLower(contentType), "json") {
		var env struct {
			Message *string `json:"message"`
		}
		var str string
		switch {
		case json.Unmarshal(body, &env) == nil && env.Message != nil:
			return clip(cleanText(*env.Message), maxMessageRunes)
		case json.Unmarshal(body, &str) == nil:
			return clip(cleanText(str), maxMessageRunes)
		case json.Valid(body):
			return "(JSON error body without a message)"
		case jsonStartRe.Match(body):
			return "(malformed JSON error body)"
		}
	}
	text := string(body)
	if strings.Contains(strings.ToLower(contentType), "html") || tagRe.MatchString(text) {
		if m := titleRe.FindStringSubmatch(text); m != nil {
			if t := cleanText(html.UnescapeString(tagRe.ReplaceAllString(m[1], " "))); t != "" {
				return clip(t, maxSummaryRunes)
			}
		}
		text = html.UnescapeString(tagRe.ReplaceAllString(dropRe.ReplaceAllString(text, " "), " "))
	}
	return clip(cleanText(text), maxSummaryRunes)
}

// cleanText collapses whitespace and drops control and other non-printable characters, so a
// quoted message is one line and cannot carry terminal escape sequences.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case !unicode.IsPrint(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
