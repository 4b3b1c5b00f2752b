package emulator

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func benchServer(b *testing.B) *Server {
	s := New(Options{AdminTokens: map[string]string{adminToken: adminUser}})
	if err := s.SeedN("bench-", 1000); err != nil {
		b.Fatal(err)
	}
	return s
}

func benchServe(b *testing.B, s *Server, method, target string) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(method, target, nil)
		req.Header.Set("X-SF-TOKEN", adminToken)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

func BenchmarkGet(b *testing.B) { benchServe(b, benchServer(b), "GET", "/v2/token/bench-0500") }

func BenchmarkSearchPage(b *testing.B) {
	benchServe(b, benchServer(b), "GET", "/v2/token?limit=20&offset=100&name=")
}

func BenchmarkSearchFiltered(b *testing.B) {
	benchServe(b, benchServer(b), "GET", "/v2/token?limit=20&name=bench-09")
}
