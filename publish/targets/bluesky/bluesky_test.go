package bluesky_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/bluesky"
	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// MustServer starts a fake PDS closed at the end of the test.
func MustServer(tb testing.TB) *blueskytest.Server {
	tb.Helper()
	srv := blueskytest.New()
	tb.Cleanup(srv.Close)
	return srv
}

func newPublisher(client *http.Client) *bluesky.Publisher {
	return bluesky.New(client, testclock.New(now.Add(3*time.Second)))
}

func account(srv *blueskytest.Server) publish.Account {
	return publish.Account{
		BrandID: 1,
		Target:  herald.Target{Kind: "bluesky", Name: "main"},
		URL:     srv.URL(),
		Handle:  blueskytest.Handle,
		Secret:  blueskytest.Password,
	}
}

func newPost(srv *blueskytest.Server, key, text string) publish.Post {
	return publish.Post{DraftID: 42, Rev: 3, Target: herald.Target{Kind: "bluesky", Name: "main"}, Account: account(srv), Text: text, Key: key, Due: now}
}

func wantReceipt(p publish.Post) publish.Receipt {
	rkey := bluesky.RecordKey(p.Key, p.Due)
	return publish.Receipt{
		ID:  "at://" + blueskytest.DID + "/app.bsky.feed.post/" + rkey,
		URL: "https://bsky.app/profile/" + blueskytest.Handle + "/post/" + rkey,
	}
}

func nsids(reqs []blueskytest.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.NSID)
	}
	return out
}

// outcome returns err's classification, failing the test when err is not a
// *publish.Error.
func outcome(t *testing.T, err error) *publish.Error {
	t.Helper()
	var e *publish.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *publish.Error", err, err)
	}
	return e
}

