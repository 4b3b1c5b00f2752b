package emulator

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// UnsetLimitsMode says what a response carries for a token whose limits were
// never set.
type UnsetLimitsMode int

const (
	// UnsetLimitsOmit leaves the "limits" key out of the response (default).
	UnsetLimitsOmit UnsetLimitsMode = iota
	// UnsetLimitsNull renders "limits": null.
	UnsetLimitsNull
	// UnsetLimitsEmpty renders "limits": {}.
	UnsetLimitsEmpty
)

// Plan is the organization's subscription plan, which decides which quota
// kinds a token's limits may carry.
type Plan string

const (
	// PlanAny accepts either kind of quota but not both on one token (default).
	PlanAny Plan = ""
	// PlanDPM rejects categoryQuota.
	PlanDPM Plan = "DPM"
	// PlanHosts rejects dpmQuota.
	PlanHosts Plan = "Hosts"
	// PlanMTS rejects dpmQuota and host/container (1, 2) category quotas.
	PlanMTS Plan = "MTS"
)

// Options configures a Server. The zero value is usable but has no admin
// tokens, so every request is rejected with 401.
type Options struct {
	// AdminTokens maps admin session tokens to the user id recorded as
	// creator and lastUpdatedBy. They may call every endpoint.
	AdminTokens map[string]string
	// PowerTokens maps session tokens of power-role users to user ids. They
	// may read (get, search) every token but not write.
	PowerTokens map[string]string
	// OrgID is rendered as every token's orgId. Default "EMULATORORG".
	OrgID string
	// Clock supplies the time; nil means the real clock.
	Clock Clock
	// DefaultLifetime sets expiry when secondsUntilExpiry is absent on
	// create or rotate. Default 30 days.
	DefaultLifetime time.Duration
	// DefaultAuthScopes apply when a create body omits authScopes or sends
	// an empty list. Default ["INGEST"].
	DefaultAuthScopes []string
	// NoDefaultRoles stops the emulator giving an API-scope token without
	// roles the power role.
	NoDefaultRoles bool
	// MaxPageSize caps the page size a search serves; 0 means no cap.
	MaxPageSize int
	// UnsetLimits chooses how never-set limits are rendered. Default omit.
	UnsetLimits UnsetLimitsMode
	// Plan is the subscription plan used to validate limits.
	Plan Plan
	// ExpiredRotateStatus is the status for rotating an expired token.
	// Default 400 (the real status is undocumented).
	ExpiredRotateStatus int
	// Latency is added to every API request before it is handled.
	Latency time.Duration
	// RateLimit is the sustained API request rate (requests per second) of
	// a token bucket; 0 disables rate limiting.
	RateLimit float64
	// RateLimitBurst is the bucket size; default max(1, ceil(RateLimit)).
	RateLimitBurst int
	// RateLimitRetryAfter adds a Retry-After header (whole seconds) to
	// rate-limited responses.
	RateLimitRetryAfter bool
	// Seed seeds the fault-probability RNG, and when non-zero also ids and
	// secrets (which are otherwise seeded from crypto/rand).
	Seed uint64
	// RequestLogSize is how many requests Requests keeps (the newest). 0
	// means 10,000; negative disables the log (counters still count).
	RequestLogSize int
}

// Server is an in-memory SignalFx org-token API. It implements
// http.Handler; create it with New.
type Server struct {
	opts  Options
	clock Clock
	roles map[string]json.RawMessage

	mu       sync.Mutex
	tokens   map[string]*Token
	bySecret map[string]string // current and previous secrets -> token name
	ids      map[string]struct{}
	sorted   []string // sorted token names; nil when stale
	rng      *rand.Rand

	obs     observer
	faults  faultSet
	limiter *bucket
	conns   atomic.Int64
}

var _ http.Handler = (*Server)(nil)

