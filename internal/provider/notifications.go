package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// notificationKind describes which fields a notification type takes: every field of one of
// the alternatives is required, and only the fields named here are allowed.
type notificationKind struct {
	alternatives [][]string
	optional     []string
}

// notificationKinds are the API's notification types (see the org-token API reference).
var notificationKinds = map[string]notificationKind{
	"AmazonEventBridge": {alternatives: [][]string{{"credential_id"}}},
	"BigPanda":          {alternatives: [][]string{{"credential_id"}}},
	"Email":             {alternatives: [][]string{{"email"}}},
	"Jira":              {alternatives: [][]string{{"credential_id"}}},
	"Office365":         {alternatives: [][]string{{"credential_id"}}},
	"Opsgenie": {
		alternatives: [][]string{
			{"credential_id", "responder_type", "responder_name"},
			{"credential_id", "responder_type", "responder_id"},
		},
		optional: []string{"credential_name"},
	},
	"PagerDuty":  {alternatives: [][]string{{"credential_id"}}},
	"ServiceNow": {alternatives: [][]string{{"credential_id"}}},
	"Slack":      {alternatives: [][]string{{"credential_id", "channel"}}},
	"Team":       {alternatives: [][]string{{"team"}}},
	"TeamEmail":  {alternatives: [][]string{{"team"}}},
	"VictorOps":  {alternatives: [][]string{{"credential_id", "routing_key"}}},
	"Webhook":    {alternatives: [][]string{{"credential_id"}, {"url", "secret"}}},
	"XMatters":   {alternatives: [][]string{{"credential_id"}}},
}

func notificationTypeNames() []string {
	names := make([]string, 0, len(notificationKinds))
	for name := range notificationKinds {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// requirement says in words what a kind needs, e.g. "credential_id and channel".
func (k notificationKind) requirement() string {
	alts := make([]string, len(k.alternatives))
	for i, a := range k.alternatives {
		alts[i] = strings.Join(a, " and ")
	}
	return strings.Join(alts, ", or ")
}

func (k notificationKind) allows(field string) bool {
	for _, a := range k.alternatives {
		for _, f := range a {
			if f == field {
				return true
			}
		}
	}
	for _, f := range k.optional {
		if f == field {
			return true
		}
	}
	return false
}

// fields returns the notification's attributes by name.
func (m notificationModel) fields() map[string]types.String {
	return map[string]types.String{
		"email": m.Email, "credential_id": m.CredentialID, "credential_name": m.CredentialName,
		"channel": m.Channel, "team": m.Team, "routing_key": m.RoutingKey, "url": m.URL, "secret": m.Secret,
		"responder_name": m.ResponderName, "responder_id": m.ResponderID, "responder_type": m.ResponderType,
	}
}

// validateNotifications checks each notification against its type at plan time. Unknown
// values (from other resources) are skipped, never guessed at.
func validateNotifications(ctx context.Context, list types.List, at path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if list.IsNull() || list.IsUnknown() {
		return diags
	}
	var ms []types.Object
	diags.Append(list.ElementsAs(ctx, &ms, false)...)
	for i, obj := range ms {
		if obj.IsNull() || obj.IsUnknown() {
			continue
		}
		var m notificationModel
		diags.Append(obj.As(ctx, &m, objectAsOptions)...)
		if diags.HasError() || m.Type.IsUnknown() || m.Type.IsNull() {
			continue
		}
		elem := at.AtListIndex(i)
		kind, ok := notificationKinds[m.Type.ValueString()]
		if !ok {
			continue // the type attribute's own validator reports it
		}
		fields := m.fields()
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			v := fields[name]
			if !v.IsNull() && !kind.allows(name) {
				diags.AddAttributeError(elem.AtName(name), "Attribute Not Allowed for Notification Type",
					fmt.Sprintf("A notification of type %q does not take %s: it takes %s.", m.Type.ValueString(), name, kind.requirement()))
			}
		}
		satisfied := false
		for _, alt := range kind.alternatives {
			all := true
			for _, f := range alt {
				v := fields[f]
				if v.IsNull() || (!v.IsUnknown() && v.ValueString() == "") {
					all = false
					break
				}
			}
			if all {
				satisfied = true
				break
			}
		}
		if !satisfied {
			diags.AddAttributeError(elem, "Missing Notification Attributes",
				fmt.Sprintf("A notification of type %q needs %s.", m.Type.ValueString(), kind.requirement()))
		}
	}
	return diags
}
