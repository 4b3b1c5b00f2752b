package main

import (
	"fmt"
	"slices"
	"strings"
)

// writeLimits writes what limits each missed target, with this run's numbers, and what
// profiling found about the floors every framework provider stands on.
func (r *report) writeLimits(b *strings.Builder, checks []check) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("## What limits it\n\n")
	missed := map[string][]check{}
	var kinds []string
	for _, c := range checks {
		if c.pass {
			continue
		}
		if len(missed[c.kind]) == 0 {
			kinds = append(kinds, c.kind)
		}
		missed[c.kind] = append(missed[c.kind], c)
	}
	if len(kinds) == 0 {
		p("Every target passed in this run.\n\n")
	}
	for _, kind := range kinds {
		var where []string
		for _, c := range missed[kind] {
			where = append(where, c.where+": "+c.measured)
		}
		p("- **MISS: %s** (%s).\n", missed[kind][0].target, strings.Join(where, "; "))
		if note := r.note(kind); note != "" {
			p("  %s\n", note)
		}
	}
	if len(kinds) > 0 {
		p("\n")
	}
	r.writeFloors(b)
}

// note explains a missed target of the given kind with this run's numbers.
func (r *report) note(kind string) string {
	switch kind {
	case "requests", "connections", "exit", "ds-requests", "rl-created":
		return "This is an exact invariant, not a matter of speed: a miss is a defect in the provider to fix."
	case "noop":
		var rows []string
		for _, c := range r.cycles {
			if c.latency != 0 {
				continue
			}
			for _, op := range operations {
				s := summarize(c.samples[op.name][subjectSignalfx.name])
				n := summarize(c.samples[op.name][subjectNoop.name])
				if n.wall == 0 || s.wall.Seconds()/n.wall.Seconds() <= maxRatioToNoop {
					continue
				}
				rows = append(rows, fmt.Sprintf("N=%d %s: provider CPU %.2fs against %.2fs (%+.2f ms per token), emulator %.2fs",
					c.n, op.name, s.providerCPU.Seconds(), n.providerCPU.Seconds(),
					(s.providerCPU-n.providerCPU).Seconds()*1000/float64(c.n), s.benchCPU.Seconds()))
			}
		}
		return "Against the loopback emulator a request costs well under a millisecond of waiting, so what separates the two " +
			"providers is CPU on a machine whose " + cpuCount() + " CPUs Terraform, both providers' processes and the emulator share " +
			"(and other work with them): " + strings.Join(rows, "; ") + ". What the signalfx provider does beyond the no-op one " +
			"per token is its schema's validators (the no-op schema has none), one HTTP round trip and the JSON decoding of a " +
			"token (see Reflection and validation below); an update also reads the token before writing it. The gap shows " +
			"where Terraform's own work per resource is small (plan, and applies at small N), and wall ratios on this shared " +
			"machine move by ±20% between runs: compare the repetitions and the N=1000 rows."
	case "latency":
		var rows []string
		for _, c := range r.cycles {
			if c.latency == 0 {
				continue
			}
			for _, op := range operations {
				s := summarize(c.samples[op.name][subjectSignalfx.name])
				floor := r.latencyFloor(c, op)
				if s.wall.Seconds()/floor.Seconds() <= maxRatioToLatency {
					continue
				}
				noop := summarize(r.noopSamples(c, op))
				rows = append(rows, fmt.Sprintf("N=%d %s: API span %.2fs for an ideal %.2fs, provider CPU %.2fs against the no-op's %.2fs",
					c.n, op.name, s.apiSpan.Seconds(), (floor-noop.wall).Seconds(), s.providerCPU.Seconds(), noop.providerCPU.Seconds()))
			}
		}
		return strings.Join(rows, "; ") + ". When the API span is close to the ideal, the requests were kept `parallelism` deep and " +
			"the excess is the provider's own CPU (see Reflection and validation below) plus noise: the no-op time in the floor comes from a " +
			"different moment on a shared machine, which weighs most at small N, where the API time is a fraction of a second. " +
			"A span well above the ideal would mean requests waited on something: look for reconnects (connections above " +
			"parallelism) or retries in the request column."
	case "rss":
		if z := r.cycleFor(0, rssTargetN); z != nil {
			n := summarize(z.samples["plan"][subjectNoop.name])
			return fmt.Sprintf("The no-op provider peaked at %.1f MiB here: terraform-plugin-framework keeps every request's context "+
				"until the provider stops (see below), so a framework provider's memory grows with N unless it releases them.", mib(n.rss))
		}
	case "ds-time":
		var rows []string
		floorAbove := true
		for _, d := range r.dataSources {
			s, n := summarize(d.samples[subjectSignalfx.name]), summarize(d.samples[subjectNoop.name])
			floorAbove = floorAbove && n.wall >= maxDataSourceWall
			rows = append(rows, fmt.Sprintf("pages ≤ %d: signalfx %.2fs (its API requests %.2fs, provider CPU %.2fs), no-op %.2fs (provider CPU %.2fs, total CPU %.2fs)",
				d.pageCap, s.wall.Seconds(), s.apiSpan.Seconds(), s.providerCPU.Seconds(), n.wall.Seconds(), n.providerCPU.Seconds(), n.totalCPU.Seconds()))
		}
		lead := "The no-op data source, which makes no request and builds the same number of objects, is the floor: "
		if floorAbove {
			lead = "The floor is above the target: `noop_org_tokens` makes no request at all and still takes longer than 2 s to hand " +
				fmt.Sprint(r.cfg.dsTokens) + " objects of 11 attributes through the framework (building the list value, `State.Set`, " +
				"converting it to msgpack) and the plugin protocol to Terraform, which decodes and plans them. "
		}
		return lead + strings.Join(rows, "; ") + ". The API part is the minimum number of pages and well under a second on " +
			"loopback; decoding the tokens' JSON and mapping them is the rest of the provider's share over the no-op one."
	case "rl-time":
		var rows []string
		for _, rl := range r.rateLimits {
			s := summarize(rl.samples)
			rows = append(rows, fmt.Sprintf("Retry-After %s: %.2fs for N/R = %.2fs, %d requests answered 429",
				onOff(rl.retryAfter), s.wall.Seconds(), rl.floor().Seconds(), countAll(rl.samples[0].Requests)-countRoute(rl.samples[0].Requests, "create", true)))
		}
		return strings.Join(rows, "; ") + ". A rate-limited request waits at least a second: the emulator's Retry-After is whole " +
			"seconds, and without one the client waits between `retry_wait_min_seconds` (1 s) and twice that. With " +
			"`parallelism` workers and a bucket of R, a round of retries admits about R requests per second, so the run " +
			"approaches N/R plus Terraform's own time for N creates, which it cannot overlap once every worker is waiting. " +
			"429s spend none of `retry_max_attempts`: a call retries them for up to `rate_limit_timeout_seconds` (300 s), so " +
			"a token that loses the race for the bucket several times in a row waits its turn instead of failing the apply " +
			"(when each 429 used a retry, one create of 200 failed that way in an earlier run of this benchmark)."
	}
	return ""
}

