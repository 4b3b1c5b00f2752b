// Command signalfx-emulator serves the in-memory SignalFx org-token API of
// package emulator until SIGINT or SIGTERM.
//
//	go run ./internal/emulator/cmd/signalfx-emulator -listen 127.0.0.1:8080 -admin-token TOKEN
//
// Its first line on stdout is "listening on http://HOST:PORT" (with the real
// port when -listen asks for port 0). When no -admin-token is given it
// generates one and prints "admin token: TOKEN" as the second line.
package main

import (
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "signalfx-emulator:", err)
		}
		os.Exit(2)
	}
}

// tokenFlag collects TOKEN or TOKEN=USERID values, repeatable and
// comma-separated.
type tokenFlag struct {
	prefix string
	m      map[string]string
}

func (f *tokenFlag) String() string { return "" }

func (f *tokenFlag) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		token, user := part, ""
		if i := strings.LastIndexByte(part, '='); i > 0 && i < len(part)-1 {
			token, user = part[:i], part[i+1:]
		}
		if user == "" {
			user = fmt.Sprintf("%s%d", f.prefix, len(f.m)+1)
		}
		f.m[token] = user
	}
	return nil
}

// run parses args, serves until ctx ends and shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("signalfx-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	admins := &tokenFlag{prefix: "ADMINUSER", m: map[string]string{}}
	powers := &tokenFlag{prefix: "POWERUSER", m: map[string]string{}}
	var opts emulator.Options
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	fs.Var(admins, "admin-token", "admin session token, as TOKEN or TOKEN=USERID; repeatable or comma-separated")
	fs.Var(powers, "power-token", "read-only (power role) session token, as TOKEN or TOKEN=USERID; repeatable or comma-separated")
	fs.StringVar(&opts.OrgID, "org-id", "EMULATORORG", "orgId rendered in tokens")
	fs.DurationVar(&opts.DefaultLifetime, "default-lifetime", 30*24*time.Hour, "token lifetime when secondsUntilExpiry is absent")
	fs.IntVar(&opts.MaxPageSize, "max-page-size", 0, "largest search page served (0 = no cap)")
	fs.DurationVar(&opts.Latency, "latency", 0, "latency added to every API request")
	fs.Float64Var(&opts.RateLimit, "rate-limit", 0, "API requests per second before 429 (0 = unlimited)")
	fs.IntVar(&opts.RateLimitBurst, "rate-limit-burst", 0, "rate limiter burst (0 = ceil(rate-limit))")
	fs.BoolVar(&opts.RateLimitRetryAfter, "rate-limit-retry-after", true, "send Retry-After on rate-limited responses")
	fs.Uint64Var(&opts.Seed, "seed", 0, "seed for fault probabilities, and for ids and secrets when non-zero")
	plan := fs.String("plan", "", "subscription plan for limits validation: DPM, Hosts, MTS or empty (any, but not both quota kinds)")
	manual := fs.Bool("manual-clock", false, "use a manual clock started at the current time, moved with POST /_emulator/clock")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	switch emulator.Plan(*plan) {
	case emulator.PlanAny, emulator.PlanDPM, emulator.PlanHosts, emulator.PlanMTS:
		opts.Plan = emulator.Plan(*plan)
	default:
		return fmt.Errorf("-plan %q: want DPM, Hosts, MTS or empty", *plan)
	}
	generated := ""
	if len(admins.m) == 0 {
		b := make([]byte, 16)
		_, _ = crand.Read(b)
		generated = base64.RawURLEncoding.EncodeToString(b)
		admins.m[generated] = "ADMINUSER1"
	}
	opts.AdminTokens, opts.PowerTokens = admins.m, powers.m
	if *manual {
		opts.Clock = emulator.NewManualClock(time.Now())
	}

	srv := emulator.New(opts)
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", l.Addr())
	if generated != "" {
		fmt.Fprintf(stdout, "admin token: %s\n", generated)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(srv.WrapListener(l)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		_ = hs.Close()
	}
	return nil
}
