package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/media"
)

// Downloader fetches the files people attach in chat, from the platform's
// own hosts only: a URL (or a redirect) anywhere else is refused before
// anything is sent, so neither the bot's credentials nor Herald's network
// position can be pointed elsewhere by a crafted payload.
type Downloader struct {
	// Client sends the requests; NewDownloadClient's by default. Its
	// redirects are checked against Hosts too.
	Client *http.Client
	// Hosts are the host names (with the port when it is not the
	// scheme's) files may come from, lowercase.
	Hosts []string
	// Plain are hosts of Hosts that may be reached over http (a test fake
	// or an operator's proxy at SLACK_API_URL / DISCORD_API_URL); the
	// others need https.
	Plain []string
	// Auth, when set, is the Authorization header sent with each request
	// (Slack's "Bearer xoxb-…"); Discord's CDN URLs are signed and get
	// none.
	Auth string
	// Max, when positive, refuses a file whose announced or actual size is
	// larger; media.Library bounds what it stores in any case.
	Max int64
}

// NewDownloadClient returns the client downloads use: the operator-trusted
// guarded client, with no overall timeout (the caller's context bounds a
// download of a large video) and no body bound (Max and media.Library
// bound it while reading).
func NewDownloadClient() *http.Client {
	return httpx.New(httpx.Options{Trusted: true, Timeout: -1, MaxBody: 1 << 50, PerHost: 4})
}

// HostOf returns the host of a configured base URL (SLACK_API_URL,
// DISCORD_API_URL), lowercase; "" when it has none.
func HostOf(base string) string {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// Allowed reports whether raw is a URL files may be fetched from.
func (d Downloader) Allowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil {
		return false
	}
	host := strings.ToLower(u.Host)
	switch {
	case !slices.Contains(d.Hosts, host):
		return false
	case u.Scheme == "https":
		return true
	}
	return u.Scheme == "http" && slices.Contains(d.Plain, host)
}

// refused is the error of a URL that is not on the platform's hosts.
func refused(raw string) error {
	host := "?"
	if u, err := url.Parse(raw); err == nil {
		host = u.Host
	}
	return &herald.Error{Code: herald.EINVALID, Message: "Herald fetches attached files only from the chat platform's own servers; this one is elsewhere.",
		Err: fmt.Errorf("download from %s refused", host)}
}

// Open starts the download of raw; the caller reads and closes the body.
// announced is the size the platform gave (0 when unknown).
func (d Downloader) Open(ctx context.Context, raw string, announced int64) (io.ReadCloser, error) {
	if !d.Allowed(raw) {
		return nil, refused(raw)
	}
	if d.Max > 0 && announced > d.Max {
		return nil, tooLarge(d.Max)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, refused(raw)
	}
	if d.Auth != "" {
		req.Header.Set("Authorization", d.Auth)
	}
	resp, err := d.client().Do(req)
	if err != nil {
		var bad *badRedirect
		if errors.As(err, &bad) {
			return nil, refused(bad.to)
		}
		return nil, &herald.Error{Code: herald.EUNAVAILABLE, Message: "The attached file could not be downloaded; try again.", Err: httpx.StripURL(err)}
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &herald.Error{Code: herald.EUNAVAILABLE, Message: "The attached file could not be downloaded; try again.",
			Err: fmt.Errorf("download answered %s", resp.Status)}
	}
	if d.Max > 0 && resp.ContentLength > d.Max {
		resp.Body.Close()
		return nil, tooLarge(d.Max)
	}
	if d.Max > 0 {
		return &capped{Reader: io.LimitReader(resp.Body, d.Max+1), Closer: resp.Body, max: d.Max}, nil
	}
	return resp.Body, nil
}

// badRedirect is a redirect away from the allowed hosts.
type badRedirect struct{ to string }

func (b *badRedirect) Error() string { return "redirect off the platform's hosts" }

// client is d.Client (or a new download client) whose redirects stay on
// d's hosts; Go drops the Authorization header itself when a redirect
// leaves the original host's domain, and a redirect elsewhere is refused
// here before it is followed.
func (d Downloader) client() *http.Client {
	c := d.Client
	if c == nil {
		c = NewDownloadClient()
	}
	cp := *c
	next := c.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !d.Allowed(req.URL.String()) {
			return &badRedirect{to: req.URL.String()}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &cp
}

// tooLarge refuses a file over max bytes as the media library does
// (media.ReasonTooLarge; who reads the file adds its name to the facts).
func tooLarge(max int64) error {
	return media.TooLarge("The file", max)
}

// capped fails a read that goes past max bytes instead of truncating.
type capped struct {
	io.Reader
	io.Closer
	max  int64
	read int64
}

func (c *capped) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	c.read += int64(n)
	if c.read > c.max {
		return n, tooLarge(c.max)
	}
	return n, err
}
