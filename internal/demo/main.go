// Command demo shows the signalfx provider's org-token lifecycle end to end with no SignalFx
// account: it builds the provider, serves the in-memory SignalFx API of package emulator on
// a loopback port, and drives real Terraform through examples/quickstart. Each step is
// checked, and the demo exits non-zero naming the step that misbehaved.
//
//	make demo                 # or: go run ./internal/demo
//	go run ./internal/demo -terraform tofu
//
// Steps: (a) create two tokens, (b) plan shows no changes, (c) rotate both secrets in place,
// (d) revert a change made outside Terraform, (e) destroy. Nothing is written into the
// repository; the temporary directory is removed on exit, also after a failure or Ctrl-C.
// No secret is ever printed: the quickstart outputs SHA-256 fingerprints of them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
	"github.com/orgtokens/terraform-provider-signalfx/internal/tfcli"
)

// step is one checked stage of the demo.
type step struct {
	key   string
	title string
	run   func(*demo, context.Context) error
}

var steps = []step{
	{"a", "Create an INGEST token and an API token (terraform apply)", (*demo).create},
	{"b", "Plan again: nothing to change (terraform plan -detailed-exitcode)", (*demo).noChanges},
	{"c", "Rotate both secrets in place by changing rotation_trigger", (*demo).rotate},
	{"d", "Detect and revert a change made outside Terraform", (*demo).drift},
	{"e", "Destroy both tokens (terraform destroy)", (*demo).destroy},
}

func main() {
	os.Exit(run())
}

type result struct {
	label    string
	err      error
	duration time.Duration
}

func run() int {
	tfFlag := flag.String("terraform", "", "Terraform CLI to run (default: terraform from PATH, else tofu)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()

	tmp, err := os.MkdirTemp("", "signalfx-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo: creating a temporary directory:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	var results []result
	d, stopEmulator, err := setUp(ctx, tmp, *tfFlag)
	results = append(results, result{label: "setup: build the provider, start the emulator", err: err, duration: time.Since(start)})
	if stopEmulator != nil {
		defer stopEmulator()
	}
	for _, s := range steps {
		if err != nil {
			break
		}
		banner(fmt.Sprintf("[%s] %s", s.key, s.title))
		t0 := time.Now()
		err = s.run(d, ctx)
		results = append(results, result{label: fmt.Sprintf("[%s] %s", s.key, s.title), err: err, duration: time.Since(t0)})
	}

	if stopEmulator != nil {
		stopEmulator()
	}
	removeErr := os.RemoveAll(tmp)
	summarize(results, ctx.Err() != nil, time.Since(start))
	if removeErr != nil {
		fmt.Fprintf(os.Stderr, "demo: could not remove %s: %v\n", tmp, removeErr)
	}
	if err == nil {
		fmt.Printf("\nPASS: every step behaved as expected, in %s. Temporary files removed; nothing was written to the repository.\n",
			time.Since(start).Round(100*time.Millisecond))
		return 0
	}
	failed := results[len(results)-1].label
	if ctx.Err() != nil {
		fmt.Fprintf(os.Stderr, "\nINTERRUPTED during %s. Temporary files removed.\n", failed)
		return 130
	}
	fmt.Fprintf(os.Stderr, "\nFAIL: %s\n      %v\nTemporary files removed.\n", failed, err)
	return 1
}

// demo is what the steps share.
type demo struct {
	tf  *terraformCLI
	em  *emulator.Server
	api *sfx.Client
	// rotation is the value of var.rotation passed to every plan, apply and destroy.
	rotation int
	// tokens maps resource addresses to the tokens in the state after step a.
	tokens map[string]tokenInState
	// fingerprints holds the fingerprint outputs after the latest apply.
	fingerprints map[string]string
}

func setUp(ctx context.Context, tmp, tfFlag string) (*demo, func(), error) {
	banner("Setup: build the provider and start the SignalFx emulator")
	tfBin, err := tfcli.FindTerraform(tfFlag)
	if err != nil {
		return nil, nil, err
	}
	root, err := tfcli.RepoRoot(ctx)
	if err != nil {
		return nil, nil, err
	}
	pluginDir := filepath.Join(tmp, "plugins")
	workDir := filepath.Join(tmp, "quickstart")
	for _, dir := range []string{pluginDir, workDir} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, nil, err
		}
	}

	say("Building the provider from %s ...", root)
	t0 := time.Now()
	if err := tfcli.BuildProvider(ctx, root, pluginDir, os.Stdout); err != nil {
		return nil, nil, err
	}
	ok("built terraform-provider-signalfx in %s", time.Since(t0).Round(100*time.Millisecond))

	adminToken := randomToken()
	em, url, stopEmulator, err := emulator.Start(emulator.Options{AdminTokens: map[string]string{adminToken: demoUser}})
	if err != nil {
		return nil, nil, err
	}
	api, err := sfx.New(sfx.Config{BaseURL: url, AuthToken: adminToken, UserAgent: "signalfx-provider-demo"})
	if err != nil {
		stopEmulator()
		return nil, nil, err
	}
	ok("the emulator serves the SignalFx org-token API at %s (in this process, with a random admin token)", url)

	cliConfig := filepath.Join(tmp, "terraform.tfrc")
	if err := tfcli.WriteCLIConfig(cliConfig, pluginDir); err != nil {
		stopEmulator()
		return nil, nil, err
	}
	if err := copyExample(root, workDir); err != nil {
		stopEmulator()
		return nil, nil, err
	}
	tf := &terraformCLI{bin: tfBin, dir: workDir, env: tfcli.Env(cliConfig, url, adminToken)}
	ok("copied %s to %s", exampleDir, workDir)
	ok("%s runs with a CLI configuration of its own: dev_overrides sends %q to the provider just built,", tfcli.Version(ctx, tfBin, tf.env), tfcli.ProviderSource)
	say("    so no terraform init is needed (Terraform warns about the override; the demo shows that warning once).")
	say("    SFX_API_URL and SFX_AUTH_TOKEN point the provider at the emulator; the .tf files hold no credentials.")
	return &demo{tf: tf, em: em, api: api, rotation: 1}, stopEmulator, nil
}

