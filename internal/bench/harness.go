package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/bench/profile"
	"github.com/orgtokens/terraform-provider-signalfx/internal/bench/rusage"
	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/tfcli"
)

const (
	// noopSource is the no-op baseline provider's source address; its binary is
	// terraform-provider-noop in the same dev_overrides directory.
	noopSource = "orgtokens/noop"
	// adminUser is the user id the emulator records for the benchmark's admin token.
	adminUser = "BENCHADMIN"
	// commandTimeout bounds one terraform command.
	commandTimeout = 10 * time.Minute
)

// harness holds what every measurement shares: the binaries, the CLI configuration and the
// directory the rusage wrapper reports to.
type harness struct {
	terraform  string
	tfVersion  string
	root       string
	tmp        string
	cliConfig  string
	rusageDir  string
	adminToken string
	// pprofDir, when set, receives a CPU and a heap profile of every provider process (the
	// signalfx provider is then built from profprovider).
	pprofDir string
	// log receives progress lines; io.Discard in tests.
	log io.Writer
}

// harnessOptions say what newHarness builds and where it reports.
type harnessOptions struct {
	// terraform is the CLI to run; "" means terraform from PATH.
	terraform string
	// pprofDir, when set, is where provider processes write profiles.
	pprofDir string
	// noNoop skips building the no-op provider (tests need only the real one).
	noNoop bool
	log    io.Writer
}

// newHarness builds the provider, the no-op provider and the rusage wrapper into a
// dev_overrides directory under tmp: tmp/plugins/terraform-provider-{signalfx,noop} are the
// wrapper, and tmp/plugins/real/ holds the real binaries it runs.
func newHarness(ctx context.Context, tmp string, o harnessOptions) (*harness, error) {
	tfFlag, pprofDir, log := o.terraform, o.pprofDir, o.log
	if runtime.GOOS == "windows" {
		return nil, errors.New("the benchmark needs a Unix system: it reads provider CPU time and peak RSS from wait4")
	}
	tf, err := tfcli.FindTerraform(tfFlag)
	if err != nil {
		return nil, err
	}
	root, err := tfcli.RepoRoot(ctx)
	if err != nil {
		return nil, err
	}
	h := &harness{
		terraform: tf, root: root, tmp: tmp, log: log,
		cliConfig:  filepath.Join(tmp, "cli.tfrc"),
		rusageDir:  filepath.Join(tmp, "rusage"),
		adminToken: "bench-admin-session-token",
	}
	if pprofDir != "" {
		if h.pprofDir, err = filepath.Abs(pprofDir); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(h.pprofDir, 0o700); err != nil {
			return nil, err
		}
	}
	plugins := filepath.Join(tmp, "plugins")
	real := filepath.Join(plugins, "real")
	for _, d := range []string{real, h.rusageDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	// Each binary and the package it is built from.
	builds := [][2]string{{filepath.Join(plugins, "terraform-provider-signalfx"), "./internal/bench/rusagewrap"}}
	if !o.noNoop {
		builds = append(builds,
			[2]string{filepath.Join(real, "terraform-provider-noop"), "./internal/bench/noopprovider"},
			[2]string{filepath.Join(plugins, "terraform-provider-noop"), "./internal/bench/rusagewrap"})
	}
	if h.pprofDir != "" {
		builds = append(builds, [2]string{filepath.Join(real, "terraform-provider-signalfx"), "./internal/bench/profprovider"})
	} else {
		// The provider exactly as released: the repository's main.go.
		var out bytes.Buffer
		if err := tfcli.BuildProvider(ctx, root, real, &out); err != nil {
			return nil, fmt.Errorf("%w\n%s", err, out.String())
		}
	}
	for _, b := range builds {
		cmd := exec.CommandContext(ctx, "go", "build", "-buildvcs=false", "-o", b[0], b[1])
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s: %w\n%s", b[1], err, out)
		}
	}
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		tfcli.ProviderSource, filepath.ToSlash(plugins), noopSource, filepath.ToSlash(plugins))
	if err := os.WriteFile(h.cliConfig, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	h.tfVersion = tfcli.Version(ctx, tf, tfcli.Env(h.cliConfig, "", ""))
	return h, nil
}

