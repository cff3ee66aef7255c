package mastodon_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/mastodon"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

// TestPublishRateLimitReset: a 429 whose only hint is Mastodon's
// X-RateLimit-Reset (an ISO 8601 time) waits until then, not at once.
func TestPublishRateLimitReset(t *testing.T) {
	t.Run("ErrResetInTwoHours", func(t *testing.T) {
		srv := MustServer(t)
		srv.RateLimit(t0.Add(2 * time.Hour))
		_, err := mastodon.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1", "hello"))
		e := wantOutcome(t, err, publish.Transient, "429 Too Many Requests")
		if e.RetryAfter != 2*time.Hour {
			t.Errorf("RetryAfter = %v, want 2h (X-RateLimit-Reset)", e.RetryAfter)
		}
		if len(srv.Statuses()) != 0 {
			t.Errorf("statuses = %+v, want none", srv.Statuses())
		}
	})

	t.Run("ErrRetryAfterFirst", func(t *testing.T) {
		srv := MustServer(t)
		srv.Inject(mastodontest.Fault{Status: 429, Header: http.Header{
			"Retry-After":       {"30"},
			"X-Ratelimit-Reset": {t0.Add(2 * time.Hour).Format(time.RFC3339)},
		}})
		_, err := mastodon.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1", "hello"))
		if e := wantOutcome(t, err, publish.Transient); e.RetryAfter != 30*time.Second {
			t.Errorf("RetryAfter = %v, want 30s (Retry-After)", e.RetryAfter)
		}
	})

	t.Run("ErrResetPassed", func(t *testing.T) {
		srv := MustServer(t)
		srv.RateLimit(t0.Add(-time.Minute))
		_, err := mastodon.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1", "hello"))
		if e := wantOutcome(t, err, publish.Transient); e.RetryAfter != 0 {
			t.Errorf("RetryAfter = %v, want 0 (the scheduler's backoff)", e.RetryAfter)
		}
	})

	t.Run("ErrResetIgnoredOn503", func(t *testing.T) {
		// A window's reset says nothing of when a failing server is back.
		srv := MustServer(t)
		srv.Inject(mastodontest.Fault{Status: 503, Header: http.Header{"X-Ratelimit-Reset": {t0.Add(time.Hour).Format(time.RFC3339)}}})
		_, err := mastodon.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1", "hello"))
		if e := wantOutcome(t, err, publish.Transient); e.RetryAfter != 0 {
			t.Errorf("RetryAfter = %v, want 0", e.RetryAfter)
		}
	})
}

// chars is DefaultLimits with another character count.
func chars(max, url int) mastodon.Limits {
	l := mastodon.DefaultLimits
	l.MaxChars, l.URLChars = max, url
	return l
}

func TestLimitsFor(t *testing.T) {
	tests := []struct {
		name string
		in   mastodontest.Instance
		want mastodon.Limits
		logs string // in the log when the limits could not be read
	}{
		{name: "OKMastodon4", in: mastodontest.Instance{MaxChars: 5000}, want: chars(5000, 23)},
		{name: "OKMastodon4URLChars", in: mastodontest.Instance{MaxChars: 1000, URLChars: 30}, want: chars(1000, 30)},
		{name: "OKDefault", in: mastodontest.Instance{}, want: mastodon.DefaultLimits},
		{name: "OKMediaLimits", in: mastodontest.Instance{MaxMedia: 8, ImageSize: 10 << 20, VideoSize: 40 << 20},
			want: mastodon.Limits{MaxChars: 500, URLChars: 23, MaxMedia: 8, ImageSize: 10 << 20, VideoSize: 40 << 20, ImagePixels: mastodon.ImagePixels, VideoPixels: mastodon.VideoPixels}},
		{name: "OKMastodon3V1", in: mastodontest.Instance{Flavor: mastodontest.Mastodon3, MaxChars: 700}, want: chars(700, 23)},
		{name: "OKPleroma", in: mastodontest.Instance{Flavor: mastodontest.Pleroma, MaxChars: 5000}, want: chars(5000, 23)},
		{name: "OKV2WithoutStatusesFallsBackToV1", in: mastodontest.Instance{Body: `{"domain":"x.example","max_toot_chars":3000}`},
			want: chars(3000, 23)},
		{name: "ErrDown", in: mastodontest.Instance{Status: 503}, want: mastodon.DefaultLimits, logs: "answered 503"},
		{name: "ErrNotJSON", in: mastodontest.Instance{Body: `<html>`}, want: mastodon.DefaultLimits, logs: "not an instance document"},
		{name: "ErrNoLimit", in: mastodontest.Instance{Body: `{"domain":"x.example"}`}, want: mastodon.DefaultLimits, logs: "no character limit"},
		{name: "ErrNegative", in: mastodontest.Instance{Body: `{"configuration":{"statuses":{"max_characters":-5}}}`}, want: mastodon.DefaultLimits, logs: "unlikely"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t, mastodontest.WithInstance(tt.in))
			var logs bytes.Buffer
			p := mastodon.New(loopback(), testclock.New(t0), mastodon.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			if got := p.LimitsFor(context.Background(), srv.URL()+"/"); got != tt.want {
				t.Errorf("LimitsFor = %+v, want %+v", got, tt.want)
			}
			switch {
			case tt.logs == "" && logs.Len() > 0:
				t.Errorf("logged %q, want nothing", logs.String())
			case tt.logs != "" && (!strings.Contains(logs.String(), tt.logs) || !strings.Contains(logs.String(), "max_chars=500")):
				t.Errorf("logged %q, want the default limit and %q", logs.String(), tt.logs)
			}
		})
	}

	t.Run("OKNoURLNoCall", func(t *testing.T) {
		p := mastodon.New(loopback(), clock)
		for _, u := range []string{"", "mastodon.social", "https://mastodon.social/@herald"} {
			if got := p.LimitsFor(context.Background(), u); got != mastodon.DefaultLimits {
				t.Errorf("LimitsFor(%q) = %+v, want the default", u, got)
			}
		}
	})
}