// args appends the variables every plan, apply and destroy takes.
func (d *demo) args(args ...string) []string {
	return append(args, "-no-color", "-var", "rotation="+strconv.Itoa(d.rotation))
}

func (d *demo) name(address string) string { return d.tokens[address].Name }

// emulatorToken is the API's stored token, secret included; never print it whole.
func (d *demo) emulatorToken(address string) (emulator.Token, error) {
	t, found := d.em.Token(d.name(address))
	if !found {
		return t, fmt.Errorf("the emulator has no token named %q (%s)", d.name(address), address)
	}
	return t, nil
}

// planClean runs a plan and fails unless it finds nothing to change.
func (d *demo) planClean(ctx context.Context, after string) error {
	code, err := d.tf.run(ctx, d.args("plan", "-detailed-exitcode")...)
	if err != nil {
		return err
	}
	switch code {
	case 0:
		ok("plan after %s: no changes (exit code 0)", after)
		return nil
	case 2:
		return fmt.Errorf("plan after %s wants changes (exit code 2): a perpetual diff; the plan above shows which attributes", after)
	default:
		return fmt.Errorf("plan after %s failed with exit code %d (its output is above)", after, code)
	}
}

// checkFingerprints compares the fingerprint outputs with the emulator's current secrets.
func (d *demo) checkFingerprints(ctx context.Context) error {
	outs, err := d.tf.outputs(ctx)
	if err != nil {
		return err
	}
	for addr, output := range fingerprintOutputs {
		t, err := d.emulatorToken(addr)
		if err != nil {
			return err
		}
		if outs[output] == "" {
			return fmt.Errorf("the configuration has no output %q", output)
		}
		if outs[output] != fingerprint(t.Secret) {
			return fmt.Errorf("output %s is %s but the API's secret of %q has fingerprint %s: the state holds a stale secret",
				output, outs[output], t.Name, fingerprint(t.Secret))
		}
	}
	d.fingerprints = outs
	return nil
}

func banner(title string) {
	fmt.Printf("\n%s\n==> %s\n%s\n", strings.Repeat("=", 78), title, strings.Repeat("=", 78))
}

// say prints a line of the demo's own commentary.
func say(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}

// ok prints a check that passed.
func ok(format string, args ...any) {
	fmt.Printf("  ok  "+format+"\n", args...)
}

func summarize(results []result, interrupted bool, total time.Duration) {
	banner("Summary")
	for _, r := range results {
		status := "ok"
		switch {
		case r.err != nil && interrupted:
			status = "STOPPED"
		case r.err != nil:
			status = "FAILED"
		}
		fmt.Printf("  %-7s %-72s %6s\n", status, r.label, r.duration.Round(100*time.Millisecond))
	}
	if len(results) < len(steps)+1 {
		for _, s := range steps[len(results)-1:] {
			fmt.Printf("  %-7s [%s] %s (not run)\n", "-", s.key, s.title)
		}
	}
	fmt.Printf("  total %s\n", total.Round(100*time.Millisecond))
}
