package provider

import (
	"encoding/json"
	"testing"

	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

func TestSameWritableFields(t *testing.T) {
	q := func(n int64) *int64 { return &n }
	sent := &sfx.Token{
		Name: "a", Description: "d", AuthScopes: []string{"INGEST", "API"},
		Limits:      &sfx.Limits{DPMQuota: q(5)},
		Permissions: &sfx.Permissions{ACL: []sfx.ACLEntry{{PrincipalID: "b", PrincipalType: "USER", Actions: []string{"READ"}}, {PrincipalID: "a", PrincipalType: "TEAM", Actions: []string{"READ"}}}},
	}
	same := func() *sfx.Token {
		return &sfx.Token{
			Name: "a", Description: "d", AuthScopes: []string{"API", "INGEST"}, Secret: "s", ID: "id", Created: 1,
			Limits:      &sfx.Limits{DPMQuota: q(5), Extra: map[string]json.RawMessage{"mtsmLimit": json.RawMessage("5")}},
			Permissions: &sfx.Permissions{ACL: []sfx.ACLEntry{{PrincipalID: "a", PrincipalType: "TEAM", Actions: []string{"READ"}}, {PrincipalID: "b", PrincipalType: "USER", Actions: []string{"READ"}}}},
		}
	}
	if !sameWritableFields(sent, same()) {
		t.Fatal("server-set fields, scope order and ACL order must not matter")
	}
	for name, change := range map[string]func(*sfx.Token){
		"description": func(t *sfx.Token) { t.Description = "other" },
		"disabled":    func(t *sfx.Token) { t.Disabled = true },
		"scopes":      func(t *sfx.Token) { t.AuthScopes = []string{"API"} },
		"limits":      func(t *sfx.Token) { t.Limits.DPMQuota = q(6) },
		"permissions": func(t *sfx.Token) { t.Permissions = nil },
		"notifications": func(t *sfx.Token) {
			t.Notifications = []sfx.Notification{{Type: "Email", Email: "x@y.z"}}
		},
	} {
		found := same()
		change(found)
		if sameWritableFields(sent, found) {
			t.Errorf("a token whose %s differs must not be adopted", name)
		}
	}
	noScopes := *sent
	noScopes.AuthScopes = nil
	if !sameWritableFields(&noScopes, same()) {
		t.Error("when the create sent no scopes, the server's choice must not matter")
	}
}
