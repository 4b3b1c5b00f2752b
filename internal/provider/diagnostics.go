package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

// errorDetail explains an API failure in a sentence that names the token and says what to
// do. The client's errors never carry a secret or the auth token, so they can be shown. It
// ends a sentence, so callers append theirs after a space.
func errorDetail(action, name string, err error) string {
	var apiErr *sfx.APIError
	if errors.As(err, &apiErr) && (apiErr.StatusCode == 401 || apiErr.StatusCode == 403) {
		// The client's error already says which kind of token is needed; say where it is set.
		return fmt.Sprintf("SignalFx refused to %s org token %q: %s. Check the provider's auth_token, or the %s environment variable.",
			action, name, err, envAuthToken)
	}
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests {
		lead := sentence(fmt.Sprintf("Could not %s org token %q: %s", action, name, err))
		switch budget := int64(apiErr.RateLimitTimeout / time.Second); {
		case budget == 0:
			return lead + " SignalFx's rate limit refused it, and 429s are not retried because the provider's " +
				"rate_limit_timeout_seconds is 0: set it above 0, lower terraform's -parallelism, or run again later."
		case apiErr.Attempts > 1:
			return lead + fmt.Sprintf(" SignalFx's rate limit refused it for the whole of the provider's rate_limit_timeout_seconds (%d): "+
				"raise it, lower terraform's -parallelism, or run again later.", budget)
		}
		return lead + " SignalFx's rate limit refused it, and the run was interrupted before a retry: run again later."
	}
	detail := sentence(fmt.Sprintf("Could not %s org token %q: %s", action, name, err))
	if reqErr, ok := errors.AsType[*sfx.RequestError](err); ok && timedOut(reqErr.Err) {
		detail += " SignalFx did not answer within the provider's timeout_seconds: raise it if the API is slow."
	}
	return detail
}

// timedOut reports whether err is a timeout of one attempt (not a cancellation).
func timedOut(err error) bool {
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// sentence ends s with a full stop unless it already ends a sentence.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// importBlock is the HCL a user pastes to adopt an existing token named name.
func importBlock(name string) string {
	return "import {\n  to = signalfx_org_token.<resource name>\n  id = " + hclQuote(name) + "\n}"
}

// hclQuote writes s as an HCL string literal that evaluates back to s.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
