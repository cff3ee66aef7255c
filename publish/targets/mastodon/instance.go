package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/publish"
)

// Limits are what an instance allows in one status.
type Limits struct {
	MaxChars int // characters in a status, counted by Limits.Length
	URLChars int // what each link counts for, however long it is
	MaxMedia int // attachments in a status (max_media_attachments)
	// ImageSize and VideoSize bound an attachment's bytes; ImagePixels and
	// VideoPixels its width × height (configuration.media_attachments).
	ImageSize, VideoSize     int64
	ImagePixels, VideoPixels int64
}

// The media limits of a default Mastodon 4 instance (app/models/media_attachment.rb:
// IMAGE_LIMIT 16 MB, VIDEO_LIMIT 99 MB, MAX_IMAGE_PIXELS 7680×4320,
// MAX_VIDEO_MATRIX_LIMIT 3840×2160; four attachments), as its instance
// document publishes them.
const (
	MaxMedia    = 4
	ImageSize   = 16 << 20
	VideoSize   = 99 << 20
	ImagePixels = 7680 * 4320
	VideoPixels = 3840 * 2160
)

// DefaultLimits are those of a default Mastodon instance, used when an
// instance does not say (or cannot be asked).
var DefaultLimits = Limits{MaxChars: MaxChars, URLChars: URLChars, MaxMedia: MaxMedia,
	ImageSize: ImageSize, VideoSize: VideoSize, ImagePixels: ImagePixels, VideoPixels: VideoPixels}

// How long what an instance said about its limits is kept: LimitsTTL after
// a good answer; failedTTL after a failure, during which DefaultLimits
// stand in, so an unreachable instance is not asked again at every check.
const (
	LimitsTTL    = 24 * time.Hour
	failedTTL    = 10 * time.Minute
	fetchTimeout = 5 * time.Second
	maxInstances = 1024 // instances kept in the cache at most
	maxSane      = 1 << 20
)

// limitCache remembers each instance's Limits until its entry expires,
// and the fetches under way, so that one instance is asked once however
// many checks miss the cache at the same moment. It is safe for
// concurrent use.
type limitCache struct {
	mu       sync.Mutex
	m        map[string]cachedLimits // instanceKey → limits
	inflight map[string]*flight      // instanceKey → the fetch under way
}

// flight is one fetch of an instance's limits: limits is set before done
// is closed.
type flight struct {
	done   chan struct{}
	limits Limits
}

// join returns the fetch under way for key, or starts one: leader is true
// for the caller that must fetch and then call land.
func (c *limitCache) join(key string) (f *flight, leader bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.inflight[key]; ok {
		return f, false
	}
	if c.inflight == nil {
		c.inflight = map[string]*flight{}
	}
	f = &flight{done: make(chan struct{})}
	c.inflight[key] = f
	return f, true
}

// land ends the fetch f of key with l, cached until until, and wakes
// those waiting for it.
func (c *limitCache) land(key string, f *flight, l Limits, until, now time.Time) {
	c.put(key, l, until, now)
	c.mu.Lock()
	delete(c.inflight, key)
	c.mu.Unlock()
	f.limits = l
	close(f.done)
}

type cachedLimits struct {
	limits Limits
	until  time.Time
}

func (c *limitCache) get(key string, now time.Time) (Limits, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !now.Before(e.until) {
		return Limits{}, false
	}
	return e.limits, true
}

