package provider

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

// TestErrorDetail: each failure says what happened and what to change, in sentences that
// end once (the API's messages end with full stops of their own).
func TestErrorDetail(t *testing.T) {
	t.Parallel()
	rateLimited := func(attempts int, budget time.Duration) error {
		return &sfx.APIError{StatusCode: http.StatusTooManyRequests, Method: "POST", Route: "/v2/token", Name: "t",
			Message: "Rate limit exceeded.", Attempts: attempts, Elapsed: budget, RateLimitTimeout: budget}
	}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"429 after the budget", rateLimited(7, 300*time.Second),
			"refused it for the whole of the provider's rate_limit_timeout_seconds (300): raise it, lower terraform's -parallelism, or run again later."},
		{"429 with retries off", rateLimited(1, 0),
			"429s are not retried because the provider's rate_limit_timeout_seconds is 0: set it above 0"},
		{"429 interrupted", rateLimited(1, time.Minute), "the run was interrupted before a retry: run again later."},
		{"timeout", &sfx.RequestError{Method: "GET", Route: "/v2/token/{name}", Name: "t", Sent: true, Err: context.DeadlineExceeded},
			"did not answer within the provider's timeout_seconds: raise it if the API is slow."},
		{"plain", &sfx.APIError{StatusCode: 400, Method: "POST", Route: "/v2/token", Name: "t", Message: "A token with the same name already exists!"},
			"400 Bad Request: A token with the same name already exists!"},
	} {
		got := errorDetail("create", "t", tt.err)
		if !strings.Contains(got, tt.want) || strings.Contains(got, "..") || strings.Contains(got, "!.") {
			t.Errorf("%s: %q\nwant it to contain %q, with no doubled stops", tt.name, got, tt.want)
		}
	}
}
