package approvals_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/media"
)

func item(name, sumByte string, w, h int, size int64) media.Item {
	return media.Item{SHA256: strings.Repeat(sumByte, 64), Type: "image/jpeg", Size: size, Width: w, Height: h, Name: name}
}

var (
	photoJPG = item("photo.jpg", "a", 1080, 1350, 412_345)
	chartPNG = media.Item{SHA256: strings.Repeat("b", 64), Type: "image/png", Size: 80_000, Width: 1200, Height: 675, Name: "chart.png"}
	clipMP4  = media.Item{SHA256: strings.Repeat("c", 64), Type: "video/mp4", Size: 9_000_000, Width: 1920, Height: 1080, Duration: 12 * time.Second, Name: "clip.mp4"}
)

// mediaDraft has bob write a draft with items, going to mastodon:acme,
// to be published two days after the tests' start.
func (e *env) mediaDraft(t *testing.T, items ...media.Item) approvals.Draft {
	t.Helper()
	d, err := e.svc.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Text: "Opening day", Media: items,
		Targets: []herald.Target{{Kind: "mastodon", Name: "acme"}}, PublishAt: start.Add(48 * time.Hour)})
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	return d
}

func lastDetail(t *testing.T, e *env, id int64) string {
	t.Helper()
	r := e.record(t, id)
	return r.Audit[len(r.Audit)-1].Detail
}

// Issue 15: adding, removing, reordering and describing media each make a
// new revision with the text unchanged, and the audit says what changed.
func TestMediaRevisions(t *testing.T) {
	e := newEnv(t, "team:1")
	ctx := t.Context()
	d := e.mediaDraft(t, photoJPG)
	if r := e.record(t, d.ID); len(r.Draft.Media) != 1 || r.Audit[0].Detail != "added photo.jpg, 1080×1350, 412 KB" {
		t.Fatalf("created: media %+v, audit %q", r.Draft.Media, r.Audit[0].Detail)
	}
	steps := []struct {
		name   string
		do     func() (approvals.View, error)
		want   []string // names in order
		detail string
	}{
		{"Add", func() (approvals.View, error) { return e.svc.AddMedia(ctx, bob, d.ID, chartPNG, clipMP4) },
			[]string{"photo.jpg", "chart.png", "clip.mp4"}, "added chart.png, 1200×675, 80 KB; added clip.mp4, 1920×1080, 9.0 MB, 12s"},
		{"Alt", func() (approvals.View, error) {
			return e.svc.SetAlt(ctx, erin, d.ID, 2, "  Sales by month, rising \r\n")
		},
			[]string{"photo.jpg", "chart.png", "clip.mp4"}, "alt text of 2 (chart.png) set"},
		{"AltChanged", func() (approvals.View, error) { return e.svc.SetAlt(ctx, bob, d.ID, 2, "Sales by month") },
			[]string{"photo.jpg", "chart.png", "clip.mp4"}, "alt text of 2 (chart.png) changed"},
		{"Move", func() (approvals.View, error) { return e.svc.MoveMedia(ctx, bob, d.ID, 3, 1) },
			[]string{"clip.mp4", "photo.jpg", "chart.png"}, "moved 3 (clip.mp4) to 1"},
		{"Remove", func() (approvals.View, error) { return e.svc.RemoveMedia(ctx, bob, d.ID, 2) },
			[]string{"clip.mp4", "chart.png"}, "removed photo.jpg"},
		{"AltRemoved", func() (approvals.View, error) { return e.svc.SetAlt(ctx, bob, d.ID, 2, "") },
			[]string{"clip.mp4", "chart.png"}, "alt text of 2 (chart.png) removed"},
	}
	for i, st := range steps {
		v := e.must(t, st.name, st.do)
		var names []string
		for _, m := range v.Draft.Media {
			names = append(names, m.Name)
		}
		if diff := cmp.Diff(st.want, names); diff != "" {
			t.Errorf("%s: media (-want +got):\n%s", st.name, diff)
		}
		if v.Draft.Rev != i+2 || v.Draft.Text != "Opening day" {
			t.Errorf("%s: rev %d, text %q; want rev %d, the text unchanged", st.name, v.Draft.Rev, v.Draft.Text, i+2)
		}
		if got := lastDetail(t, e, d.ID); got != st.detail {
			t.Errorf("%s: audit %q, want %q", st.name, got, st.detail)
		}
	}
	r := e.record(t, d.ID)
	if alt := r.Revisions[2].Media[1].Alt; alt != "Sales by month, rising" {
		t.Errorf("revision 3's alt text %q; want it cleaned and kept", alt)
	}
	if r.Revisions[0].Media[0] != photoJPG {
		t.Errorf("revision 1's media changed: %+v", r.Revisions[0].Media)
	}
	if r.Revisions[2].Author.Key() != erin.Key() {
		t.Errorf("revision 3 by %v; want erin, who set the alt text", r.Revisions[3].Author)
	}
}

