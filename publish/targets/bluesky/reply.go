package bluesky

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/heraldhq/herald/publish"
)

// nsidGetPosts reads posts by at:// URI (served by the AppView, reached
// through the account's PDS with its session).
const nsidGetPosts = "app.bsky.feed.getPosts"

// StrongRef is a com.atproto.repo.strongRef: a record and the version of
// it (CID) one answers.
type StrongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

// ReplyRef is a post record's reply: the thread's first post (Root) and
// the post answered (Parent).
type ReplyRef struct {
	Root   StrongRef `json:"root"`
	Parent StrongRef `json:"parent"`
}

// thread reads the post at uri with app.bsky.feed.getPosts: the reply
// references of an answer to it (parent: the post; root: its own root,
// or the post when it starts the thread) and its author's handle. A post
// that no longer exists is Rejected: there is nothing left to answer.
func (p *Publisher) thread(ctx context.Context, a publish.Account, uri string) (ReplyRef, string, error) {
	_, r, err := p.authed(ctx, a, func(s *session) call {
		return call{method: http.MethodGet, nsid: nsidGetPosts, token: s.access, query: url.Values{"uris": {uri}}}
	})
	if err != nil {
		return ReplyRef{}, "", err
	}
	var out struct {
		Posts []struct {
			URI    string `json:"uri"`
			CID    string `json:"cid"`
			Author struct {
				Handle string `json:"handle"`
			} `json:"author"`
			Record struct {
				Reply *ReplyRef `json:"reply"`
			} `json:"record"`
		} `json:"posts"`
	}
	if json.Unmarshal(r.body, &out) != nil {
		return ReplyRef{}, "", publish.TransientError(errors.New("Bluesky answered the mention's lookup with something unreadable"), 0)
	}
	for _, post := range out.Posts {
		if post.URI != uri || post.CID == "" {
			continue
		}
		parent := StrongRef{URI: post.URI, CID: post.CID}
		ref := ReplyRef{Root: parent, Parent: parent}
		if rr := post.Record.Reply; rr != nil && rr.Root.URI != "" && rr.Root.CID != "" {
			ref.Root = rr.Root
		}
		return ref, post.Author.Handle, nil
	}
	return ReplyRef{}, "", &publish.Error{Outcome: publish.Rejected, Message: "the Bluesky post this draft answers is gone (deleted, or its author blocked the account)"}
}

// replyParts are what a reply adds to a post: its reply references, and
// the text and facets with the author mentioned. The author is mentioned
// at the start ("@handle ") unless the text mentions them already.
func (p *Publisher) replyParts(ctx context.Context, post publish.Post, text string, facets []Facet) (*ReplyRef, string, []Facet, error) {
	rt := post.ReplyTo
	if rt == nil || rt.Network != "bluesky" || !strings.HasPrefix(rt.ID, "at://") {
		return nil, text, facets, nil
	}
	ref, handle, err := p.thread(ctx, post.Account, rt.ID)
	if err != nil {
		return nil, "", nil, err
	}
	for _, f := range facets {
		for _, ft := range f.Features {
			if ft.Type == FeatureMention && rt.AuthorID != "" && ft.DID == rt.AuthorID {
				return &ref, text, facets, nil
			}
		}
	}
	if rt.AuthorID == "" || !strings.HasPrefix(rt.AuthorID, "did:") {
		return &ref, text, facets, nil
	}
	if handle == "" || handle == "handle.invalid" {
		handle = rt.AuthorID
	}
	at := "@" + handle
	shifted := make([]Facet, 0, len(facets)+1)
	shifted = append(shifted, Facet{Index: ByteSlice{0, len(at)}, Features: []Feature{{Type: FeatureMention, DID: rt.AuthorID}}})
	n := len(at) + 1
	for _, f := range facets {
		f.Index.ByteStart += n
		f.Index.ByteEnd += n
		shifted = append(shifted, f)
	}
	return &ref, at + " " + text, shifted, nil
}
