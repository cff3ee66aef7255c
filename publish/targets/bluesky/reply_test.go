package bluesky_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/bluesky"
	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
)

// Issue 19: a reply to a Bluesky mention carries reply {root, parent}
// strong references (the parent is the mention, the root its thread's
// root, read with getPosts) and mentions the author with a facet.
func TestPublishReply(t *testing.T) {
	const marie = "did:plc:marie5jvnj4zq4wlbtb3vx7"
	mention := "at://" + marie + "/app.bsky.feed.post/3lmention2aa"
	root := "at://did:plc:rootauthor/app.bsky.feed.post/3lroot22222aa"
	for _, tt := range []struct {
		name     string
		other    blueskytest.Other
		wantRoot bluesky.StrongRef
	}{
		{"InThread", blueskytest.Other{URI: mention, CID: "bafymention", DID: marie, Handle: "marie.bsky.social", Text: "@acme the grinder?", RootURI: root, RootCID: "bafyroot"},
			bluesky.StrongRef{URI: root, CID: "bafyroot"}},
		{"StartsThread", blueskytest.Other{URI: mention, CID: "bafymention", DID: marie, Handle: "marie.bsky.social", Text: "acme grinder!"},
			bluesky.StrongRef{URI: mention, CID: "bafymention"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t)
			srv.AddOther(tt.other)
			post := newPost(srv, "k-reply-"+tt.name, "Thanks, it ships Monday")
			post.ReplyTo = &publish.ReplyTo{Network: "bluesky", ID: mention, AuthorID: marie, Author: "marie.bsky.social"}
			if _, err := newPublisher(http.DefaultClient).Publish(t.Context(), post); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			posts := srv.Posts()
			if len(posts) != 1 {
				t.Fatalf("%d posts, want 1", len(posts))
			}
			var rec struct {
				Reply bluesky.ReplyRef `json:"reply"`
			}
			if err := json.Unmarshal(posts[0].Record, &rec); err != nil {
				t.Fatal(err)
			}
			want := bluesky.ReplyRef{Root: tt.wantRoot, Parent: bluesky.StrongRef{URI: mention, CID: "bafymention"}}
			if diff := cmp.Diff(want, rec.Reply); diff != "" {
				t.Errorf("reply refs (-want +got):\n%s", diff)
			}
			if posts[0].Text != "@marie.bsky.social Thanks, it ships Monday" {
				t.Errorf("text %q; want the author mentioned first", posts[0].Text)
			}
			f := posts[0].Facets
			if len(f) != 1 || f[0].Index.ByteStart != 0 || f[0].Index.ByteEnd != len("@marie.bsky.social") ||
				f[0].Features[0].Type != bluesky.FeatureMention || f[0].Features[0].DID != marie {
				t.Errorf("facets %+v; want one #mention of %s over the handle", f, marie)
			}
		})
	}
	t.Run("AuthorMentionedAlready", func(t *testing.T) {
		srv := MustServer(t)
		srv.AddHandle("marie.bsky.social", marie)
		srv.AddOther(blueskytest.Other{URI: mention, CID: "bafymention", DID: marie, Handle: "marie.bsky.social"})
		post := newPost(srv, "k-reply-3", "Thanks @marie.bsky.social!")
		post.ReplyTo = &publish.ReplyTo{Network: "bluesky", ID: mention, AuthorID: marie}
		if _, err := newPublisher(http.DefaultClient).Publish(t.Context(), post); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if p := srv.Posts()[0]; p.Text != "Thanks @marie.bsky.social!" || len(p.Facets) != 1 {
			t.Errorf("text %q, facets %+v; want the text as written and its one mention", p.Text, p.Facets)
		}
	})
	t.Run("MentionGone", func(t *testing.T) {
		srv := MustServer(t)
		post := newPost(srv, "k-reply-4", "Thanks")
		post.ReplyTo = &publish.ReplyTo{Network: "bluesky", ID: mention, AuthorID: marie}
		_, err := newPublisher(http.DefaultClient).Publish(t.Context(), post)
		if e := outcome(t, err); e.Outcome != publish.Rejected || len(srv.Posts()) != 0 {
			t.Errorf("outcome %v, %d posts; want Rejected and none", e.Outcome, len(srv.Posts()))
		}
	})
}
