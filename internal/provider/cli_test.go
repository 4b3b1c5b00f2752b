package provider_test

// Tests that need the real Terraform CLI rather than terraform-plugin-testing: an
// interrupted apply (SIGINT), a large parallel apply under transient faults, and TF_LOG
// capture. They run a provider binary built once per test binary (internal/tfcli) against
// an emulator on a loopback port. They are skipped with -short.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/tfcli"
)

// cliCommandTimeout bounds one terraform command.
const cliCommandTimeout = 3 * time.Minute

// builtProvider is the provider binary shared by the CLI tests of this test binary.
var builtProvider struct {
	once sync.Once
	dir  string
	err  error
}

// providerBinaryDir builds the provider on first use and returns the directory holding it.
func providerBinaryDir(t *testing.T) string {
	t.Helper()
	builtProvider.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		root, err := tfcli.RepoRoot(ctx)
		if err != nil {
			builtProvider.err = err
			return
		}
		dir, err := os.MkdirTemp("", "signalfx-cli-test-") //nolint:usetesting // built once for every CLI test; TestMain removes it
		if err != nil {
			builtProvider.err = err
			return
		}
		builtProvider.dir = dir
		var out bytes.Buffer
		if err := tfcli.BuildProvider(ctx, root, dir, &out); err != nil {
			builtProvider.err = fmt.Errorf("%w\n%s", err, out.String())
		}
	})
	if builtProvider.err != nil {
		t.Fatalf("building the provider: %v", builtProvider.err)
	}
	return builtProvider.dir
}

// removeBuiltProvider deletes the shared provider binary; TestMain calls it.
func removeBuiltProvider() {
	if builtProvider.dir != "" {
		_ = os.RemoveAll(builtProvider.dir)
	}
}

// cliRun is one terraform working directory against its own emulator.
type cliRun struct {
	t     *testing.T
	bin   string
	dir   string
	env   []string
	em    *emulator.Server
	url   string
	admin string
}