// A media change resets the review exactly as a text edit does, in every
// state in which an edit is allowed.
func TestMediaChangeResetsReview(t *testing.T) {
	states := []struct {
		name string
		to   func(e *env, id int64)
	}{
		{"Draft", func(*env, int64) {}},
		{"InReview", func(e *env, id int64) {
			e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, id) })
		}},
		{"ChangesRequested", func(e *env, id int64) {
			e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, id) })
			e.must(t, "RequestChanges", func() (approvals.View, error) {
				return e.svc.RequestChanges(t.Context(), carol, id, approvals.Decide{Comment: "crop it"})
			})
		}},
		{"Scheduled", func(e *env, id int64) {
			e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, id) })
			e.approve(t, ann, id) // first of two
			e.approve(t, carol, id)
		}},
		{"InReviewHalfApproved", func(e *env, id int64) {
			e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, id) })
			e.approve(t, ann, id)
		}},
	}
	for _, st := range states {
		t.Run(st.name, func(t *testing.T) {
			e := newEnv(t, "team:2")
			text, med := e.mediaDraft(t, photoJPG), e.mediaDraft(t, photoJPG)
			st.to(e, text.ID)
			st.to(e, med.ID)
			tv := e.edit(t, bob, text.ID, "Opening day!")
			if r := e.record(t, text.ID); len(tv.Draft.Media) != 1 || len(r.Draft.Media) != 1 || len(r.Revisions[len(r.Revisions)-1].Media) != 1 {
				t.Errorf("a text edit lost the media: view %+v, stored %+v", tv.Draft.Media, r.Draft.Media)
			}
			mv := e.must(t, "SetAlt", func() (approvals.View, error) { return e.svc.SetAlt(t.Context(), bob, med.ID, 1, "The team") })
			if tv.Draft.State != mv.Draft.State || tv.Progress.String() != mv.Progress.String() || tv.Draft.Rev != mv.Draft.Rev {
				t.Errorf("after a text edit: %s, %s, rev %d; after a media change: %s, %s, rev %d",
					tv.Draft.State, tv.Progress, tv.Draft.Rev, mv.Draft.State, mv.Progress, mv.Draft.Rev)
			}
			tdet, mdet := lastDetail(t, e, text.ID), lastDetail(t, e, med.ID)
			if want := tdet; !strings.HasPrefix(mdet, "alt text of 1 (photo.jpg) set") || !strings.HasSuffix(mdet, want) {
				t.Errorf("audit of the media change %q; want the alt text, then what the text edit says (%q)", mdet, tdet)
			}
		})
	}
}

