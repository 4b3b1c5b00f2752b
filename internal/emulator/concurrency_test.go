package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	s, c, mc := testServer(t, Options{})
	const workers, rounds = 16, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*6)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				name := fmt.Sprintf("w%02d-%02d", w, i)
				steps := []struct {
					method, path, body string
					want               int
				}{
					{"POST", "/v2/token", `{"name":"` + name + `","authScopes":["API"]}`, 200},
					{"GET", "/v2/token/" + name, "", 200},
					{"PUT", "/v2/token/" + name, `{"name":"` + name + `","description":"u"}`, 200},
					{"POST", "/v2/token/" + name + "/rotate?graceful=10", "", 200},
					{"GET", "/v2/token?name=w&limit=5", "", 200},
				}
				if i%2 == 0 {
					steps = append(steps, struct {
						method, path, body string
						want               int
					}{"DELETE", "/v2/token/" + name, "", 204})
				}
				for _, st := range steps {
					r, err := c.try(st.method, st.path, st.body)
					if err != nil {
						errs <- err
					} else if r.status != st.want {
						errs <- fmt.Errorf("%s %s = %d %s", st.method, st.path, r.status, r.body)
					}
				}
				mc.Advance(time.Millisecond)
				s.Requests()
				s.Stats()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := s.TokenCount(), workers*(rounds/2); got != want {
		t.Errorf("TokenCount = %d, want %d", got, want)
	}
}

func TestConcurrentRotationsOfOneToken(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	c.create(`{"name":"hot"}`)
	const n = 40
	secrets := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			r, err := c.try(http.MethodPost, "/v2/token/hot/rotate", "")
			if err != nil || r.status != 200 {
				t.Errorf("rotate: %v %d", err, r.status)
				return
			}
			var tok struct{ Secret string }
			if err := json.Unmarshal(r.body, &tok); err != nil {
				t.Errorf("rotate body: %v", err)
				return
			}
			secrets <- tok.Secret
		})
	}
	wg.Wait()
	close(secrets)
	seen := map[string]bool{}
	valid := 0
	for sec := range secrets {
		if seen[sec] {
			t.Errorf("secret %q issued twice", sec)
		}
		seen[sec] = true
		if s.Authenticates(sec) {
			valid++
		}
	}
	if len(seen) != n || valid != 1 {
		t.Errorf("%d secrets, %d valid; want %d and exactly 1", len(seen), valid, n)
	}
}

func TestManualClock(t *testing.T) {
	t.Parallel()
	mc := NewManualClock(t0)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			mc.Advance(time.Second)
			_ = mc.Now()
		})
	}
	wg.Wait()
	if got := mc.Now(); !got.Equal(t0.Add(50 * time.Second)) {
		t.Errorf("Now = %v, want t0+50s", got)
	}
	mc.Set(t0)
	if !mc.Now().Equal(t0) {
		t.Error("Set did not set")
	}
	if got := mc.Advance(-time.Second); !got.Equal(t0.Add(-time.Second)) {
		t.Errorf("Advance(-1s) = %v", got)
	}
}

func TestServersAreIndependent(t *testing.T) {
	t.Parallel()
	s1, c1, _ := testServer(t, Options{Seed: 7})
	s2, c2, _ := testServer(t, Options{Seed: 7})
	a := c1.create(`{"name":"x"}`)
	b := c2.create(`{"name":"x"}`)
	if a["id"] != b["id"] || a["secret"] != b["secret"] {
		t.Errorf("same seed gave different ids/secrets: %v %v", a, b)
	}
	c1.create(`{"name":"only-1"}`)
	if s1.TokenCount() != 2 || s2.TokenCount() != 1 {
		t.Errorf("counts %d/%d", s1.TokenCount(), s2.TokenCount())
	}
	_, c3, _ := testServer(t, Options{})
	_, c4, _ := testServer(t, Options{})
	if c3.create(`{"name":"x"}`)["secret"] == c4.create(`{"name":"x"}`)["secret"] {
		t.Error("unseeded servers produced the same secret")
	}
}
