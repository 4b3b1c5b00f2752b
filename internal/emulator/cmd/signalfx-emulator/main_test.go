package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startRun runs the command and returns the lines it prints.
func startRun(t *testing.T, args ...string) (lines *bufio.Scanner, done <-chan error, cancel func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(cancel)
	return bufio.NewScanner(pr), errc, cancel
}

func request(t *testing.T, method, url, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("X-SF-TOKEN", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRunServesUntilCancelled(t *testing.T) {
	lines, done, cancel := startRun(t, "-listen", "127.0.0.1:0", "-admin-token", "A1,A2=USER2", "-admin-token", "A3", "-max-page-size", "5")
	if !lines.Scan() {
		t.Fatal("no output")
	}
	first := lines.Text()
	base, ok := strings.CutPrefix(first, "listening on http://127.0.0.1:")
	if !ok || base == "0" || base == "" {
		t.Fatalf("first line = %q", first)
	}
	url := "http://127.0.0.1:" + base
	for _, tok := range []string{"A1", "A2", "A3"} {
		if got := request(t, "GET", url+"/v2/token", tok, ""); got != 200 {
			t.Errorf("token %s: status %d", tok, got)
		}
	}
	if got := request(t, "POST", url+"/v2/token", "A2", `{"name":"x"}`); got != 200 {
		t.Errorf("create = %d", got)
	}
	if got := request(t, "GET", url+"/v2/token", "nope", ""); got != 401 {
		t.Errorf("unknown token = %d", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestRunGeneratesAdminToken(t *testing.T) {
	lines, done, cancel := startRun(t)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "listening on http://127.0.0.1:") {
		t.Fatalf("first line = %q", lines.Text())
	}
	url := strings.TrimPrefix(lines.Text(), "listening on ")
	if !lines.Scan() {
		t.Fatal("no admin token line")
	}
	tok, ok := strings.CutPrefix(lines.Text(), "admin token: ")
	if !ok || len(tok) != 22 {
		t.Fatalf("second line = %q", lines.Text())
	}
	if got := request(t, "GET", url+"/_emulator/stats", tok, ""); got != 200 {
		t.Errorf("generated token: status %d", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-plan", "Gold"}, {"-latency", "soon"}, {"extra"}, {"-listen", "256.0.0.1:0"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
}
