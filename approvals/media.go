package approvals

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/media"
)

// MaxMedia bounds the pictures and videos of one revision. Each network
// has its own, lower bounds (Mastodon and Bluesky take 4 images), checked
// by its publisher before review; this one is Herald's.
const MaxMedia = 10

// MaxAltLength bounds an item's alt text, in characters: Mastodon's bound
// on a media description (1,500), the strictest of the networks that take
// long ones (Bluesky takes 2,000 graphemes).
const MaxAltLength = 1500

// maxNameLength bounds an item's name as people see it, in characters.
const maxNameLength = 120

// Reasons of the errors on media, with their facts.
const (
	ReasonTooManyMedia = "approvals.too_many_media" // "draft", "max", "have" (items now), "adding"
	ReasonNoSuchMedia  = "approvals.no_such_media"  // "draft", "n" (the number asked for), "count" (items the draft has)
	ReasonAltTooLong   = "approvals.alt_too_long"   // "max", "length"
	ReasonSameMedia    = "approvals.same_media"     // "draft": the change asked for changes nothing
)

// AddMedia appends items, in order, to the media of draft id: a new
// revision, like a text edit (editors and admins; approvals of the old
// revision stop counting; the audit says "added photo.jpg, 1080×1350, 412 KB").
func (s *Service) AddMedia(ctx context.Context, actor herald.Actor, id int64, items ...media.Item) (View, error) {
	if len(items) == 0 {
		return View{}, herald.Errorf(herald.EINVALID, "Nothing to add to draft #%d.", id)
	}
	add, err := cleanItems(items)
	if err != nil {
		return View{}, err
	}
	return s.reviseMedia(ctx, actor, id, func(d Draft) ([]media.Item, []string, error) {
		if err := fits(d.ID, len(d.Media), len(add)); err != nil {
			return nil, nil, err
		}
		return append(append([]media.Item(nil), d.Media...), add...), added(add), nil
	})
}

// cleanItems checks items from outside and cleans their names and alt text.
func cleanItems(items []media.Item) ([]media.Item, error) {
	out := make([]media.Item, len(items))
	for i, it := range items {
		if len(it.SHA256) != 64 || it.Type == "" || it.Size <= 0 {
			return nil, herald.Errorf(herald.EINVALID, "Item %q is not a stored picture or video.", it.Name)
		}
		alt, err := cleanAlt(it.Alt)
		if err != nil {
			return nil, err
		}
		it.Name, it.Alt = cleanName(it.Name), alt
		out[i] = it
	}
	return out, nil
}

// fits refuses adding adding items to the have items of draft id (0: a
// new draft) beyond MaxMedia.
func fits(id int64, have, adding int) error {
	if have+adding <= MaxMedia {
		return nil
	}
	facts := herald.Facts{"draft": id, "max": MaxMedia, "have": have, "adding": adding}
	if id == 0 {
		return herald.Errorf(herald.EINVALID, "A draft has at most %d pictures and videos; this one would have %d.", MaxMedia, have+adding).
			Because(ReasonTooManyMedia, facts)
	}
	return herald.Errorf(herald.EINVALID, "Draft #%d has %d of at most %d pictures and videos; %d more do not fit.", id, have, MaxMedia, adding).
		Because(ReasonTooManyMedia, facts)
}

// added words the audit's rows of added items.
func added(items []media.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = "added " + it.Describe()
	}
	return out
}

// MayAddMedia checks, before any bytes are read, that actor may add
// adding items to draft id now: the right to change its media, a state
// that takes a new revision, room for them. It returns the draft.
func (s *Service) MayAddMedia(ctx context.Context, actor herald.Actor, id int64, adding int) (Draft, error) {
	d, _, m, err := s.load(ctx, actor, id)
	if err != nil {
		return d, err
	}
	if err := brands.Need(m, brands.EditMedia); err != nil {
		return d, err
	}
	if _, ok := Next(d.State, ActEdit); !ok {
		return d, refused(d, ActEdit)
	}
	return d, fits(d.ID, len(d.Media), adding)
}

