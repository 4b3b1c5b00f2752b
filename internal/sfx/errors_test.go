package sfx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const jettyForbidden = `<html>
<head>
<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
<title>Error 403 Forbidden</title>
</head>
<body><h2>HTTP ERROR 403 Forbidden</h2>
<table>
<tr><th>URI:</th><td>/v2/token/t</td></tr>
<tr><th>STATUS:</th><td>403</td></tr>
<tr><th>MESSAGE:</th><td>Forbidden</td></tr>
<tr><th>SERVLET:</th><td>-</td></tr>
</table>
` + "<p>padding padding padding padding padding padding padding padding padding padding</p>\n" +
	"<p>padding padding padding padding padding padding padding padding padding padding</p>\n" +
	`<hr><a href="https://eclipse.org/jetty">Powered by Jetty:// 9.4.43</a><hr/>
</body>
</html>`

func TestStatusHandling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		ctype, body string
		call        string // get, create, update, delete
		check       func(*testing.T, error)
		wantInError []string
	}{
		{
			name: "404 is not found", status: 404, ctype: "application/json",
			body: `{"code":404,"message":"Token not found"}`, call: "get",
			check: func(t *testing.T, err error) {
				if !IsNotFound(err) || IsAmbiguous(err) || IsUnauthorized(err) || IsNameClash(err) {
					t.Errorf("classification of %v", err)
				}
			},
			wantInError: []string{`GET /v2/token/{name} (token "my token"): 404 Not Found: Token not found`},
		},
		{
			name: "400 same name is a name clash", status: 400, ctype: "application/json",
			body: "{\n  \"code\" : 400,\n  \"message\" : \"A token with the same name already exists!\"\n}", call: "update",
			check: func(t *testing.T, err error) {
				if !IsNameClash(err) || IsNotFound(err) || IsAmbiguous(err) {
					t.Errorf("classification of %v", err)
				}
			},
			wantInError: []string{`PUT /v2/token/{name} (token "my token"): 400 Bad Request: A token with the same name already exists!`},
		},
		{
			name: "406 same name is a name clash", status: 406, ctype: "application/json",
			body: `{"code":406,"message":"A token with the same name already exists!"}`, call: "create",
			check: func(t *testing.T, err error) {
				if !IsNameClash(err) || IsAmbiguous(err) {
					t.Errorf("classification of %v", err)
				}
			},
		},
		{
			name: "400 other message is no name clash", status: 400, ctype: "application/json",
			body: `{"code":400,"message":"Category quota cannot be set on a DPM subscription plan"}`, call: "create",
			check: func(t *testing.T, err error) {
				if IsNameClash(err) {
					t.Errorf("IsNameClash(%v)", err)
				}
			},
			wantInError: []string{"Category quota cannot be set on a DPM subscription plan"},
		},
		{
			name: "HTML 403 is summarized", status: 403, ctype: "text/html;charset=iso-8859-1", body: jettyForbidden, call: "delete",
			check: func(t *testing.T, err error) {
				if !IsUnauthorized(err) || IsNotFound(err) {
					t.Errorf("classification of %v", err)
				}
				if e, _ := errors.AsType[*APIError](err); e.Message != "Error 403 Forbidden" {
					t.Errorf("Message = %q", e.Message)
				}
				if strings.Contains(err.Error(), "<") || strings.Contains(err.Error(), "padding") || len(err.Error()) > 400 {
					t.Errorf("HTML dumped into the error: %v", err)
				}
			},
			wantInError: []string{"403 Forbidden: Error 403 Forbidden", "session token"},
		},
		{
			name: "HTML without title is stripped and clipped", status: 502, ctype: "text/html",
			body: "<html><body><h1>Bad   gateway</h1>" + strings.Repeat("<p>word</p>", 200) + "</body></html>", call: "create",
			check: func(t *testing.T, err error) {
				e, _ := errors.AsType[*APIError](err)
				if !strings.HasPrefix(e.Message, "Bad gateway word word") || len([]rune(e.Message)) > maxSummaryRunes+1 {
					t.Errorf("Message = %q", e.Message)
				}
			},
		},
		{
			name: "JSON 401 message", status: 401, ctype: "application/json",
			body: `{"code":401,"message":"Invalid token specified."}`, call: "get",
			check: func(t *testing.T, err error) {
				if !IsUnauthorized(err) {
					t.Errorf("IsUnauthorized(%v) = false", err)
				}
			},
			wantInError: []string{"401 Unauthorized: Invalid token specified; hint", "org admin"},
		},
		{
			name: "session error envelope", status: 401, ctype: "application/json",
			body: `{"type":"error","status":401,"message":"The email/password combination was entered incorrectly.\nPlease try again.\n"}`, call: "get",
			wantInError: []string{"incorrectly. Please try again; hint"},
		},
		{
			name: "JSON error body without message is not quoted", status: 400, ctype: "application/json",
			body: tokenJSON("leaky"), call: "create",
			wantInError: []string{"without a message"},
		},
		{
			name: "malformed JSON error body is not quoted", status: 500, ctype: "application/json",
			body: `{"secret":"` + testSecret + `", "trunc`, call: "create",
			check: func(t *testing.T, err error) {
				if !IsAmbiguous(err) {
					t.Errorf("a 500 on create is not ambiguous: %v", err)
				}
			},
			wantInError: []string{"malformed JSON error body"},
		},
		{
			name: "auth token echoed by the server is redacted", status: 400, ctype: "application/json",
			body: `{"code":400,"message":"token ` + testAuthToken + ` is bad"}`, call: "update",
			wantInError: []string{"token [redacted] is bad"},
		},
		{
			name: "control characters are dropped", status: 400, ctype: "text/plain",
			body: "bad\x1b[31m request\r\n\tnow", call: "update",
			wantInError: []string{"400 Bad Request: bad[31m request now"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			log := &recLogger{}
			c := newTestClient(t, testConfig(api.URL, log))
			ctx := t.Context()
			var err error
			switch tt.call {
			case "get":
				_, err = c.GetToken(ctx, "my token")
			case "create":
				_, err = c.CreateToken(ctx, &Token{Name: "my token"})
			case "update":
				_, err = c.UpdateToken(ctx, "my token", &Token{Name: "my token"})
			case "delete":
				err = c.DeleteToken(ctx, "my token")
			}
			if _, ok := errors.AsType[*APIError](err); !ok {
				t.Fatalf("error = %#v, want *APIError", err)
			}
			for _, want := range tt.wantInError {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			for _, secret := range []string{testAuthToken, testSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks a secret: %v", err)
				}
			}
			if tt.check != nil {
				tt.check(t, err)
			}
			log.assertNoSecrets(t, testAuthToken, testSecret)
		})
	}
}

