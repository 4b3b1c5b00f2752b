// Package tfcli runs a real Terraform (or OpenTofu) CLI against a provider binary built
// from this repository: the demo, the benchmarks and the tests that need the CLI itself
// (log capture, interrupts) share it. Every command gets a CLI configuration of its own
// with dev_overrides, never the caller's (which may name a missing file).
package tfcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

const (
	modulePath = "github.com/orgtokens/terraform-provider-signalfx"
	// ProviderSource is how configurations name the provider in required_providers, and
	// so the key of the dev_overrides entry.
	ProviderSource = "orgtokens/signalfx"
)

// RepoRoot finds the provider's repository from the go command's view of the current
// module, so the demo works from any directory inside the repository.
func RepoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("running go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module: run the demo from the provider's repository (make demo)")
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	if !declaresModule(data, modulePath) {
		return "", fmt.Errorf("%s is not the go.mod of %s: run the demo from the provider's repository", gomod, modulePath)
	}
	return filepath.Dir(gomod), nil
}

// BuildProvider compiles the provider into dir under the name Terraform looks for, with
// the go command's output going to w.
func BuildProvider(ctx context.Context, root, dir string, w io.Writer) error {
	bin := filepath.Join(dir, "terraform-provider-signalfx")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	// -buildvcs=false: a fresh checkout without commits (or without git) still builds.
	cmd := exec.CommandContext(ctx, "go", "build", "-buildvcs=false", "-o", bin, ".")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build of the provider failed: %w", err)
	}
	return nil
}

// WriteCLIConfig writes a Terraform CLI configuration that takes the provider from dir
// instead of the registry.
func WriteCLIConfig(path, dir string) error {
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, ProviderSource, filepath.ToSlash(dir))
	return os.WriteFile(path, []byte(cfg), 0o600)
}

// FindTerraform returns the CLI to run: the given one, else terraform, else tofu.
func FindTerraform(flagValue string) (string, error) {
	if flagValue != "" {
		return exec.LookPath(flagValue)
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p, nil
	}
	if p, err := exec.LookPath("tofu"); err == nil {
		return p, nil
	}
	return "", errors.New("neither terraform nor tofu is on PATH: install Terraform (https://developer.hashicorp.com/terraform/install) or pass -terraform PATH")
}

// Version returns the first line of `<cli> version`, for the banner.
func Version(ctx context.Context, bin string, env []string) string {
	cmd := exec.CommandContext(ctx, bin, "version")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return filepath.Base(bin) + " (version unknown)"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

// DroppedEnv reports whether an inherited variable could change what the demo runs: the
// caller's CLI configuration (which may name a missing file, or hold other overrides),
// extra CLI arguments, variables, workspaces, and SignalFx credentials of a real org.
func DroppedEnv(key string) bool {
	switch key {
	case "TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG", "TOFU_CLI_CONFIG_FILE", "TF_WORKSPACE", "TF_DATA_DIR",
		"TF_REATTACH_PROVIDERS", "TF_PLUGIN_CACHE_DIR", "TF_IN_AUTOMATION", "TF_INPUT", "CHECKPOINT_DISABLE":
		return true
	}
	return strings.HasPrefix(key, "TF_CLI_ARGS") || strings.HasPrefix(key, "TF_VAR_") || strings.HasPrefix(key, "SFX_")
}

// Env is the environment of every terraform command: the caller's, minus what DroppedEnv
// removes, plus the CLI configuration, the API's address and token, and extra KEY=VALUE pairs.
func Env(cliConfig, apiURL, adminToken string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		if !DroppedEnv(key) {
			env = append(env, kv)
		}
	}
	return append(append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"SFX_API_URL="+apiURL,
		"SFX_AUTH_TOKEN="+adminToken,
	), extra...)
}

// declaresModule reports whether go.mod data declares the module path.
func declaresModule(data []byte, path string) bool {
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == "module" && strings.Trim(fields[1], `"`) == path {
			return true
		}
	}
	return false
}

// Run runs the CLI in dir with env and returns its exit code; err is set only when the
// command could not run, timed out or was cancelled. Cancelling ctx interrupts the CLI
// (SIGINT) so it can stop gracefully, as a Ctrl-C would; it is killed waitDelay later.
func Run(ctx context.Context, bin, dir string, env []string, timeout time.Duration, stdout, stderr io.Writer, args ...string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Terraform runs in its own process group, so a Ctrl-C reaches it once (from us, as an
	// interrupt it handles gracefully) rather than twice (which makes it exit at once).
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return interrupt(cmd.Process) }
	cmd.WaitDelay = 30 * time.Second
	err := cmd.Run()
	if ctxErr := ctx.Err(); err != nil && ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return -1, fmt.Errorf("%s %s did not finish within %s", name(bin), args[0], timeout)
		}
		return -1, fmt.Errorf("%s %s stopped: %w", name(bin), args[0], ctxErr)
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), nil
	}
	if err != nil {
		return -1, fmt.Errorf("running %s: %w", name(bin), err)
	}
	return 0, nil
}

func name(bin string) string {
	return strings.TrimSuffix(filepath.Base(bin), ".exe")
}
