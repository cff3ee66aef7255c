package meta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald/publish"
)

// Containers is content publishing as Instagram and Threads do it: a
// container is created from the post (its media fetched by the network
// from their signed links), its status polled until FINISHED, then the
// container is published. Neither network takes an idempotency key, but
// a container is published once at most: Herald records its id on the
// delivery (publish.Post.RecordUpload, under ContainerKey) before
// waiting for it, so a retry, a restart or the check after an ambiguous
// answer reuses that container, and a container already PUBLISHED is
// settled as published, never made again.
type Containers struct {
	G           *Graph
	StatusField string        // "status_code" (Instagram), "status" (Threads)
	PublishPath string        // "media_publish", "threads_publish"
	ListPath    string        // the account's media: "media", "threads"
	TextField   string        // "caption", "text"
	Poll        time.Duration // between two looks at a container's status
	Wait        time.Duration // how long one attempt waits for a container
	Keep        time.Duration // how long the network keeps an unpublished container
	// Before, when set, is asked just before a container is published (a
	// publishing limit): its error stops the attempt.
	Before func(ctx context.Context, post publish.Post) error
}

// ContainerKey is the key of the post's container among the uploads
// recorded on its delivery (a carousel's items are under their SHA-256).
const ContainerKey = "container"

// Container statuses.
const (
	StatusFinished   = "FINISHED"
	StatusInProgress = "IN_PROGRESS"
	StatusPublished  = "PUBLISHED"
	StatusError      = "ERROR"
	StatusExpired    = "EXPIRED"
)

// Status is a container's status, with the network's words when it
// failed.
func (c Containers) Status(ctx context.Context, token, id string) (status, words string, err error) {
	var s map[string]any
	f := url.Values{"fields": {"status_code,status,id"}} // Instagram: status_code, and status in words
	if c.StatusField == "status" {
		f.Set("fields", "status,error_message,id") // Threads
	}
	if err := c.G.Call(ctx, http.MethodGet, "/"+url.PathEscape(id), token, f, &s); err != nil {
		return "", "", err
	}
	status, _ = s[c.StatusField].(string)
	words, _ = s["error_message"].(string)
	if c.StatusField != "status" {
		words, _ = s["status"].(string) // "Error: Media download has failed…"
	}
	return strings.ToUpper(status), words, nil
}

// errPublished says a container is already published.
var errPublished = errors.New("the container is already published")

