package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/tfcli"
)

// TestCLI_traceLogsAndOutputHoldNoSecrets runs a token's life with TF_LOG=trace (create,
// a rotation with a grace period so the old and new secrets both work, refreshes through a
// malformed answer that carries a secret and an error body that echoes one, an update, a
// data source and an ephemeral resource reading it, show, destroy) and asserts that
// neither the provider's auth_token nor any secret the API ever issued appears in
// Terraform's log file, standard output or standard error.
func TestCLI_traceLogsAndOutputHoldNoSecrets(t *testing.T) {
	t.Parallel()
	c := newCLIRun(t, emulator.Options{})
	const name = "log secret"
	// readers: a data source and an ephemeral resource that read the token, added once it exists.
	const readers = `
data "signalfx_org_token" "d" {
  name = signalfx_org_token.t.name
}

ephemeral "signalfx_org_token" "e" {
  name = signalfx_org_token.t.name
}

output "fingerprint" {
  value = nonsensitive(sha256(data.signalfx_org_token.d.secret))
}
`
	config := func(description, trigger string) string {
		return fmt.Sprintf(`terraform {
  required_providers {
    signalfx = { source = %q }
  }
}

provider "signalfx" {
  api_url                = %q
  auth_token             = %q
  retry_max_attempts     = 1
  retry_wait_min_seconds = 0
  retry_wait_max_seconds = 1
}

resource "signalfx_org_token" "t" {
  name                  = %q
  description           = %q
  auth_scopes           = ["API", "INGEST"]
  lifetime              = "720h"
  rotation_trigger      = %q
  rotation_grace_period = "1h"
}
`, tfcli.ProviderSource, c.url, c.admin, name, description, trigger)
	}

	secrets := map[string]bool{}
	// redact hides the secrets known so far, so a failing step's output can be shown.
	redact := func(s string) string {
		s = strings.ReplaceAll(s, c.admin, "<auth_token>")
		for secret := range secrets {
			s = strings.ReplaceAll(s, secret, "<secret>")
		}
		return s
	}
	collect := func() {
		if tok, ok := c.em.Token(name); ok {
			for _, s := range []string{tok.Secret, tok.PreviousSecret} {
				if s != "" {
					secrets[s] = true
				}
			}
		}
	}
	logDir := t.TempDir()
	var outputs []string
	var logFiles []string
	step := func(label string, want int, args ...string) cliResult {
		t.Helper()
		logPath := filepath.Join(logDir, label+".log")
		logFiles = append(logFiles, logPath)
		r := c.run(context.Background(), []string{"TF_LOG=trace", "TF_LOG_PATH=" + logPath}, append(args, "-no-color")...)
		outputs = append(outputs, r.stdout, r.stderr)
		collect()
		if r.err != nil || r.code != want {
			t.Fatalf("%s: terraform %s exited %d (want %d), %v\nstdout:\n%s\nstderr:\n%s", label, strings.Join(args, " "),
				r.code, want, r.err, tail(redact(r.stdout), 3000), tail(redact(r.stderr), 3000))
		}
		return r
	}

	c.writeConfig(config("v1", "1"))
	step("create", 0, "apply", "-auto-approve")
	before, _ := c.em.Token(name)

	c.writeConfig(config("v1", "2") + readers)
	step("rotate", 0, "apply", "-auto-approve")
	after, _ := c.em.Token(name)
	if after.Secret == before.Secret || after.PreviousSecret != before.Secret || !c.em.Authenticates(before.Secret) {
		t.Fatalf("the rotation with a grace period should leave the old and the new secret working")
	}

	// A refresh whose answer is cut short: the half body the provider cannot decode holds the secret.
	tokenJSON, _ := c.em.TokenJSON(name)
	if !strings.Contains(string(tokenJSON[:len(tokenJSON)/2]), after.Secret) {
		t.Fatalf("the malformed answer should carry the secret for this test to mean anything")
	}
	if _, err := c.em.AddFault(emulator.Fault{Route: emulator.RouteGet, Kind: emulator.FaultMalformed}); err != nil {
		t.Fatal(err)
	}
	step("malformed-read", 1, "plan")
	c.em.ClearFaults()

	// An update refused with an error body that echoes the token, secret included.
	echo, _ := json.Marshal(map[string]any{"code": 400, "message": "Invalid token update", "token": json.RawMessage(tokenJSON)})
	if _, err := c.em.AddFault(emulator.Fault{Route: emulator.RouteUpdate, Kind: emulator.FaultStatus, Status: 400, Body: string(echo)}); err != nil {
		t.Fatal(err)
	}
	c.writeConfig(config("v2", "2") + readers)
	r := step("refused-update", 1, "apply", "-auto-approve")
	if !strings.Contains(r.stderr, "Invalid token update") {
		t.Errorf("the refused update should quote the API's message")
	}
	c.em.ClearFaults()

	step("update", 0, "apply", "-auto-approve")
	step("show", 0, "show")
	step("output", 0, "output")
	step("destroy", 0, "destroy", "-auto-approve")

	if len(secrets) < 2 {
		t.Fatalf("collected %d secrets, want the old and the new one at least", len(secrets))
	}
	needles := map[string]string{"the provider's auth_token": c.admin}
	i := 0
	for s := range secrets {
		i++
		needles[fmt.Sprintf("token secret #%d", i)] = s
	}

	var logText strings.Builder
	for _, p := range logFiles {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("reading the log: %v", err)
		}
		logText.Write(b)
		leaks(t, filepath.Base(p), string(b), needles)
	}
	for i, out := range outputs {
		leaks(t, fmt.Sprintf("output #%d", i), out, needles)
	}

	// The log must be the real thing, or the test would pass on an empty file.
	logs := logText.String()
	for _, want := range []string{
		"provider.terraform-provider-signalfx", // the provider's own log lines reached the file
		"sfx: API request attempt finished",    // the API client's subsystem, at debug level
		"@module=signalfx.sfx",                 // ... under its own module name
		"internal/sfx/retry.go:",               // ... naming the client's code as the caller, not the logging wrapper
		`token_name="log secret"`,              // with the token it is about
		"status=200", "status=400",             // and the answers, errors included
		"Received downstream response", // terraform-plugin-go's trace lines
		"OpenEphemeralResource",        // the ephemeral resource was opened
		"ReadDataSource",               // the data source was read
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("the trace log has no %q: it is not capturing what it should (%d bytes)", want, len(logs))
		}
	}
}

// leaks reports each needle found in text, in any of the forms it could be written in,
// without printing the needle.
func leaks(t *testing.T, where, text string, needles map[string]string) {
	t.Helper()
	for what, needle := range needles {
		forms := []string{needle, strconv.Quote(needle), strings.Trim(strconv.QuoteToASCII(needle), `"`)}
		if b, err := json.Marshal(needle); err == nil {
			forms = append(forms, string(b))
		}
		slices.Sort(forms)
		for _, f := range slices.Compact(forms) {
			if i := strings.Index(text, f); i >= 0 {
				start := max(0, strings.LastIndex(text[:i], "\n")+1)
				context := strings.ReplaceAll(text[start:i], needle, "<"+what+">")
				t.Errorf("%s holds %s, after: %q", where, what, tail(context, 300))
				break
			}
		}
	}
}
