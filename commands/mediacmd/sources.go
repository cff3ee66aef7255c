package mediacmd

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/media"
)

// consolePlatform is the platform of the console's people: only they may
// name files on the machine Herald runs on.
const consolePlatform = "console"

// source is one picture or video to add: the name people gave it and how
// to read its bytes.
type source struct {
	name string
	open func(ctx context.Context) (io.ReadCloser, error)
}

// sources are what a media add brings, in order: the typed file or link,
// then the files that came with the command.
func (h *handlers) sources(r *commands.Request) ([]source, error) {
	var out []source
	if raw := strings.TrimSpace(r.Args.Str("source")); raw != "" {
		s, err := h.typed(r.Lang, r.Actor, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	for _, f := range r.Files {
		if f.Open == nil {
			continue
		}
		open := f.Open
		out = append(out, source{name: f.Name, open: func(ctx context.Context) (io.ReadCloser, error) { return open(ctx) }})
	}
	if len(out) == 0 {
		id := r.Args.Int("id")
		return nil, invalid(r.Lang.F("Which picture or video? Give an https link (`media add %d https://example.com/photo.jpg`), attach a file, or in the console a file's path.", id))
	}
	return out, nil
}

// urlScheme matches what a link has before its "://" (RFC 3986 scheme).
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// typed is the source a person typed: an https URL anywhere, a path in
// the console only.
func (h *handlers) typed(l i18n.Lang, actor herald.Actor, raw string) (source, error) {
	if scheme, _, ok := strings.Cut(raw, "://"); ok && urlScheme.MatchString(scheme) {
		u, err := url.Parse(raw)
		if err != nil || !(u.Scheme == "https" || u.Scheme == "http" && h.MediaHTTP) || u.Host == "" || u.User != nil {
			return source{}, invalid(l.T("Give an https link without a user name or password, e.g. https://example.com/photo.jpg."))
		}
		return source{name: urlName(u), open: func(ctx context.Context) (io.ReadCloser, error) { return h.download(ctx, l, u) }}, nil
	}
	if actor.Platform != consolePlatform {
		return source{}, invalid(l.T("Herald reads files from its own machine only in the console; here, attach the file or give an https link."))
	}
	return source{name: filepath.Base(raw), open: func(context.Context) (io.ReadCloser, error) { return openLocal(l, raw) }}, nil
}

// openLocal opens a regular file of the console's machine.
func openLocal(l i18n.Lang, p string) (io.ReadCloser, error) {
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, invalid(l.F("There is no file %s.", p))
		}
		return nil, invalid(l.F("Cannot read %s: %v", p, errors.Unwrap(err)))
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, invalid(l.F("%s is not a file.", p))
	}
	return f, nil
}

// urlName is the name of the item a URL names: the last part of its path,
// else its host.
func urlName(u *url.URL) string {
	if name := path.Base(u.Path); name != "/" && name != "." && name != "" {
		return name
	}
	return u.Hostname()
}

// download fetches u through the guarded client and returns its body, to
// be read (and bounded) by the library while it streams.
func (h *handlers) download(ctx context.Context, l i18n.Lang, u *url.URL) (io.ReadCloser, error) {
	if h.MediaClient == nil {
		return nil, &herald.Error{Code: herald.EUNAVAILABLE, Message: l.T("This Herald does not download links; attach the file instead.")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, invalid(l.F("%s is not a link Herald can fetch.", u.Redacted()))
	}
	resp, err := h.MediaClient.Do(req)
	if err != nil {
		if httpx.IsPrivate(err) {
			return nil, invalid(l.F("%s points to a private address; Herald fetches only public links.", u.Host))
		}
		return nil, &herald.Error{Code: herald.EUNAVAILABLE, Message: l.F("Could not download from %s: %v", u.Host, httpx.StripURL(err))}
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, invalid(l.F("%s answered %s for that link.", u.Host, resp.Status))
	}
	if max := h.maxSize(); resp.ContentLength > max {
		resp.Body.Close()
		return nil, media.TooLarge(urlName(u), max)
	}
	return resp.Body, nil
}

func (h *handlers) maxSize() int64 {
	if h.Media.Max > 0 {
		return h.Media.Max
	}
	return media.DefaultMax
}
