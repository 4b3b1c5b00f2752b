package emulator

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 20
	maxSearchResult = 10_000
)

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return nil, badRequest("Failed to deserialize payload: %v", err)
	}
	return body, nil
}

func notFound(name string) *apiError {
	return &apiError{http.StatusNotFound, fmt.Sprintf("Token %q not found", name)}
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request, p principal) {
	body, e := readBody(w, r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	in, e := s.parseTokenBody(body)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	if in.name == nil || *in.name == "" {
		writeAPIError(w, badRequest(msgNameRequired))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.tokens[*in.name]; dup {
		writeAPIError(w, badRequest(msgDuplicateName))
		return
	}
	now := s.clock.Now().UnixMilli()
	t := &Token{
		Name: *in.name, Description: in.description, Disabled: in.disabled,
		Limits: in.limits, Notifications: in.notifications,
		Permissions: in.permissions, Roles: in.roles, Extra: in.extra,
	}
	if in.authScopesSet {
		t.AuthScopes = in.authScopes
	}
	s.fillServerFields(t, now, p.user)
	if in.secondsUntilExpiry != nil {
		t.Expiry = now + *in.secondsUntilExpiry*1000
	}
	s.insert(t)
	writeJSON(w, http.StatusOK, s.appendToken(nil, t))
}

func (s *Server) handleGet(w http.ResponseWriter, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[name]
	if !ok {
		writeAPIError(w, notFound(name))
		return
	}
	writeJSON(w, http.StatusOK, s.appendToken(nil, t))
}

// handleUpdate replaces every writable field of the token with the body's
// values; a field left out takes its empty value.
func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request, p principal, name string) {
	body, e := readBody(w, r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	in, e := s.parseTokenBody(body)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	if in.name == nil || *in.name == "" {
		writeAPIError(w, badRequest(msgNameRequired))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[name]
	if !ok {
		writeAPIError(w, notFound(name))
		return
	}
	if in.authScopesSet && !slices.Equal(in.authScopes, t.AuthScopes) {
		writeAPIError(w, badRequest(msgScopesImmutable))
		return
	}
	if newName := *in.name; newName != t.Name {
		if _, clash := s.tokens[newName]; clash {
			writeAPIError(w, badRequest(msgDuplicateName))
			return
		}
		s.remove(t)
		t.Name = newName
		s.insert(t)
	}
	now := s.clock.Now().UnixMilli()
	t.Description = in.description
	t.Disabled = in.disabled
	t.Limits = in.limits
	t.Notifications = in.notifications
	t.Permissions = in.permissions
	t.Roles = in.roles
	if len(t.Roles) == 0 {
		t.Roles = s.defaultRoles(t.AuthScopes)
	}
	t.Extra = in.extra
	if in.secondsUntilExpiry != nil {
		t.Expiry = now + *in.secondsUntilExpiry*1000
	}
	t.LastUpdated = now
	t.LastUpdatedBy = p.user
	writeJSON(w, http.StatusOK, s.appendToken(nil, t))
}

func (s *Server) handleDelete(w http.ResponseWriter, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[name]
	if !ok {
		writeAPIError(w, notFound(name))
		return
	}
	s.remove(t)
	w.WriteHeader(http.StatusNoContent)
}

// queryInt parses an integer query parameter; ok is false when it is absent,
// empty or not an integer.
func queryInt(q url.Values, key string) (v int64, present, ok bool) {
	raw := q.Get(key)
	if raw == "" {
		return 0, false, false
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	return v, true, err == nil
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request, p principal) {
	q, _ := url.ParseQuery(r.URL.RawQuery) // keep what parsed, as lenient servers do
	filter := q.Get("name")
	offset, _, ok := queryInt(q, "offset")
	if !ok || offset < 0 {
		offset = 0
	}
	limit, _, ok := queryInt(q, "limit")
	if !ok || limit <= 0 {
		limit = defaultPageSize
	}
	if s.opts.MaxPageSize > 0 && limit > int64(s.opts.MaxPageSize) {
		limit = int64(s.opts.MaxPageSize)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	names := s.sortedNames()
	if p.kind == principalOrgToken {
		names = nil
		if _, ok := s.tokens[p.tokenName]; ok {
			names = []string{p.tokenName}
		}
	}
	if filter != "" {
		matched := make([]string, 0, 16)
		for _, n := range names {
			if strings.Contains(n, filter) {
				matched = append(matched, n)
			}
		}
		names = matched
	}
	total := min(len(names), maxSearchResult)
	end := min(int64(total), offset+limit)
	buf := make([]byte, 0, 1024)
	buf = append(buf, `{"count":`...)
	buf = strconv.AppendInt(buf, int64(total), 10)
	buf = append(buf, `,"results":[`...)
	for i := offset; i < end; i++ {
		if i > offset {
			buf = append(buf, ',')
		}
		buf = s.appendToken(buf, s.tokens[names[i]])
	}
	buf = append(buf, "]}"...)
	writeJSON(w, http.StatusOK, buf)
}

func (s *Server) handleRotate(w http.ResponseWriter, r *http.Request, p principal, name string) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxBodyBytes)) // a body is accepted and ignored
	q, _ := url.ParseQuery(r.URL.RawQuery)
	grace, present, ok := queryInt(q, "graceful")
	if present && (!ok || grace < 0 || grace > maxGraceSeconds) {
		writeAPIError(w, badRequest("graceful must be between 0 and %d seconds (60 days), inclusive; got %q", maxGraceSeconds, q.Get("graceful")))
		return
	}
	secs, present, ok := queryInt(q, "secondsUntilExpiry")
	if present && !ok {
		writeAPIError(w, badRequest("secondsUntilExpiry must be between 0 and %d seconds (18 years), inclusive; got %q", int64(maxSecondsToExpiry), q.Get("secondsUntilExpiry")))
		return
	}
	if present {
		if e := checkSecondsUntilExpiry(secs); e != nil {
			writeAPIError(w, e)
			return
		}
	} else {
		secs = int64(s.opts.DefaultLifetime.Seconds())
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	t, found := s.tokens[name]
	if !found {
		writeAPIError(w, notFound(name))
		return
	}
	now := s.clock.Now().UnixMilli()
	if t.expired(now) {
		writeAPIError(w, &apiError{s.opts.ExpiredRotateStatus, fmt.Sprintf("Token %q is past its expiration date and cannot be rotated", name)})
		return
	}
	if t.PreviousSecret != "" {
		delete(s.bySecret, t.PreviousSecret)
		t.PreviousSecret, t.PreviousSecretValidUntil = "", 0
	}
	if grace > 0 {
		t.PreviousSecret = t.Secret
		t.PreviousSecretValidUntil = now + grace*1000
	} else {
		delete(s.bySecret, t.Secret)
	}
	t.Secret = s.newSecret()
	s.bySecret[t.Secret] = t.Name
	t.LatestRotation = now
	t.Expiry = now + secs*1000
	t.LastUpdated = now
	t.LastUpdatedBy = p.user
	writeJSON(w, http.StatusOK, s.appendToken(nil, t))
}
