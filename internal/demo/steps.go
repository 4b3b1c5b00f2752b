package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

// The quickstart's resources and outputs the demo checks.
const (
	collectorsAddr = "signalfx_org_token.collectors"
	ciAddr         = "signalfx_org_token.ci"
)

var fingerprintOutputs = map[string]string{
	collectorsAddr: "collectors_secret_fingerprint",
	ciAddr:         "ci_secret_fingerprint",
}

// driftDescription is what "someone in the UI" writes in step d.
const driftDescription = "Changed by hand in the SignalFx UI."

// create is step a: apply creates both tokens, and the API holds what the configuration says.
func (d *demo) create(ctx context.Context) error {
	if err := d.tf.mustRun(ctx, d.args("apply", "-auto-approve")...); err != nil {
		return err
	}
	say("\nChecking the tokens through the SignalFx API (the emulator):")
	tokens, err := d.tf.tokenNames(ctx)
	if err != nil {
		return err
	}
	for _, addr := range []string{collectorsAddr, ciAddr} {
		if tokens[addr].Name == "" {
			return fmt.Errorf("the state has no %s after apply", addr)
		}
	}
	d.tokens = tokens
	if n := d.em.TokenCount(); n != 2 {
		return fmt.Errorf("the emulator holds %d tokens after apply, want 2", n)
	}

	col, err := d.getToken(ctx, collectorsAddr, "INGEST")
	if err != nil {
		return err
	}
	if col.Limits == nil || col.Limits.DPMQuota == nil || col.Limits.DPMNotificationThreshold == nil {
		return fmt.Errorf("token %q has no DPM quota and threshold in the API, but the configuration sets them", col.Name)
	}
	if len(col.Notifications) == 0 || col.Notifications[0].Type == "" {
		return fmt.Errorf("token %q has no notifications in the API, but the configuration sets one", col.Name)
	}
	ok("%q (id %s) exists: scopes %v, DPM quota %d, notify at %d via %s %s",
		col.Name, col.ID, col.AuthScopes, *col.Limits.DPMQuota, *col.Limits.DPMNotificationThreshold,
		col.Notifications[0].Type, col.Notifications[0].Email)

	ci, err := d.getToken(ctx, ciAddr, "API")
	if err != nil {
		return err
	}
	if ci.Permissions == nil || len(ci.Permissions.ACL) == 0 {
		return fmt.Errorf("token %q has no permissions in the API, but the configuration grants a team READ", ci.Name)
	}
	lifetime, err := time.ParseDuration(d.tokens[ciAddr].Lifetime)
	if err != nil {
		return fmt.Errorf("%s has no usable lifetime in the state (%q): %w", ciAddr, d.tokens[ciAddr].Lifetime, err)
	}
	if got := time.Duration(ci.Expiry-ci.Created) * time.Millisecond; got < lifetime-time.Minute || got > lifetime+time.Minute {
		return fmt.Errorf("token %q expires %s after its creation, but its lifetime is %s", ci.Name, got, lifetime)
	}
	acl := ci.Permissions.ACL[0]
	ok("%q (id %s) exists: scopes %v, %s %s may %v, expires %s (lifetime %q)",
		ci.Name, ci.ID, ci.AuthScopes, acl.PrincipalType, acl.PrincipalID, acl.Actions,
		time.UnixMilli(ci.Expiry).UTC().Format(time.RFC3339), d.tokens[ciAddr].Lifetime)

	if err := d.checkFingerprints(ctx); err != nil {
		return err
	}
	ok("the secrets in the Terraform state are the API's (the fingerprint outputs match)")
	return nil
}

// getToken reads a token through the API client (so through the name escaping of a real
// request) and checks it is the one in the state with the given scope.
func (d *demo) getToken(ctx context.Context, address, scope string) (*sfx.Token, error) {
	name := d.name(address)
	t, err := d.api.GetToken(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("reading token %q (%s) through the API: %w", name, address, err)
	}
	if t.ID != d.tokens[address].ID {
		return nil, fmt.Errorf("token %q has id %s in the API but %s in the state", name, t.ID, d.tokens[address].ID)
	}
	if !slices.Equal(t.AuthScopes, []string{scope}) {
		return nil, fmt.Errorf("token %q has scopes %v in the API, want [%s]", name, t.AuthScopes, scope)
	}
	return t, nil
}