// Refusals: limits, numbers, rights; nothing is stored.
func TestMediaRefused(t *testing.T) {
	e := newEnv(t, "team:1")
	ctx := t.Context()
	d := e.mediaDraft(t, photoJPG)
	many := make([]media.Item, approvals.MaxMedia)
	for i := range many {
		many[i] = chartPNG
	}
	cases := []struct {
		name   string
		code   string
		reason string
		do     func() error
	}{
		{"TooMany", herald.EINVALID, approvals.ReasonTooManyMedia, func() error { _, err := e.svc.AddMedia(ctx, bob, d.ID, many...); return err }},
		{"NoItem", herald.EINVALID, approvals.ReasonNoSuchMedia, func() error { _, err := e.svc.RemoveMedia(ctx, bob, d.ID, 2); return err }},
		{"NoItemZero", herald.EINVALID, approvals.ReasonNoSuchMedia, func() error { _, err := e.svc.SetAlt(ctx, bob, d.ID, 0, "x"); return err }},
		{"MoveOut", herald.EINVALID, approvals.ReasonNoSuchMedia, func() error { _, err := e.svc.MoveMedia(ctx, bob, d.ID, 1, 5); return err }},
		{"MoveSame", herald.EINVALID, approvals.ReasonSameMedia, func() error { _, err := e.svc.MoveMedia(ctx, bob, d.ID, 1, 1); return err }},
		{"AltSame", herald.EINVALID, approvals.ReasonSameMedia, func() error { _, err := e.svc.SetAlt(ctx, bob, d.ID, 1, ""); return err }},
		{"AltTooLong", herald.EINVALID, approvals.ReasonAltTooLong, func() error {
			_, err := e.svc.SetAlt(ctx, bob, d.ID, 1, strings.Repeat("é", approvals.MaxAltLength+1))
			return err
		}},
		{"AltControl", herald.EINVALID, approvals.ReasonControlChar, func() error { _, err := e.svc.SetAlt(ctx, bob, d.ID, 1, "a\x1bb"); return err }},
		{"NotStored", herald.EINVALID, "", func() error { _, err := e.svc.AddMedia(ctx, bob, d.ID, media.Item{Name: "x.jpg"}); return err }},
		{"Client", herald.EFORBIDDEN, "", func() error { _, err := e.svc.SetAlt(ctx, dave, d.ID, 1, "x"); return err }},
		{"Approver", herald.EFORBIDDEN, "", func() error { _, err := e.svc.RemoveMedia(ctx, carol, d.ID, 1); return err }},
		{"Stranger", herald.ENOTFOUND, approvals.ReasonDraftNotVisible, func() error { _, err := e.svc.AddMedia(ctx, nobody, d.ID, chartPNG); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := e.refuse(t, d.ID, c.code, c.do)
			if he := herald.AsError(err); c.reason != "" && (he == nil || he.Reason != c.reason) {
				t.Errorf("error %v; want reason %s", err, c.reason)
			}
		})
	}
	// At most MaxMedia when creating, too; exactly MaxMedia is fine.
	if _, err := e.svc.CreateDraft(ctx, bob, acmeCh, approvals.NewDraft{Text: "x", Media: append(many, chartPNG)}); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("CreateDraft with %d items: %v; want EINVALID", approvals.MaxMedia+1, err)
	}
	if _, err := e.svc.CreateDraft(ctx, bob, acmeCh, approvals.NewDraft{Text: "x", Media: many}); err != nil {
		t.Errorf("CreateDraft with %d items: %v", approvals.MaxMedia, err)
	}
}

// altChecker blocks a revision whose media lack alt text, and records the
// media it was asked about.
type altChecker struct{ seen [][]media.Item }

func (c *altChecker) CheckDraft(context.Context, herald.Brand, []herald.Target, string) ([]approvals.Finding, error) {
	return nil, nil
}

func (c *altChecker) CheckMedia(_ context.Context, _ herald.Brand, _ int64, _ []herald.Target, items []media.Item) ([]approvals.Finding, error) {
	c.seen = append(c.seen, items)
	for _, it := range items {
		if it.Alt == "" {
			return []approvals.Finding{{Message: it.Name + " has no alt text.", Blocking: true}}, nil
		}
	}
	return nil, nil
}