// TestMalformedSuccessBody checks that a 200 whose body is not a token yields a
// *DecodeError that names status and route, quotes nothing, and is ambiguous.
func TestMalformedSuccessBody(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"truncated":  `{"name":"t","secret":"` + testSecret + `","limits":{`,
		"wrong type": `{"name":"t","secret":"` + testSecret + `","expiry":"` + testSecret + `"}`,
		"empty":      ``,
		"not token":  `{"secret":"` + testSecret + `"}`,
		"html":       `<html>` + testSecret + `</html>`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, body) })
			log := &recLogger{}
			c := newTestClient(t, testConfig(api.URL, log))
			for _, call := range []func() error{
				func() error { _, err := c.CreateToken(t.Context(), &Token{Name: "t"}); return err },
				func() error { _, err := c.RotateToken(t.Context(), "t", RotateOptions{}); return err },
				func() error { _, err := c.GetToken(t.Context(), "t"); return err },
			} {
				err := call()
				de, ok := errors.AsType[*DecodeError](err)
				if !ok {
					t.Fatalf("error = %#v, want *DecodeError", err)
				}
				msg := err.Error()
				if strings.Contains(msg, testSecret) || strings.Contains(msg, testAuthToken) {
					t.Errorf("error leaks a secret: %s", msg)
				}
				if de.StatusCode != 200 || !strings.Contains(msg, "200 OK") || !strings.Contains(msg, "/v2/token") {
					t.Errorf("error = %s", msg)
				}
				if name != "not token" && !strings.Contains(msg, "malformed JSON") {
					t.Errorf("error does not say malformed JSON: %s", msg)
				}
				if !IsAmbiguous(err) {
					t.Errorf("IsAmbiguous(%v) = false", err)
				}
			}
			if n := api.count(); n != 3 {
				t.Errorf("server saw %d requests, want 3 (no retries of a 200)", n)
			}
			log.assertNoSecrets(t, testAuthToken, testSecret)
		})
	}
}

// TestAmbiguousAfterRequestWritten: the server reads the request and drops the connection
// without answering. The create may have been applied, so the error must say so.
func TestAmbiguousAfterRequestWritten(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
	c := newTestClient(t, testConfig(api.URL, nil))
	_, err := c.CreateToken(t.Context(), &Token{Name: "t"})
	re, ok := errors.AsType[*RequestError](err)
	if !ok || !re.Sent || !IsAmbiguous(err) || re.Attempts != 1 {
		t.Fatalf("error = %#v, want an ambiguous *RequestError", err)
	}
	if n := api.count(); n != 1 {
		t.Errorf("create sent %d times, want 1", n)
	}
	// A GET is retried after the same failure.
	before := api.count()
	_, err = c.GetToken(t.Context(), "t")
	if re, ok := errors.AsType[*RequestError](err); !ok || re.Attempts != 5 {
		t.Errorf("GET error = %#v, want *RequestError after 5 attempts", err)
	}
	if n := api.count() - before; n != 5 {
		t.Errorf("GET sent %d times, want 5", n)
	}
}

