package web

import (
	"context"
	"errors"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
)

// CheckSourceURL vets a URL typed in chat (source add rss URL, a Mastodon
// instance) before it is stored, with httpx's check (Options.CheckURL):
// http or https, a host, no user:password, and — unless allowPrivate —
// only public addresses. A refusal is an EINVALID herald.Error whose
// message says what is wrong (httpx.IsPrivate tells the guard's). The
// client of httpx.New checks again the address it actually dials.
func CheckSourceURL(ctx context.Context, raw string, allowPrivate bool) error {
	return checkSourceURL(ctx, raw, httpx.Options{AllowPrivate: allowPrivate})
}

func checkSourceURL(ctx context.Context, raw string, o httpx.Options) error {
	err := o.CheckURL(ctx, raw)
	var ue *httpx.URLError
	if errors.As(err, &ue) {
		return &herald.Error{Code: herald.EINVALID, Message: ue.Message, Err: ue.Err}
	}
	return err
}
