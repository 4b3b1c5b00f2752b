// Command bench is the provider's performance benchmark (make bench). It serves the
// in-memory SignalFx API of package emulator on loopback, builds the provider, a no-op
// framework provider with the same resource schema (noopprovider) and a wrapper that records
// each provider process's CPU time and peak RSS (rusagewrap), and runs the real terraform
// CLI through create, plan, in-place update and destroy of N org tokens, side by side with
// N no-op resources and N terraform_data resources. It repeats that with API latency, lists
// 10,000 tokens with the signalfx_org_tokens data source, and creates tokens under a rate
// limit. Results and the verdict on each target go to a Markdown file (BENCHMARKS.md).
//
//	make bench                                # go run ./internal/bench -out BENCHMARKS.md
//	go run ./internal/bench -quick            # a smoke run in well under a minute, to stdout
//	go run ./internal/bench -n 100 -reps 1 -only cycles,datasource
//
// The exit status is 0 even when a target is missed (the report says which); it is 1 when a
// measurement could not be taken or an exact invariant (requests, connections) failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
)

// defaultParallelism is Terraform's default -parallelism.
const defaultParallelism = 10

// config is the command line.
type config struct {
	ns []int
	// reps[i] is the number of repetitions at ns[i]; the last value repeats.
	reps        []int
	latency     time.Duration
	latencyNs   []int
	parallelism int
	dsTokens    int
	dsPageCaps  []int
	dsReps      int
	rlN         int
	rlRate      float64
	out         string
	terraform   string
	pprof       string
	quick       bool
	only        map[string]bool
	args        []string
}

// repsFor returns the repetitions at ns[i].
func (c config) repsFor(i int) int {
	return c.reps[min(i, len(c.reps)-1)]
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var c config
	ns := fs.String("n", "100,1000", "token counts to measure, comma-separated")
	reps := fs.String("reps", "5,1", "repetitions of each zero-latency measurement at each -n (the last value repeats); the report shows medians")
	latencyNs := fs.String("latency-n", "", "token counts for the latency runs, one repetition each (default: -n)")
	pageCaps := fs.String("page-caps", "1000,100", "page sizes the emulator serves at most, for the data-source runs")
	fs.DurationVar(&c.latency, "latency", 50*time.Millisecond, "emulator latency per request for the latency runs; 0 skips them")
	fs.IntVar(&c.parallelism, "parallelism", defaultParallelism, "terraform -parallelism")
	fs.IntVar(&c.dsTokens, "ds-tokens", 10_000, "tokens the signalfx_org_tokens data source lists; 0 skips it")
	fs.IntVar(&c.dsReps, "ds-reps", 3, "repetitions of each data-source measurement")
	fs.IntVar(&c.rlN, "rl-n", 200, "tokens created under the rate limit; 0 skips it")
	fs.Float64Var(&c.rlRate, "rl-rate", 10, "emulator rate limit, requests per second (well below Terraform's own pace, so the limit binds)")
	fs.StringVar(&c.out, "out", "", "Markdown report file (default: standard output)")
	fs.StringVar(&c.terraform, "terraform", "", "Terraform CLI to run (default: terraform from PATH)")
	fs.StringVar(&c.pprof, "pprof", "", "write CPU and heap profiles of every provider process (signalfx and noop) to this directory")
	fs.BoolVar(&c.quick, "quick", false, "smoke run in well under a minute: N=20, one repetition of everything, one page size, a small rate-limit run")
	only := fs.String("only", "cycles,latency,datasource,ratelimit", "parts to run, comma-separated: cycles (zero latency), latency, datasource, ratelimit")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.ns, err = parseInts(*ns); err != nil {
		return c, fmt.Errorf("-n: %w", err)
	}
	if c.reps, err = parseInts(*reps); err != nil {
		return c, fmt.Errorf("-reps: %w", err)
	}
	c.latencyNs = c.ns
	if *latencyNs != "" {
		if c.latencyNs, err = parseInts(*latencyNs); err != nil {
			return c, fmt.Errorf("-latency-n: %w", err)
		}
	}
	if c.dsPageCaps, err = parseInts(*pageCaps); err != nil {
		return c, fmt.Errorf("-page-caps: %w", err)
	}
	c.only = map[string]bool{}
	for part := range strings.SplitSeq(*only, ",") {
		switch part = strings.TrimSpace(part); part {
		case "cycles", "latency", "datasource", "ratelimit":
			c.only[part] = true
		case "":
		default:
			return c, fmt.Errorf("-only: unknown part %q", part)
		}
	}
	if c.quick {
		c.ns, c.latencyNs, c.reps, c.dsReps = []int{20}, []int{20}, []int{1}, 1
		c.rlN, c.rlRate = 40, 10
		c.dsPageCaps = c.dsPageCaps[:min(1, len(c.dsPageCaps))]
	}
	if len(c.ns) == 0 || len(c.reps) == 0 || c.dsReps < 1 || c.parallelism < 1 || c.rlRate <= 0 {
		return c, fmt.Errorf("-n, -reps, -ds-reps, -parallelism and -rl-rate need positive values")
	}
	c.args = args
	return c, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	cfg, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	rep, err := measure(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	rep.elapsed = time.Since(start)
	var w io.Writer = os.Stdout
	if cfg.out != "" && cfg.out != "-" {
		f, err := os.Create(cfg.out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		defer f.Close()
		w = f
	}
	checks := rep.evaluate()
	if err := rep.write(w, checks); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	failed := 0
	for _, c := range checks {
		fmt.Fprintf(os.Stderr, "%-4s %s: %s\n", c.verdict(), c.name, c.measured)
		if !c.pass && c.invariant {
			failed++
		}
	}
	fmt.Fprintf(os.Stderr, "bench: finished in %s\n", rep.elapsed.Round(time.Second))
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "bench: %d exact invariant(s) failed\n", failed)
		return 1
	}
	return 0
}