// Ready polls container id on the injected clock until it is FINISHED:
// ERROR or EXPIRED is refused with the network's words; a container still
// in progress after Wait is Transient (the retry waits for the same
// container); a published one is errPublished.
func (c Containers) Ready(ctx context.Context, token, id string) error {
	start := c.G.O.Clock.Now()
	for {
		st, words, err := c.Status(ctx, token, id)
		if err != nil {
			return err
		}
		switch st {
		case StatusFinished:
			return nil
		case StatusPublished:
			return errPublished
		case StatusError, StatusExpired:
			return publish.Rejectedf("%s could not prepare the post (container %s): %s", c.G.O.Network, st, nonEmpty(words, "no reason given"))
		}
		if c.G.O.Clock.Now().Sub(start) >= c.Wait {
			return publish.TransientError(fmt.Errorf("%s is still preparing the post's media (status %s)", c.G.O.Network, nonEmpty(st, "unknown")), 0)
		}
		if err := c.G.O.Sleep(ctx, c.Poll); err != nil {
			return publish.TransientError(err, 0)
		}
	}
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Create makes a container with form f for the account user and returns
// its id; key records it on the delivery at once (ContainerKey, or a
// carousel item's SHA-256).
func (c Containers) Create(ctx context.Context, post publish.Post, key string, f url.Values) (string, error) {
	if u, ok := post.Uploaded(key); ok {
		return u.ID, nil
	}
	var id ID
	if err := c.G.Call(ctx, http.MethodPost, "/"+url.PathEscape(post.Account.Handle)+"/"+c.ListPath, post.Account.Secret, f, &id); err != nil {
		return "", err // an unpublished container is harmless: a retry makes another
	}
	if id.ID == "" {
		return "", publish.TransientError(fmt.Errorf("%s answered without the container's id", c.G.O.Network), 0)
	}
	now := c.G.O.Clock.Now().UTC()
	if err := post.RecordUpload(ctx, publish.Upload{SHA256: key, ID: id.ID, At: now, Until: now.Add(c.Keep)}); err != nil {
		return "", publish.TransientError(fmt.Errorf("recording the container: %w", err), 0)
	}
	return id.ID, nil
}

// Publish publishes container id for the account and returns the media's
// id. A "not ready" answer (9007) waits and asks again within Wait; a
// server error or no answer is Ambiguous (Check looks at the container).
func (c Containers) Publish(ctx context.Context, post publish.Post, id string) (string, error) {
	start := c.G.O.Clock.Now()
	for {
		var out ID
		err := c.G.Call(ctx, http.MethodPost, "/"+url.PathEscape(post.Account.Handle)+"/"+c.PublishPath, post.Account.Secret,
			url.Values{"creation_id": {id}}, &out)
		switch {
		case err == nil && out.ID != "":
			return out.ID, nil
		case err == nil:
			return "", publish.AmbiguousError(fmt.Errorf("%s published without giving the post's id", c.G.O.Network))
		case !errors.Is(err, ErrNotReady):
			return "", Ambiguous(err)
		case c.G.O.Clock.Now().Sub(start) >= c.Wait:
			return "", err
		}
		if err := c.G.O.Sleep(ctx, c.Poll); err != nil {
			return "", publish.TransientError(err, 0)
		}
	}
}

// Permalink is the address people open of a published media ("" when the
// network does not say).
func (c Containers) Permalink(ctx context.Context, token, mediaID string) string {
	var m struct {
		Permalink string `json:"permalink"`
	}
	if err := c.G.Call(ctx, http.MethodGet, "/"+url.PathEscape(mediaID), token, url.Values{"fields": {"permalink"}}, &m); err != nil {
		return ""
	}
	return m.Permalink
}

// Run publishes post through its container: the one recorded on the
// delivery when there is one (already published: found among the
// account's media), else a new one from create.
func (c Containers) Run(ctx context.Context, post publish.Post, create func(context.Context) (url.Values, error)) (publish.Receipt, error) {
	tok := post.Account.Secret
	id := ""
	if u, ok := post.Uploaded(ContainerKey); ok {
		st, words, err := c.Status(ctx, tok, u.ID)
		if err != nil {
			return publish.Receipt{}, err
		}
		switch st {
		case StatusError:
			return publish.Receipt{}, publish.Rejectedf("%s could not prepare the post (container ERROR): %s", c.G.O.Network, nonEmpty(words, "no reason given"))
		case StatusExpired: // kept a day unpublished: a new one is made
		default:
			id = u.ID
		}
	}
	if id == "" {
		f, err := create(ctx)
		if err != nil {
			return publish.Receipt{}, err
		}
		post.Uploads = nil // a new container: the old one is not reused
		if id, err = c.Create(ctx, post, ContainerKey, f); err != nil {
			return publish.Receipt{}, err
		}
	}
	switch err := c.Ready(ctx, tok, id); {
	case errors.Is(err, errPublished):
		r, found, err := c.Find(ctx, post)
		if err == nil && !found {
			r = publish.Receipt{ID: id}
		}
		return r, err
	case err != nil:
		return publish.Receipt{}, err
	}
	if c.Before != nil {
		if err := c.Before(ctx, post); err != nil {
			return publish.Receipt{}, err
		}
	}
	mid, err := c.Publish(ctx, post, id)
	if err != nil {
		return publish.Receipt{}, err
	}
	return publish.Receipt{ID: mid, URL: c.Permalink(ctx, tok, mid)}, nil
}

// Check implements publish.Checker for the container networks: a post
// whose recorded container is PUBLISHED is found (its media among the
// account's latest, by text); one without a container, or whose
// container is not published, is not there (the retry publishes that
// container, never a second one).
func (c Containers) Check(ctx context.Context, post publish.Post) (publish.Receipt, bool, error) {
	u, ok := post.Uploaded(ContainerKey)
	if !ok {
		return publish.Receipt{}, false, nil
	}
	st, _, err := c.Status(ctx, post.Account.Secret, u.ID)
	if err != nil || st != StatusPublished {
		return publish.Receipt{}, false, err
	}
	r, found, err := c.Find(ctx, post)
	if err == nil && !found {
		r = publish.Receipt{ID: u.ID}
	}
	return r, true, err
}

// Find looks for the post among the account's latest media, by its text.
func (c Containers) Find(ctx context.Context, post publish.Post) (publish.Receipt, bool, error) {
	var list struct {
		Data []map[string]any `json:"data"`
	}
	f := url.Values{"fields": {"id,permalink," + c.TextField}, "limit": {"25"}}
	if err := c.G.Call(ctx, http.MethodGet, "/"+url.PathEscape(post.Account.Handle)+"/"+c.ListPath, post.Account.Secret, f, &list); err != nil {
		return publish.Receipt{}, false, err
	}
	for _, m := range list.Data {
		if text, _ := m[c.TextField].(string); text == post.Text {
			id, _ := m["id"].(string)
			link, _ := m["permalink"].(string)
			return publish.Receipt{ID: id, URL: link}, true, nil
		}
	}
	return publish.Receipt{}, false, nil
}
