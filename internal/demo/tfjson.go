package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
)

// The few parts of Terraform's JSON output formats the demo reads
// (https://developer.hashicorp.com/terraform/internals/json-format). Values may hold
// secrets: the demo reads single named attributes from them and never prints them whole.

type planJSON struct {
	ResourceChanges []resourceChange `json:"resource_changes"`
}

type resourceChange struct {
	Address string `json:"address"`
	Change  struct {
		Actions      []string       `json:"actions"`
		Before       map[string]any `json:"before"`
		After        map[string]any `json:"after"`
		AfterUnknown map[string]any `json:"after_unknown"`
	} `json:"change"`
}

type stateJSON struct {
	Values struct {
		RootModule struct {
			Resources []struct {
				Address string         `json:"address"`
				Values  map[string]any `json:"values"`
			} `json:"resources"`
		} `json:"root_module"`
	} `json:"values"`
}

type outputJSON map[string]struct {
	Sensitive bool `json:"sensitive"`
	Value     any  `json:"value"`
}

// showPlan decodes `terraform show -json PLANFILE`.
func (tf *terraformCLI) showPlan(ctx context.Context, planFile string) (map[string]resourceChange, error) {
	out, err := tf.output(ctx, "show", "-json", "-no-color", planFile)
	if err != nil {
		return nil, err
	}
	var p planJSON
	if err := json.Unmarshal(out, &p); err != nil {
		return nil, fmt.Errorf("decoding the JSON plan: %w", err)
	}
	changes := make(map[string]resourceChange, len(p.ResourceChanges))
	for _, rc := range p.ResourceChanges {
		changes[rc.Address] = rc
	}
	return changes, nil
}

// tokenNames returns what the checks need of each resource in the state, by address.
func (tf *terraformCLI) tokenNames(ctx context.Context) (map[string]tokenInState, error) {
	out, err := tf.output(ctx, "show", "-json", "-no-color")
	if err != nil {
		return nil, err
	}
	var s stateJSON
	if err := json.Unmarshal(out, &s); err != nil {
		return nil, fmt.Errorf("decoding the JSON state: %w", err)
	}
	tokens := map[string]tokenInState{}
	for _, r := range s.Values.RootModule.Resources {
		str := func(key string) string { v, _ := r.Values[key].(string); return v }
		tokens[r.Address] = tokenInState{
			Name: str("name"), ID: str("id"), Lifetime: str("lifetime"), GracePeriod: str("rotation_grace_period"),
		}
	}
	return tokens, nil
}

// tokenInState holds the non-secret attributes of a token that the checks compare.
type tokenInState struct {
	Name        string
	ID          string
	Lifetime    string
	GracePeriod string
}

// outputs decodes `terraform output -json`, refusing sensitive values so none is ever
// printed.
func (tf *terraformCLI) outputs(ctx context.Context) (map[string]string, error) {
	out, err := tf.output(ctx, "output", "-json", "-no-color")
	if err != nil {
		return nil, err
	}
	var o outputJSON
	if err := json.Unmarshal(out, &o); err != nil {
		return nil, fmt.Errorf("decoding the outputs: %w", err)
	}
	values := map[string]string{}
	for k, v := range o {
		if v.Sensitive {
			continue
		}
		if s, ok := v.Value.(string); ok {
			values[k] = s
		}
	}
	return values, nil
}

// fingerprint is what the quickstart's *_secret_fingerprint outputs compute:
// substr(sha256(secret), 0, 12).
func fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])[:12]
}

// checkActions fails unless the planned actions for address are exactly want.
func checkActions(changes map[string]resourceChange, address string, want ...string) error {
	rc, ok := changes[address]
	if !ok {
		return fmt.Errorf("the plan has no change for %s", address)
	}
	if !slices.Equal(rc.Change.Actions, want) {
		return fmt.Errorf("the plan's actions for %s are %q, want %q", address, rc.Change.Actions, want)
	}
	return nil
}

// unknownAfter reports whether attr is planned as "known after apply".
func (rc resourceChange) unknownAfter(attr string) bool {
	v, _ := rc.Change.AfterUnknown[attr].(bool)
	return v
}

// beforeAfter returns a non-sensitive attribute's value before and after the change.
func (rc resourceChange) beforeAfter(attr string) (before, after any) {
	return rc.Change.Before[attr], rc.Change.After[attr]
}

// noReplacement fails if the plan deletes or creates anything.
func noReplacement(changes map[string]resourceChange) error {
	for addr, rc := range changes {
		if slices.Contains(rc.Change.Actions, "delete") || slices.Contains(rc.Change.Actions, "create") {
			return fmt.Errorf("the plan would %q %s; a rotation must never replace a token", rc.Change.Actions, addr)
		}
	}
	return nil
}