// newCLIRun skips under -short, starts an emulator with opts (its admin token is added) and
// prepares a working directory whose CLI configuration points at the built provider.
func newCLIRun(t *testing.T, opts emulator.Options) *cliRun {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the real Terraform CLI against a built provider: skipped with -short")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH") // set by acctest.SetupTerraform in TestMain
	if bin == "" {
		var err error
		if bin, err = tfcli.FindTerraform(""); err != nil {
			t.Fatal(err)
		}
	}
	pluginDir := providerBinaryDir(t)
	admin := "admin-" + randomHex(t, 16)
	if opts.AdminTokens == nil {
		opts.AdminTokens = map[string]string{}
	}
	opts.AdminTokens[admin] = "CLIADMIN"
	em, url, stop, err := emulator.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	cliConfig := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := tfcli.WriteCLIConfig(cliConfig, pluginDir); err != nil {
		t.Fatal(err)
	}
	return &cliRun{
		t: t, bin: bin, dir: t.TempDir(), em: em, url: url, admin: admin,
		env: tfcli.Env(cliConfig, url, admin),
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// writeConfig replaces the working directory's main.tf.
func (c *cliRun) writeConfig(hcl string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// cliResult is the outcome of one command.
type cliResult struct {
	code           int
	err            error
	stdout, stderr string
	took           time.Duration
}

// run runs one command with ctx and extra environment variables.
func (c *cliRun) run(ctx context.Context, extraEnv []string, args ...string) cliResult {
	var stdout, stderr bytes.Buffer
	start := time.Now()
	env := append(slices.Clone(c.env), extraEnv...)
	code, err := tfcli.Run(ctx, c.bin, c.dir, env, cliCommandTimeout, &stdout, &stderr, args...)
	return cliResult{code: code, err: err, stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
}

// mustRun runs a command that must exit with want (0 unless given).
func (c *cliRun) mustRun(want int, args ...string) cliResult {
	c.t.Helper()
	r := c.run(context.Background(), nil, args...)
	c.t.Logf("terraform %s: exit %d after %s", strings.Join(args, " "), r.code, r.took.Round(time.Millisecond))
	if r.err != nil || r.code != want {
		c.t.Fatalf("terraform %s: exit %d (want %d), %v\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), r.code, want, r.err, tail(r.stdout, 4000), tail(r.stderr, 4000))
	}
	return r
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// stateTokens returns the signalfx_org_token instances in state by address, with their
// name and secret, from terraform show -json. The output holds secrets: never print it.
func (c *cliRun) stateTokens() map[string]struct{ Name, Secret string } {
	c.t.Helper()
	r := c.mustRun(0, "show", "-json")
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
					Type    string `json:"type"`
					Values  struct {
						Name   string `json:"name"`
						Secret string `json:"secret"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		c.t.Fatalf("terraform show -json: %v", err)
	}
	out := map[string]struct{ Name, Secret string }{}
	for _, res := range doc.Values.RootModule.Resources {
		if res.Type == "signalfx_org_token" {
			out[res.Address] = struct{ Name, Secret string }{res.Values.Name, res.Values.Secret}
		}
	}
	return out
}

// stateList returns the addresses terraform state list prints.
func (c *cliRun) stateList() []string {
	c.t.Helper()
	r := c.mustRun(0, "state", "list")
	return strings.Fields(r.stdout)
}

// assertConverged checks that the API holds exactly the tokens named want, once each, that
// state has one instance per token, and that every secret in state is the API's.
func (c *cliRun) assertConverged(want []string) {
	c.t.Helper()
	if n := c.em.TokenCount(); n != len(want) {
		c.t.Errorf("the API holds %d tokens, want %d", n, len(want))
	}
	if list := c.stateList(); len(list) != len(want) {
		c.t.Errorf("terraform state list has %d entries, want %d", len(list), len(want))
	}
	seen := map[string]string{}
	for addr, tok := range c.stateTokens() {
		if other, dup := seen[tok.Name]; dup {
			c.t.Errorf("%s and %s both manage %q", addr, other, tok.Name)
		}
		seen[tok.Name] = addr
		api, ok := c.em.Token(tok.Name)
		switch {
		case !ok:
			c.t.Errorf("%s manages %q, which the API does not have", addr, tok.Name)
		case tok.Secret == "" || tok.Secret != api.Secret:
			c.t.Errorf("%s: the secret in state is not the API's secret of %q", addr, tok.Name)
		}
	}
	for _, name := range want {
		if _, ok := c.em.Token(name); !ok {
			c.t.Errorf("the API has no token %q", name)
		}
		if _, ok := seen[name]; !ok {
			c.t.Errorf("no resource in state manages %q", name)
		}
	}
}

// countedTokensConfig is a configuration of n tokens named prefix-000 ... Connection details
// come from SFX_API_URL and SFX_AUTH_TOKEN (tfcli.Env).
func countedTokensConfig(prefix string, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    signalfx = { source = %q }
  }
}

provider "signalfx" {
  retry_wait_min_seconds = 0
  retry_wait_max_seconds = 1
  timeout_seconds        = 5
}

resource "signalfx_org_token" "t" {
  count       = %d
  name        = format("%s-%%03d", count.index)
  description = "token ${count.index}"
}
`, tfcli.ProviderSource, n, prefix)
}

func countedNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%03d", prefix, i)
	}
	return out
}

// TestCLI_interruptedApplyConverges interrupts (SIGINT) an apply creating 60 tokens while
// creates are in flight, each already committed by the API but not yet answered, as a
// slow network leaves them. The next apply must converge: every token exists once, state
// and API agree, every secret in state is the API's, and a further plan is empty.
func TestCLI_interruptedApplyConverges(t *testing.T) {
	t.Parallel()
	c := newCLIRun(t, emulator.Options{Latency: 20 * time.Millisecond})
	const n = 60
	names := countedNames("interrupt", n)
	c.writeConfig(countedTokensConfig("interrupt", n))
	// Every create is applied at once but answered 300ms later.
	if _, err := c.em.AddFault(emulator.Fault{Route: emulator.RouteCreate, Kind: emulator.FaultSlow, Delay: 300 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan cliResult, 1)
	go func() { done <- c.run(ctx, nil, "apply", "-auto-approve", "-no-color", "-parallelism=4") }()
	deadline := time.After(2 * time.Minute)
poll:
	for {
		select {
		case r := <-done:
			t.Fatalf("apply ended before it was interrupted (exit %d, %v):\n%s\n%s", r.code, r.err, tail(r.stdout, 3000), tail(r.stderr, 3000))
		case <-deadline:
			t.Fatal("no tokens were created within 2 minutes")
		case <-time.After(10 * time.Millisecond):
			if c.em.TokenCount() >= 10 {
				break poll
			}
		}
	}
	cancel() // SIGINT, as a Ctrl-C would send
	first := <-done
	created := c.em.TokenCount()
	t.Logf("interrupted after %s with %d of %d tokens created", first.took, created, n)
	if created == n {
		t.Fatalf("the interrupt came too late: all %d tokens were created", n)
	}
	cutOff := 0
	for _, r := range c.em.Requests() {
		if r.Route == emulator.RouteCreate && r.Status == 0 && r.HandlerStatus == 200 {
			cutOff++
		}
	}
	if cutOff == 0 {
		t.Errorf("the interrupt cut off no create that the API had applied: the test proves nothing")
	}
	if !strings.Contains(first.stdout+first.stderr, "Interrupt received") {
		t.Errorf("terraform did not report the interrupt:\n%s\n%s", tail(first.stdout, 3000), tail(first.stderr, 3000))
	}

	c.em.ClearFaults()
	second := c.mustRun(0, "apply", "-auto-approve", "-no-color", "-parallelism=4")
	if strings.Contains(second.stdout+second.stderr, "already exists") {
		t.Errorf("the second apply met tokens the first had orphaned:\n%s", tail(second.stdout, 3000))
	}
	c.assertConverged(names)
	c.mustRun(0, "plan", "-detailed-exitcode", "-no-color")
}

// TestCLI_parallelApplyUnderTransientFaults applies 200 tokens with -parallelism=20 while
// 10% of reads and deletes answer 503, 5% of reads 429, and 5% of creates are applied but
// their answer is lost. Every token must exist exactly once, with its secret in
// state, a second plan must be empty, and destroy must leave nothing behind.
func TestCLI_parallelApplyUnderTransientFaults(t *testing.T) {
	t.Parallel()
	c := newCLIRun(t, emulator.Options{Seed: 20260102})
	const n = 200
	names := countedNames("parallel", n)
	c.writeConfig(countedTokensConfig("parallel", n))
	for _, f := range []emulator.Fault{
		{Route: emulator.RouteGet, Kind: emulator.FaultStatus, Status: 503, Probability: 0.10},
		{Route: emulator.RouteGet, Kind: emulator.FaultStatus, Status: 429, RetryAfter: 1, Probability: 0.05},
		{Route: emulator.RouteDelete, Kind: emulator.FaultStatus, Status: 503, Probability: 0.10},
		{Route: emulator.RouteCreate, Kind: emulator.FaultDropAfter, Probability: 0.05},
	} {
		if _, err := c.em.AddFault(f); err != nil {
			t.Fatal(err)
		}
	}

	c.mustRun(0, "apply", "-auto-approve", "-no-color", "-parallelism=20")
	st := c.em.Stats()
	if lost := st.Count(emulator.RouteCreate, "POST", 0); lost == 0 {
		t.Errorf("no create answer was lost: the faults did not fire")
	}
	if creates := st.Count(emulator.RouteCreate, "POST", emulator.AnyStatus); creates != n {
		t.Errorf("%d create requests for %d tokens: a create was repeated", creates, n)
	}
	c.assertConverged(names)

	c.mustRun(0, "plan", "-detailed-exitcode", "-no-color", "-parallelism=20")
	st = c.em.Stats()
	t.Logf("requests: %d; 503s: %d; 429s: %d; lost create answers: %d", st.Total,
		st.Count("", "", 503), st.Count("", "", 429), st.Count(emulator.RouteCreate, "POST", 0))
	if st.Count(emulator.RouteGet, "GET", 503) == 0 || st.Count(emulator.RouteGet, "GET", 429) == 0 {
		t.Errorf("the 503 and 429 faults did not fire")
	}

	// The plan above refreshed every token under the same faults; destroy goes straight to the deletes.
	c.mustRun(0, "destroy", "-auto-approve", "-no-color", "-refresh=false", "-parallelism=20")
	if n := c.em.TokenCount(); n != 0 {
		t.Errorf("%d tokens left after destroy", n)
	}
	if st := c.em.Stats(); st.Count(emulator.RouteDelete, "DELETE", 503) == 0 {
		t.Errorf("the delete faults did not fire")
	}
}
