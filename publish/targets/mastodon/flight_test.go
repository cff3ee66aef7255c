package mastodon_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish/targets/mastodon"
)

// heldInstance answers every request with an instance document of 1000
// characters, once release is closed; it counts the requests.
type heldInstance struct {
	release chan struct{}
	n       atomic.Int32
}

func (h *heldInstance) RoundTrip(r *http.Request) (*http.Response, error) {
	h.n.Add(1)
	select {
	case <-h.release:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	body := `{"configuration":{"statuses":{"max_characters":1000,"characters_reserved_per_url":23}}}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// TestLimitsForOneFetchUnderConcurrency: cards rendering at once for the
// same instance ask it once; the others wait for that answer (before the
// fix each caller that missed the cache fetched on its own).
func TestLimitsForOneFetchUnderConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &heldInstance{release: make(chan struct{})}
		p := mastodon.New(&http.Client{Transport: h}, testclock.New(t0))
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if got := p.LimitsFor(context.Background(), "https://social.example"); got.MaxChars != 1000 {
					t.Errorf("LimitsFor = %+v, want 1000", got)
				}
			})
		}
		synctest.Wait() // every caller is in LimitsFor, waiting
		if n := h.n.Load(); n != 1 {
			t.Errorf("%d instance requests from 8 concurrent checks, want 1", n)
		}
		close(h.release)
		wg.Wait()
	})
}

// TestLimitsForWaiterGivesUp: a caller waiting for another's fetch stops
// at its own context's end, with the default limits.
func TestLimitsForWaiterGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &heldInstance{release: make(chan struct{})}
		p := mastodon.New(&http.Client{Transport: h}, testclock.New(t0))
		var wg sync.WaitGroup
		wg.Go(func() { p.LimitsFor(context.Background(), "https://social.example") })
		synctest.Wait()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if got := p.LimitsFor(ctx, "https://social.example"); got != mastodon.DefaultLimits {
			t.Errorf("cancelled waiter: %+v, want the default", got)
		}
		close(h.release)
		wg.Wait()
		if got := p.LimitsFor(context.Background(), "https://social.example"); got.MaxChars != 1000 || h.n.Load() != 1 {
			t.Errorf("after the fetch: %+v after %d requests, want 1000 from the cache", got, h.n.Load())
		}
	})
}

type panickyTransport struct{}

func (panickyTransport) RoundTrip(*http.Request) (*http.Response, error) { panic("transport bug") }

// TestLimitsForFetchPanics: when the fetch panics (and someone above
// recovers), the callers waiting for it get the default limits instead
// of waiting forever.
func TestLimitsForFetchPanics(t *testing.T) {
	p := mastodon.New(&http.Client{Transport: panickyTransport{}}, testclock.New(t0))
	func() {
		defer func() { _ = recover() }()
		p.LimitsFor(context.Background(), "https://social.example")
	}()
	done := make(chan mastodon.Limits, 1)
	go func() { done <- p.LimitsFor(context.Background(), "https://social.example") }()
	if got := <-done; got != mastodon.DefaultLimits {
		t.Errorf("after a panicked fetch: %+v, want the default", got)
	}
}
