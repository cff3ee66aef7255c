package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// visibilities are Mastodon's visibilities, widest first.
var visibilities = []string{"public", "unlisted", "private", "direct"}

// narrowest returns the narrowest of the visibilities given ("" counts
// as public); one Herald does not know counts as private, so a reply is
// never seen wider than what it answers.
func narrowest(vs ...string) string {
	at := 0
	for _, v := range vs {
		i := 0
		if v != "" {
			i = 2
			for j, known := range visibilities {
				if strings.EqualFold(v, known) {
					i = j
				}
			}
		}
		at = max(at, i)
	}
	return visibilities[at]
}

// ReplyText implements publish.ReplyTexter: see withAuthor. Before review
// the visibility is the mention's as the listening read it.
func (p *Publisher) ReplyText(rt *publish.ReplyTo, text string) string {
	if rt == nil || rt.Network != "mastodon" {
		return text
	}
	return withAuthor(rt, narrowest(rt.Visibility), text)
}

// withAuthor is the text of a reply of that visibility: a private or
// direct status is seen only by followers and the accounts it mentions,
// so unless it mentions the mention's author already, it starts with
// "@acct " (else the author could never read the answer). Public and
// unlisted replies are left as written.
func withAuthor(rt *publish.ReplyTo, visibility, text string) string {
	acct := strings.TrimPrefix(strings.TrimSpace(rt.Author), "@")
	if (visibility != "private" && visibility != "direct") || acct == "" || strings.Contains(strings.ToLower(text), "@"+strings.ToLower(acct)) {
		return text
	}
	return "@" + acct + " " + text
}

// sameInstance reports whether two instance URLs name one server.
func sameInstance(a, b string) bool {
	ua, err1 := url.Parse(strings.TrimSpace(a))
	ub, err2 := url.Parse(strings.TrimSpace(b))
	return err1 == nil && err2 == nil && ua.Host != "" && strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host)
}

// replyFields are what a status answering post.ReplyTo carries: the id
// of the mention on the account's instance (in_reply_to_id) and a
// visibility no wider than the mention's. A mention read on another
// instance is looked up on the account's first (resolve). Posts that
// answer nothing, or a mention elsewhere than Mastodon, go out public.
func (p *Publisher) replyFields(ctx context.Context, post publish.Post) (inReplyTo, visibility string, err error) {
	rt := post.ReplyTo
	if rt == nil || rt.Network != "mastodon" {
		return "", "public", nil
	}
	if rt.ID != "" && sameInstance(rt.Instance, post.Account.URL) {
		return rt.ID, narrowest(rt.Visibility), nil
	}
	id, vis, err := p.resolve(ctx, post.Account, rt.URL)
	if err != nil {
		return "", "", err
	}
	return id, narrowest(rt.Visibility, vis), nil
}

// resolve finds the status at link on a's instance (GET /api/v2/search
// with resolve=true, authenticated, as a remote status is fetched only
// for a logged-in search): its local id and visibility. Not found is
// Rejected: the instance cannot see the mention, so it cannot answer it.
func (p *Publisher) resolve(ctx context.Context, a publish.Account, link string) (id, visibility string, err error) {
	if link == "" {
		return "", "", publish.Rejectedf("the mention has no link to find it by on %s", a.URL)
	}
	q := url.Values{"q": {link}, "resolve": {"true"}, "type": {"statuses"}, "limit": {"1"}}
	endpoint := strings.TrimSuffix(a.URL, "/") + "/api/v2/search?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return "", "", publish.Rejectedf("the Mastodon instance URL is not usable: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.Secret)
	resp, err := publish.Do(p.client, req)
	if err != nil {
		return "", "", err
	}
	body, err := publish.Read(resp, p.clock.Now())
	if err != nil {
		if resp.StatusCode == http.StatusTooManyRequests {
			return "", "", rateLimited(err, resp.Header, p.clock.Now())
		}
		if e := publish.Classify(err); e.Outcome == publish.Rejected && resp.StatusCode == http.StatusUnauthorized {
			return "", "", refused(err, "Mastodon refused the access token (401) when looking up the mention; the token needs the read:search scope too")
		}
		return "", "", err
	}
	var out struct {
		Statuses []struct {
			ID         string `json:"id"`
			Visibility string `json:"visibility"`
		} `json:"statuses"`
	}
	if json.Unmarshal(body, &out) != nil {
		return "", "", publish.TransientError(errors.New("Mastodon answered the mention's lookup with something unreadable"), 0)
	}
	if len(out.Statuses) == 0 || out.Statuses[0].ID == "" {
		where := a.URL
		if !httpx.MayShow(resp) {
			where = "the brand's instance"
		}
		return "", "", publish.Rejectedf("%s cannot find the mention %s (deleted, or not visible from there)", where, link)
	}
	return out.Statuses[0].ID, out.Statuses[0].Visibility, nil
}
