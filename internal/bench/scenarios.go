package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
	"github.com/orgtokens/terraform-provider-signalfx/internal/sfx"
	"github.com/orgtokens/terraform-provider-signalfx/internal/tfcli"
)

// Scenario keys, used in working directories and token names.
const (
	scenarioZero    = "zero"
	scenarioLatency = "latency"
)

// cycleResult holds the samples of one scenario and N: by operation, then subject, one
// sample per repetition.
type cycleResult struct {
	scenario string
	latency  time.Duration
	n        int
	samples  map[string]map[string][]sample
}

// runner runs the measurements.
type runner struct {
	h           *harness
	parallelism int
}

// startEmulator serves a fresh emulator on loopback.
func (r *runner) startEmulator(opts emulator.Options) (*emulator.Server, string, func(), error) {
	opts.AdminTokens = map[string]string{r.h.adminToken: adminUser}
	opts.RequestLogSize = 50_000
	return emulator.Start(opts)
}

// args adds -parallelism when it is not Terraform's default.
func (r *runner) args(op operation) []string {
	args := slices.Clone(op.args)
	if r.parallelism != defaultParallelism {
		args = append(args, "-parallelism="+strconv.Itoa(r.parallelism))
	}
	return args
}

// cycle measures create, plan, update and destroy of n resources for each subject, reps
// times. Within a repetition the subjects take turns at each operation (in an order that
// rotates between repetitions), so a noisy neighbour slows all three alike.
func (r *runner) cycle(ctx context.Context, key string, em *emulator.Server, url string, latency time.Duration, n, reps int, subs []subject) (*cycleResult, error) {
	res := &cycleResult{scenario: key, latency: latency, n: n, samples: map[string]map[string][]sample{}}
	dirs := map[string]string{}
	for _, s := range subs {
		// Subjects that share the emulator must not share token names.
		prefix := fmt.Sprintf("bench-%s-n%d-%s-", key, n, strings.ReplaceAll(s.name, "+", "-"))
		dir := filepath.Join(r.h.tmp, key, strconv.Itoa(n), s.name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(s.config(n, prefix)), 0o600); err != nil {
			return nil, err
		}
		dirs[s.name] = dir
	}
	for _, op := range operations {
		res.samples[op.name] = map[string][]sample{}
	}
	for rep := range reps {
		order := append(slices.Clone(subs[rep%len(subs):]), subs[:rep%len(subs)]...)
		for _, op := range operations {
			for _, s := range order {
				cmd := tfCommand{url: url, dir: dirs[s.name], okCodes: op.okCodes, args: r.args(op), env: s.env}
				if s.api {
					cmd.em = em
				}
				smp, err := r.h.run(ctx, cmd)
				if err != nil {
					return nil, fmt.Errorf("%s N=%d %s %s: %w", key, n, op.name, s.name, err)
				}
				res.samples[op.name][s.name] = append(res.samples[op.name][s.name], smp)
				fmt.Fprintf(r.h.log, "  %-9s N=%-5d rep %d/%d %-7s %-14s %6.2fs  provider CPU %5.2fs  RSS %5.1f MiB  %s, %d conns\n",
					key, n, rep+1, reps, op.name, s.name, smp.Wall.Seconds(), smp.ProviderCPU.Seconds(), mib(smp.ProviderRSS),
					formatRequests(smp.Requests), smp.Connections)
			}
		}
		if em != nil && em.TokenCount() != 0 {
			return nil, fmt.Errorf("%s N=%d: %d tokens left after destroy", key, n, em.TokenCount())
		}
	}
	return res, nil
}

// dataSourceResult is signalfx_org_tokens listing tokens from a server whose pages hold at
// most pageCap tokens, beside noop_org_tokens listing as many made-up tokens.
type dataSourceResult struct {
	tokens, pageCap int
	samples         map[string][]sample
}

// minRequests is the fewest search requests that can list the tokens at the server's page
// size (the API serves at most sfx.MaxSearchResults of them).
func (d dataSourceResult) minRequests() int64 {
	return int64(math.Ceil(float64(min(d.tokens, sfx.MaxSearchResults)) / float64(d.pageCap)))
}

