package sfx

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// decodeMap marshals v and decodes the result into a generic map.
func decodeMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("Unmarshal %s: %v", b, err)
	}
	return m
}

func TestTokenUnknownFieldsRoundTrip(t *testing.T) {
	t.Parallel()
	in := `{"name":"t","id":"I","secret":"` + testSecret + `","disabled":true,
		"roles":[{"title":"power"}],"futureField":{"nested":[1,2,3]},
		"limits":{"dpmQuota":10,"mtsmLimit":500,"futureLimit":"x"},
		"notifications":[{"type":"Email","email":"a@example.com","cc":["b@example.com"],"bcc":["c@example.com"]},
			{"type":"Team","team":"T"}]}`
	var tok Token
	if err := json.Unmarshal([]byte(in), &tok); err != nil {
		t.Fatal(err)
	}
	if len(tok.Extra) != 2 || tok.Limits == nil || len(tok.Limits.Extra) != 2 {
		t.Fatalf("Extra = %v, Limits = %+v", tok.Extra, tok.Limits)
	}
	m := decodeMap(t, tok)
	want := map[string]any{
		"roles":       []any{map[string]any{"title": "power"}},
		"futureField": map[string]any{"nested": []any{1.0, 2.0, 3.0}},
	}
	for k, v := range want {
		if !reflect.DeepEqual(m[k], v) {
			t.Errorf("%s = %#v, want %#v", k, m[k], v)
		}
	}
	limits := m["limits"].(map[string]any)
	if limits["mtsmLimit"] != 500.0 || limits["futureLimit"] != "x" || limits["dpmQuota"] != 10.0 {
		t.Errorf("limits = %v", limits)
	}
	// The cc and bcc of an Email notification (set in the UI) are not modelled and go back as they came.
	wantNotifications := []any{
		map[string]any{"type": "Email", "email": "a@example.com", "cc": []any{"b@example.com"}, "bcc": []any{"c@example.com"}},
		map[string]any{"type": "Team", "team": "T"},
	}
	if !reflect.DeepEqual(m["notifications"], wantNotifications) {
		t.Errorf("notifications = %#v, want %#v", m["notifications"], wantNotifications)
	}
	if n := tok.Notifications; len(n) != 2 || len(n[0].Extra) != 2 || n[0].Email != "a@example.com" || n[1].Extra != nil {
		t.Errorf("Notifications = %+v", n)
	}
	for _, readOnly := range []string{"id", "secret", "expiry", "created", "creator", "orgId", "exceedingLimits"} {
		if _, ok := m[readOnly]; ok {
			t.Errorf("request body contains read-only field %q", readOnly)
		}
	}
}

func TestTokenMarshalSendsFalseAndNulls(t *testing.T) {
	t.Parallel()
	m := decodeMap(t, Token{Name: "t"})
	if v, ok := m["disabled"]; !ok || v != false {
		t.Errorf("disabled = %v (present %v), want false sent", v, ok)
	}
	if v, ok := m["permissions"]; !ok || v != nil {
		t.Errorf("permissions = %v (present %v), want null sent", v, ok)
	}
	if v, ok := m["notifications"]; !ok || !reflect.DeepEqual(v, []any{}) {
		t.Errorf("notifications = %v, want []", v)
	}
	if _, ok := m["limits"]; ok {
		t.Errorf("limits sent for a token without limits")
	}
	if _, ok := m["secondsUntilExpiry"]; ok {
		t.Errorf("secondsUntilExpiry sent when nil")
	}
	secs := int64(3600)
	if m := decodeMap(t, Token{Name: "t", SecondsUntilExpiry: &secs}); m["secondsUntilExpiry"] != 3600.0 {
		t.Errorf("secondsUntilExpiry = %v", m["secondsUntilExpiry"])
	}
}

func TestTokenLimitsDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in   string
		wantLimits bool
		check      func(*testing.T, *Limits)
	}{
		{name: "missing", in: `{"name":"t"}`},
		{name: "null", in: `{"name":"t","limits":null}`},
		{name: "empty", in: `{"name":"t","limits":{}}`, wantLimits: true},
		{name: "categoryQuota null", in: `{"name":"t","limits":{"dpmQuota":1000,"categoryQuota":null}}`, wantLimits: true,
			check: func(t *testing.T, l *Limits) {
				if l.CategoryQuota != nil || l.DPMQuota == nil || *l.DPMQuota != 1000 {
					t.Errorf("limits = %+v", l)
				}
			}},
		{name: "categories", in: `{"name":"t","limits":{"categoryQuota":{"1":1,"2":2,"3":3,"4":4},"categoryNotificationThreshold":{"3":90}}}`,
			wantLimits: true, check: func(t *testing.T, l *Limits) {
				q := l.CategoryQuota
				if q == nil || *q.Hosts != 1 || *q.Containers != 2 || *q.CustomMetrics != 3 || *q.HighResMetrics != 4 {
					t.Errorf("categoryQuota = %+v", q)
				}
				if n := l.CategoryNotificationThreshold; n == nil || *n.CustomMetrics != 90 || n.Hosts != nil {
					t.Errorf("categoryNotificationThreshold = %+v", n)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tok Token
			if err := json.Unmarshal([]byte(tt.in), &tok); err != nil {
				t.Fatal(err)
			}
			if (tok.Limits != nil) != tt.wantLimits {
				t.Fatalf("Limits = %+v, want present %v", tok.Limits, tt.wantLimits)
			}
			if tt.check != nil {
				tt.check(t, tok.Limits)
			}
		})
	}
}

