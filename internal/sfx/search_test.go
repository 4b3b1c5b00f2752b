package sfx

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// pagingServer serves /v2/token from names. serverMax caps the page size whatever the
// client asks (0: no cap); claimCount, when non-zero, replaces the true count; shift makes
// every page after the first start one item early (a token created while paging).
type pagingServer struct {
	names      []string
	serverMax  int
	claimCount int
	shift      bool
}

func (p pagingServer) handle(t *testing.T) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		q := r.URL.Query()
		limit, err1 := strconv.Atoi(q.Get("limit"))
		offset, err2 := strconv.Atoi(q.Get("offset"))
		if err1 != nil || err2 != nil {
			t.Errorf("bad query %q", r.URL.RawQuery)
		}
		var match []string
		for _, n := range p.names {
			if strings.Contains(n, q.Get("name")) {
				match = append(match, n)
			}
		}
		if p.serverMax > 0 {
			limit = min(limit, p.serverMax)
		}
		if p.shift && offset > 0 {
			offset--
		}
		page := match[min(offset, len(match)):min(offset+limit, len(match))]
		results := make([]json.RawMessage, 0, len(page))
		for _, n := range page {
			results = append(results, json.RawMessage(fmt.Sprintf(`{"name":%q,"id":"id-%s","secret":%q}`, n, n, testSecret)))
		}
		count := len(match)
		if p.claimCount != 0 {
			count = p.claimCount
		}
		b, _ := json.Marshal(map[string]any{"count": count, "results": results})
		writeJSON(w, 200, string(b))
	}
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("token %03d", i)
	}
	return out
}

func TestSearchTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		server      pagingServer
		opts        SearchOptions
		wantTokens  int
		wantCount   int
		wantQueries []string
	}{
		{
			name: "count reached", server: pagingServer{names: names(250)},
			opts: SearchOptions{}, wantTokens: 250, wantCount: 250,
			wantQueries: []string{"limit=100&offset=0", "limit=100&offset=100", "limit=100&offset=200"},
		},
		{
			name: "server honors a smaller page than asked", server: pagingServer{names: names(100), serverMax: 40},
			opts: SearchOptions{PageSize: 100}, wantTokens: 100, wantCount: 100,
			wantQueries: []string{"limit=100&offset=0", "limit=100&offset=40", "limit=100&offset=80"},
		},
		{
			name: "empty page stops a wrong count", server: pagingServer{names: names(30), claimCount: 1000},
			opts: SearchOptions{PageSize: 20}, wantTokens: 30, wantCount: 1000,
			wantQueries: []string{"limit=20&offset=0", "limit=20&offset=20", "limit=20&offset=30"},
		},
		{
			name: "max results", server: pagingServer{names: names(250)},
			opts: SearchOptions{PageSize: 50, MaxResults: 120}, wantTokens: 120, wantCount: 250,
			wantQueries: []string{"limit=50&offset=0", "limit=50&offset=50", "limit=20&offset=100"},
		},
		{
			name: "max results with a server ignoring limit", server: pagingServer{names: names(250), serverMax: 0},
			opts: SearchOptions{PageSize: 500, MaxResults: 7}, wantTokens: 7, wantCount: 250,
			wantQueries: []string{"limit=7&offset=0"},
		},
		{
			name: "name filter", server: pagingServer{names: append(names(5), "my token a", "my token b")},
			opts: SearchOptions{NameContains: "my token"}, wantTokens: 2, wantCount: 2,
			wantQueries: []string{"limit=100&offset=0&name=my%20token"},
		},
		{
			name: "nothing matches", server: pagingServer{names: names(5)},
			opts: SearchOptions{NameContains: "zzz"}, wantTokens: 0, wantCount: 0,
			wantQueries: []string{"limit=100&offset=0&name=zzz"},
		},
		{
			name: "overlapping pages are deduplicated", server: pagingServer{names: names(10), shift: true},
			opts: SearchOptions{PageSize: 4}, wantTokens: 10, wantCount: 10,
			wantQueries: []string{"limit=4&offset=0", "limit=4&offset=4", "limit=4&offset=8"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, tt.server.handle(t))
			c := newTestClient(t, testConfig(api.URL, nil))
			res, err := c.SearchTokens(t.Context(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Tokens) != tt.wantTokens || res.Count != tt.wantCount || res.Requests != len(tt.wantQueries) {
				t.Errorf("got %d tokens, count %d, %d requests; want %d, %d, %d",
					len(res.Tokens), res.Count, res.Requests, tt.wantTokens, tt.wantCount, len(tt.wantQueries))
			}
			var queries []string
			for _, r := range api.requests() {
				queries = append(queries, r.RawQuery)
			}
			if strings.Join(queries, " ") != strings.Join(tt.wantQueries, " ") {
				t.Errorf("queries = %q, want %q", queries, tt.wantQueries)
			}
			seen := map[string]bool{}
			for i, tok := range res.Tokens {
				if seen[tok.Name] || tok.Secret != testSecret {
					t.Errorf("token %d = %+v", i, tok)
				}
				seen[tok.Name] = true
			}
		})
	}
}

func TestSearchStopsAtAPICap(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, pagingServer{names: names(MaxSearchResults + 500), serverMax: 1000}.handle(t))
	c := newTestClient(t, testConfig(api.URL, nil))
	res, err := c.SearchTokens(t.Context(), SearchOptions{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tokens) != MaxSearchResults || res.Requests != 10 {
		t.Errorf("got %d tokens in %d requests", len(res.Tokens), res.Requests)
	}
}

func TestSearchErrors(t *testing.T) {
	t.Parallel()
	t.Run("missing count", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{"results":[]}`) })
		c := newTestClient(t, testConfig(api.URL, nil))
		_, err := c.SearchTokens(t.Context(), SearchOptions{})
		if _, ok := errors.AsType[*DecodeError](err); !ok || !strings.Contains(err.Error(), "count") {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("error on a later page", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 0 {
				writeJSON(w, 200, `{"count":5,"results":[{"name":"a"}]}`)
				return
			}
			writeJSON(w, 403, `{"code":403,"message":"Unauthorized search."}`)
		})
		c := newTestClient(t, testConfig(api.URL, nil))
		_, err := c.SearchTokens(t.Context(), SearchOptions{})
		if !IsUnauthorized(err) || !strings.Contains(err.Error(), "offset 1") || !strings.Contains(err.Error(), "Unauthorized search; hint") {
			t.Errorf("error = %v", err)
		}
	})
	t.Run("malformed page", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeJSON(w, 200, `{"count":1,"results":[{"name":"a","secret":"`+testSecret+`"`)
		})
		c := newTestClient(t, testConfig(api.URL, nil))
		_, _, err := c.SearchPage(t.Context(), "", 0, 10)
		if _, ok := errors.AsType[*DecodeError](err); !ok || strings.Contains(err.Error(), testSecret) {
			t.Errorf("error = %v", err)
		}
	})
}