// sample is one terraform command's measurement.
type sample struct {
	Wall time.Duration
	// TotalCPU is the CPU time of terraform and every process it waited for (the
	// providers): wait4's rusage of the terraform process.
	TotalCPU time.Duration
	// ProviderCPU sums the CPU time of the provider processes the command started;
	// ProviderRSS is the largest peak RSS among them.
	ProviderCPU time.Duration
	ProviderRSS int64
	// Providers is the number of provider processes; Unreported counts those that were
	// killed instead of stopped (and so wrote no record).
	Providers  int
	Unreported int
	// Requests and Connections are the emulator's counters for the command.
	Requests    []emulator.RouteCount
	Connections int64
	// APISpan is the time from the first API request's arrival to the end of the last.
	APISpan time.Duration
	// BenchCPU is the benchmark process's own CPU time during the command: the in-process
	// emulator serving the requests, plus a little bookkeeping.
	BenchCPU time.Duration
	// Failed is Terraform's first error when the command failed (run also returns an error).
	Failed string
}

// tfCommand is one terraform command to measure.
type tfCommand struct {
	// em is the emulator whose counters the command is charged (nil for none) and url its
	// address.
	em  *emulator.Server
	url string
	dir string
	// env is added to the command's environment.
	env []string
	// okCodes are the exit codes that mean success.
	okCodes []int
	args    []string
}

// run runs one terraform command and measures it.
func (h *harness) run(ctx context.Context, c tfCommand) (sample, error) {
	var s sample
	em, args := c.em, c.args
	if _, _, err := rusage.Collect(h.rusageDir); err != nil {
		return s, err
	}
	if em != nil {
		em.ResetRequests()
	}
	env := tfcli.Env(h.cliConfig, c.url, h.adminToken, append([]string{rusage.EnvDir + "=" + h.rusageDir}, c.env...)...)
	if h.pprofDir != "" {
		env = append(env, profile.EnvDir+"="+h.pprofDir)
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.terraform, args...)
	cmd.Dir = c.dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	setProcessGroup(cmd)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	start, startCPU := time.Now(), selfCPU()
	err := cmd.Run()
	s.Wall, s.BenchCPU = time.Since(start), selfCPU()-startCPU
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return s, fmt.Errorf("terraform %s: %w", args[0], err)
	}
	var exitCodeErr error
	if code := cmd.ProcessState.ExitCode(); !slices.Contains(c.okCodes, code) {
		s.Failed = firstError(out.String())
		exitCodeErr = fmt.Errorf("terraform %s in %s exited with code %d:\n%s", strings.Join(args, " "), c.dir, code, tail(out.String(), 40))
	}
	s.TotalCPU = processCPU(cmd.ProcessState)
	recs, missing, err := rusage.Collect(h.rusageDir)
	if err != nil {
		return s, err
	}
	s.Providers, s.Unreported = len(recs)+missing, missing
	for _, r := range recs {
		s.ProviderCPU += r.CPU()
		s.ProviderRSS = max(s.ProviderRSS, r.MaxRSS)
	}
	if em != nil {
		st := em.Stats()
		s.Requests, s.Connections = st.Requests, st.Connections
		s.APISpan = apiSpan(em.Requests())
	}
	return s, exitCodeErr
}

// firstError returns the first error Terraform printed (its summary and detail), or its last
// line.
func firstError(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l, "│╷ "), "Error: ") {
			var msg []string
			for _, m := range lines[i:min(i+12, len(lines))] {
				if m = strings.TrimSpace(strings.TrimLeft(m, "│╷╵ ")); m != "" {
					msg = append(msg, m)
				}
			}
			return strings.Join(msg, " ")
		}
	}
	return lines[len(lines)-1]
}

func apiSpan(reqs []emulator.RequestRecord) time.Duration {
	if len(reqs) == 0 {
		return 0
	}
	first, last := reqs[0].Time, reqs[0].Time.Add(reqs[0].Duration)
	for _, r := range reqs {
		if r.Time.Before(first) {
			first = r.Time
		}
		if end := r.Time.Add(r.Duration); end.After(last) {
			last = end
		}
	}
	return last.Sub(first)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