func TestPublish(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		srv := MustServer(t)
		srv.AddHandle("atproto.com", "did:plc:ewvi7nxzyoun6zhxrhs64oiz")
		post := newPost(srv, "draft:42:rev:3:bluesky:main", vector)
		got, err := newPublisher(loopback()).Publish(t.Context(), post)
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if diff := cmp.Diff(wantReceipt(post), got); diff != "" {
			t.Errorf("receipt mismatch (-want +got):\n%s", diff)
		}
		posts := srv.Posts()
		if len(posts) != 1 {
			t.Fatalf("%d posts; want 1", len(posts))
		}
		want := blueskytest.Post{
			Repo:      blueskytest.DID,
			RKey:      bluesky.RecordKey(post.Key, post.Due),
			Text:      vector,
			CreatedAt: "2026-11-22T09:00:03Z",
			Facets: []blueskytest.Facet{
				fakeFacet(23, 35, blueskytest.Feature{Type: "app.bsky.richtext.facet#mention", DID: "did:plc:ewvi7nxzyoun6zhxrhs64oiz"}),
				fakeFacet(74, 108, blueskytest.Feature{Type: "app.bsky.richtext.facet#link", URI: "https://en.wikipedia.org/wiki/CBOR"}),
			},
		}
		if diff := cmp.Diff(want, posts[0], cmpPost); diff != "" {
			t.Errorf("stored post mismatch (-want +got):\n%s", diff)
		}
		reqs := srv.Requests()
		if diff := cmp.Diff([]string{blueskytest.ResolveHandle, blueskytest.CreateSession, blueskytest.CreateRecord}, nsids(reqs)); diff != "" {
			t.Fatalf("calls mismatch (-want +got):\n%s", diff)
		}
		if reqs[0].Auth != "" || reqs[1].Auth != "" {
			t.Errorf("resolveHandle and createSession sent Authorization %q, %q; want none", reqs[0].Auth, reqs[1].Auth)
		}
		if !strings.HasPrefix(reqs[2].Auth, "Bearer access-") {
			t.Errorf("createRecord sent Authorization %q; want the session's Bearer token", reqs[2].Auth)
		}
		if !strings.Contains(reqs[2].Body, `"rkey":"`+want.RKey+`"`) || !strings.Contains(reqs[2].Body, `"repo":"`+blueskytest.DID+`"`) {
			t.Errorf("createRecord body %s lacks the rkey or the repo", reqs[2].Body)
		}
	})
	t.Run("OKUnresolvedMentionHasNoFacet", func(t *testing.T) {
		srv := MustServer(t)
		post := newPost(srv, "k", "hello @nobody.example and #launch")
		if _, err := newPublisher(loopback()).Publish(t.Context(), post); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		want := []blueskytest.Facet{fakeFacet(26, 33, blueskytest.Feature{Type: "app.bsky.richtext.facet#tag", Tag: "launch"})}
		if diff := cmp.Diff(want, srv.Posts()[0].Facets); diff != "" {
			t.Errorf("facets mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKMentionResolvedOnce", func(t *testing.T) {
		srv := MustServer(t)
		srv.AddHandle("bob.example.com", "did:plc:bob")
		post := newPost(srv, "k", "@bob.example.com and @Bob.Example.com")
		if _, err := newPublisher(loopback()).Publish(t.Context(), post); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if n := len(srv.Posts()[0].Facets); n != 2 {
			t.Errorf("%d facets; want 2", n)
		}
		if diff := cmp.Diff([]string{blueskytest.ResolveHandle, blueskytest.CreateSession, blueskytest.CreateRecord}, nsids(srv.Requests())); diff != "" {
			t.Errorf("calls mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKPDSURLWithSlashAndAt", func(t *testing.T) {
		srv := MustServer(t)
		post := newPost(srv, "k", "hi")
		post.Account.URL += "/"
		post.Account.Handle = "@" + post.Account.Handle
		got, err := newPublisher(loopback()).Publish(t.Context(), post)
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if diff := cmp.Diff(wantReceipt(post), got); diff != "" {
			t.Errorf("receipt mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKSessionReused", func(t *testing.T) {
		srv := MustServer(t)
		p := newPublisher(loopback())
		for i := range 3 {
			if _, err := p.Publish(t.Context(), newPost(srv, fmt.Sprint(i), "hi")); err != nil {
				t.Fatalf("Publish %d: %v", i, err)
			}
		}
		if n := srv.Sessions(); n != 1 {
			t.Errorf("%d sessions; want 1", n)
		}
	})
	t.Run("OKNewPasswordLogsInAgain", func(t *testing.T) {
		srv := MustServer(t)
		p := newPublisher(loopback())
		if _, err := p.Publish(t.Context(), newPost(srv, "1", "hi")); err != nil {
			t.Fatal(err)
		}
		srv.AddAccount(blueskytest.Handle, "new-pass-word-0002", blueskytest.DID)
		post := newPost(srv, "2", "hi")
		post.Account.Secret = "new-pass-word-0002"
		if _, err := p.Publish(t.Context(), post); err != nil {
			t.Fatal(err)
		}
		if n := srv.Sessions(); n != 2 {
			t.Errorf("%d sessions; want 2", n)
		}
	})
}

// cmpPost ignores what the fake makes up.
var cmpPost = cmpopts.IgnoreFields(blueskytest.Post{}, "URI", "CID", "Record")

func fakeFacet(start, end int, f blueskytest.Feature) blueskytest.Facet {
	var out blueskytest.Facet
	out.Index.ByteStart, out.Index.ByteEnd = start, end
	out.Features = []blueskytest.Feature{f}
	return out
}

func TestPublishErrors(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(*blueskytest.Server, *publish.Post)
		want      publish.Outcome
		wantMsg   string
		wantRetry time.Duration
	}{
		{
			name: "ErrRateLimited",
			setup: func(s *blueskytest.Server, _ *publish.Post) {
				s.Inject(blueskytest.Fault{NSID: blueskytest.CreateRecord, Status: 429, Body: `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`, Header: http.Header{"Retry-After": {"30"}}})
			},
			want: publish.Transient, wantMsg: "Rate Limit Exceeded", wantRetry: 30 * time.Second,
		},
		{
			name: "ErrRejected",
			setup: func(s *blueskytest.Server, _ *publish.Post) {
				s.FailNext(400, `{"error":"InvalidRecord","message":"Invalid app.bsky.feed.post record: Record/langs must not have more than 3 elements"}`)
			},
			want: publish.Rejected, wantMsg: "Record/langs must not have more than 3 elements",
		},
		{
			name: "ErrServer",
			setup: func(s *blueskytest.Server, _ *publish.Post) {
				s.FailNext(502, `<html>Bad Gateway</html>`)
			},
			want: publish.Transient, wantMsg: "502",
		},
		{
			name:  "ErrWrongPassword",
			setup: func(_ *blueskytest.Server, p *publish.Post) { p.Account.Secret = "wrong" },
			want:  publish.Rejected, wantMsg: "Bluesky refused the app password for @acme.bsky.social",
		},
		{
			name: "ErrLoginRateLimited",
			setup: func(s *blueskytest.Server, _ *publish.Post) {
				s.Inject(blueskytest.Fault{NSID: blueskytest.CreateSession, Status: 429, Body: `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`, Header: http.Header{"Retry-After": {"300"}}})
			},
			want: publish.Transient, wantMsg: "logging in", wantRetry: 5 * time.Minute,
		},
		{
			name: "ErrResolveHandleDown",
			setup: func(s *blueskytest.Server, p *publish.Post) {
				p.Text = "thanks @bob.example.com"
				s.Inject(blueskytest.Fault{NSID: blueskytest.ResolveHandle, Status: 503, Body: `{"error":"InternalServerError","message":"Internal Server Error"}`})
			},
			want: publish.Transient, wantMsg: "@bob.example.com",
		},
		{
			name:  "ErrTooLong",
			setup: func(_ *blueskytest.Server, p *publish.Post) { p.Text = strings.Repeat("a", 301) },
			want:  publish.Rejected, wantMsg: "at most 300 characters; this one has 301",
		},
		{
			name:  "ErrNoKey",
			setup: func(_ *blueskytest.Server, p *publish.Post) { p.Key = "" },
			want:  publish.Rejected, wantMsg: "idempotency key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t)
			post := newPost(srv, "k", "hello")
			tt.setup(srv, &post)
			_, err := newPublisher(loopback()).Publish(t.Context(), post)
			e := outcome(t, err)
			if e.Outcome != tt.want || !strings.Contains(e.Message, tt.wantMsg) || e.RetryAfter != tt.wantRetry {
				t.Errorf("Publish = %v (%s, retry after %v); want %s naming %q, retry after %v", err, e.Outcome, e.RetryAfter, tt.want, tt.wantMsg, tt.wantRetry)
			}
			if n := len(srv.Posts()); n != 0 {
				t.Errorf("%d posts stored; want none", n)
			}
		})
	}
}

func TestPublishConnectionRefused(t *testing.T) {
	t.Run("ErrConnectionRefused", func(t *testing.T) {
		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close()
		post := newPost(MustServer(t), "k", "hello")
		post.Account.URL = closed.URL
		_, err := newPublisher(loopback()).Publish(t.Context(), post)
		if e := outcome(t, err); e.Outcome != publish.Transient {
			t.Errorf("Publish = %v (%s); want transient", err, e.Outcome)
		}
	})
}

func TestPublishRetry(t *testing.T) {
	t.Run("OK500Then200", func(t *testing.T) {
		srv := MustServer(t)
		srv.FailNext(500, `{"error":"InternalServerError","message":"Internal Server Error"}`)
		p := newPublisher(loopback())
		post := newPost(srv, "k", "hello")
		_, err := p.Publish(t.Context(), post)
		if e := outcome(t, err); e.Outcome != publish.Transient {
			t.Fatalf("first Publish = %v (%s); want transient", err, e.Outcome)
		}
		got, err := p.Publish(t.Context(), post)
		if err != nil {
			t.Fatalf("second Publish: %v", err)
		}
		if diff := cmp.Diff(wantReceipt(post), got); diff != "" {
			t.Errorf("receipt mismatch (-want +got):\n%s", diff)
		}
		if n, c := len(srv.Posts()), srv.Count(bluesky.RecordKey(post.Key, post.Due)); n != 1 || c != 1 {
			t.Errorf("%d posts, %d under the record key; want 1 and 1", n, c)
		}
	})
}

func TestPublishExpiredToken(t *testing.T) {
	expiredBody := `{"error":"ExpiredToken","message":"Token has expired"}`
	t.Run("OK", func(t *testing.T) {
		srv := MustServer(t)
		p := newPublisher(loopback())
		if _, err := p.Publish(t.Context(), newPost(srv, "1", "first")); err != nil {
			t.Fatal(err)
		}
		srv.ExpireTokens()
		if _, err := p.Publish(t.Context(), newPost(srv, "2", "second")); err != nil {
			t.Fatalf("Publish after expiry: %v", err)
		}
		want := []string{blueskytest.CreateSession, blueskytest.CreateRecord, blueskytest.CreateRecord, blueskytest.CreateSession, blueskytest.CreateRecord}
		if diff := cmp.Diff(want, nsids(srv.Requests())); diff != "" {
			t.Errorf("calls mismatch (-want +got):\n%s", diff)
		}
		if n := len(srv.Posts()); n != 2 {
			t.Errorf("%d posts; want 2", n)
		}
	})
	t.Run("OK401", func(t *testing.T) {
		srv := MustServer(t)
		srv.Inject(blueskytest.Fault{NSID: blueskytest.CreateRecord, Status: 401, Body: `{"error":"AuthenticationRequired","message":"Bad token"}`})
		if _, err := newPublisher(loopback()).Publish(t.Context(), newPost(srv, "1", "hi")); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if n := srv.Sessions(); n != 2 {
			t.Errorf("%d sessions; want 2", n)
		}
	})
	t.Run("ErrExpiredTwiceLogsInOnce", func(t *testing.T) {
		srv := MustServer(t)
		for range 2 {
			srv.Inject(blueskytest.Fault{NSID: blueskytest.CreateRecord, Status: 400, Body: expiredBody})
		}
		_, err := newPublisher(loopback()).Publish(t.Context(), newPost(srv, "1", "hi"))
		if e := outcome(t, err); e.Outcome != publish.Rejected || !strings.Contains(e.Message, "Token has expired") {
			t.Errorf("Publish = %v; want rejected with the PDS's message", err)
		}
		if n := srv.Sessions(); n != 2 {
			t.Errorf("%d sessions; want 2 (one re-login)", n)
		}
	})
	t.Run("OKCheckAfterExpiry", func(t *testing.T) {
		srv := MustServer(t)
		p := newPublisher(loopback())
		post := newPost(srv, "1", "hi")
		if _, err := p.Publish(t.Context(), post); err != nil {
			t.Fatal(err)
		}
		srv.ExpireTokens()
		if _, ok, err := p.Check(t.Context(), post); err != nil || !ok {
			t.Errorf("Check = %v, %v; want true, nil", ok, err)
		}
	})
}

func TestPublishAmbiguous(t *testing.T) {
	t.Run("OKTimeoutThenCheckThenRetry", func(t *testing.T) {
		srv := MustServer(t)
		srv.HangNext()
		// The fake stores the record and answers nothing until the client
		// gives up, so this timeout is all the test waits.
		p := newPublisher(loopbackTimeout(300 * time.Millisecond))
		post := newPost(srv, "k", "hello")
		rkey := bluesky.RecordKey(post.Key, post.Due)
		_, err := p.Publish(t.Context(), post)
		if e := outcome(t, err); e.Outcome != publish.Ambiguous {
			t.Fatalf("Publish = %v (%s); want ambiguous", err, e.Outcome)
		}
		if n := srv.Count(rkey); n != 1 {
			t.Fatalf("%d records under %s after the timeout; want 1", n, rkey)
		}
		got, ok, err := p.Check(t.Context(), post)
		if err != nil || !ok {
			t.Fatalf("Check = %v, %v; want found", ok, err)
		}
		if diff := cmp.Diff(wantReceipt(post), got); diff != "" {
			t.Errorf("Check receipt mismatch (-want +got):\n%s", diff)
		}
		// A retry after a restart: a new publisher, the same record key.
		got, err = newPublisher(loopback()).Publish(t.Context(), post)
		if err != nil {
			t.Fatalf("retried Publish: %v", err)
		}
		if diff := cmp.Diff(wantReceipt(post), got); diff != "" {
			t.Errorf("retry receipt mismatch (-want +got):\n%s", diff)
		}
		if n := len(srv.Posts()); n != 1 {
			t.Errorf("%d posts; want 1", n)
		}
	})
}

func TestPublishDuplicate(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{name: "OK400AlreadyExists", status: 400, body: `{"error":"InvalidRequest","message":"Record already exists"}`},
		{name: "OK409RecordAlreadyExists", status: 409, body: `{"error":"RecordAlreadyExists","message":"Record already exists"}`},
		{name: "OK500AsTodaysPDS", status: 500, body: `{"error":"InternalServerError","message":"Internal Server Error"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t)
			srv.AnswerDuplicates(tt.status, tt.body)
			post := newPost(srv, "k", "hello")
			if _, err := newPublisher(loopback()).Publish(t.Context(), post); err != nil {
				t.Fatal(err)
			}
			got, err := newPublisher(loopback()).Publish(t.Context(), post)
			if err != nil {
				t.Fatalf("second Publish: %v", err)
			}
			if diff := cmp.Diff(wantReceipt(post), got); diff != "" {
				t.Errorf("receipt mismatch (-want +got):\n%s", diff)
			}
			if n := len(srv.Posts()); n != 1 {
				t.Errorf("%d posts; want 1", n)
			}
			if got := nsids(srv.Requests()); got[len(got)-1] != blueskytest.GetRecord {
				t.Errorf("calls %v; want a getRecord after the refused create", got)
			}
		})
	}
	t.Run("ErrRejectedNotThere", func(t *testing.T) {
		srv := MustServer(t)
		srv.FailNext(400, `{"error":"InvalidRequest","message":"Could not find repo: it does not exist"}`)
		_, err := newPublisher(loopback()).Publish(t.Context(), newPost(srv, "k", "hello"))
		if e := outcome(t, err); e.Outcome != publish.Rejected || !strings.Contains(e.Message, "Could not find repo") {
			t.Errorf("Publish = %v; want the create's refusal", err)
		}
	})
}

func TestCheck(t *testing.T) {
	t.Run("OKAbsent", func(t *testing.T) {
		srv := MustServer(t)
		got, ok, err := newPublisher(loopback()).Check(t.Context(), newPost(srv, "k", "hello"))
		if err != nil || ok || got != (publish.Receipt{}) {
			t.Errorf("Check = %+v, %v, %v; want absent", got, ok, err)
		}
	})
	t.Run("OKPresent", func(t *testing.T) {
		srv := MustServer(t)
		p := newPublisher(loopback())
		post := newPost(srv, "k", "hello")
		if _, err := p.Publish(t.Context(), post); err != nil {
			t.Fatal(err)
		}
		got, ok, err := p.Check(t.Context(), post)
		if err != nil || !ok {
			t.Fatalf("Check = %v, %v; want present", ok, err)
		}
		if diff := cmp.Diff(wantReceipt(post), got); diff != "" {
			t.Errorf("receipt mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrServer", func(t *testing.T) {
		srv := MustServer(t)
		srv.Inject(blueskytest.Fault{NSID: blueskytest.GetRecord, Status: 500, Body: `{"error":"InternalServerError","message":"Internal Server Error"}`})
		_, ok, err := newPublisher(loopback()).Check(t.Context(), newPost(srv, "k", "hello"))
		if err == nil || ok {
			t.Errorf("Check = %v, %v; want an error", ok, err)
		}
	})
	t.Run("ErrOtherRefusal", func(t *testing.T) {
		srv := MustServer(t)
		srv.Inject(blueskytest.Fault{NSID: blueskytest.GetRecord, Status: 400, Body: `{"error":"InvalidRequest","message":"Could not find repo"}`})
		_, ok, err := newPublisher(loopback()).Check(t.Context(), newPost(srv, "k", "hello"))
		if err == nil || ok {
			t.Errorf("Check = %v, %v; want an error, not absent", ok, err)
		}
	})
}

func TestConcurrentPublish(t *testing.T) {
	t.Run("OKOneLogin", func(t *testing.T) {
		srv := MustServer(t)
		p := newPublisher(loopback())
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() {
				if _, err := p.Publish(t.Context(), newPost(srv, fmt.Sprint(i), "hello")); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := srv.Sessions(); n != 1 {
			t.Errorf("%d sessions; want 1", n)
		}
		if n := len(srv.Posts()); n != 16 {
			t.Errorf("%d posts; want 16", n)
		}
	})
	t.Run("ErrCanceledWhileWaitingForLogin", func(t *testing.T) {
		srv := MustServer(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := newPublisher(loopback()).Publish(ctx, newPost(srv, "k", "hello"))
		if e := outcome(t, err); e.Outcome == publish.Rejected {
			t.Errorf("Publish = %v (%s); want a retryable failure", err, e.Outcome)
		}
	})
}

func TestKeyWindow(t *testing.T) {
	if got := bluesky.New(loopback(), nil).KeyWindow(); got != publish.Forever {
		t.Errorf("KeyWindow = %v; want Forever", got)
	}
}