// RemoveMedia removes item n (from 1) of draft id: a new revision.
func (s *Service) RemoveMedia(ctx context.Context, actor herald.Actor, id int64, n int) (View, error) {
	return s.reviseMedia(ctx, actor, id, func(d Draft) ([]media.Item, []string, error) {
		if err := hasItem(d, n); err != nil {
			return nil, nil, err
		}
		items := append(append([]media.Item(nil), d.Media[:n-1]...), d.Media[n:]...)
		return items, []string{"removed " + d.Media[n-1].Name}, nil
	})
}

// MoveMedia moves item from (from 1) to position to: a new revision (the
// order is the order networks show).
func (s *Service) MoveMedia(ctx context.Context, actor herald.Actor, id int64, from, to int) (View, error) {
	return s.reviseMedia(ctx, actor, id, func(d Draft) ([]media.Item, []string, error) {
		if err := hasItem(d, from); err != nil {
			return nil, nil, err
		}
		if err := hasItem(d, to); err != nil {
			return nil, nil, err
		}
		if from == to {
			return nil, nil, herald.Errorf(herald.EINVALID, "Item %d of draft #%d is already there; nothing changed.", from, d.ID).
				Because(ReasonSameMedia, herald.Facts{"draft": d.ID})
		}
		items := append([]media.Item(nil), d.Media...)
		it := items[from-1]
		items = append(items[:from-1], items[from:]...)
		items = append(items[:to-1], append([]media.Item{it}, items[to-1:]...)...)
		return items, []string{fmt.Sprintf("moved %d (%s) to %d", from, it.Name, to)}, nil
	})
}

// SetAlt sets the alt text of item n (from 1) of draft id; an empty alt
// removes it. A new revision: alt text is reviewed with the post.
func (s *Service) SetAlt(ctx context.Context, actor herald.Actor, id int64, n int, alt string) (View, error) {
	alt, err := cleanAlt(alt)
	if err != nil {
		return View{}, err
	}
	return s.reviseMedia(ctx, actor, id, func(d Draft) ([]media.Item, []string, error) {
		if err := hasItem(d, n); err != nil {
			return nil, nil, err
		}
		old := d.Media[n-1]
		if old.Alt == alt {
			what := "already has that alt text"
			if alt == "" {
				what = "has no alt text to remove"
			}
			return nil, nil, herald.Errorf(herald.EINVALID, "Item %d of draft #%d %s; nothing changed.", n, d.ID, what).
				Because(ReasonSameMedia, herald.Facts{"draft": d.ID})
		}
		how := "set"
		switch {
		case alt == "":
			how = "removed"
		case old.Alt != "":
			how = "changed"
		}
		items := append([]media.Item(nil), d.Media...)
		items[n-1].Alt = alt
		return items, []string{fmt.Sprintf("alt text of %d (%s) %s", n, old.Name, how)}, nil
	})
}

// reviseMedia stores the media f computes from draft id as its next
// revision, text and targets unchanged, with f's words for the audit.
func (s *Service) reviseMedia(ctx context.Context, actor herald.Actor, id int64, f func(Draft) ([]media.Item, []string, error)) (View, error) {
	return s.change(ctx, actor, id, func(v View) (Change, error) {
		if err := brands.Need(v.Viewer, brands.EditMedia); err != nil {
			return Change{}, err
		}
		items, details, err := f(v.Draft)
		if err != nil {
			return Change{}, err
		}
		d := v.Draft
		return s.revision(ctx, v, actor, revision{text: d.Text, targets: d.Targets, media: items, details: details,
			refusal: fmt.Sprintf("Draft #%d cannot take this change to its media", d.ID)})
	})
}

// hasItem refuses an item number draft d does not have.
func hasItem(d Draft, n int) error {
	if n >= 1 && n <= len(d.Media) {
		return nil
	}
	if len(d.Media) == 0 {
		return herald.Errorf(herald.EINVALID, "Draft #%d has no pictures or videos.", d.ID).
			Because(ReasonNoSuchMedia, herald.Facts{"draft": d.ID, "n": n, "count": 0})
	}
	return herald.Errorf(herald.EINVALID, "Draft #%d has no item %d: its items are numbered 1 to %d.", d.ID, n, len(d.Media)).
		Because(ReasonNoSuchMedia, herald.Facts{"draft": d.ID, "n": n, "count": len(d.Media)})
}

