package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

var validScopes = map[string]bool{"API": true, "INGEST": true, "RUM": true}

// parseScopes returns the scopes sorted and deduplicated.
func parseScopes(raw json.RawMessage) ([]string, *apiError) {
	var in []*string
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, deserializeError(`["authScopes"]`)
	}
	out := make([]string, 0, len(in))
	for _, sc := range in {
		if sc == nil || !validScopes[*sc] {
			v := "null"
			if sc != nil {
				v = *sc
			}
			return nil, badRequest("Invalid authorization scope %q: valid scopes are API, INGEST and RUM", v)
		}
		if !slices.Contains(out, *sc) {
			out = append(out, *sc)
		}
	}
	slices.Sort(out)
	if slices.Contains(out, "RUM") && len(out) > 1 {
		return nil, badRequest("A token with the RUM authorization scope cannot have other authorization scopes")
	}
	return out, nil
}

// optInt decodes m[key] when present and not null.
func optInt(m map[string]json.RawMessage, key, path string, bits int) (int64, bool, *apiError) {
	raw, ok := m[key]
	if !ok {
		return 0, false, nil
	}
	return parseInt(raw, path, bits)
}

// parseLimits validates a limits object and returns it compacted, with any
// keys the emulator does not model preserved.
func (s *Server) parseLimits(raw json.RawMessage) (json.RawMessage, *apiError) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, deserializeError(`["limits"]`)
	}
	limPath := func(k string) string {
		return fieldPath(`["limits"]`, fmt.Sprintf("sf.rest.shared.model.Limits[%q]", k))
	}
	dpmSet := false
	for _, k := range []string{"dpmQuota", "dpmNotificationThreshold"} {
		v, ok, e := optInt(m, k, limPath(k), 32)
		if e != nil {
			return nil, e
		}
		if ok && v < 0 {
			return nil, badRequest("%s must not be negative; got %d", k, v)
		}
		if ok && k == "dpmQuota" {
			dpmSet = true
		}
	}
	catSet, hostContainerSet := false, false
	for _, k := range []string{"categoryQuota", "categoryNotificationThreshold"} {
		set, hc, e := parseCategories(m[k], k, limPath(k))
		if e != nil {
			return nil, e
		}
		if k == "categoryQuota" {
			catSet, hostContainerSet = set, hc
		}
	}
	for _, r := range []struct {
		key      string
		min, max int64
	}{{"eventSearchesPerMinute", 1, 30}, {"jobsPerMinuteLimit", 1, 60}} {
		v, ok, e := optInt(m, r.key, limPath(r.key), 32)
		if e != nil {
			return nil, e
		}
		if ok && v != 0 && (v < r.min || v > r.max) {
			return nil, badRequest("%s must be between %d and %d, or 0 to remove the limit; got %d", r.key, r.min, r.max, v)
		}
	}
	v, ok, e := optInt(m, "mtsmLimit", limPath("mtsmLimit"), 64)
	if e != nil {
		return nil, e
	}
	if ok && v < 0 {
		return nil, badRequest("mtsmLimit must not be negative; got %d", v)
	}
	switch s.opts.Plan {
	case PlanDPM:
		if catSet {
			return nil, badRequest("Category quota cannot be set on a DPM subscription plan")
		}
	case PlanHosts:
		if dpmSet {
			return nil, badRequest("DPM quota cannot be set on a Hosts subscription plan")
		}
	case PlanMTS:
		if dpmSet {
			return nil, badRequest("DPM quota cannot be set on a MTS subscription plan")
		}
		if hostContainerSet {
			return nil, badRequest("Host/Container quota cannot be set on a MTS subscription plan")
		}
	default:
		if dpmSet && catSet {
			return nil, badRequest("DPM quota and category quota cannot both be set on a token")
		}
	}
	return compact(raw), nil
}

var categoryNames = map[string]string{"1": "hosts", "2": "containers", "3": "custom metrics", "4": "high-resolution metrics"}

// parseCategories validates a categoryQuota-like object. set is true when
// any category has a value; hostContainer when category 1 or 2 has one.
func parseCategories(raw json.RawMessage, key, path string) (set, hostContainer bool, e *apiError) {
	if raw == nil || isNull(raw) {
		return false, false, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return false, false, deserializeError(path)
	}
	for k, v := range m {
		if _, known := categoryNames[k]; !known {
			return false, false, badRequest("Unknown category %q in %s: expected \"1\" (hosts), \"2\" (containers), \"3\" (custom metrics) or \"4\" (high-resolution metrics)", k, key)
		}
		n, ok, e := parseInt(v, fieldPath(path, fmt.Sprintf("java.util.Map[%q]", k)), 64)
		if e != nil {
			return false, false, e
		}
		if !ok {
			continue
		}
		if n < 0 {
			return false, false, badRequest("%s for %s must not be negative; got %d", key, categoryNames[k], n)
		}
		set = true
		if k == "1" || k == "2" {
			hostContainer = true
		}
	}
	return set, hostContainer, nil
}

// notificationRequirements lists, per notification type, the fields it
// needs. Each entry is satisfied by any of its "|"-separated alternatives,
// and an alternative needs all of its "+"-joined fields.
var notificationRequirements = map[string][]string{
	"AmazonEventBridge": {"credentialId"},
	"BigPanda":          {"credentialId"},
	"Jira":              {"credentialId"},
	"Office365":         {"credentialId"},
	"PagerDuty":         {"credentialId"},
	"ServiceNow":        {"credentialId"},
	"XMatters":          {"credentialId"},
	"Email":             {"email"},
	"Opsgenie":          {"credentialId", "responderType", "responderName|responderId"},
	"Slack":             {"credentialId", "channel"},
	"Team":              {"team"},
	"TeamEmail":         {"team"},
	"VictorOps":         {"credentialId", "routingKey"},
	"Webhook":           {"credentialId|url+secret"},
}