// measure runs every scenario the configuration asks for.
func measure(ctx context.Context, cfg config, log io.Writer) (*report, error) {
	tmp, err := os.MkdirTemp("", "signalfx-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintln(log, "bench: building the provider, the no-op provider and the rusage wrapper ...")
	h, err := newHarness(ctx, tmp, harnessOptions{terraform: cfg.terraform, pprofDir: cfg.pprof, log: log})
	if err != nil {
		return nil, err
	}
	r := &runner{h: h, parallelism: cfg.parallelism}
	rep := &report{cfg: cfg, tfVersion: h.tfVersion, date: time.Now().UTC(), loadStart: loadAverage()}

	if cfg.only["cycles"] {
		em, url, stopEm, err := r.startEmulator(emulator.Options{})
		if err != nil {
			return nil, err
		}
		for i, n := range cfg.ns {
			fmt.Fprintf(log, "bench: zero latency, N=%d\n", n)
			subs := subjects
			if i == 0 {
				subs = allSubjects
			}
			res, err := r.cycle(ctx, scenarioZero, em, url, 0, n, cfg.repsFor(i), subs)
			if err != nil {
				stopEm()
				return nil, err
			}
			rep.cycles = append(rep.cycles, res)
		}
		stopEm()
	}
	if cfg.latency > 0 && cfg.only["latency"] {
		// The baselines make no API calls, so latency cannot change them: the no-op provider's
		// zero-latency run of the same N is the floor's second term, and it runs here only
		// when there is none.
		em, url, stopEm, err := r.startEmulator(emulator.Options{Latency: cfg.latency})
		if err != nil {
			return nil, err
		}
		for _, n := range cfg.latencyNs {
			fmt.Fprintf(log, "bench: %s latency, N=%d\n", cfg.latency, n)
			subs := []subject{subjectSignalfx}
			if rep.cycleFor(0, n) == nil {
				subs = append(subs, subjectNoop)
			}
			res, err := r.cycle(ctx, scenarioLatency, em, url, cfg.latency, n, 1, subs)
			if err != nil {
				stopEm()
				return nil, err
			}
			rep.cycles = append(rep.cycles, res)
		}
		stopEm()
	}
	if cfg.dsTokens > 0 && cfg.only["datasource"] {
		for _, pc := range cfg.dsPageCaps {
			fmt.Fprintf(log, "bench: data source over %d tokens, pages of at most %d\n", cfg.dsTokens, pc)
			res, err := r.dataSource(ctx, cfg.dsTokens, pc, cfg.dsReps)
			if err != nil {
				return nil, err
			}
			rep.dataSources = append(rep.dataSources, res)
		}
	}
	if cfg.rlN > 0 && cfg.only["ratelimit"] {
		for _, retryAfter := range []bool{true, false} {
			fmt.Fprintf(log, "bench: create %d tokens under %.0f requests/s (Retry-After %v)\n", cfg.rlN, cfg.rlRate, retryAfter)
			res, err := r.rateLimited(ctx, cfg.rlN, cfg.rlRate, retryAfter, 1)
			if err != nil {
				return nil, err
			}
			rep.rateLimits = append(rep.rateLimits, res)
		}
	}
	return rep, nil
}
