package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
)

const (
	modulePath = "github.com/orgtokens/terraform-provider-signalfx"
	// providerSource is how the quickstart's required_providers names the provider, and so
	// the key of the dev_overrides entry.
	providerSource = "orgtokens/signalfx"
	// exampleDir is the configuration the demo applies, relative to the repository root.
	exampleDir = "examples/quickstart"
	// demoUser is the user id the emulator records as creator of the demo's tokens.
	demoUser = "DEMOADMIN"
)

// repoRoot finds the provider's repository from the go command's view of the current
// module, so the demo works from any directory inside the repository.
func repoRoot(ctx context.Context) (string, error) {
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

// buildProvider compiles the provider into dir under the name Terraform looks for.
func buildProvider(ctx context.Context, root, dir string) error {
	bin := filepath.Join(dir, "terraform-provider-signalfx")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	// -buildvcs=false: a fresh checkout without commits (or without git) still builds.
	cmd := exec.CommandContext(ctx, "go", "build", "-buildvcs=false", "-o", bin, ".")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build of the provider failed: %w", err)
	}
	return nil
}

// writeCLIConfig writes a Terraform CLI configuration that takes the provider from dir
// instead of the registry.
func writeCLIConfig(path, dir string) error {
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, providerSource, filepath.ToSlash(dir))
	return os.WriteFile(path, []byte(cfg), 0o600)
}

// copyExample copies the quickstart's .tf files into dst (state is written there, never
// into the repository) and adds the values of its required variables.
func copyExample(root, dst string) error {
	src := filepath.Join(root, exampleDir)
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o600); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no .tf files in %s", src)
	}
	// The emulator does not check principals, so any team id will do.
	return os.WriteFile(filepath.Join(dst, "demo.auto.tfvars"), []byte("reader_team_id = \"DEMOTEAM001\"\n"), 0o600)
}

// startEmulator serves an in-memory SignalFx API on a free loopback port.
func startEmulator(adminToken string) (em *emulator.Server, url string, stop func(), err error) {
	em = emulator.New(emulator.Options{AdminTokens: map[string]string{adminToken: demoUser}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, fmt.Errorf("listening on a loopback port: %w", err)
	}
	hs := &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(em.WrapListener(ln))
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = hs.Close()
			<-done
		})
	}
	return em, "http://" + ln.Addr().String(), stop, nil
}

// randomToken returns a fresh admin token for the emulator.
func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// findTerraform returns the CLI to run: the flag's value, else terraform, else tofu.
func findTerraform(flagValue string) (string, error) {
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

// cliVersion returns the first line of `<cli> version`, for the banner.
func cliVersion(ctx context.Context, bin string, env []string) string {
	cmd := exec.CommandContext(ctx, bin, "version")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return filepath.Base(bin) + " (version unknown)"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

// droppedEnv reports whether an inherited variable could change what the demo runs: the
// caller's CLI configuration (which may name a missing file, or hold other overrides),
// extra CLI arguments, variables, workspaces, and SignalFx credentials of a real org.
func droppedEnv(key string) bool {
	switch key {
	case "TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG", "TOFU_CLI_CONFIG_FILE", "TF_WORKSPACE", "TF_DATA_DIR",
		"TF_REATTACH_PROVIDERS", "TF_PLUGIN_CACHE_DIR", "TF_IN_AUTOMATION", "TF_INPUT", "CHECKPOINT_DISABLE":
		return true
	}
	return strings.HasPrefix(key, "TF_CLI_ARGS") || strings.HasPrefix(key, "TF_VAR_") || strings.HasPrefix(key, "SFX_")
}

// terraformEnv is the environment of every terraform command: the caller's, minus what
// droppedEnv removes, plus the demo's CLI configuration and the emulator's address.
func terraformEnv(cliConfig, apiURL, adminToken string) []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		if !droppedEnv(key) {
			env = append(env, kv)
		}
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"SFX_API_URL="+apiURL,
		"SFX_AUTH_TOKEN="+adminToken,
	)
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