func parseNotifications(raw json.RawMessage) ([]json.RawMessage, *apiError) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, deserializeError(`["notifications"]`)
	}
	out := make([]json.RawMessage, 0, len(items))
	for i, item := range items {
		path := fieldPath(`["notifications"]`, fmt.Sprintf("java.util.ArrayList[%d]", i))
		var m map[string]json.RawMessage
		if err := json.Unmarshal(item, &m); err != nil || m == nil {
			return nil, deserializeError(path)
		}
		typ, e := parseString(m["type"], fieldPath(path, `Notification["type"]`))
		if m["type"] == nil {
			typ, e = "", nil
		}
		if e != nil {
			return nil, e
		}
		if typ == "" {
			return nil, badRequest("Notification %d has no type", i)
		}
		reqs, known := notificationRequirements[typ]
		if !known {
			return nil, badRequest("Unknown notification type %q", typ)
		}
		has := func(field string) bool {
			var s string
			return json.Unmarshal(m[field], &s) == nil && s != ""
		}
		for _, req := range reqs {
			if !requirementMet(req, has) {
				return nil, badRequest("Notification of type %s requires %s", typ, describeRequirement(req))
			}
		}
		out = append(out, compact(item))
	}
	return out, nil
}

func requirementMet(req string, has func(string) bool) bool {
	for alt := range strings.SplitSeq(req, "|") {
		all := true
		for f := range strings.SplitSeq(alt, "+") {
			all = all && has(f)
		}
		if all {
			return true
		}
	}
	return false
}

func describeRequirement(req string) string {
	alts := strings.Split(req, "|")
	for i, a := range alts {
		alts[i] = strings.ReplaceAll(a, "+", " and ")
	}
	return strings.Join(alts, ", or ")
}

var validPrincipalTypes = map[string]bool{"USER": true, "TEAM": true, "ORG": true}

// parsePermissions validates a non-null permissions object.
func parsePermissions(raw json.RawMessage) (json.RawMessage, *apiError) {
	const permPath = `["permissions"]`
	var p map[string]json.RawMessage
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, deserializeError(permPath)
	}
	if par, ok := p["parent"]; ok && !isNull(par) {
		return nil, badRequest("permissions.parent is not used and must be null")
	}
	aclPath := fieldPath(permPath, `sf.rest.shared.model.Permissions["acl"]`)
	var acl []map[string]json.RawMessage
	if a := p["acl"]; a == nil || isNull(a) || json.Unmarshal(a, &acl) != nil {
		return nil, deserializeError(aclPath)
	}
	if len(acl) == 0 {
		return nil, badRequest("permissions.acl must have at least one entry")
	}
	for i, entry := range acl {
		ePath := fieldPath(aclPath, fmt.Sprintf("java.util.ArrayList[%d]", i))
		if entry == nil {
			return nil, deserializeError(ePath)
		}
		var id string
		if json.Unmarshal(entry["principalId"], &id) != nil || id == "" {
			return nil, badRequest(msgPrincipalID)
		}
		var pt string
		if json.Unmarshal(entry["principalType"], &pt) != nil || !validPrincipalTypes[pt] {
			return nil, deserializeError(fieldPath(ePath, `sf.rest.shared.model.AclEntry["principalType"]`))
		}
		var actions []string
		if a := entry["actions"]; a == nil || isNull(a) {
			return nil, badRequest(msgActions)
		} else if json.Unmarshal(a, &actions) != nil {
			return nil, deserializeError(fieldPath(ePath, `sf.rest.shared.model.AclEntry["actions"]`))
		}
		if e := checkActions(actions); e != nil {
			return nil, e
		}
	}
	return compact(raw), nil
}

func checkActions(actions []string) *apiError {
	switch {
	case len(actions) == 0:
		return badRequest(msgActions)
	case len(actions) > 2:
		return badRequest("An acl entry takes at most two actions (READ, WRITE); got %d", len(actions))
	}
	seen := map[string]bool{}
	for _, a := range actions {
		if a != "READ" && a != "WRITE" {
			return badRequest("Invalid action %q for acl entry: valid actions are READ and WRITE", a)
		}
		if seen[a] {
			return badRequest("Duplicate action %q for acl entry", a)
		}
		seen[a] = true
	}
	if !seen["READ"] {
		return badRequest("An acl entry with WRITE must also have READ")
	}
	return nil
}

// parseRoles returns the role titles; an element without a title is power.
func parseRoles(raw json.RawMessage) ([]string, *apiError) {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, deserializeError(`["roles"]`)
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		title := "power"
		if t := item["title"]; t != nil && !isNull(t) {
			if json.Unmarshal(t, &title) != nil {
				return nil, deserializeError(fieldPath(`["roles"]`, fmt.Sprintf("java.util.ArrayList[%d]", i), `Role["title"]`))
			}
		}
		if _, ok := roleDescriptions[title]; !ok {
			return nil, badRequest("Invalid role title %q: valid titles are power, usage and read_only", title)
		}
		if !slices.Contains(out, title) {
			out = append(out, title)
		}
	}
	return out, nil
}
