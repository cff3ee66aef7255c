package mastodontest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

// MustPost posts a status as a client would and returns the answer's status code.
func MustPost(tb testing.TB, srv *mastodontest.Server, token, key, contentType, body string) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/api/v1/statuses", strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	req.Header.Set("Content-Type", contentType)
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func TestServer(t *testing.T) {
	t.Run("OKKeyExpires", func(t *testing.T) {
		clock := testclock.New(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
		srv := mastodontest.New(mastodontest.WithClock(clock))
		defer srv.Close()
		MustPost(t, srv, "t", "k", "application/json", `{"status":"a"}`)
		clock.Advance(59 * time.Minute)
		MustPost(t, srv, "t", "k", "application/json", `{"status":"a"}`)
		if srv.Count("k") != 1 {
			t.Fatalf("count after 59 min = %d, want 1", srv.Count("k"))
		}
		clock.Advance(2 * time.Minute)
		MustPost(t, srv, "t", "k", "application/json", `{"status":"a"}`)
		if srv.Count("k") != 2 || srv.Attempts("k") != 3 {
			t.Errorf("count after 61 min = %d, attempts %d; want 2, 3", srv.Count("k"), srv.Attempts("k"))
		}
	})

	t.Run("OKKeysPerToken", func(t *testing.T) {
		srv := mastodontest.New()
		defer srv.Close()
		MustPost(t, srv, "alice", "k", "application/json", `{"status":"a"}`)
		MustPost(t, srv, "bob", "k", "application/json", `{"status":"a"}`)
		if srv.Count("k") != 2 {
			t.Errorf("count = %d, want a status per account", srv.Count("k"))
		}
	})

	t.Run("OKForm", func(t *testing.T) {
		srv := mastodontest.New()
		defer srv.Close()
		form := url.Values{"status": {"from a form"}, "visibility": {"unlisted"}}.Encode()
		if code := MustPost(t, srv, "t", "k", "application/x-www-form-urlencoded", form); code != 200 {
			t.Fatalf("status code %d", code)
		}
		if st := srv.Statuses(); len(st) != 1 || st[0].Text != "from a form" || st[0].Visibility != "unlisted" {
			t.Errorf("statuses = %+v", st)
		}
	})

	t.Run("ErrFaultsInOrder", func(t *testing.T) {
		srv := mastodontest.New()
		defer srv.Close()
		srv.FailNext(503, `{}`)
		srv.FailNext(429, `{}`)
		var codes []int
		for range 3 {
			codes = append(codes, MustPost(t, srv, "t", "k", "application/json", `{"status":"a"}`))
		}
		if fmt.Sprint(codes) != "[503 429 200]" || srv.Count("k") != 1 {
			t.Errorf("codes = %v, count %d; want [503 429 200], 1", codes, srv.Count("k"))
		}
	})

	t.Run("ErrReleaseAnswers", func(t *testing.T) {
		srv := mastodontest.New()
		defer srv.Close()
		release := make(chan struct{})
		received := srv.HangAfterReceive(release)
		done := make(chan int)
		go func() { done <- MustPost(t, srv, "t", "k", "application/json", `{"status":"a"}`) }()
		<-received
		if srv.Count("k") != 1 {
			t.Errorf("count while hanging = %d, want 1", srv.Count("k"))
		}
		close(release)
		if code := <-done; code != 200 {
			t.Errorf("code after release = %d, want 200", code)
		}
	})

	t.Run("OKConcurrent", func(t *testing.T) {
		srv := mastodontest.New()
		defer srv.Close()
		var wg sync.WaitGroup
		for i := range 64 {
			wg.Go(func() {
				MustPost(t, srv, "t", fmt.Sprintf("k%d", i%8), "application/json", `{"status":"a"}`)
			})
		}
		wg.Wait()
		for i := range 8 {
			if n := srv.Count(fmt.Sprintf("k%d", i)); n != 1 {
				t.Errorf("count(k%d) = %d, want 1", i, n)
			}
		}
		if srv.Requests() != 64 || len(srv.Statuses()) != 8 {
			t.Errorf("requests %d, statuses %d; want 64, 8", srv.Requests(), len(srv.Statuses()))
		}
	})
}