// New returns a server configured by opts.
func New(opts Options) *Server {
	opts.AdminTokens = maps.Clone(opts.AdminTokens)
	opts.PowerTokens = maps.Clone(opts.PowerTokens)
	if opts.OrgID == "" {
		opts.OrgID = "EMULATORORG"
	}
	if opts.DefaultLifetime <= 0 {
		opts.DefaultLifetime = 30 * 24 * time.Hour
	}
	if len(opts.DefaultAuthScopes) == 0 {
		opts.DefaultAuthScopes = []string{"INGEST"}
	} else {
		opts.DefaultAuthScopes = slices.Compact(slices.Sorted(slices.Values(opts.DefaultAuthScopes)))
	}
	if opts.ExpiredRotateStatus == 0 {
		opts.ExpiredRotateStatus = http.StatusBadRequest
	}
	if opts.RequestLogSize == 0 {
		opts.RequestLogSize = 10_000
	}
	clock := opts.Clock
	if clock == nil {
		clock = realClock{}
	}
	s := &Server{
		opts:     opts,
		clock:    clock,
		roles:    renderRoles(opts.OrgID),
		tokens:   make(map[string]*Token),
		bySecret: make(map[string]string),
		ids:      make(map[string]struct{}),
		rng:      rand.New(rand.NewChaCha8(seedBytes(opts.Seed, opts.Seed == 0, 0))),
	}
	s.obs.init(opts.RequestLogSize)
	s.faults.rng = rand.New(rand.NewChaCha8(seedBytes(opts.Seed, false, 1)))
	if opts.RateLimit > 0 {
		s.limiter = newBucket(opts.RateLimit, opts.RateLimitBurst, clock)
	}
	return s
}

func seedBytes(seed uint64, random bool, stream byte) [32]byte {
	var b [32]byte
	if random {
		_, _ = crand.Read(b[:])
		return b
	}
	binary.LittleEndian.PutUint64(b[:], seed)
	b[31] = stream
	return b
}

// Now returns the server clock's current time.
func (s *Server) Now() time.Time { return s.clock.Now() }

// Token returns a copy of the named token.
func (s *Server) Token(name string) (Token, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[name]
	if !ok {
		return Token{}, false
	}
	return t.clone(), true
}

// TokenJSON returns the named token as the API would render it.
func (s *Server) TokenJSON(name string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[name]
	if !ok {
		return nil, false
	}
	return s.appendToken(nil, t), true
}

// TokenCount returns how many tokens exist.
func (s *Server) TokenCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}

// Seed stores tokens directly, bypassing HTTP and body validation. Zero
// fields are filled as a create would: ID, Secret, Created, LastUpdated,
// Expiry (now + DefaultLifetime), Creator/LastUpdatedBy ("seed"),
// AuthScopes (the default scopes, sorted), Roles ([power] for API tokens).
// It fails, storing nothing, on an empty or duplicate name, or a secret or
// id already in use.
func (s *Server) Seed(tokens ...Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	names, secrets, ids := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, t := range tokens {
		q := strconv.Quote(t.Name)
		if t.Name == "" {
			return errors.New("emulator: Seed: token with an empty name")
		}
		if _, dup := s.tokens[t.Name]; dup || names[t.Name] {
			return errors.New("emulator: Seed: duplicate token name " + q)
		}
		names[t.Name] = true
		for _, sec := range []string{t.Secret, t.PreviousSecret} {
			if sec == "" {
				continue
			}
			if _, dup := s.bySecret[sec]; dup || secrets[sec] {
				return errors.New("emulator: Seed: a secret of token " + q + " is already in use")
			}
			secrets[sec] = true
		}
		if t.ID != "" {
			if _, dup := s.ids[t.ID]; dup || ids[t.ID] {
				return errors.New("emulator: Seed: the id of token " + q + " is already in use")
			}
			ids[t.ID] = true
		}
	}
	now := s.clock.Now().UnixMilli()
	for _, in := range tokens {
		t := in.clone()
		s.fillServerFields(&t, now, "seed")
		s.insert(&t)
	}
	return nil
}

// SeedN creates n tokens named prefix plus a zero-padded index starting at
// 1 (prefix0001 ... for n up to 9999), so name order equals index order.
func (s *Server) SeedN(prefix string, n int) error {
	width := len(strconv.Itoa(n))
	tokens := make([]Token, n)
	for i := range tokens {
		idx := strconv.Itoa(i + 1)
		for len(idx) < width {
			idx = "0" + idx
		}
		tokens[i] = Token{Name: prefix + idx}
	}
	return s.Seed(tokens...)
}

