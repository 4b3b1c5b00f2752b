package sfx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Authorization scopes a token can carry. RUM cannot be combined with the others.
const (
	ScopeAPI    = "API"
	ScopeIngest = "INGEST"
	ScopeRUM    = "RUM"
)

// Token is an org token as the API returns it.
//
// Fields the API sends that this package does not model are kept in Extra and sent back
// unchanged by UpdateToken, so a read-modify-write never drops them. Read-only fields
// (ID, Secret, Expiry, ...) are never sent: see MarshalJSON.
type Token struct {
	Name          string
	ID            string
	Description   string
	AuthScopes    []string
	Disabled      bool
	Secret        string
	Limits        *Limits
	Notifications []Notification
	Permissions   *Permissions

	// Times are milliseconds since the Unix epoch; 0 means the API sent none.
	Expiry         int64
	Created        int64
	LastUpdated    int64
	LatestRotation int64

	Creator         string
	LastUpdatedBy   string
	OrgID           string
	ExceedingLimits bool

	// SecondsUntilExpiry is write-only: when non-nil it is sent on create and update and
	// sets the token's expiry. The API never returns it.
	SecondsUntilExpiry *int64

	// Extra holds the fields of the API's token object that this package does not model.
	Extra map[string]json.RawMessage
}

// String formats the token with its secret and any notification secret masked, and the
// unmodelled fields (Extra) by their keys alone, so that printing or logging a Token cannot
// leak a secret, whichever field holds it.
func (t Token) String() string {
	type plain Token // no methods: formatting it does not recurse into String
	p := plain(t)
	p.Secret = mask(p.Secret)
	p.Extra = nil
	keys := slices.Sorted(maps.Keys(t.Extra))
	if len(p.Notifications) > 0 {
		p.Notifications = append([]Notification(nil), p.Notifications...)
		for i := range p.Notifications {
			p.Notifications[i].Secret = mask(p.Notifications[i].Secret)
			for _, k := range slices.Sorted(maps.Keys(p.Notifications[i].Extra)) {
				keys = append(keys, fmt.Sprintf("notifications[%d].%s", i, k))
			}
			p.Notifications[i].Extra = nil
		}
	}
	s := fmt.Sprintf("%+v", p)
	if len(keys) > 0 {
		s += fmt.Sprintf(" (unmodelled fields, values not shown: %s)", strings.Join(keys, ", "))
	}
	return s
}

// GoString is String for the %#v verb.
func (t Token) GoString() string { return t.String() }

// tokenFields lists the JSON keys Token models; every other key lands in Extra.
var tokenFields = map[string]bool{
	"name": true, "id": true, "description": true, "authScopes": true, "disabled": true,
	"secret": true, "limits": true, "notifications": true, "permissions": true,
	"expiry": true, "created": true, "lastUpdated": true, "latestRotation": true,
	"creator": true, "lastUpdatedBy": true, "orgId": true, "exceedingLimits": true,
	"secondsUntilExpiry": true,
}

type tokenWire struct {
	Name               string          `json:"name"`
	ID                 string          `json:"id,omitempty"`
	Description        *string         `json:"description,omitempty"`
	AuthScopes         []string        `json:"authScopes,omitempty"`
	Disabled           *bool           `json:"disabled,omitempty"`
	Secret             string          `json:"secret,omitempty"`
	Limits             *Limits         `json:"limits,omitempty"`
	Notifications      []Notification  `json:"notifications,omitempty"`
	Permissions        json.RawMessage `json:"permissions,omitempty"`
	Expiry             *int64          `json:"expiry,omitempty"`
	Created            *int64          `json:"created,omitempty"`
	LastUpdated        *int64          `json:"lastUpdated,omitempty"`
	LatestRotation     *int64          `json:"latestRotation,omitempty"`
	Creator            *string         `json:"creator,omitempty"`
	LastUpdatedBy      *string         `json:"lastUpdatedBy,omitempty"`
	OrgID              *string         `json:"orgId,omitempty"`
	ExceedingLimits    *bool           `json:"exceedingLimits,omitempty"`
	SecondsUntilExpiry *int64          `json:"secondsUntilExpiry,omitempty"`
}

