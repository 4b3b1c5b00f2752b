package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
)

// Targets from the benchmark's issue.
const (
	maxRatioToNoop       = 1.2
	maxRatioToLatency    = 1.1
	maxRSSBytes          = 64 << 20
	rssTargetN           = 1000
	maxDataSourceWall    = 2 * time.Second
	maxRatioToRateFloor  = 1.3
	extraConnectionsOver = 2
)

// report is everything measured, ready to be judged and written.
type report struct {
	cfg         config
	tfVersion   string
	date        time.Time
	loadStart   string
	elapsed     time.Duration
	cycles      []*cycleResult
	dataSources []*dataSourceResult
	rateLimits  []*rateLimitResult
}

// summary condenses the repetitions of one cell: medians of the times, the largest RSS and
// connection count, and the request counts (which must not vary).
type summary struct {
	wall, providerCPU, totalCPU, apiSpan, benchCPU time.Duration
	rss                                            int64
	providers, unreported                          int
	requests                                       string
	requestsVary                                   bool
	connections                                    int64
}

func summarize(samples []sample) summary {
	var s summary
	if len(samples) == 0 {
		return s
	}
	s.wall = median(samples, func(x sample) time.Duration { return x.Wall })
	s.providerCPU = median(samples, func(x sample) time.Duration { return x.ProviderCPU })
	s.totalCPU = median(samples, func(x sample) time.Duration { return x.TotalCPU })
	s.apiSpan = median(samples, func(x sample) time.Duration { return x.APISpan })
	s.benchCPU = median(samples, func(x sample) time.Duration { return x.BenchCPU })
	s.requests = formatRequests(samples[0].Requests)
	for _, x := range samples {
		s.rss = max(s.rss, x.ProviderRSS)
		s.providers = max(s.providers, x.Providers)
		s.unreported += x.Unreported
		s.connections = max(s.connections, x.Connections)
		if formatRequests(x.Requests) != s.requests {
			s.requestsVary = true
		}
	}
	return s
}

// requestsCell is the request counts, marked when they differed between repetitions.
func (s summary) requestsCell() string {
	if s.requestsVary {
		return s.requests + " (varies)"
	}
	return s.requests
}

