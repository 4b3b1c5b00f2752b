package emulator

import (
	"fmt"
	"net/http"
	"testing"
)

func searchNames(t *testing.T, c *client, query string) (count int64, names []string) {
	t.Helper()
	r := c.do(http.MethodGet, "/v2/token"+query, "")
	if r.status != 200 {
		t.Fatalf("search %s = %d %s", query, r.status, r.body)
	}
	m := r.json(t)
	for _, res := range m["results"].([]any) {
		names = append(names, res.(map[string]any)["name"].(string))
	}
	return num(t, m, "count"), names
}

func TestSearchPagination(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	if err := s.SeedN("t", 45); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		query      string
		count      int64
		first      string
		n          int
		last       string
		emptyFirst bool
	}{
		{"", 45, "t01", 20, "t20", false},
		{"?limit=20&name=&offset=0", 45, "t01", 20, "t20", false},
		{"?offset=40&limit=20", 45, "t41", 5, "t45", false},
		{"?offset=45", 45, "", 0, "", true},
		{"?offset=1000", 45, "", 0, "", true},
		{"?limit=3&offset=2", 45, "t03", 3, "t05", false},
		{"?limit=0", 45, "t01", 20, "t20", false},
		{"?limit=-5", 45, "t01", 20, "t20", false},
		{"?limit=abc", 45, "t01", 20, "t20", false},
		{"?limit=100", 45, "t01", 45, "t45", false},
		{"?offset=-3&limit=2", 45, "t01", 2, "t02", false},
		{"?offset=x&limit=2", 45, "t01", 2, "t02", false},
		{"?name=t1", 10, "t10", 10, "t19", false},
		{"?name=T1", 0, "", 0, "", true},
		{"?name=t4&limit=2&offset=4", 6, "t44", 2, "t45", false},
	}
	for _, tc := range cases {
		count, names := searchNames(t, c, tc.query)
		if count != tc.count || len(names) != tc.n {
			t.Errorf("%q: count %d, %d results; want %d, %d", tc.query, count, len(names), tc.count, tc.n)
			continue
		}
		if tc.emptyFirst {
			continue
		}
		if names[0] != tc.first || names[len(names)-1] != tc.last {
			t.Errorf("%q: results %s..%s, want %s..%s", tc.query, names[0], names[len(names)-1], tc.first, tc.last)
		}
	}
}

func TestSearchSortedByName(t *testing.T) {
	t.Parallel()
	_, c, _ := testServer(t, Options{})
	for _, n := range []string{"b", "a", "B", "ä", "a b", "a/b"} {
		c.create(mustJSON(t, map[string]any{"name": n}))
	}
	_, names := searchNames(t, c, "")
	if got, want := fmt.Sprint(names), fmt.Sprint([]string{"B", "a", "a b", "a/b", "b", "ä"}); got != want {
		t.Errorf("order = %s, want %s", got, want)
	}
}

func TestSearchMaxPageSize(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{MaxPageSize: 7})
	if err := s.SeedN("p", 30); err != nil {
		t.Fatal(err)
	}
	count, names := searchNames(t, c, "?limit=50")
	if count != 30 || len(names) != 7 || names[0] != "p01" {
		t.Errorf("count %d, %d results (%v); want 30 and 7 from p01", count, len(names), names)
	}
	// A client that follows count with offsets still reaches everything.
	var all []string
	for off := 0; ; off += len(names) {
		_, names = searchNames(t, c, fmt.Sprintf("?limit=50&offset=%d", off))
		if len(names) == 0 {
			break
		}
		all = append(all, names...)
	}
	if len(all) != 30 || all[29] != "p30" {
		t.Errorf("paged %d names ending %v", len(all), all[len(all)-1])
	}
	if _, names := searchNames(t, c, "?limit=3"); len(names) != 3 {
		t.Errorf("limit below the cap served %d", len(names))
	}
}

func TestSearchCapsAtTenThousand(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	if err := s.SeedN("n", 10_050); err != nil {
		t.Fatal(err)
	}
	if s.TokenCount() != 10_050 {
		t.Fatalf("TokenCount = %d", s.TokenCount())
	}
	count, names := searchNames(t, c, "?offset=9990&limit=100")
	if count != 10_000 || len(names) != 10 || names[9] != "n10000" {
		t.Errorf("count %d, %d results ending %v; want 10000, 10 ending n10000", count, len(names), names)
	}
	if count, names := searchNames(t, c, "?offset=10000"); count != 10_000 || len(names) != 0 {
		t.Errorf("past the cap: count %d, %d results", count, len(names))
	}
}

func TestSeedRejectsDuplicates(t *testing.T) {
	t.Parallel()
	s, c, _ := testServer(t, Options{})
	c.create(`{"name":"x"}`)
	if err := s.Seed(Token{Name: "y"}, Token{Name: "x"}); err == nil {
		t.Error("Seed accepted a duplicate of an existing token")
	}
	if err := s.Seed(Token{Name: "z"}, Token{Name: "z"}); err == nil {
		t.Error("Seed accepted a duplicate within its arguments")
	}
	if err := s.Seed(Token{}); err == nil {
		t.Error("Seed accepted an empty name")
	}
	existing, _ := s.Token("x")
	if err := s.Seed(Token{Name: "s1", Secret: existing.Secret}); err == nil {
		t.Error("Seed accepted a secret in use")
	}
	if err := s.Seed(Token{Name: "s1", Secret: "same"}, Token{Name: "s2", PreviousSecret: "same"}); err == nil {
		t.Error("Seed accepted a secret twice")
	}
	if err := s.Seed(Token{Name: "s1", ID: existing.ID}); err == nil {
		t.Error("Seed accepted an id in use")
	}
	if s.TokenCount() != 1 {
		t.Errorf("failed Seed calls stored tokens: %d", s.TokenCount())
	}
	if err := s.Seed(Token{Name: "api", AuthScopes: []string{"INGEST", "API", "INGEST"}, Description: "seeded"}); err != nil {
		t.Fatal(err)
	}
	tok := c.do(http.MethodGet, "/v2/token/api", "").json(t)
	if mustJSON(t, tok["authScopes"]) != `["API","INGEST"]` || len(tok["roles"].([]any)) != 1 {
		t.Errorf("seeded scopes/roles = %v/%v", tok["authScopes"], tok["roles"])
	}
	if tok["creator"] != "seed" || tok["description"] != "seeded" || len(tok["secret"].(string)) != 22 || !s.Authenticates(tok["secret"].(string)) {
		t.Errorf("seeded token = %v", tok)
	}
}
