// Package bluesky publishes posts to Bluesky through the account's PDS
// (com.atproto.repo.createRecord with an app.bsky.feed.post record).
//
// Each post is created under a record key derived from its idempotency key
// (RecordKey), so a retry, even after a crash or an unanswered request,
// names the same record and cannot make a second post: the publisher is a
// Deduplicator whose window is Forever, and a Checker that looks the record
// up. Sessions (createSession, limited to 30 per 5 minutes) are cached per
// PDS and handle and renewed when the PDS refuses their token.
package bluesky

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// DefaultPDS is the PDS of an account whose URL is empty.
const DefaultPDS = "https://bsky.social"

// collection is the NSID of posts, their record type.
const collection = "app.bsky.feed.post"

// Publisher posts to Bluesky. It is safe for concurrent use.
type Publisher struct {
	client   *http.Client
	clock    herald.Clock
	sessions sessions
}

var (
	_ publish.Publisher    = (*Publisher)(nil)
	_ publish.Deduplicator = (*Publisher)(nil)
	_ publish.Checker      = (*Publisher)(nil)
	_ publish.Validator    = (*Publisher)(nil)
	_ publish.Configurer   = (*Publisher)(nil)
)

// New returns a Publisher sending through client (nil: a guarded httpx.New client, 30 s
// timeout) and stamping posts with clock (nil: the system clock).
func New(client *http.Client, clock herald.Clock) *Publisher {
	if clock == nil {
		clock = herald.SystemClock{}
	}
	return &Publisher{client: httpx.NoRedirect(client), clock: clock}
}

// KeyWindow is Forever: the key is the record's own key.
func (p *Publisher) KeyWindow() time.Duration { return publish.Forever }

// record is an app.bsky.feed.post.
type record struct {
	Type      string       `json:"$type"`
	Text      string       `json:"text"`
	CreatedAt string       `json:"createdAt"`
	Facets    []Facet      `json:"facets,omitempty"`
	Reply     *ReplyRef    `json:"reply,omitempty"`
	Embed     *embedImages `json:"embed,omitempty"`
}

type createRecordInput struct {
	Repo       string `json:"repo"`
	Collection string `json:"collection"`
	RKey       string `json:"rkey"`
	Record     record `json:"record"`
}

// ReplyText implements publish.ReplyTexter: a reply to a Bluesky mention
// starts with its author's mention ("@handle "), as the listening saw the
// handle (or the DID), unless the text mentions them already.
func (p *Publisher) ReplyText(rt *publish.ReplyTo, text string) string {
	if rt == nil || rt.Network != "bluesky" || !strings.HasPrefix(rt.ID, "at://") || !strings.HasPrefix(rt.AuthorID, "did:") {
		return text
	}
	handle := cmp.Or(strings.TrimPrefix(strings.TrimSpace(rt.Author), "@"), rt.AuthorID)
	if strings.Contains(strings.ToLower(text), "@"+strings.ToLower(handle)) {
		return text
	}
	return "@" + handle + " " + text
}

// Publish creates the post under RecordKey(p.Key, p.Due), with its links,
// hashtags and resolvable mentions as facets, and its pictures as an
// app.bsky.embed.images (blobs uploaded first, or reused from an earlier
// attempt, each with its alt text and aspect ratio). A post answering a Bluesky
// mention (Post.ReplyTo) carries reply references to it and its thread's
// root, and mentions its author. When the record already
// exists (an earlier attempt made it) it returns that record's receipt.
// Text over Bluesky's limits is Rejected without a call.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	if post.Key == "" {
		return publish.Receipt{}, &publish.Error{Outcome: publish.Rejected, Message: "the post has no idempotency key, so it cannot be sent to Bluesky safely"}
	}
	if err := p.Validate(post.Account, post.Text); err != nil {
		return publish.Receipt{}, &publish.Error{Outcome: publish.Rejected, Message: herald.ErrorMessage(err), Err: err}
	}
	facets, err := p.facets(ctx, post.Account, post.Text)
	if err != nil {
		return publish.Receipt{}, err
	}
	reply, text, withMention, err := p.replyParts(ctx, post, post.Text, facets)
	if err != nil {
		return publish.Receipt{}, err
	}
	// The author's mention added: when it no longer fits (their handle is
	// longer than the one counted before review), the reply goes out
	// without it rather than fail; Bluesky tells the author of the reply
	// all the same.
	if text != post.Text && p.Validate(post.Account, text) != nil {
		text = post.Text
	} else {
		facets = withMention
	}
	rkey := RecordKey(post.Key, post.Due)
	createdAt := p.clock.Now().UTC().Format(time.RFC3339)
	rec := record{Type: collection, Text: text, CreatedAt: createdAt, Facets: facets, Reply: reply}
	r, err := p.create(ctx, post, rkey, rec, true)
	if err != nil && blobGone(r.reply) {
		// The PDS let a recorded blob go: upload again, once.
		r, err = p.create(ctx, post, rkey, rec, false)
	}
	if err == nil {
		return receipt(r.s, rkey, r.body), nil
	}
	if mayExist(r.reply) {
		if got, ok, cerr := p.Check(ctx, post); cerr == nil && ok {
			return got, nil
		}
	}
	return publish.Receipt{}, err
}