// UnmarshalJSON decodes an API token, tolerating nulls for every field.
func (t *Token) UnmarshalJSON(data []byte) error {
	w, extra, err := decodeWithExtra[tokenWire](data, tokenFields)
	if err != nil {
		return err
	}
	*t = Token{
		Name:            w.Name,
		ID:              w.ID,
		Description:     deref(w.Description),
		AuthScopes:      w.AuthScopes,
		Disabled:        deref(w.Disabled),
		Secret:          w.Secret,
		Limits:          w.Limits,
		Notifications:   w.Notifications,
		Expiry:          deref(w.Expiry),
		Created:         deref(w.Created),
		LastUpdated:     deref(w.LastUpdated),
		LatestRotation:  deref(w.LatestRotation),
		Creator:         deref(w.Creator),
		LastUpdatedBy:   deref(w.LastUpdatedBy),
		OrgID:           deref(w.OrgID),
		ExceedingLimits: deref(w.ExceedingLimits),
	}
	if len(w.Permissions) > 0 && !bytes.Equal(bytes.TrimSpace(w.Permissions), []byte("null")) {
		var p Permissions
		if err := json.Unmarshal(w.Permissions, &p); err != nil {
			return fmt.Errorf("permissions: %w", err)
		}
		t.Permissions = &p
	}
	t.Extra = extra
	return nil
}

// MarshalJSON encodes the request body for create and update: the writable fields, always
// including "disabled" (false re-enables a token) and "permissions" (null means admin-only),
// plus every unmodelled field in Extra. Read-only fields are left out.
func (t Token) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(t.Extra)+9)
	for k, v := range t.Extra {
		out[k] = v
	}
	out["name"] = t.Name
	out["description"] = t.Description
	if len(t.AuthScopes) > 0 {
		out["authScopes"] = t.AuthScopes
	}
	out["disabled"] = t.Disabled
	if t.Limits != nil {
		out["limits"] = t.Limits
	}
	notifications := t.Notifications
	if notifications == nil {
		notifications = []Notification{}
	}
	out["notifications"] = notifications
	out["permissions"] = t.Permissions
	if t.SecondsUntilExpiry != nil {
		out["secondsUntilExpiry"] = *t.SecondsUntilExpiry
	}
	return json.Marshal(out)
}

// Limits are a token's usage quotas and rate limits. Nil fields are unset.
type Limits struct {
	DPMQuota                      *int64          `json:"-"`
	DPMNotificationThreshold      *int64          `json:"-"`
	CategoryQuota                 *CategoryLimits `json:"-"`
	CategoryNotificationThreshold *CategoryLimits `json:"-"`
	EventSearchesPerMinute        *int64          `json:"-"`
	JobsPerMinuteLimit            *int64          `json:"-"`

	// Extra holds unmodelled keys of the limits object (mtsmLimit, for example).
	Extra map[string]json.RawMessage `json:"-"`
}

type limitsWire struct {
	DPMQuota                      *int64          `json:"dpmQuota,omitempty"`
	DPMNotificationThreshold      *int64          `json:"dpmNotificationThreshold,omitempty"`
	CategoryQuota                 *CategoryLimits `json:"categoryQuota,omitempty"`
	CategoryNotificationThreshold *CategoryLimits `json:"categoryNotificationThreshold,omitempty"`
	EventSearchesPerMinute        *int64          `json:"eventSearchesPerMinute,omitempty"`
	JobsPerMinuteLimit            *int64          `json:"jobsPerMinuteLimit,omitempty"`
}

var limitsFields = jsonKeys(reflect.TypeFor[limitsWire]())

// UnmarshalJSON decodes the limits object, keeping unmodelled keys in Extra.
func (l *Limits) UnmarshalJSON(data []byte) error {
	w, extra, err := decodeWithExtra[limitsWire](data, limitsFields)
	if err != nil {
		return err
	}
	*l = Limits{
		DPMQuota: w.DPMQuota, DPMNotificationThreshold: w.DPMNotificationThreshold,
		CategoryQuota: w.CategoryQuota, CategoryNotificationThreshold: w.CategoryNotificationThreshold,
		EventSearchesPerMinute: w.EventSearchesPerMinute, JobsPerMinuteLimit: w.JobsPerMinuteLimit,
	}
	l.Extra = extra
	return nil
}

// MarshalJSON encodes the set fields and every unmodelled key.
func (l Limits) MarshalJSON() ([]byte, error) {
	return withExtra(limitsWire{
		DPMQuota: l.DPMQuota, DPMNotificationThreshold: l.DPMNotificationThreshold,
		CategoryQuota: l.CategoryQuota, CategoryNotificationThreshold: l.CategoryNotificationThreshold,
		EventSearchesPerMinute: l.EventSearchesPerMinute, JobsPerMinuteLimit: l.JobsPerMinuteLimit,
	}, l.Extra)
}

// CategoryLimits are per-category quotas or thresholds, keyed on the wire by category number.
type CategoryLimits struct {
	Hosts          *int64 `json:"1,omitempty"`
	Containers     *int64 `json:"2,omitempty"`
	CustomMetrics  *int64 `json:"3,omitempty"`
	HighResMetrics *int64 `json:"4,omitempty"`
}

