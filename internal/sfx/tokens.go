package sfx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Route templates, as they appear in errors and logs.
const (
	routeTokens = "/v2/token"
	routeToken  = "/v2/token/{name}"
	routeRotate = "/v2/token/{name}/rotate"
)

// RotateOptions are the query parameters of a rotation.
type RotateOptions struct {
	// GracePeriodSeconds is how long the old secret keeps working (the "graceful" query
	// parameter, always sent). 0 revokes it at once; the API allows up to 5,184,000 (60 days).
	GracePeriodSeconds int64
	// SecondsUntilExpiry, when non-nil, sets the new secret's lifetime; when nil the
	// organization's default lifetime applies. The API documents 0 to 5,676,000,000 (and, in words, at most 18 years: 567,648,000).
	SecondsUntilExpiry *int64
}

// CreateToken creates a token from the writable fields of t and returns the token the API
// answers with, secret included.
//
// It is retried only after a 429, which applied nothing: a repeat of a create that reached
// the server fails with a name clash. When the error satisfies IsAmbiguous the token may
// exist: look it up with GetToken.
func (c *Client) CreateToken(ctx context.Context, t *Token) (*Token, error) {
	if t == nil || t.Name == "" {
		return nil, fmt.Errorf("sfx: CreateToken needs a token with a name: %w", ErrInvalidArgument)
	}
	body, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("sfx: encoding token %q: %w", t.Name, err)
	}
	return c.tokenCall(ctx, &request{
		method: http.MethodPost, route: routeTokens, name: t.Name, path: routeTokens,
		body: body, policy: retryRateLimited, want: []int{http.StatusOK, http.StatusCreated},
	})
}

// GetToken returns the token with the given name. A missing token is an error for which
// IsNotFound is true.
func (c *Client) GetToken(ctx context.Context, name string) (*Token, error) {
	if name == "" {
		return nil, fmt.Errorf("sfx: GetToken needs a token name: %w", ErrInvalidArgument)
	}
	return c.tokenCall(ctx, &request{
		method: http.MethodGet, route: routeToken, name: name, path: tokenPath(name),
		policy: retryIdempotent, want: []int{http.StatusOK},
	})
}

// UpdateToken replaces the writable fields of the token called name with those of t and
// returns the updated token. A t.Name different from name renames the token. Fields the
// package does not model are sent from t.Extra, so update a token read with GetToken rather
// than one built from scratch, or they are lost.
//
// A plain update is retried like any idempotent request. A rename is retried only after
// failures that certainly left the token untouched, because a repeated rename answers 404.
func (c *Client) UpdateToken(ctx context.Context, name string, t *Token) (*Token, error) {
	if name == "" || t == nil || t.Name == "" {
		return nil, fmt.Errorf("sfx: UpdateToken needs a token name and a token with a name: %w", ErrInvalidArgument)
	}
	body, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("sfx: encoding token %q: %w", t.Name, err)
	}
	policy := retryIdempotent
	if t.Name != name {
		policy = retryUnapplied
	}
	return c.tokenCall(ctx, &request{
		method: http.MethodPut, route: routeToken, name: name, path: tokenPath(name),
		body: body, policy: policy, want: []int{http.StatusOK},
	})
}

// DeleteToken deletes the token with the given name. The API answers 204; 200 is accepted
// too. A missing token is an error for which IsNotFound is true; after a retry this can also
// mean an earlier attempt deleted it.
func (c *Client) DeleteToken(ctx context.Context, name string) error {
	if name == "" {
		return fmt.Errorf("sfx: DeleteToken needs a token name: %w", ErrInvalidArgument)
	}
	_, _, err := c.do(ctx, &request{
		method: http.MethodDelete, route: routeToken, name: name, path: tokenPath(name),
		policy: retryIdempotent, want: []int{http.StatusNoContent, http.StatusOK},
	})
	return err
}

// RotateToken gives the token a new secret and returns the token with it.
//
// It is retried only after a 429, which applied nothing: a repeated rotation would replace
// the secret of the first one, which is already in force and would be lost. When the error
// satisfies IsAmbiguous, compare the token's LatestRotation from GetToken with its value
// before the call.
func (c *Client) RotateToken(ctx context.Context, name string, opts RotateOptions) (*Token, error) {
	if name == "" {
		return nil, fmt.Errorf("sfx: RotateToken needs a token name: %w", ErrInvalidArgument)
	}
	if opts.GracePeriodSeconds < 0 || (opts.SecondsUntilExpiry != nil && *opts.SecondsUntilExpiry < 0) {
		return nil, fmt.Errorf("sfx: RotateToken needs non-negative durations: %w", ErrInvalidArgument)
	}
	query := "graceful=" + strconv.FormatInt(opts.GracePeriodSeconds, 10)
	if opts.SecondsUntilExpiry != nil {
		query += "&secondsUntilExpiry=" + strconv.FormatInt(*opts.SecondsUntilExpiry, 10)
	}
	return c.tokenCall(ctx, &request{
		method: http.MethodPost, route: routeRotate, name: name, path: tokenPath(name) + "/rotate",
		query: query, policy: retryRateLimited, want: []int{http.StatusOK},
	})
}

// tokenCall runs a request whose success body is one token.
func (c *Client) tokenCall(ctx context.Context, r *request) (*Token, error) {
	status, body, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var t Token
	if err := json.Unmarshal(body, &t); err != nil {
		return nil, decodeError(r, status, err)
	}
	if t.Name == "" {
		return nil, &DecodeError{
			StatusCode: status, Method: r.method, Route: r.route, Name: r.name,
			Reason: "the response is not a token (it has no name)",
		}
	}
	return &t, nil
}

// decodeError describes a JSON decoding failure by position or field, never by content:
// the body holds secrets.
func decodeError(r *request, status int, err error) *DecodeError {
	reason := "the response body is malformed JSON"
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		reason += " (syntax error at byte offset " + strconv.FormatInt(se.Offset, 10) + ")"
	} else if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		reason += fmt.Sprintf(" (unexpected %s value", jsonKind(te.Value))
		if te.Field != "" {
			reason += fmt.Sprintf(" for field %q", te.Field)
		}
		reason += ")"
	}
	return &DecodeError{StatusCode: status, Method: r.method, Route: r.route, Name: r.name, Reason: reason}
}

// jsonKind reduces a json.UnmarshalTypeError value description ("number 12", "string") to
// its kind, dropping the literal.
func jsonKind(v string) string {
	for _, k := range []string{"string", "number", "bool", "array", "object"} {
		if len(v) >= len(k) && v[:len(k)] == k {
			return k
		}
	}
	return "JSON"
}

// escapeSegment escapes a token name as one path segment, exactly once: url.PathEscape,
// which turns "/" into %2F, "%" into %25, "?" into %3F and a space into %20. The names "."
// and ".." are sent as %2E and %2E%2E, because as literal dot segments servers and proxies
// would resolve them to another path.
func escapeSegment(name string) string {
	switch name {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(name)
}

// tokenPath returns the escaped path of the token called name.
func tokenPath(name string) string { return routeTokens + "/" + escapeSegment(name) }