// created is the answer to a create and the session it was made in.
type created struct {
	reply
	s *session
}

// create makes the record rec under rkey, with post's media embedded
// (reusing recorded blobs when reuse).
func (p *Publisher) create(ctx context.Context, post publish.Post, rkey string, rec record, reuse bool) (created, error) {
	e, err := p.embed(ctx, post, reuse)
	if err != nil {
		return created{}, err
	}
	rec.Embed = e
	s, r, err := p.authed(ctx, post.Account, func(s *session) call {
		return call{method: http.MethodPost, nsid: nsidCreateRecord, token: s.access, in: createRecordInput{
			Repo: s.did, Collection: collection, RKey: rkey, Record: rec,
		}}
	})
	return created{reply: r, s: s}, err
}

// mayExist reports whether a refused create may mean that the record is
// there already. No PDS documents that answer: today's reference PDS
// answers 500 (bluesky-social/atproto#3718); a newer one may answer 400 or
// 409 naming an existing record. Each is followed by a look.
func mayExist(r reply) bool {
	if r.status >= 500 || r.status == http.StatusConflict {
		return true
	}
	s := strings.ToLower(r.name + " " + r.text)
	return r.status == http.StatusBadRequest && strings.Contains(s, "exist")
}

// Check looks the post's record up (com.atproto.repo.getRecord): present
// means delivered, with its receipt; RecordNotFound means absent.
func (p *Publisher) Check(ctx context.Context, post publish.Post) (publish.Receipt, bool, error) {
	rkey := RecordKey(post.Key, post.Due)
	s, r, err := p.authed(ctx, post.Account, func(s *session) call {
		return call{method: http.MethodGet, nsid: nsidGetRecord, token: s.access, query: url.Values{
			"repo":       {s.did},
			"collection": {collection},
			"rkey":       {rkey},
		}}
	})
	switch {
	case err == nil:
		return receipt(s, rkey, r.body), true, nil
	case r.status == http.StatusBadRequest && r.name == "RecordNotFound":
		return publish.Receipt{}, false, nil
	}
	return publish.Receipt{}, false, err
}

// receipt is the at:// URI of the record (as the PDS answered it, or as it
// must be) and its bsky.app link.
func receipt(s *session, rkey string, body []byte) publish.Receipt {
	uri := "at://" + s.did + "/" + collection + "/" + rkey
	var out struct {
		URI string `json:"uri"`
	}
	if json.Unmarshal(body, &out) == nil && strings.HasPrefix(out.URI, "at://") {
		uri = out.URI
	}
	return publish.Receipt{ID: uri, URL: "https://bsky.app/profile/" + s.handle + "/post/" + rkey}
}

// pdsOf is the base URL of a's PDS, without a trailing slash.
func pdsOf(a publish.Account) string {
	if u := strings.TrimRight(strings.TrimSpace(a.URL), "/"); u != "" {
		return u
	}
	return DefaultPDS
}

// handleOf is a's handle without the @ people often type.
func handleOf(a publish.Account) string {
	return strings.TrimPrefix(strings.TrimSpace(a.Handle), "@")
}