// Notification is one recipient of a token's limit notifications. Which fields apply
// depends on Type (see NotificationTypes).
type Notification struct {
	Type           string `json:"type"`
	Email          string `json:"email,omitempty"`
	CredentialID   string `json:"credentialId,omitempty"`
	CredentialName string `json:"credentialName,omitempty"`
	Channel        string `json:"channel,omitempty"`
	Team           string `json:"team,omitempty"`
	RoutingKey     string `json:"routingKey,omitempty"`
	URL            string `json:"url,omitempty"`
	Secret         string `json:"secret,omitempty"`
	ResponderName  string `json:"responderName,omitempty"`
	ResponderID    string `json:"responderId,omitempty"`
	ResponderType  string `json:"responderType,omitempty"`

	// Extra holds the keys of the API's notification object that this package does not
	// model, such as the cc and bcc of an Email notification set in the UI, so that an update
	// can send them back (see SameRecipient).
	Extra map[string]json.RawMessage `json:"-"`
}

// notificationWire is Notification without its methods; Extra is not encoded.
type notificationWire Notification

var notificationFields = jsonKeys(reflect.TypeFor[notificationWire]())

// UnmarshalJSON decodes a notification, keeping unmodelled keys in Extra.
func (n *Notification) UnmarshalJSON(data []byte) error {
	w, extra, err := decodeWithExtra[notificationWire](data, notificationFields)
	if err != nil {
		return err
	}
	*n = Notification(w)
	n.Extra = extra
	return nil
}

// MarshalJSON encodes the set fields and every unmodelled key.
func (n Notification) MarshalJSON() ([]byte, error) {
	w := notificationWire(n)
	w.Extra = nil
	return withExtra(w, n.Extra)
}

// SameRecipient reports whether n and o notify the same recipient the same way: every
// modelled field but the secret (which the API may not echo) is equal. An update carries a
// notification's Extra over from the current one with the same recipient.
func (n Notification) SameRecipient(o Notification) bool {
	n.Secret, o.Secret, n.Extra, o.Extra = "", "", nil, nil
	return reflect.DeepEqual(n, o)
}

// Permissions is a token's access control list. A nil *Permissions means admin-only.
type Permissions struct {
	ACL []ACLEntry `json:"acl"`
}

// MarshalJSON adds the always-null "parent" the API expects.
func (p Permissions) MarshalJSON() ([]byte, error) {
	acl := p.ACL
	if acl == nil {
		acl = []ACLEntry{}
	}
	return json.Marshal(struct {
		ACL    []ACLEntry `json:"acl"`
		Parent *string    `json:"parent"`
	}{ACL: acl})
}

// ACLEntry grants a principal the given actions (READ, WRITE) on a token.
type ACLEntry struct {
	PrincipalID   string   `json:"principalId"`
	PrincipalType string   `json:"principalType"`
	Actions       []string `json:"actions"`
}

// splitObject splits a JSON object into the members whose keys are in known, re-encoded as
// an object for decoding into a wire struct, and the other members (nil when none). Keys
// match exactly: encoding/json on its own would also decode "Name" into the field for
// "name", and the member would then be both decoded and kept in Extra. JSON null
// yields an empty object.
func splitObject(data []byte, known map[string]bool) ([]byte, map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, nil, err
	}
	var extra map[string]json.RawMessage
	for k, v := range all {
		if !known[k] {
			if extra == nil {
				extra = map[string]json.RawMessage{}
			}
			extra[k] = v
			delete(all, k)
		}
	}
	if all == nil {
		return []byte("{}"), nil, nil
	}
	b, err := json.Marshal(all)
	return b, extra, err
}

// decodeWithExtra decodes the object data into W, whose JSON keys are known, and returns the
// other keys as they came.
func decodeWithExtra[W any](data []byte, known map[string]bool) (W, map[string]json.RawMessage, error) {
	var w W
	k, extra, err := splitObject(data, known)
	if err != nil {
		return w, nil, err
	}
	err = json.Unmarshal(k, &w)
	return w, extra, err
}

// withExtra encodes known, a struct encoded as an object, with the keys of extra added; a key
// known also sets wins.
func withExtra(known any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(known)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	fields := make(map[string]json.RawMessage, len(extra)+8)
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	for k, v := range extra {
		if _, ok := fields[k]; !ok {
			fields[k] = v
		}
	}
	return json.Marshal(fields)
}

// jsonKeys is the set of JSON object keys the struct type t encodes.
func jsonKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
