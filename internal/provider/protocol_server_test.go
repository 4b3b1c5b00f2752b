package provider

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// leakyServer keeps every request's cancel function, as terraform-plugin-framework v1.19
// does until StopProvider.
type leakyServer struct {
	tfprotov6.ProviderServer
	cancels []context.CancelFunc
	seen    context.Context
}

func (s *leakyServer) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	ctx, cancel := context.WithCancel(ctx)
	s.cancels = append(s.cancels, cancel)
	s.seen = ctx
	return &tfprotov6.ReadResourceResponse{}, nil
}

type payloadKey struct{}

type payload struct{ _ [1 << 16]byte }

// TestProtocol6Server_releasesRequestContextsTheFrameworkKeeps: what a request's context
// carries becomes garbage once the request is answered, although the framework keeps a
// context derived from it; before, a plan of 1,000 tokens held 150 MiB.
func TestProtocol6Server_releasesRequestContextsTheFrameworkKeeps(t *testing.T) {
	t.Parallel()
	inner := &leakyServer{}
	srv := contextReleasingServer{inner}
	var refs []weak.Pointer[payload]
	for range 10 {
		p := &payload{}
		refs = append(refs, weak.Make(p))
		parent, cancel := context.WithCancel(context.WithValue(t.Context(), payloadKey{}, p))
		if _, err := srv.ReadResource(parent, &tfprotov6.ReadResourceRequest{}); err != nil {
			t.Fatal(err)
		}
		cancel() // gRPC cancels the stream's context when the request is done
	}
	runtime.GC()
	for i, r := range refs {
		if r.Value() != nil {
			t.Errorf("request %d: its context's values are still reachable after it was answered", i)
		}
	}
	if err := inner.seen.Err(); err == nil {
		t.Error("the context the framework kept was not cancelled with the request's")
	}
}

// TestProtocol6Server_contextBehavesAsTheRequestsWhileServing: values, deadline and
// cancellation pass through while the request is being served.
func TestProtocol6Server_contextBehavesAsTheRequestsWhileServing(t *testing.T) {
	t.Parallel()
	parent, cancel := context.WithCancel(context.WithValue(t.Context(), payloadKey{}, "v"))
	defer cancel()
	_, err := serve(parent, 0, func(ctx context.Context, _ int) (int, error) {
		if ctx.Value(payloadKey{}) != "v" {
			t.Error("value not passed through")
		}
		child, stop := context.WithCancel(ctx)
		defer stop()
		cancel()
		<-child.Done()
		if ctx.Err() != context.Canceled {
			t.Errorf("Err() = %v after the request's context was cancelled", ctx.Err())
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