// Media checkers see the revision being checked: at submission, and on a
// change to a draft in review, before it is stored.
func TestMediaChecker(t *testing.T) {
	e := newEnv(t, "team:1")
	ctx := t.Context()
	c := &altChecker{}
	e.svc.AddChecker(c)
	d := e.mediaDraft(t, photoJPG)
	e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := e.svc.Submit(ctx, bob, d.ID); return err })
	e.must(t, "SetAlt", func() (approvals.View, error) { return e.svc.SetAlt(ctx, bob, d.ID, 1, "The team") })
	e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(ctx, bob, d.ID) })
	// In review: adding an item without alt text is refused, checked on the new media.
	e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := e.svc.AddMedia(ctx, bob, d.ID, chartPNG); return err })
	if last := c.seen[len(c.seen)-1]; len(last) != 2 || last[1].Name != "chart.png" {
		t.Errorf("the checker saw %+v; want the new revision's two items", last)
	}
	v, err := e.svc.Get(ctx, bob, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fs, err := e.svc.Findings(ctx, v); err != nil || len(fs) != 0 {
		t.Errorf("Findings of the stored revision: %v, %v; want none", fs, err)
	}
	if fs, err := e.svc.Check(ctx, e.brand, d.ID, v.Draft.Targets, v.Draft.Text); err != nil || len(fs) != 0 || len(c.seen[len(c.seen)-1]) != 1 {
		t.Errorf("Check of the stored draft: %v, %v; want none, with its stored media", fs, err)
	}
}

// racingStore runs meanwhile once, just before the first change it is
// asked to apply: another person's change to the same draft landing
// between the read and the write.
type racingStore struct {
	approvals.Store
	meanwhile func()
}

func (s *racingStore) ApplyChange(ctx context.Context, c approvals.Change) error {
	if f := s.meanwhile; f != nil {
		s.meanwhile = nil
		f()
	}
	return s.Store.ApplyChange(ctx, c)
}

// Two media commands on the same draft at once: the one that read the
// draft before the other wrote is refused with ECONFLICT (compare and
// set on the draft's version), and the draft holds the other's change
// alone — nothing half-applied, no revision lost.
func TestMediaConcurrentChanges(t *testing.T) {
	e := newEnv(t, "team:1")
	ctx := t.Context()
	d := e.mediaDraft(t, photoJPG)
	for _, tt := range []struct {
		name string
		do   func(svc *approvals.Service) error
	}{
		{"ErrRemove", func(svc *approvals.Service) error { _, err := svc.RemoveMedia(ctx, bob, d.ID, 1); return err }},
		{"ErrAlt", func(svc *approvals.Service) error { _, err := svc.SetAlt(ctx, bob, d.ID, 1, "A canal"); return err }},
		{"ErrMove", func(svc *approvals.Service) error { _, err := svc.MoveMedia(ctx, bob, d.ID, 2, 1); return err }},
		{"ErrAdd", func(svc *approvals.Service) error { _, err := svc.AddMedia(ctx, bob, d.ID, clipMP4); return err }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := e.record(t, d.ID).Draft
			var other approvals.View
			rs := &racingStore{Store: e.store, meanwhile: func() {
				var err error
				if other, err = e.svc.AddMedia(ctx, erin, d.ID, chartPNG); err != nil {
					t.Errorf("erin's AddMedia: %v", err)
				}
			}}
			err := tt.do(approvals.NewService(rs, e.brands, steppingClock(start)))
			if herald.ErrorCode(err) != herald.ECONFLICT {
				t.Fatalf("bob's change during erin's: %v; want %s", err, herald.ECONFLICT)
			}
			after := e.record(t, d.ID)
			if after.Draft.Rev != before.Rev+1 || !cmp.Equal(after.Draft.Media, other.Draft.Media) || len(after.Draft.Media) != len(before.Media)+1 {
				t.Errorf("after the conflict: revision %d, media %v; want erin's revision %d alone", after.Draft.Rev, after.Draft.Media, before.Rev+1)
			}
		})
	}
}
