package sfx

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzTokenUnmarshal: decoding arbitrary bytes never panics, and a decoded token re-encodes
// to a request body that is valid JSON and decodes again with the same writable fields.
// Seeds are in testdata/fuzz/FuzzTokenUnmarshal.
func FuzzTokenUnmarshal(f *testing.F) {
	f.Add([]byte(tokenJSON("seed")))
	f.Add([]byte(`{"name":"t","limits":{"categoryQuota":null},"permissions":{"acl":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tok Token
		if err := json.Unmarshal(data, &tok); err != nil {
			return
		}
		b, err := json.Marshal(tok)
		if err != nil {
			t.Fatalf("re-encoding %q: %v", data, err)
		}
		if !json.Valid(b) {
			t.Fatalf("re-encoded to invalid JSON: %s", b)
		}
		var again Token
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatalf("decoding the re-encoded %s: %v", b, err)
		}
		if again.Name != tok.Name || again.Description != tok.Description || again.Disabled != tok.Disabled ||
			len(again.AuthScopes) != len(tok.AuthScopes) || len(again.Extra) != len(tok.Extra) ||
			(again.Limits == nil) != (tok.Limits == nil) || (again.Permissions == nil) != (tok.Permissions == nil) {
			t.Fatalf("round trip changed the token:\n%+v\n%+v", tok, again)
		}
		if again.Secret != "" || again.ID != "" {
			t.Fatalf("read-only fields were sent: %s", b)
		}
	})
}

// FuzzNameEscaping: for any name, the built paths decode back to the name as a single
// segment, and the search query decodes back to the name. Seeds are in
// testdata/fuzz/FuzzNameEscaping.
func FuzzNameEscaping(f *testing.F) {
	for _, n := range escapingNames {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" {
			return
		}
		for _, suffix := range []string{"", "/rotate"} {
			p := tokenPath(name) + suffix
			req, err := http.NewRequest(http.MethodGet, "https://api.us0.signalfx.com"+p, nil)
			if err != nil {
				t.Fatalf("NewRequest(%q): %v", p, err)
			}
			if got := req.URL.EscapedPath(); got != p {
				t.Fatalf("EscapedPath = %q, want %q", got, p)
			}
			if got := req.URL.RequestURI(); got != p {
				t.Fatalf("RequestURI = %q, want %q", got, p)
			}
			// What a server sees: the request line parsed and decoded once.
			u, err := url.ParseRequestURI(p)
			if err != nil {
				t.Fatalf("ParseRequestURI(%q): %v", p, err)
			}
			segs := strings.Split(u.EscapedPath(), "/")
			if len(segs) != 4+len(strings.Split(suffix, "/"))-1 {
				t.Fatalf("path %q has %d segments", p, len(segs))
			}
			dec, err := url.PathUnescape(segs[3])
			if err != nil || dec != name {
				t.Fatalf("segment %q decodes to %q (%v), want %q", segs[3], dec, err, name)
			}
			if u.Path != "/v2/token/"+name+suffix {
				t.Fatalf("decoded path = %q", u.Path)
			}
			if seg := segs[3]; seg == "." || seg == ".." {
				t.Fatalf("dot segment %q on the wire", seg)
			}
		}
		q, err := url.ParseQuery("name=" + queryEscape(name))
		if err != nil || q.Get("name") != name {
			t.Fatalf("query %q decodes to %q (%v)", queryEscape(name), q.Get("name"), err)
		}
	})
}
