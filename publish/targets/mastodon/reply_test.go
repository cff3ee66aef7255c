package mastodon_test

import (
	"testing"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/mastodon"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

// Issue 19: a reply to a Mastodon mention carries in_reply_to_id (the
// mention's id, looked up on the brand's instance when it was read on
// another) and is never more visible than the mention.
func TestPublishReply(t *testing.T) {
	const link = "https://elsewhere.example/@jane/99"
	for _, tt := range []struct {
		name       string
		same       bool   // the mention was read on the brand's instance
		mentionVis string // as read
		knownVis   string // as the brand's instance resolves it
		wantID     string
		wantVis    string
	}{
		{"SameInstance", true, "public", "", "4242", "public"},
		{"SameInstanceUnlisted", true, "unlisted", "", "4242", "unlisted"},
		{"SameInstanceDirect", true, "direct", "", "4242", "direct"},
		{"OtherInstance", false, "public", "public", "777", "public"},
		{"OtherInstanceNarrower", false, "public", "private", "777", "private"},
		{"UnknownVisibility", true, "limited", "", "4242", "private"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t)
			srv.Know(mastodontest.Known{URL: link, ID: "777", Visibility: tt.knownVis})
			post := testPost(srv.URL(), "key-"+tt.name, "Sorry Jane, we are on it")
			post.ReplyTo = &publish.ReplyTo{Network: "mastodon", URL: link, ID: "4242", Visibility: tt.mentionVis, Instance: "https://read-on.example"}
			if tt.same {
				post.ReplyTo.Instance = srv.URL() + "/"
			}
			if _, err := mastodon.New(loopback(), clock).Publish(t.Context(), post); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			sts := srv.Statuses()
			if len(sts) != 1 || sts[0].InReplyToID != tt.wantID || sts[0].Visibility != tt.wantVis {
				t.Fatalf("statuses %+v; want one in reply to %s, %s", sts, tt.wantID, tt.wantVis)
			}
			if got := srv.Searches(); tt.same != (len(got) == 0) {
				t.Errorf("searches %q; want one only for a mention read elsewhere", got)
			}
		})
	}
	t.Run("NotFoundThere", func(t *testing.T) {
		srv := MustServer(t)
		post := testPost(srv.URL(), "key-nf", "Thanks")
		post.ReplyTo = &publish.ReplyTo{Network: "mastodon", URL: link, ID: "4242", Instance: "https://read-on.example"}
		_, err := mastodon.New(loopback(), clock).Publish(t.Context(), post)
		wantOutcome(t, err, publish.Rejected, "cannot find the mention")
		if len(srv.Statuses()) != 0 {
			t.Errorf("a status was made")
		}
	})
	t.Run("NotAReply", func(t *testing.T) {
		srv := MustServer(t)
		post := testPost(srv.URL(), "key-plain", "Hello")
		post.ReplyTo = &publish.ReplyTo{Network: "bluesky", ID: "at://x"}
		if _, err := mastodon.New(loopback(), clock).Publish(t.Context(), post); err != nil {
			t.Fatal(err)
		}
		if st := srv.Statuses()[0]; st.InReplyToID != "" || st.Visibility != "public" {
			t.Errorf("status %+v; want public and no reply", st)
		}
	})
}

// A private or direct status is seen only by followers and the accounts
// it mentions: a reply to such a mention starts with its author's
// mention, unless it has it already; a public reply is left as written.
func TestPublishReplyMentionsAuthor(t *testing.T) {
	for _, tt := range []struct{ name, vis, text, want string }{
		{"Direct", "direct", "Sorry Jane, we are on it", "@jane@elsewhere.example Sorry Jane, we are on it"},
		{"Private", "private", "Sorry Jane", "@jane@elsewhere.example Sorry Jane"},
		{"DirectMentionedAlready", "direct", "Hi @Jane@elsewhere.example!", "Hi @Jane@elsewhere.example!"},
		{"Public", "public", "Sorry Jane", "Sorry Jane"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t)
			post := testPost(srv.URL(), "key-"+tt.name, tt.text)
			post.ReplyTo = &publish.ReplyTo{Network: "mastodon", ID: "4242", Visibility: tt.vis, Instance: srv.URL(), Author: "@jane@elsewhere.example"}
			p := mastodon.New(loopback(), clock)
			if got := p.ReplyText(post.ReplyTo, tt.text); got != tt.want {
				t.Errorf("ReplyText %q; want %q", got, tt.want)
			}
			if _, err := p.Publish(t.Context(), post); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if sts := srv.Statuses(); len(sts) != 1 || sts[0].Text != tt.want || sts[0].Visibility != tt.vis {
				t.Fatalf("statuses %+v; want one %s status %q", sts, tt.vis, tt.want)
			}
		})
	}
}
