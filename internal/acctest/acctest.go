// Package acctest wires provider tests to an API: by default a fresh in-process emulator per
// test (hermetic, parallel, no account needed); with TF_ACC=1 and SFX_AUTH_TOKEN set, the
// real SignalFx org that the SFX_* variables name. Tests that need the emulator's hooks
// (its clock, request log or fault injection) skip themselves in live mode and say why.
package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/provider"
	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
)

// AdminToken is the emulator's admin session token in tests.
const AdminToken = "test-admin-session-token"

// Env is one test's API: an emulator, or the live org.
type Env struct {
	URL        string
	AdminToken string
	// Emulator and Clock are nil in live mode.
	Emulator *emulator.Server
	Clock    *emulator.ManualClock
	Live     bool
	prefix   string
}

// Live reports whether tests run against a real org (TF_ACC=1 and SFX_AUTH_TOKEN set).
func Live() bool {
	return os.Getenv("TF_ACC") != "" && os.Getenv("SFX_AUTH_TOKEN") != ""
}

// New returns the API for one test. Options adjust the emulator (ignored in live mode).
func New(t *testing.T, opts ...func(*emulator.Options)) *Env {
	t.Helper()
	prefix := "tfacc-" + randomHex(4) + "-"
	if Live() {
		url := os.Getenv("SFX_API_URL")
		if url == "" {
			realm := os.Getenv("SFX_REALM")
			if realm == "" {
				realm = "us0"
			}
			url = "https://api." + realm + ".signalfx.com"
		}
		return &Env{URL: url, AdminToken: os.Getenv("SFX_AUTH_TOKEN"), Live: true, prefix: prefix}
	}
	clock := emulator.NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	o := emulator.Options{
		AdminTokens: map[string]string{AdminToken: "ADMINUSER"},
		Clock:       clock,
	}
	for _, f := range opts {
		f(&o)
	}
	em, url := emulator.NewTestServer(t, o)
	return &Env{URL: url, AdminToken: AdminToken, Emulator: em, Clock: clock, prefix: ""}
}

// RequireEmulator skips a test that needs the emulator's hooks when running live.
func (e *Env) RequireEmulator(t *testing.T, why string) {
	t.Helper()
	if e.Live {
		t.Skipf("needs the emulator (%s); skipped against a live org", why)
	}
}

// Name returns a token name for the test: in live mode prefixed so that parallel runs and
// leftovers are recognisable.
func (e *Env) Name(base string) string {
	return e.prefix + base
}

// ProviderConfig is the provider block pointing at this API, with tight retry waits so
// fault tests stay fast.
func (e *Env) ProviderConfig() string {
	if e.Live {
		return "provider \"signalfx\" {}\n"
	}
	return fmt.Sprintf(`provider "signalfx" {
  api_url                = %q
  auth_token             = %q
  retry_wait_min_seconds = 0
  retry_wait_max_seconds = 1
  timeout_seconds        = 5
}
`, e.URL, e.AdminToken)
}

// Factories returns provider factories for resource.TestCase.
func (e *Env) Factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"signalfx": providerserver.NewProtocol6WithError(provider.New("test")()),
	}
}

// Client is an admin API client for changes made "by hand" outside Terraform.
func (e *Env) Client(t *testing.T) *sfx.Client {
	t.Helper()
	c, err := sfx.New(sfx.Config{BaseURL: e.URL, AuthToken: e.AdminToken, UserAgent: "acctest", RetryMax: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	return c
}

// Edit changes a token by hand through the API (GET, change, PUT), as a person in the UI would.
func (e *Env) Edit(t *testing.T, name string, change func(*sfx.Token)) {
	t.Helper()
	c := e.Client(t)
	ctx := context.Background()
	tok, err := c.GetToken(ctx, name)
	if err != nil {
		t.Fatalf("get %q: %v", name, err)
	}
	change(tok)
	if _, err := c.UpdateToken(ctx, name, tok); err != nil {
		t.Fatalf("update %q: %v", name, err)
	}
}

// Get reads a token through the API.
func (e *Env) Get(t *testing.T, name string) *sfx.Token {
	t.Helper()
	tok, err := e.Client(t).GetToken(context.Background(), name)
	if err != nil {
		t.Fatalf("get %q: %v", name, err)
	}
	return tok
}

// SetupTerraform points the tests at a Terraform CLI with a CLI configuration of their own:
// the environment's TF_CLI_CONFIG_FILE may name a missing file, which makes some versions
// print a warning that breaks version detection. Call it from TestMain.
func SetupTerraform() error {
	dir, err := os.MkdirTemp("", "signalfx-acctest-")
	if err != nil {
		return err
	}
	cfg := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cfg, []byte("# written by internal/acctest: no overrides\n"), 0o600); err != nil {
		return err
	}
	for k, v := range map[string]string{"TF_CLI_CONFIG_FILE": cfg, "TOFU_CLI_CONFIG_FILE": cfg, "CHECKPOINT_DISABLE": "1"} {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if p, err := exec.LookPath("terraform"); err == nil {
			if err := os.Setenv("TF_ACC_TERRAFORM_PATH", p); err != nil {
				return err
			}
		} else if p, err := exec.LookPath("tofu"); err == nil {
			if err := os.Setenv("TF_ACC_TERRAFORM_PATH", p); err != nil {
				return err
			}
		} else {
			return fmt.Errorf("no terraform or tofu on PATH and TF_ACC_TERRAFORM_PATH is unset: install one, or run scripts/tofu.sh and export TF_ACC_TERRAFORM_PATH")
		}
	}
	return nil
}

// Quote returns s as an HCL string literal.
func Quote(s string) string {
	return strconv.Quote(strings.ReplaceAll(strings.ReplaceAll(s, "${", "$${"), "%{", "%%{"))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