// TestLimitsCache: an instance is asked once per LimitsTTL, by the
// injected clock; after a failure, again a few minutes later.
func TestLimitsCache(t *testing.T) {
	t.Run("OKKeptForTTL", func(t *testing.T) {
		srv := MustServer(t, mastodontest.WithInstance(mastodontest.Instance{MaxChars: 1000}))
		c := testclock.New(t0)
		p := mastodon.New(loopback(), c)
		for range 3 {
			p.LimitsFor(context.Background(), srv.URL())
		}
		p.LimitsFor(context.Background(), strings.ToUpper(srv.URL())+"/")
		if n := srv.InstanceRequests(); n != 1 {
			t.Fatalf("%d instance requests for four checks, want 1", n)
		}
		srv.SetInstance(mastodontest.Instance{MaxChars: 2000})
		c.Advance(mastodon.LimitsTTL - time.Second)
		if got := p.LimitsFor(context.Background(), srv.URL()); got.MaxChars != 1000 {
			t.Errorf("before the TTL: %+v, want the cached 1000", got)
		}
		c.Advance(time.Second)
		if got := p.LimitsFor(context.Background(), srv.URL()); got.MaxChars != 2000 {
			t.Errorf("after the TTL: %+v, want the new 2000", got)
		}
		if n := srv.InstanceRequests(); n != 2 {
			t.Errorf("%d instance requests, want 2", n)
		}
	})

	t.Run("OKConcurrent", func(t *testing.T) {
		srv := MustServer(t, mastodontest.WithInstance(mastodontest.Instance{MaxChars: 1000}))
		p := mastodon.New(loopback(), testclock.New(t0))
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if got := p.LimitsFor(context.Background(), srv.URL()); got.MaxChars != 1000 {
					t.Errorf("LimitsFor = %+v, want 1000", got)
				}
			})
		}
		wg.Wait()
	})

	t.Run("OKFailureRetriedLater", func(t *testing.T) {
		srv := MustServer(t, mastodontest.WithInstance(mastodontest.Instance{Status: 502}))
		c := testclock.New(t0)
		p := mastodon.New(loopback(), c)
		if got := p.LimitsFor(context.Background(), srv.URL()); got != mastodon.DefaultLimits {
			t.Fatalf("down: %+v, want the default", got)
		}
		asked := srv.InstanceRequests()
		srv.SetInstance(mastodontest.Instance{MaxChars: 5000})
		if got := p.LimitsFor(context.Background(), srv.URL()); got != mastodon.DefaultLimits || srv.InstanceRequests() != asked {
			t.Errorf("right after a failure: %+v after %d requests, want the default without asking again", got, srv.InstanceRequests()-asked)
		}
		c.Advance(10 * time.Minute)
		if got := p.LimitsFor(context.Background(), srv.URL()); got.MaxChars != 5000 {
			t.Errorf("10 minutes later: %+v, want 5000", got)
		}
	})
}

// TestValidateInstance: the limit check at submission uses the limits the
// target's instance publishes.
func TestValidateInstance(t *testing.T) {
	link := "https://example.com/" + strings.Repeat("p", 80)
	tests := []struct {
		name string
		in   mastodontest.Instance
		text string
		want string
	}{
		{name: "OKLongerInstance", in: mastodontest.Instance{MaxChars: 1000}, text: strings.Repeat("a", 1000)},
		{name: "ErrLongerInstance", in: mastodontest.Instance{MaxChars: 1000}, text: strings.Repeat("a", 1001),
			want: "limited to 1000 characters (each link counts as 23); this one has 1001"},
		{name: "OKPleroma", in: mastodontest.Instance{Flavor: mastodontest.Pleroma, MaxChars: 5000}, text: strings.Repeat("a", 4999)},
		{name: "ErrShorterInstance", in: mastodontest.Instance{MaxChars: 280}, text: strings.Repeat("a", 281),
			want: "limited to 280 characters (each link counts as 23); this one has 281"},
		{name: "OKLinkCountsInstanceURLChars", in: mastodontest.Instance{MaxChars: 100, URLChars: 30}, text: strings.Repeat("a", 69) + " " + link},
		{name: "ErrLinkCountsInstanceURLChars", in: mastodontest.Instance{MaxChars: 100, URLChars: 30}, text: strings.Repeat("a", 70) + " " + link,
			want: "(each link counts as 30); this one has 101"},
		{name: "ErrDownUsesDefault", in: mastodontest.Instance{Status: 503, MaxChars: 5000}, text: strings.Repeat("a", 501),
			want: "limited to 500 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t, mastodontest.WithInstance(tt.in))
			p := mastodon.New(loopback(), testclock.New(t0))
			err := p.Validate(publish.Account{URL: srv.URL(), Secret: "t"}, tt.text)
			checkInvalid(t, err, tt.want)
			if e := herald.AsError(err); tt.want != "" && (e == nil || e.Reason != mastodon.ReasonTooLong) {
				t.Errorf("error %v, want reason %q", err, mastodon.ReasonTooLong)
			}
		})
	}
}