// noChanges is step b.
func (d *demo) noChanges(ctx context.Context) error {
	return d.planClean(ctx, "create")
}

// rotate is step c: a new rotation_trigger rotates both secrets as an in-place update.
func (d *demo) rotate(ctx context.Context) error {
	oldSecrets := map[string]string{}
	for addr := range fingerprintOutputs {
		t, err := d.emulatorToken(addr)
		if err != nil {
			return err
		}
		oldSecrets[addr] = t.Secret
	}
	before := d.fingerprints
	say("Outputs before the rotation (fingerprints identify the secrets without revealing them):")
	if err := d.tf.mustRun(ctx, "output", "-no-color"); err != nil {
		return err
	}

	d.rotation++
	say("\nChanging var.rotation to %d, which feeds rotation_trigger of both tokens:", d.rotation)
	const planFile = "rotate.tfplan"
	if err := d.tf.mustRun(ctx, d.args("plan", "-out="+planFile)...); err != nil {
		return err
	}
	changes, err := d.tf.showPlan(ctx, planFile)
	if err != nil {
		return err
	}
	if err := noReplacement(changes); err != nil {
		return err
	}
	for addr := range fingerprintOutputs {
		if err := checkActions(changes, addr, "update"); err != nil {
			return err
		}
		if !changes[addr].unknownAfter("secret") {
			return fmt.Errorf("the plan updates %s but does not show its secret as known after apply: the rotation is invisible in the plan", addr)
		}
	}
	ok("the JSON plan updates both tokens in place (actions [\"update\"], no delete or create), secret known after apply")

	if err := d.tf.mustRun(ctx, "apply", "-no-color", planFile); err != nil {
		return err
	}
	say("\nOutputs after the rotation:")
	if err := d.tf.mustRun(ctx, "output", "-no-color"); err != nil {
		return err
	}
	if err := d.checkFingerprints(ctx); err != nil {
		return err
	}
	for addr, output := range fingerprintOutputs {
		if d.fingerprints[output] == before[output] {
			return fmt.Errorf("output %s is still %s after the rotation: the secret of %s did not change", output, before[output], addr)
		}
		ok("%s: %s -> %s", output, before[output], d.fingerprints[output])
	}

	for addr := range fingerprintOutputs {
		t, err := d.emulatorToken(addr)
		if err != nil {
			return err
		}
		if t.ID != d.tokens[addr].ID {
			return fmt.Errorf("token %q has a new id (%s, was %s): it was replaced, not rotated", t.Name, t.ID, d.tokens[addr].ID)
		}
		if t.LatestRotation == 0 {
			return fmt.Errorf("the API has no rotation time for %q", t.Name)
		}
		if !d.em.Authenticates(t.Secret) {
			return fmt.Errorf("the new secret of %q does not authenticate", t.Name)
		}
	}
	ok("same token ids as before, latestRotation set, and the new secrets authenticate")

	col, _ := d.emulatorToken(collectorsAddr)
	if !d.em.Authenticates(oldSecrets[collectorsAddr]) {
		return fmt.Errorf("the old secret of %q stopped working at once, but rotation_grace_period is %q",
			col.Name, d.tokens[collectorsAddr].GracePeriod)
	}
	ok("the old secret of %q still authenticates during its grace period (%s, until %s)", col.Name,
		d.tokens[collectorsAddr].GracePeriod, time.UnixMilli(col.PreviousSecretValidUntil).UTC().Format(time.RFC3339))
	ci, _ := d.emulatorToken(ciAddr)
	if d.em.Authenticates(oldSecrets[ciAddr]) {
		return fmt.Errorf("the old secret of %q still authenticates, but its rotation_grace_period is %q",
			ci.Name, d.tokens[ciAddr].GracePeriod)
	}
	ok("the old secret of %q was revoked at once (rotation_grace_period %q)", ci.Name, d.tokens[ciAddr].GracePeriod)

	return d.planClean(ctx, "the rotation")
}