// TestNotAmbiguousBeforeSending: nothing listens, so nothing can have been applied.
func TestNotAmbiguousBeforeSending(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c := newTestClient(t, testConfig("http://"+addr, nil))
	_, err = c.CreateToken(t.Context(), &Token{Name: "t"})
	re, ok := errors.AsType[*RequestError](err)
	if !ok || re.Sent || IsAmbiguous(err) || re.Attempts != 1 {
		t.Fatalf("create error = %#v", err)
	}
	if strings.Contains(err.Error(), testAuthToken) || !strings.Contains(err.Error(), "POST /v2/token") {
		t.Errorf("error = %v", err)
	}
	// Connection refused is retried for reads.
	_, err = c.GetToken(t.Context(), "t")
	if re, ok := errors.AsType[*RequestError](err); !ok || re.Attempts != 5 || IsAmbiguous(err) {
		t.Errorf("GET error = %#v", err)
	}
	// Canceled before the first attempt.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = c.RotateToken(ctx, "t", RotateOptions{})
	if !errors.Is(err, context.Canceled) || IsAmbiguous(err) {
		t.Errorf("rotate error = %v", err)
	}
}

func TestIsAmbiguousClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&APIError{StatusCode: 500}, true},
		{&APIError{StatusCode: 503}, true},
		{&APIError{StatusCode: 202}, true},
		{&APIError{StatusCode: 400}, false},
		{&APIError{StatusCode: 404}, false},
		{&APIError{StatusCode: 429}, false},
		{&APIError{StatusCode: 429, priorAmbiguous: true}, true},
		{&DecodeError{StatusCode: 200}, true},
		{&RequestError{Sent: true, Err: context.DeadlineExceeded}, true},
		{&RequestError{Sent: false, Err: errors.New("connection refused")}, false},
		{errors.New("other"), false},
		{nil, false},
	}
	for _, tt := range tests {
		wrapped := error(nil)
		if tt.err != nil {
			wrapped = errors.Join(errors.New("context"), tt.err)
		}
		if got := IsAmbiguous(wrapped); got != tt.want {
			t.Errorf("IsAmbiguous(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestRedirectNotFollowed: the auth token must not travel to wherever a Location points.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	elsewhere := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, tokenJSON("t")) })
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
	})
	c := newTestClient(t, testConfig(api.URL, nil))
	_, err := c.GetToken(t.Context(), "t")
	e, ok := errors.AsType[*APIError](err)
	if !ok || e.StatusCode != 302 || !strings.Contains(e.Message, "redirected to "+elsewhere.URL) {
		t.Fatalf("error = %v", err)
	}
	if n := elsewhere.count(); n != 0 {
		t.Errorf("redirect followed: %d requests elsewhere", n)
	}
}

func TestRequestErrorText(t *testing.T) {
	t.Parallel()
	e := &RequestError{Method: "GET", Route: routeToken, Name: "x", Attempts: 3, Sent: true, Err: context.DeadlineExceeded}
	if got := e.Error(); got != `GET /v2/token/{name} (token "x"): failed after 3 attempts: context deadline exceeded` {
		t.Errorf("Error() = %q", got)
	}
	a := &APIError{StatusCode: 503, Method: "GET", Route: routeTokens, Message: "busy", Attempts: 5, RequestID: "r1"}
	if got := a.Error(); got != `GET /v2/token: 503 Service Unavailable: busy (after 5 attempts) (request id r1)` {
		t.Errorf("Error() = %q", got)
	}
	if got := (&APIError{StatusCode: 599, Method: "GET", Route: routeTokens}).Error(); got != "GET /v2/token: status 599" {
		t.Errorf("Error() = %q", got)
	}
}

func TestIsNotFoundNeedsTheAPIsJSONBody(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		want                    bool
	}{
		{"api 404", "application/json", `{"code":404,"message":"Token not found"}`, true},
		{"api 404 without content type", "", `{"code":404}`, true},
		{"html 404 from a wrong host", "text/html", `<html><title>404 Not Found</title></html>`, false},
		{"empty 404", "", ``, false},
		{"plain text 404", "text/plain", `404 page not found`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := New(Config{BaseURL: srv.URL, AuthToken: "t"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetToken(context.Background(), "x")
			if got := IsNotFound(err); got != tc.want {
				t.Fatalf("IsNotFound(%v) = %v, want %v", err, got, tc.want)
			}
		})
	}
}
