package emulator

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"sort"
)

// Token is the emulator's stored form of an org token. Times are
// milliseconds since the Unix epoch, as on the wire. Values returned by
// Server.Token are deep copies.
type Token struct {
	Name        string
	ID          string
	Description string
	// AuthScopes is kept sorted and without duplicates.
	AuthScopes []string
	Disabled   bool
	Secret     string
	// PreviousSecret is the secret replaced by the latest graceful rotation;
	// it authenticates until PreviousSecretValidUntil (exclusive). Empty when
	// there is none.
	PreviousSecret           string
	PreviousSecretValidUntil int64
	Expiry                   int64
	Created                  int64
	Creator                  string
	LastUpdated              int64
	LastUpdatedBy            string
	// LatestRotation is 0 until the first rotation; it is then rendered as
	// null.
	LatestRotation int64
	// Limits is the compacted JSON object last written, nil when never set
	// (or last set to null).
	Limits json.RawMessage
	// Notifications holds each compacted notification object as written.
	Notifications []json.RawMessage
	// Permissions is the compacted permissions object, nil for null.
	Permissions json.RawMessage
	// Roles holds the role titles (power, usage, read_only).
	Roles []string
	// Extra holds body fields the emulator does not model, echoed back as
	// written until a PUT leaves them out.
	Extra map[string]json.RawMessage
}

func (t *Token) clone() Token {
	c := *t
	c.AuthScopes = slices.Clone(t.AuthScopes)
	c.Limits = bytes.Clone(t.Limits)
	c.Notifications = cloneRaws(t.Notifications)
	c.Permissions = bytes.Clone(t.Permissions)
	c.Roles = slices.Clone(t.Roles)
	if t.Extra != nil {
		c.Extra = make(map[string]json.RawMessage, len(t.Extra))
		for k, v := range t.Extra {
			c.Extra[k] = bytes.Clone(v)
		}
	}
	return c
}

func cloneRaws(in []json.RawMessage) []json.RawMessage {
	if in == nil {
		return nil
	}
	out := make([]json.RawMessage, len(in))
	for i, v := range in {
		out[i] = bytes.Clone(v)
	}
	return out
}

// expired reports whether the token is past its expiry at nowMS.
func (t *Token) expired(nowMS int64) bool {
	return nowMS >= t.Expiry
}

// tokenJSON is the wire form of a token, in the field order of the API
// reference.
type tokenJSON struct {
	Name            string            `json:"name"`
	ID              string            `json:"id"`
	Description     string            `json:"description"`
	AuthScopes      []string          `json:"authScopes"`
	Disabled        bool              `json:"disabled"`
	Secret          string            `json:"secret"`
	Expiry          int64             `json:"expiry"`
	Created         int64             `json:"created"`
	Creator         string            `json:"creator"`
	LastUpdated     int64             `json:"lastUpdated"`
	LastUpdatedBy   string            `json:"lastUpdatedBy"`
	LatestRotation  *int64            `json:"latestRotation"`
	OrgID           string            `json:"orgId"`
	ExceedingLimits bool              `json:"exceedingLimits"`
	Limits          json.RawMessage   `json:"limits,omitempty"`
	Notifications   []json.RawMessage `json:"notifications"`
	Permissions     json.RawMessage   `json:"permissions"`
	Roles           []json.RawMessage `json:"roles"`
}

// roleJSON is the wire form of a role in a token response.
type roleJSON struct {
	ID             string          `json:"id"`
	Title          string          `json:"title"`
	Description    string          `json:"description"`
	Capabilities   json.RawMessage `json:"capabilities"`
	Created        int64           `json:"created"`
	Creator        *string         `json:"creator"`
	Immutable      bool            `json:"immutable"`
	LastUpdated    int64           `json:"lastUpdated"`
	LastUpdatedBy  *string         `json:"lastUpdatedBy"`
	OrganizationID string          `json:"organizationId"`
}

var roleDescriptions = map[string]struct{ id, description string }{
	"power":     {"EMUROLEPWR0", "Power users can create and edit most content."},
	"usage":     {"EMUROLEUSG0", "Usage users can view usage and subscription data."},
	"read_only": {"EMUROLERO00", "Read-only users can view content."},
}

func renderRoles(orgID string) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(roleDescriptions))
	for title, d := range roleDescriptions {
		b, err := json.Marshal(roleJSON{
			ID: d.id, Title: title, Description: d.description,
			Capabilities: json.RawMessage("[]"), Immutable: true, OrganizationID: orgID,
		})
		if err != nil {
			panic(err) // static data; cannot fail
		}
		out[title] = b
	}
	return out
}

// appendToken appends the wire form of t to buf. The caller holds s.mu.
func (s *Server) appendToken(buf []byte, t *Token) []byte {
	out := tokenJSON{
		Name: t.Name, ID: t.ID, Description: t.Description,
		AuthScopes: t.AuthScopes, Disabled: t.Disabled, Secret: t.Secret,
		Expiry: t.Expiry, Created: t.Created, Creator: t.Creator,
		LastUpdated: t.LastUpdated, LastUpdatedBy: t.LastUpdatedBy,
		OrgID: s.opts.OrgID, Limits: t.Limits, Notifications: t.Notifications,
		Permissions: t.Permissions, Roles: make([]json.RawMessage, 0, len(t.Roles)),
	}
	if out.AuthScopes == nil {
		out.AuthScopes = []string{}
	}
	if t.LatestRotation != 0 {
		lr := t.LatestRotation
		out.LatestRotation = &lr
	}
	if out.Limits == nil {
		switch s.opts.UnsetLimits {
		case UnsetLimitsNull:
			out.Limits = json.RawMessage("null")
		case UnsetLimitsEmpty:
			out.Limits = json.RawMessage("{}")
		}
	}
	if out.Notifications == nil {
		out.Notifications = []json.RawMessage{}
	}
	for _, title := range t.Roles {
		out.Roles = append(out.Roles, s.roles[title])
	}
	b, err := json.Marshal(out)
	if err != nil {
		// Every raw field was compacted from valid JSON; this cannot happen.
		panic("emulator: rendering token: " + err.Error())
	}
	if len(t.Extra) == 0 {
		return append(buf, b...)
	}
	buf = append(buf, b[:len(b)-1]...)
	keys := slices.Collect(maps.Keys(t.Extra))
	sort.Strings(keys)
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		buf = append(buf, ',')
		buf = append(buf, kb...)
		buf = append(buf, ':')
		buf = append(buf, t.Extra[k]...)
	}
	return append(buf, '}')
}
