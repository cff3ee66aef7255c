package publish

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/media"
)

// MediaSource is where the scheduler finds a post's media: the bytes of an
// item by its SHA-256 (a media.Store) and the signed link of an item for
// networks that fetch media by URL, with when it expires (media links; ""
// when Herald has no public address). It is injected (Options.Media) so
// that publishing does not depend on how media are stored or linked.
type MediaSource interface {
	Open(ctx context.Context, sum string) (media.Blob, error)
	Link(item media.Item) (url string, expires time.Time)
}

// MediaValidator is a Publisher that knows its network's limits on media
// (how many, which types, how big), so that a draft whose media cannot go
// out cannot go to review: checked with the draft checks (Service is an
// approvals.MediaChecker), even when a draft has no media (a network may
// need some).
type MediaValidator interface {
	// ValidateMedia returns an EINVALID *herald.Error with a Reason and
	// Facts naming the limit when items cannot be posted to the target.
	ValidateMedia(a Account, items []media.Item) error
}

// Upload is one item of a post already uploaded to the network of a
// delivery: the network's id of it, to be reused by a later attempt while
// the network keeps it.
type Upload struct {
	SHA256 string    // the item's SHA-256
	ID     string    // the network's media id (a Mastodon attachment id, a Bluesky blob ref), opaque to Herald
	At     time.Time // when it was uploaded
	Until  time.Time // until when the network keeps it unattached; zero when it does not say
}

// Valid reports whether the network still keeps the upload at now.
func (u Upload) Valid(now time.Time) bool { return u.Until.IsZero() || now.Before(u.Until) }

// Uploaded returns the upload of the item with SHA-256 sum recorded on the
// post's delivery by an earlier attempt, when it is still valid.
func (p Post) Uploaded(sum string) (Upload, bool) {
	u, ok := p.Uploads[sum]
	return u, ok
}

// RecordUpload stores u on the post's delivery before the publisher goes
// on: a publisher that uploads media calls it right after each upload and
// before the post is created, so that a retry or a restart reuses the
// network's media id instead of uploading again. Without a recorder (a
// post built by hand) it records nothing.
func (p Post) RecordUpload(ctx context.Context, u Upload) error {
	if p.Record == nil {
		return nil
	}
	return p.Record(ctx, u)
}

// Blob opens m's bytes to send them: a refusal (Rejected) when the media
// store no longer has them — trying again would not bring them back — and
// a transient error for any other failure to read them.
func (m Media) Blob(ctx context.Context) (media.Blob, error) {
	b, err := m.Open(ctx)
	switch {
	case err == nil:
		return b, nil
	case herald.ErrorCode(err) == herald.ENOTFOUND:
		return nil, Rejectedf("the file of %s is no longer in Herald's media store", m.Name)
	}
	return nil, TransientError(fmt.Errorf("reading %s from the media store: %w", m.Name, err), 0)
}

// postMedia fills post's media from the approved revision rev: each
// item's Open and Link from the media source, and the uploads earlier
// attempts recorded on the delivery that are still valid.
func (s *Scheduler) postMedia(ctx context.Context, post *Post, d Delivery, rev approvals.Revision) error {
	if len(rev.Media) == 0 {
		return nil
	}
	src := s.opt.Media
	if src == nil {
		return Rejectedf("the post has %d media, but Herald was started without a media store to read them from", len(rev.Media))
	}
	post.Media = make([]Media, len(rev.Media))
	for i, it := range rev.Media {
		m := Media{Item: it, Open: func(ctx context.Context) (media.Blob, error) { return src.Open(ctx, it.SHA256) }}
		m.Link, m.Expires = src.Link(it)
		post.Media[i] = m
	}
	us, err := s.store.Uploads(ctx, d.DraftID, d.Rev, d.Target)
	if err != nil {
		return fmt.Errorf("reading the uploads of %s: %w", d.Target, err)
	}
	now := s.now()
	post.Uploads = map[string]Upload{}
	for _, u := range us {
		if u.Valid(now) {
			post.Uploads[u.SHA256] = u
		}
	}
	post.Record = func(ctx context.Context, u Upload) error {
		return s.store.PutUpload(ctx, d.DraftID, d.Rev, d.Target, u)
	}
	return nil
}

// CheckMedia implements approvals.MediaChecker: each target whose
// publisher is a MediaValidator must take items (a blocking finding names
// the limit, with the target and the draft in its facts). Targets Herald
// cannot publish to or that are not set up are CheckDraft's findings.
func (s *Service) CheckMedia(ctx context.Context, b herald.Brand, draftID int64, targets []herald.Target, items []media.Item) ([]approvals.Finding, error) {
	var out []approvals.Finding
	for _, t := range targets {
		mv, ok := s.publishers[t.Kind].(MediaValidator)
		if !ok {
			continue
		}
		var acct Account
		if _, ok := mv.(Configurer); ok {
			a, err := s.store.Account(ctx, b.ID, t)
			if herald.ErrorCode(err) == herald.ENOTFOUND {
				continue
			}
			if err != nil {
				return nil, err
			}
			acct = a
		}
		if err := mv.ValidateMedia(acct, items); err != nil {
			out = append(out, mediaFinding(t, draftID, err))
		}
	}
	return out, nil
}

// mediaFinding is the blocking finding of err, a MediaValidator's refusal
// on target t.
func mediaFinding(t herald.Target, draftID int64, err error) approvals.Finding {
	f := approvals.Finding{Message: t.String() + ": " + herald.ErrorMessage(err), Blocking: true}
	if he := herald.AsError(err); he != nil && he.Reason != "" {
		f.Reason = he.Reason
		f.Facts = herald.Facts{"target": t.String(), "draft": draftID}
		for k, v := range he.Facts {
			f.Facts[k] = v
		}
	}
	return f
}

// uploadRate is the slowest upload an attempt allows for: each MB of a
// post's media adds a second to Options.Timeout.
const uploadRate = 1_000_000 // bytes per second

// timeout bounds one attempt at p: Options.Timeout, and a second more per
// MB of media, so that a video has the time to go up.
func (s *Scheduler) timeout(p Post) time.Duration {
	var n int64
	for _, m := range p.Media {
		n += m.Size
	}
	return s.opt.Timeout + time.Duration(n/uploadRate)*time.Second
}