// drift is step d: someone disables a token and edits its description outside Terraform;
// plan shows the update that reverts it, and apply does so without rotating the secret.
func (d *demo) drift(ctx context.Context) error {
	name := d.name(ciAddr)
	t, err := d.api.GetToken(ctx, name)
	if err != nil {
		return fmt.Errorf("reading token %q through the API: %w", name, err)
	}
	wantDescription := t.Description
	secret := t.Secret
	t.Disabled = true
	t.Description = driftDescription
	if _, err := d.api.UpdateToken(ctx, name, t); err != nil {
		return fmt.Errorf("changing token %q through the API: %w", name, err)
	}
	say("Someone disabled %q and changed its description outside Terraform", name)
	say("(PUT /v2/token/{name} with the admin token, as the SignalFx UI does).")
	if d.em.Authenticates(secret) {
		return fmt.Errorf("the secret of the disabled token %q still authenticates", name)
	}
	ok("the token is disabled: its secret no longer authenticates")

	const planFile = "drift.tfplan"
	code, err := d.tf.run(ctx, d.args("plan", "-detailed-exitcode", "-out="+planFile)...)
	if err != nil {
		return err
	}
	if code != 2 {
		return fmt.Errorf("plan after the change outside Terraform exited with code %d, want 2 (changes): the drift went unnoticed", code)
	}
	ok("plan exit code 2: changes found")
	changes, err := d.tf.showPlan(ctx, planFile)
	if err != nil {
		return err
	}
	if err := checkActions(changes, ciAddr, "update"); err != nil {
		return err
	}
	if err := checkActions(changes, collectorsAddr, "no-op"); err != nil {
		return err
	}
	rc := changes[ciAddr]
	if b, a := rc.beforeAfter("disabled"); b != true || a != false {
		return fmt.Errorf("the plan changes disabled of %s from %v to %v, want true to false", ciAddr, b, a)
	}
	if b, a := rc.beforeAfter("description"); b != driftDescription || a != wantDescription {
		return fmt.Errorf("the plan changes description of %s from %q to %q, want %q to %q", ciAddr, b, a, driftDescription, wantDescription)
	}
	if rc.unknownAfter("secret") {
		return fmt.Errorf("the plan to revert %s would rotate its secret; only rotation_trigger may do that", ciAddr)
	}
	ok("the JSON plan updates %s in place: disabled true -> false, description restored, secret kept; %s untouched", ciAddr, collectorsAddr)

	if err := d.tf.mustRun(ctx, "apply", "-no-color", planFile); err != nil {
		return err
	}
	after, err := d.emulatorToken(ciAddr)
	if err != nil {
		return err
	}
	switch {
	case after.Disabled:
		return fmt.Errorf("token %q is still disabled after apply", name)
	case after.Description != wantDescription:
		return fmt.Errorf("token %q has description %q after apply, want %q", name, after.Description, wantDescription)
	case after.Secret != secret:
		return fmt.Errorf("reverting the drift rotated the secret of %q", name)
	case !d.em.Authenticates(secret):
		return fmt.Errorf("the secret of %q does not authenticate after apply re-enabled it", name)
	}
	ok("the API has the token enabled again, with its description restored and the same secret, which authenticates again")
	return d.planClean(ctx, "the repair")
}

// destroy is step e.
func (d *demo) destroy(ctx context.Context) error {
	if err := d.tf.mustRun(ctx, d.args("destroy", "-auto-approve")...); err != nil {
		return err
	}
	if n := d.em.TokenCount(); n != 0 {
		return fmt.Errorf("the emulator still holds %d tokens after destroy", n)
	}
	ok("no tokens remain in the emulator")
	stats := d.em.Stats()
	count := func(route string) int64 { return stats.Count(route, "", emulator.AnyStatus) }
	if c := count(emulator.RouteCreate); c != 2 {
		return fmt.Errorf("the API saw %d creates over the run, want 2: a token was replaced somewhere", c)
	}
	ok("over the whole run the API saw %d creates, %d rotations, %d updates, %d deletes and %d reads (%d requests): no token was ever replaced",
		count(emulator.RouteCreate), count(emulator.RouteRotate), count(emulator.RouteUpdate),
		count(emulator.RouteDelete), count(emulator.RouteGet), stats.Total)
	return nil
}
