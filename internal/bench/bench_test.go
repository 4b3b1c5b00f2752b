package main

import (
	"io"
	"os/exec"
	"testing"

	"github.com/orgtokens/terraform-provider-signalfx/internal/emulator"
)

// TestCycle_makesExactlyTheRequestsEachOperationNeeds runs the benchmark's measurement of
// create, plan, update and destroy on a few tokens with the real terraform CLI and asserts
// what must hold at any size: one POST per token on create (no read-back), one GET per token
// on plan, one GET and one PUT per token on update, one DELETE per token on destroy, nothing
// else, at most parallelism + 2 connections, and every provider process stopped rather than
// killed. It never asserts on time.
func TestCycle_makesExactlyTheRequestsEachOperationNeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider and runs terraform")
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	t.Parallel()
	h, err := newHarness(t.Context(), t.TempDir(), harnessOptions{noNoop: true, log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{h: h, parallelism: defaultParallelism}
	em, url, stop, err := r.startEmulator(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	const n = 5
	res, err := r.cycle(t.Context(), "test", em, url, 0, n, 1, []subject{subjectSignalfx})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range operations {
		s := res.samples[op.name][subjectSignalfx.name][0]
		for _, p := range checkRequests(s.Requests, op.perToken, n) {
			t.Errorf("%s: %s (requests: %s)", op.name, p, formatRequests(s.Requests))
		}
		if s.Connections > defaultParallelism+2 {
			t.Errorf("%s: %d connections, want at most %d", op.name, s.Connections, defaultParallelism+2)
		}
		if s.Providers == 0 || s.Unreported > 0 {
			t.Errorf("%s: %d provider processes, %d of them killed before reporting their usage", op.name, s.Providers, s.Unreported)
		}
	}
}

func TestCheckRequests_flagsMissingExtraAndFailedRequests(t *testing.T) {
	t.Parallel()
	want := map[string]int64{emulator.RouteGet: 1, emulator.RouteUpdate: 1}
	ok := []emulator.RouteCount{{Route: emulator.RouteGet, Method: "GET", Status: 200, Count: 3}, {Route: emulator.RouteUpdate, Method: "PUT", Status: 200, Count: 3}}
	if p := checkRequests(ok, want, 3); len(p) != 0 {
		t.Errorf("exact counts: %v", p)
	}
	bad := []emulator.RouteCount{
		{Route: emulator.RouteGet, Method: "GET", Status: 200, Count: 6},
		{Route: emulator.RouteUpdate, Method: "PUT", Status: 429, Count: 1},
		{Route: emulator.RouteUpdate, Method: "PUT", Status: 200, Count: 3},
		{Route: emulator.RouteSearch, Method: "GET", Status: 200, Count: 1},
	}
	if p := checkRequests(bad, want, 3); len(p) != 3 {
		t.Errorf("want 3 problems (extra GETs, a 429, a search), got %v", p)
	}
}