// fillServerFields sets zero server-owned fields. The caller holds s.mu.
func (s *Server) fillServerFields(t *Token, nowMS int64, user string) {
	if t.ID == "" {
		t.ID = s.newID()
	}
	if t.Secret == "" {
		t.Secret = s.newSecret()
	}
	if t.Created == 0 {
		t.Created = nowMS
	}
	if t.LastUpdated == 0 {
		t.LastUpdated = t.Created
	}
	if t.Expiry == 0 {
		t.Expiry = nowMS + s.opts.DefaultLifetime.Milliseconds()
	}
	if t.Creator == "" {
		t.Creator = user
	}
	if t.LastUpdatedBy == "" {
		t.LastUpdatedBy = t.Creator
	}
	if len(t.AuthScopes) == 0 {
		t.AuthScopes = slices.Clone(s.opts.DefaultAuthScopes)
	}
	slices.Sort(t.AuthScopes)
	t.AuthScopes = slices.Compact(t.AuthScopes)
	if len(t.Roles) == 0 {
		t.Roles = s.defaultRoles(t.AuthScopes)
	}
}

func (s *Server) defaultRoles(scopes []string) []string {
	if s.opts.NoDefaultRoles || !slices.Contains(scopes, "API") {
		return nil
	}
	return []string{"power"}
}

// insert stores t under its name. The caller holds s.mu.
func (s *Server) insert(t *Token) {
	s.tokens[t.Name] = t
	s.ids[t.ID] = struct{}{}
	s.bySecret[t.Secret] = t.Name
	if t.PreviousSecret != "" {
		s.bySecret[t.PreviousSecret] = t.Name
	}
	s.sorted = nil
}

// remove deletes t. The caller holds s.mu.
func (s *Server) remove(t *Token) {
	delete(s.tokens, t.Name)
	delete(s.bySecret, t.Secret)
	if t.PreviousSecret != "" {
		delete(s.bySecret, t.PreviousSecret)
	}
	s.sorted = nil
}

// sortedNames returns all token names in byte order. The caller holds s.mu
// and must not modify the result.
func (s *Server) sortedNames() []string {
	if s.sorted == nil {
		s.sorted = slices.Sorted(maps.Keys(s.tokens))
	}
	return s.sorted
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newID returns an unused 11-character id. The caller holds s.mu.
func (s *Server) newID() string {
	for {
		b := make([]byte, 11)
		for i := range b {
			b[i] = idAlphabet[s.rng.IntN(len(idAlphabet))]
		}
		if _, used := s.ids[string(b)]; !used {
			return string(b)
		}
	}
}

const secretAlphabet = idAlphabet + "-_"

// newSecret returns an unused 22-character URL-safe secret. The caller
// holds s.mu.
func (s *Server) newSecret() string {
	for {
		b := make([]byte, 22)
		for i := range b {
			b[i] = secretAlphabet[s.rng.IntN(len(secretAlphabet))]
		}
		secret := string(b)
		_, used := s.bySecret[secret]
		_, admin := s.opts.AdminTokens[secret]
		_, power := s.opts.PowerTokens[secret]
		if !used && !admin && !power {
			return secret
		}
	}
}

// WrapListener returns l with every accepted connection counted in Stats.
func (s *Server) WrapListener(l net.Listener) net.Listener {
	return &countingListener{Listener: l, n: &s.conns}
}

type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// Start serves a new Server on a free port of 127.0.0.1 with a counting
// listener. It returns the base URL (http://127.0.0.1:PORT, without /v2)
// and a function that closes the server and its connections.
func Start(opts Options) (s *Server, baseURL string, stop func(), err error) {
	s = New(opts)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(s.WrapListener(l))
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = hs.Close()
			<-done
		})
	}
	return s, "http://" + l.Addr().String(), stop, nil
}

// NewTestServer starts a server for a test and stops it when the test ends.
func NewTestServer(tb testing.TB, opts Options) (*Server, string) {
	tb.Helper()
	s, url, stop, err := Start(opts)
	if err != nil {
		tb.Fatalf("emulator: starting server: %v", err)
	}
	tb.Cleanup(stop)
	return s, url
}

// sleep waits d or until ctx ends, reporting whether the full wait elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