func (c *limitCache) put(key string, l Limits, until, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedLimits{}
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= maxInstances {
		for k, e := range c.m {
			if !now.Before(e.until) {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < maxInstances {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[key] = cachedLimits{limits: l, until: until}
}

// instanceKey is the instance's scheme and host, lower case ("" when
// rawURL is not an instance address CheckAccount accepts).
func instanceKey(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Trim(u.Path, "/") != "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// LimitsFor returns the limits of the instance at instanceURL: what it
// publishes in GET /api/v2/instance (configuration.statuses), else in
// GET /api/v1/instance (configuration.statuses, or max_toot_chars on
// Pleroma and its forks), kept LimitsTTL per instance. Checks that miss
// the cache together share one fetch (at most fetchTimeout); a caller
// whose ctx ends while it waits gets DefaultLimits. When the instance
// cannot be asked or does not say, it returns DefaultLimits, logs why
// and asks again after a few minutes. An empty or unusable URL gives
// DefaultLimits without a call.
func (p *Publisher) LimitsFor(ctx context.Context, instanceURL string) Limits {
	key := instanceKey(instanceURL)
	if key == "" {
		return DefaultLimits
	}
	if l, ok := p.limits.get(key, p.clock.Now()); ok {
		return l
	}
	f, leader := p.limits.join(key)
	if !leader {
		select {
		case <-f.done:
			return f.limits
		case <-ctx.Done():
			return DefaultLimits
		}
	}
	// The fetch serves every caller waiting for it: it is bounded by
	// fetchTimeout, not by the context of the one that started it, and
	// lands whatever happens (a panic recovered above us included), so
	// no waiter is left waiting.
	l, until := DefaultLimits, time.Time{}
	defer func() {
		now := p.clock.Now()
		if until.IsZero() {
			until = now.Add(failedTTL)
		}
		p.limits.land(key, f, l, until, now)
	}()
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	got, err := p.fetchLimits(fctx, key)
	if err != nil {
		p.log.Warn("mastodon: the instance's status limits could not be read; checking against the default",
			"instance", key, "max_chars", DefaultLimits.MaxChars, "url_chars", DefaultLimits.URLChars, "err", err)
		return DefaultLimits
	}
	p.log.Debug("mastodon: instance status limits", "instance", key, "max_chars", got.MaxChars, "url_chars", got.URLChars)
	l, until = got, p.clock.Now().Add(LimitsTTL)
	return l
}

// fetchLimits asks the instance at base (scheme://host) for its limits:
// v2 first, v1 when v2 fails or does not say.
func (p *Publisher) fetchLimits(ctx context.Context, base string) (Limits, error) {
	l, err := p.readInstance(ctx, base+"/api/v2/instance")
	if err == nil {
		return l, nil
	}
	if ctx.Err() != nil {
		return Limits{}, err
	}
	l, err1 := p.readInstance(ctx, base+"/api/v1/instance")
	if err1 != nil {
		return Limits{}, fmt.Errorf("v2: %w; v1: %w", err, err1)
	}
	return l, nil
}

// instanceInfo is the part of Mastodon's Instance entity (v2, and v1
// since 3.4) and of Pleroma's v1 instance that carries the limits.
type instanceInfo struct {
	Configuration struct {
		Statuses struct {
			MaxCharacters            int  `json:"max_characters"`
			CharactersReservedPerURL *int `json:"characters_reserved_per_url"`
			MaxMediaAttachments      int  `json:"max_media_attachments"`
		} `json:"statuses"`
		MediaAttachments struct {
			ImageSizeLimit   int64 `json:"image_size_limit"`
			ImageMatrixLimit int64 `json:"image_matrix_limit"`
			VideoSizeLimit   int64 `json:"video_size_limit"`
			VideoMatrixLimit int64 `json:"video_matrix_limit"`
		} `json:"media_attachments"`
	} `json:"configuration"`
	MaxTootChars int `json:"max_toot_chars"` // Pleroma, Akkoma, older glitch-soc
}

// readInstance reads one instance document; it fails unless the document
// names a sensible character limit. Redirects are not followed (the
// client's rule); no token is sent: the endpoints are public.
func (p *Publisher) readInstance(ctx context.Context, endpoint string) (Limits, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return Limits{}, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return Limits{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Limits{}, fmt.Errorf("answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	var in instanceInfo
	if err := json.NewDecoder(io.LimitReader(resp.Body, publish.MaxResponse)).Decode(&in); err != nil {
		return Limits{}, fmt.Errorf("not an instance document: %w", err)
	}
	return in.limits()
}

// mediaLimits sets the media limits the document gives (sensible ones
// only); the others stay the defaults.
func (in instanceInfo) mediaLimits(l *Limits) {
	ma := in.Configuration.MediaAttachments
	if n := in.Configuration.Statuses.MaxMediaAttachments; n > 0 && n <= 100 {
		l.MaxMedia = n
	}
	for _, f := range []struct {
		v   int64
		dst *int64
	}{{ma.ImageSizeLimit, &l.ImageSize}, {ma.VideoSizeLimit, &l.VideoSize}, {ma.ImageMatrixLimit, &l.ImagePixels}, {ma.VideoMatrixLimit, &l.VideoPixels}} {
		if f.v > 0 && f.v < 1<<40 {
			*f.dst = f.v
		}
	}
}

// limits reads the document's limits: configuration.statuses first, then
// max_toot_chars; characters_reserved_per_url defaults to URLChars.
func (in instanceInfo) limits() (Limits, error) {
	st := in.Configuration.Statuses
	l := DefaultLimits
	l.MaxChars = st.MaxCharacters
	in.mediaLimits(&l)
	if l.MaxChars == 0 {
		l.MaxChars = in.MaxTootChars
	}
	if st.CharactersReservedPerURL != nil {
		l.URLChars = *st.CharactersReservedPerURL
	}
	switch {
	case l.MaxChars == 0:
		return Limits{}, errors.New("no character limit in the instance document")
	case l.MaxChars < 0 || l.MaxChars > maxSane:
		return Limits{}, fmt.Errorf("an unlikely character limit (%d)", l.MaxChars)
	case l.URLChars < 0 || l.URLChars > maxSane:
		return Limits{}, fmt.Errorf("an unlikely length for links (%d)", l.URLChars)
	}
	return l, nil
}