func (r *runner) dataSource(ctx context.Context, tokens, pageCap, reps int) (*dataSourceResult, error) {
	em, url, stop, err := r.startEmulator(emulator.Options{MaxPageSize: pageCap})
	if err != nil {
		return nil, err
	}
	defer stop()
	if err := em.SeedN("bench-list-", tokens); err != nil {
		return nil, err
	}
	res := &dataSourceResult{tokens: tokens, pageCap: pageCap, samples: map[string][]sample{}}
	cmds := map[string]tfCommand{}
	for _, s := range []subject{subjectSignalfx, subjectNoop} {
		dir := filepath.Join(r.h.tmp, "datasource", strconv.Itoa(pageCap), s.name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		local, source := "signalfx", tfcli.ProviderSource
		if !s.api {
			local, source = "noop", noopSource
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(dataSourceConfig(local, source)), 0o600); err != nil {
			return nil, err
		}
		// Exit code 2: the plan shows the output's new value.
		cmds[s.name] = tfCommand{url: url, dir: dir, okCodes: []int{0, 2}, env: []string{"BENCH_NOOP_TOKENS=" + strconv.Itoa(tokens)},
			args: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}}
	}
	sfxCmd := cmds[subjectSignalfx.name]
	sfxCmd.em = em
	cmds[subjectSignalfx.name] = sfxCmd
	for rep := range reps {
		for _, name := range []string{subjectSignalfx.name, subjectNoop.name} {
			smp, err := r.h.run(ctx, cmds[name])
			if err != nil {
				return nil, fmt.Errorf("data source over %d tokens (%s): %w", tokens, name, err)
			}
			res.samples[name] = append(res.samples[name], smp)
			fmt.Fprintf(r.h.log, "  data source %d tokens, pages ≤ %d: rep %d/%d %-8s %.2fs (API %.2fs), provider CPU %.2fs, RSS %.1f MiB, total CPU %.2fs, %s, %d conns\n",
				tokens, pageCap, rep+1, reps, name, smp.Wall.Seconds(), smp.APISpan.Seconds(), smp.ProviderCPU.Seconds(), mib(smp.ProviderRSS),
				smp.TotalCPU.Seconds(), formatRequests(smp.Requests), smp.Connections)
		}
	}
	return res, nil
}

// rateLimitResult is an apply creating n tokens against a server that admits rate
// requests per second (a token bucket holding one second's worth) and answers the rest 429.
type rateLimitResult struct {
	n          int
	rate       float64
	retryAfter bool
	samples    []sample
}

// floor is N/R: the least time the server's rate allows.
func (r rateLimitResult) floor() time.Duration {
	return time.Duration(float64(r.n) / r.rate * float64(time.Second))
}

func (r *runner) rateLimited(ctx context.Context, n int, rate float64, retryAfter bool, reps int) (*rateLimitResult, error) {
	res := &rateLimitResult{n: n, rate: rate, retryAfter: retryAfter}
	dir := filepath.Join(r.h.tmp, "ratelimit", strconv.FormatBool(retryAfter))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(subjectSignalfx.config(n, "bench-rl-")), 0o600); err != nil {
		return nil, err
	}
	create := operations[0]
	for rep := range reps {
		// A fresh server and state each time: no destroy through the rate limit.
		_ = os.Remove(filepath.Join(dir, "terraform.tfstate"))
		_ = os.Remove(filepath.Join(dir, "terraform.tfstate.backup"))
		em, url, stop, err := r.startEmulator(emulator.Options{RateLimit: rate, RateLimitRetryAfter: retryAfter})
		if err != nil {
			return nil, err
		}
		smp, err := r.h.run(ctx, tfCommand{em: em, url: url, dir: dir, okCodes: create.okCodes, args: r.args(create)})
		stop()
		if err != nil && smp.Failed == "" {
			return nil, fmt.Errorf("rate-limited create of %d tokens: %w", n, err)
		}
		// A failed apply (retries used up) is a result, reported as a miss.
		res.samples = append(res.samples, smp)
		failed := ""
		if smp.Failed != "" {
			failed = ", FAILED: " + smp.Failed
		}
		fmt.Fprintf(r.h.log, "  rate limit %.0f/s, Retry-After %v: create %d rep %d/%d %.2fs (N/R %.2fs), %s, %d conns%s\n",
			rate, retryAfter, n, rep+1, reps, smp.Wall.Seconds(), res.floor().Seconds(), formatRequests(smp.Requests), smp.Connections, failed)
	}
	return res, nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
