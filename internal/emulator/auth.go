package emulator

import (
	"net/http"
	"slices"
)

type principalKind int

const (
	principalAdmin principalKind = iota
	principalPower
	principalOrgToken
)

// principal is who a request authenticated as.
type principal struct {
	kind      principalKind
	user      string // session user id; empty for org tokens
	tokenName string // org token name
	apiScope  bool   // org token has the API scope
}

// authHeader is the SignalFx auth header; http.Header matches it
// case-insensitively (X-Sf-Token, X-SF-Token, ...).
const authHeader = "X-SF-TOKEN"

func (s *Server) authenticate(r *http.Request) (principal, *apiError) {
	secret := r.Header.Get(authHeader)
	if secret == "" {
		return principal{}, &apiError{http.StatusUnauthorized, msgInvalidToken}
	}
	if user, ok := s.opts.AdminTokens[secret]; ok {
		return principal{kind: principalAdmin, user: user}, nil
	}
	if user, ok := s.opts.PowerTokens[secret]; ok {
		return principal{kind: principalPower, user: user}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.orgTokenFor(secret)
	if t == nil {
		return principal{}, &apiError{http.StatusUnauthorized, msgInvalidToken}
	}
	return principal{kind: principalOrgToken, tokenName: t.Name, apiScope: slices.Contains(t.AuthScopes, "API")}, nil
}

// orgTokenFor returns the token that secret currently authenticates, or nil
// when secret is unknown, past its rotation grace period, or belongs to a
// disabled or expired token. The caller holds s.mu.
func (s *Server) orgTokenFor(secret string) *Token {
	name, ok := s.bySecret[secret]
	if !ok {
		return nil
	}
	t := s.tokens[name]
	now := s.clock.Now().UnixMilli()
	if secret != t.Secret {
		// secret is t.PreviousSecret; bySecret holds no other kind.
		if now >= t.PreviousSecretValidUntil {
			return nil
		}
	}
	if t.Disabled || t.expired(now) {
		return nil
	}
	return t
}

// Authenticates reports whether secret is a currently valid org-token
// secret: the current secret, or the previous one within its rotation
// grace period, of a token that is neither disabled nor expired.
func (s *Server) Authenticates(secret string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.orgTokenFor(secret) != nil
}

// authorize decides whether p may call route on the named token.
func authorize(p principal, route, name string) *apiError {
	write := route == RouteCreate || route == RouteUpdate || route == RouteDelete || route == RouteRotate
	switch p.kind {
	case principalAdmin:
		return nil
	case principalPower:
		if write {
			return &apiError{http.StatusForbidden, msgUnauthorized}
		}
		return nil
	}
	switch {
	case !p.apiScope:
		return &apiError{http.StatusForbidden, msgForbiddenRead}
	case write:
		return &apiError{http.StatusForbidden, msgUnauthorized}
	case route == RouteGet && name != p.tokenName:
		return &apiError{http.StatusForbidden, msgForbiddenRead}
	}
	return nil
}