// cleanAlt is alt text as stored: trimmed, its line breaks plain ones;
// empty means none. It refuses invalid UTF-8, more than MaxAltLength
// characters and control characters.
func cleanAlt(t string) (string, error) {
	t = strings.TrimSpace(strings.ReplaceAll(t, "\r\n", "\n"))
	if !utf8.ValidString(t) {
		return "", herald.Errorf(herald.EINVALID, "The alt text is not valid UTF-8.")
	}
	if n := utf8.RuneCountInString(t); n > MaxAltLength {
		return "", herald.Errorf(herald.EINVALID, "Alt text has at most %d characters; this one has %d.", MaxAltLength, n).
			Because(ReasonAltTooLong, herald.Facts{"max": MaxAltLength, "length": n})
	}
	return t, checkControl(t)
}

// pathPart matches what a name holds before its last path separator.
var pathPart = regexp.MustCompile(`^.*[/\\]`)

// cleanName is the name people see for an item: the last part of a path,
// without control or invalid characters, at most maxNameLength
// characters; "media" when nothing is left.
func cleanName(name string) string {
	name = strings.ToValidUTF8(pathPart.ReplaceAllString(name, ""), "")
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name))
	if utf8.RuneCountInString(name) > maxNameLength {
		name = string([]rune(name)[:maxNameLength])
	}
	if name == "" {
		return "media"
	}
	return name
}

// revision is what a new revision holds, and why: its text, targets and
// media (all of them, the unchanged ones too), the audit's words for what
// changed, and the words of a refusal by the checks.
type revision struct {
	text    string
	targets []herald.Target
	media   []media.Item
	details []string
	refusal string
}

// revision computes the change that stores r as v's next revision by
// actor, an edit: after any approval the draft goes back to review, the
// approvals stay bound to the revision they saw and stop counting, and
// the audit row says what changed. A draft in review goes straight back
// to review: the checks of a submission run on the new revision.
func (s *Service) revision(ctx context.Context, v View, actor herald.Actor, r revision) (Change, error) {
	d := v.Draft
	details := r.details
	if n := len(currentApprovals(v.Approvals, d.Rev)); n > 0 || d.State == StateApproved || d.State == StateScheduled {
		details = append(details, fmt.Sprintf("approvals of revision %d cleared (%d)", d.Rev, n))
	}
	nd, e, err := s.step(d, actor, ActEdit, strings.Join(details, "; "))
	if err != nil {
		return Change{}, err
	}
	nd.Rev++
	nd.Text, nd.Targets, nd.Media = r.text, r.targets, r.media
	e.Rev = nd.Rev
	rev := &Revision{DraftID: d.ID, Rev: nd.Rev, Text: r.text, Media: r.media, Author: actor, CreatedAt: e.At}
	c := Change{Draft: nd, Revision: rev, Audit: []AuditEntry{e}}
	if nd.State == StateInReview {
		fs, err := s.CheckRevision(ctx, v.Brand, d.ID, nd.Targets, r.text, r.media)
		if err != nil {
			return Change{}, err
		}
		if err := Blocking(r.refusal, fs); err != nil {
			return Change{}, err
		}
		// A new revision has no approvals: it is reviewed under the
		// brand's current policy.
		if err := s.enterReview(&c, actor, v.Brand.Policy, v.Brand.Location()); err != nil {
			return Change{}, err
		}
	}
	return c, nil
}

// MediaItem returns item n (from 1) of draft d; EINVALID with
// ReasonNoSuchMedia when d has no such item.
func MediaItem(d Draft, n int) (media.Item, error) {
	if err := hasItem(d, n); err != nil {
		return media.Item{}, err
	}
	return d.Media[n-1], nil
}
