package x

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
	"golang.org/x/text/unicode/norm"
)

// tweetBody is POST /2/tweets's body.
type tweetBody struct {
	Text  string      `json:"text"`
	Media *tweetMedia `json:"media,omitempty"`
	Reply *tweetReply `json:"reply,omitempty"`
}

type tweetMedia struct {
	MediaIDs []string `json:"media_ids"`
}

type tweetReply struct {
	InReplyToTweetID string `json:"in_reply_to_tweet_id"`
}

// tweet is a post as X lists it.
type tweet struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"`
}

// Publish implements publish.Publisher: the media first, then the post.
// A refusal as duplicate content means the post is there: it is looked
// for among the account's latest posts and settled as published.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	a := post.Account
	if err := p.CheckAccount(a); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	if err := p.Validate(a, post.Text); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	body := tweetBody{Text: post.Text}
	if len(post.Media) > 0 {
		ids, err := p.uploadAll(ctx, a, post.Media)
		if err != nil {
			return publish.Receipt{}, err
		}
		body.Media = &tweetMedia{MediaIDs: ids}
	}
	if rt := post.ReplyTo; rt != nil && rt.Network == "x" && rt.ID != "" {
		body.Reply = &tweetReply{InReplyToTweetID: rt.ID}
	}
	var out struct {
		Data tweet `json:"data"`
	}
	err := p.jsonCall(ctx, http.MethodPost, "/2/tweets", a.Secret, body, &out)
	var dup *duplicate
	switch {
	case errors.As(err, &dup):
		return p.settleDuplicate(ctx, post)
	case err != nil:
		return publish.Receipt{}, err
	case out.Data.ID == "":
		return publish.Receipt{}, publish.AmbiguousError(errors.New("X answered without the post's id"))
	}
	return publish.Receipt{ID: out.Data.ID, URL: PostURL(a, out.Data.ID)}, nil
}

// PostURL is the address of a post people can open.
func PostURL(a publish.Account, id string) string {
	if user := strings.TrimPrefix(a.Conn.As, "@"); user != "" && !strings.ContainsAny(user, " /") {
		return "https://x.com/" + user + "/status/" + id
	}
	return "https://x.com/i/web/status/" + id
}

// settleDuplicate settles a post X refused as duplicate content: it is
// there, found among the latest posts when it can be.
func (p *Publisher) settleDuplicate(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	if t, ok, err := p.find(ctx, post, time.Time{}); err == nil && ok {
		return publish.Receipt{ID: t.ID, URL: PostURL(post.Account, t.ID)}, nil
	}
	r := publish.Receipt{}
	if user := strings.TrimPrefix(post.Account.Conn.As, "@"); user != "" {
		r.URL = "https://x.com/" + user
	}
	return r, nil
}

// Check implements publish.Checker: the post is looked for among the
// account's latest posts made since it was due (a minute's slack), by its
// text as X shows it (links shortened, &, < and > escaped).
func (p *Publisher) Check(ctx context.Context, post publish.Post) (publish.Receipt, bool, error) {
	since := time.Time{}
	if !post.Due.IsZero() {
		since = post.Due.Add(-time.Minute)
	}
	t, ok, err := p.find(ctx, post, since)
	if err != nil || !ok {
		return publish.Receipt{}, false, err
	}
	return publish.Receipt{ID: t.ID, URL: PostURL(post.Account, t.ID)}, true, nil
}

// find reads the account's latest posts (GET /2/users/:id/tweets) for
// one with the post's text, made at or after since.
func (p *Publisher) find(ctx context.Context, post publish.Post, since time.Time) (tweet, bool, error) {
	q := url.Values{"max_results": {fmt.Sprint(recentToCheck)}, "tweet.fields": {"created_at"}}
	var out struct {
		Data []tweet `json:"data"`
	}
	path := "/2/users/" + url.PathEscape(post.Account.Handle) + "/tweets?" + q.Encode()
	if err := p.jsonCall(ctx, http.MethodGet, path, post.Account.Secret, nil, &out); err != nil {
		return tweet{}, false, err
	}
	want := comparable(post.Text)
	for _, t := range out.Data {
		if at, err := time.Parse(time.RFC3339, t.CreatedAt); err == nil && !since.IsZero() && at.Before(since) {
			continue
		}
		if comparable(t.Text) == want {
			return t, true, nil
		}
	}
	return tweet{}, false, nil
}

// comparable is a text as X shows it back, for comparison: NFC, HTML
// entities read, every link one placeholder (X shortens links through
// t.co), spaces at the ends trimmed.
func comparable(s string) string {
	rs := []rune(norm.NFC.String(html.UnescapeString(s)))
	urls := extractURLs(rs)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if e, ok := urls[i]; ok {
			b.WriteString("\x00url\x00")
			i = e
			continue
		}
		b.WriteRune(rs[i])
		i++
	}
	return strings.TrimSpace(b.String())
}