func TestTokenPermissions(t *testing.T) {
	t.Parallel()
	var tok Token
	if err := json.Unmarshal([]byte(`{"name":"t","permissions":null}`), &tok); err != nil || tok.Permissions != nil {
		t.Fatalf("null: %v, %+v", err, tok.Permissions)
	}
	in := `{"name":"t","permissions":{"acl":[{"principalId":"U1","principalType":"USER","actions":["READ","WRITE"]}],"parent":null}}`
	if err := json.Unmarshal([]byte(in), &tok); err != nil {
		t.Fatal(err)
	}
	want := &Permissions{ACL: []ACLEntry{{PrincipalID: "U1", PrincipalType: "USER", Actions: []string{"READ", "WRITE"}}}}
	if !reflect.DeepEqual(tok.Permissions, want) {
		t.Fatalf("Permissions = %+v", tok.Permissions)
	}
	p := decodeMap(t, tok)["permissions"].(map[string]any)
	if _, ok := p["parent"]; !ok || p["parent"] != nil || len(p["acl"].([]any)) != 1 {
		t.Errorf("permissions sent as %v", p)
	}
	if err := json.Unmarshal([]byte(`{"name":"t","permissions":"x"}`), &tok); err == nil {
		t.Error("a string for permissions decoded without error")
	}
}

func TestTokenDecodeToleratesNulls(t *testing.T) {
	t.Parallel()
	in := `{"name":"t","id":null,"description":null,"authScopes":null,"disabled":null,"secret":null,
		"expiry":null,"created":null,"notifications":null,"exceedingLimits":null,"orgId":null}`
	var tok Token
	if err := json.Unmarshal([]byte(in), &tok); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tok, Token{Name: "t"}) {
		t.Errorf("got %+v", tok)
	}
	if err := json.Unmarshal([]byte(`null`), &tok); err != nil || tok.Name != "" {
		t.Errorf("null token: %v %+v", err, tok)
	}
}

// A key that differs from a modeled one only in case must neither fill the modeled field
// nor be echoed as unmodeled, the way encoding/json's case-insensitive matching would.
func TestTokenDecodeMatchesKeysExactly(t *testing.T) {
	t.Parallel()
	var tok Token
	if err := json.Unmarshal([]byte(`{"name":"a","Name":"b","SECRET":"s"}`), &tok); err != nil {
		t.Fatal(err)
	}
	if tok.Name != "a" || tok.Secret != "" {
		t.Errorf("Name = %q, Secret = %q", tok.Name, tok.Secret)
	}
	if len(tok.Extra) != 2 {
		t.Errorf("Extra = %v", tok.Extra)
	}
}

func TestTokenFixtureFields(t *testing.T) {
	t.Parallel()
	var tok Token
	if err := json.Unmarshal([]byte(tokenJSON("fixture")), &tok); err != nil {
		t.Fatal(err)
	}
	if tok.Name != "fixture" || tok.ID != "Eabc123" || tok.Secret != testSecret || tok.Expiry != 1893456000000 ||
		tok.Created != 1700000000000 || tok.LastUpdated != 1700000000001 || tok.Creator != "U1" || tok.OrgID != "O1" ||
		!reflect.DeepEqual(tok.AuthScopes, []string{"API"}) || tok.Description != "d" {
		t.Errorf("decoded %+v", tok)
	}
	if _, ok := tok.Extra["roles"]; !ok || len(tok.Extra) != 1 {
		t.Errorf("Extra = %v", tok.Extra)
	}
}

// TestNotificationSameRecipient: an update carries a notification's unmodelled keys over
// from the current notification with the same recipient; the secret and the keys
// themselves do not make a different recipient, any modelled field does.
func TestNotificationSameRecipient(t *testing.T) {
	t.Parallel()
	a := Notification{Type: "Webhook", CredentialID: "c", URL: "https://x", Secret: "s1", Extra: map[string]json.RawMessage{"k": json.RawMessage(`1`)}}
	same := Notification{Type: "Webhook", CredentialID: "c", URL: "https://x"}
	if !a.SameRecipient(same) || !same.SameRecipient(a) {
		t.Error("the same recipient without secret and Extra is not SameRecipient")
	}
	for _, other := range []Notification{
		{Type: "Webhook", CredentialID: "d", URL: "https://x"},
		{Type: "Webhook", CredentialID: "c", URL: "https://y"},
		{Type: "Email", CredentialID: "c", URL: "https://x"},
	} {
		if a.SameRecipient(other) {
			t.Errorf("%+v is SameRecipient of %+v", other, a)
		}
	}
}

func TestTokenStringMasksSecrets(t *testing.T) {
	t.Parallel()
	raw := json.RawMessage(`"` + testSecret + `"`)
	tok := Token{Name: "t", Secret: testSecret, Extra: map[string]json.RawMessage{"futureKey": raw},
		Notifications: []Notification{{Type: "Webhook", URL: "https://x", Secret: testSecret,
			Extra: map[string]json.RawMessage{"futureSecret": raw}}}}
	// A json.RawMessage prints as its bytes in decimal: look for that form too.
	forms := []string{testSecret, fmt.Sprintf("%d", []byte(raw)), fmt.Sprintf("%d", []byte(testSecret))}
	for _, s := range []string{tok.String(), fmt.Sprintf("%v", tok), fmt.Sprintf("%+v", &tok), fmt.Sprintf("%#v", tok)} {
		for _, f := range forms {
			if strings.Contains(s, f) {
				t.Errorf("formatted token holds the secret (as %q): %s", f, s)
			}
		}
		if !strings.Contains(s, "Name:t") || !strings.Contains(s, "futureKey, notifications[0].futureSecret") {
			t.Errorf("formatted token lacks the name or the unmodelled keys: %s", s)
		}
	}
	if tok.Notifications[0].Secret != testSecret || string(tok.Notifications[0].Extra["futureSecret"]) != string(raw) {
		t.Error("String modified the token")
	}
}