func cpuCount() string {
	info := machineInfo()
	if len(info) > 0 {
		if f := strings.Fields(info[0]); len(f) >= 2 {
			return f[1]
		}
	}
	return "few"
}

// writeFloors records what profiling (-pprof) found about the floors, with this run's numbers
// where it has them.
func (r *report) writeFloors(b *strings.Builder) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("### Found by profiling\n\n")
	if z := r.cycleFor(0, rssTargetN); z != nil {
		s, n := summarize(z.samples["plan"][subjectSignalfx.name]), summarize(z.samples["plan"][subjectNoop.name])
		p("- **Memory.** terraform-plugin-framework v1.19 appends every request's context cancel function to a slice it clears "+
			"only on StopProvider, which Terraform sends only on an interrupt, so each request's context, its loggers and what "+
			"its parents hold stay reachable for the life of the provider process: the no-op provider peaked at %.1f MiB for a "+
			"plan of %d resources. The signalfx provider hands the framework a context that forgets its parent once the request "+
			"is answered (`internal/provider/protocol_server.go`) and peaked at %.1f MiB.\n", mib(n.rss), z.n, mib(s.rss))
	}
	r.writeLogging(b)
	p("- **Reflection and validation.** After the loggers, the signalfx provider's largest per-token CPU costs were the " +
		"framework's, not the API's. The reflection-based `Get`/`Set` of a model struct reads its `tfsdk` tags on every call " +
		"and compiles a regular expression for each field each time (terraform-plugin-framework v1.19 " +
		"`internal/reflect.getStructTags`); the provider moves its resource models through a `types.Object` instead, with " +
		"the field list read once (`internal/provider/model_codec.go`; a test checks it reads and writes exactly what " +
		"`tfsdk` does). `ModifyPlan` decodes nothing on a plan that changes nothing (every refresh of an unchanged token) and " +
		"only `store_secret` on a create. What is left above the no-op provider is the schema's validators, which run for " +
		"every resource instance in every plan (the no-op schema has none), the HTTP round trip and the JSON decoding of " +
		"a token, together a fraction of a millisecond per token.\n")
	if z := r.cycleFor(0, slices.Max(r.cfg.ns)); z != nil {
		tfd := func(op string) float64 { return summarize(z.samples[op][subjectTerraformData.name]).wall.Seconds() }
		if tfd("plan") > 0 {
			p("- **Terraform.** At N=%d Terraform alone (terraform_data) takes %.1fs to create, %.1fs to plan, %.1fs to update "+
				"and %.1fs to destroy: applies cost far more per resource than plans, whatever the provider.\n",
				z.n, tfd("create"), tfd("plan"), tfd("update"), tfd("destroy"))
		}
	}
	p("- **Rate limits.** A 429 applied nothing, so creates and rotations are retried after one too (they were never " +
		"retried, and an apply of many tokens under the API's rate limit failed at once); and without a Retry-After the " +
		"client waits between `retry_wait_min_seconds` and twice that rather than doubling the wait each time, which idled " +
		"and used up the retries of a long apply. 429s have their own budget, a time (`rate_limit_timeout_seconds`), " +
		"and spend none of `retry_max_attempts`.\n")
}

