package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// apiError is an error response in the API's {"code","message"} envelope.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.msg) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{status: 400, msg: fmt.Sprintf(format, args...)}
}

// Messages the real API is documented to return.
const (
	msgDuplicateName   = "A token with the same name already exists!"
	msgNameRequired    = "Please provide a name for this token."
	msgScopesImmutable = "Authorization scopes cannot be updated"
	msgInvalidToken    = "Invalid token specified."
	msgUnauthorized    = "Unauthorized update."
	msgForbiddenRead   = "Unauthorized access. An org token can read only itself, and only with the API authorization scope."
	msgPrincipalID     = "A principalId is required and may not be empty for acl entry"
	msgActions         = "Actions are required and may not be empty for acl entry"
	modelName          = "sf.rest.shared.model.NamedToken"
	maxBodyBytes       = 1 << 20
	maxSecondsToExpiry = 5_676_000_000
	maxGraceSeconds    = 5_184_000
)

// deserializeError imitates Jackson's message for a value of the wrong
// type. path is a chain such as `["limits"]->Limits["dpmQuota"]`.
func deserializeError(path string) *apiError {
	return badRequest("Failed to deserialize payload at: %s%s", modelName, path)
}

func fieldPath(names ...string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString("->")
		}
		b.WriteString(n)
	}
	return b.String()
}

// tokenInput is a validated create or update body.
type tokenInput struct {
	name               *string // nil when missing or null
	description        string
	authScopes         []string // sorted, deduplicated
	authScopesSet      bool     // present and not null
	disabled           bool
	secondsUntilExpiry *int64
	limits             json.RawMessage // nil when missing or null
	notifications      []json.RawMessage
	permissions        json.RawMessage // nil when missing or null
	roles              []string
	extra              map[string]json.RawMessage
}

// knownFields are the token fields the emulator models. Read-only ones are
// ignored on input; anything else goes to tokenInput.extra.
var knownFields = map[string]bool{
	"name": true, "id": true, "description": true, "authScopes": true,
	"disabled": true, "secret": true, "expiry": true, "created": true,
	"creator": true, "lastUpdated": true, "lastUpdatedBy": true,
	"latestRotation": true, "orgId": true, "exceedingLimits": true,
	"limits": true, "notifications": true, "permissions": true, "roles": true,
	"secondsUntilExpiry": true,
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// decodeObject decodes a JSON object into its raw members.
func decodeObject(body []byte) (map[string]json.RawMessage, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("Failed to deserialize payload: No content to map due to end-of-input")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, badRequest("Failed to deserialize payload: %s", jacksonish(err))
	}
	if m == nil {
		return nil, badRequest("Failed to deserialize payload: Cannot deserialize instance of `%s` out of VALUE_NULL token", modelName)
	}
	return m, nil
}

func jacksonish(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("Unexpected character or end-of-input (%s) at offset %d", syn.Error(), syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("Cannot deserialize instance of `%s` out of %s token", modelName, strings.ToUpper(typ.Value))
	default:
		return err.Error()
	}
}

func parseString(raw json.RawMessage, path string) (string, *apiError) {
	if isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", deserializeError(path)
	}
	return s, nil
}

func parseBool(raw json.RawMessage, path string) (bool, *apiError) {
	if isNull(raw) {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return false, deserializeError(path)
	}
	return b, nil
}

// parseInt decodes an integer that fits in bits bits; null gives ok=false.
func parseInt(raw json.RawMessage, path string, bits int) (v int64, ok bool, e *apiError) {
	if isNull(raw) {
		return 0, false, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, false, deserializeError(path)
	}
	v, err := strconv.ParseInt(n.String(), 10, bits)
	if err != nil {
		// Jackson accepts integral floats such as 10.0 for integer fields.
		f, ferr := strconv.ParseFloat(n.String(), 64)
		if ferr != nil || f != math.Trunc(f) || f > math.MaxInt64 || f < math.MinInt64 {
			return 0, false, deserializeError(path)
		}
		v = int64(f)
		if bits < 64 && (v > 1<<(bits-1)-1 || v < -(1<<(bits-1))) {
			return 0, false, deserializeError(path)
		}
	}
	return v, true, nil
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return bytes.Clone(raw)
	}
	return b.Bytes()
}

// parseTokenBody decodes and validates a create or update body.
func (s *Server) parseTokenBody(body []byte) (*tokenInput, *apiError) {
	m, e := decodeObject(body)
	if e != nil {
		return nil, e
	}
	in := &tokenInput{}
	for k, raw := range m {
		if !knownFields[k] {
			if in.extra == nil {
				in.extra = make(map[string]json.RawMessage)
			}
			in.extra[k] = compact(raw)
		}
	}
	if raw, ok := m["name"]; ok && !isNull(raw) {
		name, e := parseString(raw, `["name"]`)
		if e != nil {
			return nil, e
		}
		in.name = &name
	}
	if raw := m["description"]; raw != nil {
		if in.description, e = parseString(raw, `["description"]`); e != nil {
			return nil, e
		}
	}
	if raw := m["disabled"]; raw != nil {
		if in.disabled, e = parseBool(raw, `["disabled"]`); e != nil {
			return nil, e
		}
	}
	if raw := m["authScopes"]; raw != nil && !isNull(raw) {
		if in.authScopes, e = parseScopes(raw); e != nil {
			return nil, e
		}
		in.authScopesSet = true
	}
	if raw := m["secondsUntilExpiry"]; raw != nil {
		v, ok, e := parseInt(raw, `["secondsUntilExpiry"]`, 64)
		if e != nil {
			return nil, e
		}
		if ok {
			if e := checkSecondsUntilExpiry(v); e != nil {
				return nil, e
			}
			in.secondsUntilExpiry = &v
		}
	}
	if raw := m["limits"]; raw != nil && !isNull(raw) {
		if in.limits, e = s.parseLimits(raw); e != nil {
			return nil, e
		}
	}
	if raw := m["notifications"]; raw != nil && !isNull(raw) {
		if in.notifications, e = parseNotifications(raw); e != nil {
			return nil, e
		}
	}
	if raw := m["permissions"]; raw != nil && !isNull(raw) {
		if in.permissions, e = parsePermissions(raw); e != nil {
			return nil, e
		}
	}
	if raw := m["roles"]; raw != nil && !isNull(raw) {
		if in.roles, e = parseRoles(raw); e != nil {
			return nil, e
		}
	}
	return in, nil
}

func checkSecondsUntilExpiry(v int64) *apiError {
	if v < 0 || v > maxSecondsToExpiry {
		return badRequest("secondsUntilExpiry must be between 0 and %d seconds (18 years), inclusive; got %d", int64(maxSecondsToExpiry), v)
	}
	return nil
}