func median(samples []sample, f func(sample) time.Duration) time.Duration {
	v := make([]time.Duration, len(samples))
	for i, s := range samples {
		v[i] = f(s)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// check is one target's verdict.
type check struct {
	target   string
	where    string
	measured string
	pass     bool
	// invariant marks exact counts (requests, connections, provider exit), which a test
	// also asserts; a miss of those fails the run.
	invariant bool
	name      string
	// kind groups checks for the notes on what limits a missed target.
	kind string
}

func (c check) verdict() string {
	if c.pass {
		return "PASS"
	}
	return "MISS"
}

// cycleFor returns the cycle measured at the given latency and N, or nil.
func (r *report) cycleFor(latency time.Duration, n int) *cycleResult {
	for _, c := range r.cycles {
		if c.latency == latency && c.n == n {
			return c
		}
	}
	return nil
}

// noopSamples returns the no-op provider's samples for op at c's N: from c when it ran the
// no-op provider, else from the zero-latency cycle of the same N (latency cannot change a
// provider that makes no API calls).
func (r *report) noopSamples(c *cycleResult, op operation) []sample {
	if s := c.samples[op.name][subjectNoop.name]; len(s) > 0 {
		return s
	}
	if z := r.cycleFor(0, c.n); z != nil {
		return z.samples[op.name][subjectNoop.name]
	}
	return nil
}

// latencyFloor is N × requests per token × latency / parallelism plus the no-op wall time.
func (r *report) latencyFloor(c *cycleResult, op operation) time.Duration {
	api := time.Duration(float64(c.n) * float64(op.requestsPerToken()) * float64(c.latency) / float64(r.cfg.parallelism))
	return api + summarize(r.noopSamples(c, op)).wall
}

// evaluate judges every target.
func (r *report) evaluate() []check {
	var checks []check
	add := func(c check) {
		c.name = c.target + " [" + c.where + "]"
		checks = append(checks, c)
	}
	maxConns := int64(r.cfg.parallelism + extraConnectionsOver)
	var rssMax int64
	rssSeen := false
	for _, c := range r.cycles {
		for _, op := range operations {
			where := fmt.Sprintf("zero latency, N=%d, %s", c.n, op.name)
			if c.latency > 0 {
				where = fmt.Sprintf("%s latency, N=%d, %s", c.latency, c.n, op.name)
			}
			sfx := c.samples[op.name][subjectSignalfx.name]
			var problems []string
			var conns int64
			unreported := 0
			for _, s := range sfx {
				problems = append(problems, checkRequests(s.Requests, op.perToken, c.n)...)
				conns = max(conns, s.Connections)
				unreported += s.Unreported
			}
			for _, sub := range []subject{subjectNoop, subjectTerraformData} {
				for _, s := range c.samples[op.name][sub.name] {
					unreported += s.Unreported
				}
			}
			sum := summarize(sfx)
			measured := sum.requests
			if len(problems) > 0 {
				measured += " (" + strings.Join(slices.Compact(problems), "; ") + ")"
			}
			add(check{kind: "requests", target: "Requests: exactly " + describePerToken(op, c.n), where: where, measured: measured, pass: len(problems) == 0, invariant: true})
			add(check{kind: "connections", target: fmt.Sprintf("Connections ≤ parallelism + 2 = %d", maxConns), where: where,
				measured: fmt.Sprintf("%d", conns), pass: conns <= maxConns, invariant: true})
			if unreported > 0 {
				add(check{kind: "exit", target: "Every provider process exits when Terraform stops it", where: where,
					measured: fmt.Sprintf("%d process(es) killed before reporting", unreported), invariant: true})
			}
			noop := summarize(r.noopSamples(c, op))
			if c.latency == 0 {
				ratio := sum.wall.Seconds() / noop.wall.Seconds()
				add(check{kind: "noop", target: fmt.Sprintf("Wall ≤ %.1f× no-op provider", maxRatioToNoop), where: where,
					measured: fmt.Sprintf("%.2fs / %.2fs = %.2f×", sum.wall.Seconds(), noop.wall.Seconds(), ratio), pass: ratio <= maxRatioToNoop})
			} else {
				floor := r.latencyFloor(c, op)
				ratio := sum.wall.Seconds() / floor.Seconds()
				add(check{kind: "latency", target: fmt.Sprintf("Wall ≤ %.1f× (N × %d × %s / %d + no-op)", maxRatioToLatency, op.requestsPerToken(), c.latency, r.cfg.parallelism),
					where: where, measured: fmt.Sprintf("%.2fs / %.2fs = %.2f×", sum.wall.Seconds(), floor.Seconds(), ratio), pass: ratio <= maxRatioToLatency})
			}
			if c.n == rssTargetN {
				rssSeen = true
				rssMax = max(rssMax, sum.rss)
			}
		}
	}
	if rssSeen {
		add(check{kind: "rss", target: "Provider peak RSS < 64 MiB", where: fmt.Sprintf("N=%d, every operation", rssTargetN),
			measured: fmt.Sprintf("%.1f MiB", mib(rssMax)), pass: rssMax < maxRSSBytes})
	}
	for _, d := range r.dataSources {
		sum := summarize(d.samples[subjectSignalfx.name])
		noop := summarize(d.samples[subjectNoop.name])
		where := fmt.Sprintf("%d tokens, pages of at most %d", d.tokens, d.pageCap)
		var reqs int64
		okAll := true
		for _, s := range d.samples[subjectSignalfx.name] {
			n := countRoute(s.Requests, emulator.RouteSearch, true)
			reqs = max(reqs, n)
			okAll = okAll && n == d.minRequests() && countAll(s.Requests) == n
		}
		add(check{kind: "ds-requests", target: "Data source: the minimum number of search requests", where: where,
			measured: fmt.Sprintf("%d (minimum %d)", reqs, d.minRequests()), pass: okAll, invariant: true})
		add(check{kind: "ds-time", target: "Data source: under 2 s (whole terraform plan)", where: where,
			measured: fmt.Sprintf("%.2fs (API %.2fs; no-op data source %.2fs)", sum.wall.Seconds(), sum.apiSpan.Seconds(), noop.wall.Seconds()),
			pass:     sum.wall < maxDataSourceWall})
	}
	for _, rl := range r.rateLimits {
		sum := summarize(rl.samples)
		ratio := sum.wall.Seconds() / rl.floor().Seconds()
		where := fmt.Sprintf("N=%d, %.0f requests/s, Retry-After %s", rl.n, rl.rate, onOff(rl.retryAfter))
		failed := slices.ContainsFunc(rl.samples, func(s sample) bool { return s.Failed != "" })
		measured := fmt.Sprintf("%.2fs / %.2fs = %.2f×", sum.wall.Seconds(), rl.floor().Seconds(), ratio)
		if failed {
			measured += " (the apply failed)"
		}
		add(check{kind: "rl-time", target: fmt.Sprintf("Rate-limited create ≤ %.1f× N/R", maxRatioToRateFloor), where: where,
			measured: measured, pass: ratio <= maxRatioToRateFloor && !failed})
		ok := true
		created := formatRequests(rl.samples[0].Requests)
		for _, s := range rl.samples {
			ok = ok && countRoute(s.Requests, emulator.RouteCreate, true) == int64(rl.n) && s.Failed == ""
			if s.Failed != "" {
				created += "; the apply failed: " + s.Failed
			}
		}
		add(check{kind: "rl-created", target: "Rate-limited create: every token created once", where: where,
			measured: created, pass: ok, invariant: true})
	}
	return checks
}

func describePerToken(op operation, n int) string {
	var parts []string
	for _, route := range []string{emulator.RouteCreate, emulator.RouteGet, emulator.RouteUpdate, emulator.RouteDelete} {
		if c := op.perToken[route]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c*int64(n), routeMethod[route]))
		}
	}
	return strings.Join(parts, " + ")
}

var routeMethod = map[string]string{
	emulator.RouteCreate: "POST", emulator.RouteGet: "GET", emulator.RouteUpdate: "PUT",
	emulator.RouteDelete: "DELETE", emulator.RouteSearch: "GET search",
}

func countRoute(counts []emulator.RouteCount, route string, okOnly bool) int64 {
	var n int64
	for _, c := range counts {
		if c.Route == route && (!okOnly || (c.Status >= 200 && c.Status <= 299)) {
			n += c.Count
		}
	}
	return n
}

func countAll(counts []emulator.RouteCount) int64 {
	var n int64
	for _, c := range counts {
		n += c.Count
	}
	return n
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