// writeLogging reports what the SDK loggers cost, from the log subjects of the smallest N.
func (r *report) writeLogging(b *strings.Builder) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("- **Logging.** terraform-plugin-go, the framework and terraform-plugin-log log at TRACE unless told otherwise, " +
		"and write several JSON lines per request and per validator or plan modifier call to the provider's stderr; with " +
		"`TF_LOG` and `TF_LOG_PROVIDER` unset Terraform reads them and drops every one. Both providers therefore set those " +
		"loggers to OFF, and only then (`provider.SilenceDroppedLogs`; `TF_LOG=trace` logs as before, a test checks it).")
	var c *cycleResult
	for _, z := range r.cycles {
		if z.latency == 0 && len(z.samples["plan"][subjectSignalfxLogs.name]) > 0 {
			c = z
			break
		}
	}
	if c == nil {
		p("\n")
		return
	}
	var rows []string
	for _, op := range operations {
		cpu := func(s subject) float64 { return summarize(c.samples[op.name][s.name]).providerCPU.Seconds() }
		wall := func(s subject) float64 { return summarize(c.samples[op.name][s.name]).wall.Seconds() }
		rows = append(rows, fmt.Sprintf("%s: signalfx %.2fs CPU and %.2fs wall against %.2fs and %.2fs with TRACE, no-op %.2fs and %.2fs against %.2fs and %.2fs",
			op.name, cpu(subjectSignalfx), wall(subjectSignalfx), cpu(subjectSignalfxLogs), wall(subjectSignalfxLogs),
			cpu(subjectNoop), wall(subjectNoop), cpu(subjectNoopLogs), wall(subjectNoopLogs)))
	}
	p(" At N=%d (provider CPU and wall, medians): %s.\n", c.n, strings.Join(rows, "; "))
}
