package storagetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/media"
)

// MediaRefs is media.Refs, what the orphan sweeper asks of a store: which
// of some sums at least one revision of any draft refers to. A store that
// has it passes its contract too.
type MediaRefs interface {
	MediaReferenced(ctx context.Context, sums []string) (map[string]bool, error)
}

// revisionReader is publish.Store's read of one revision, checked when the
// store under test has it.
type revisionReader interface {
	Revision(ctx context.Context, draftID int64, rev int) (approvals.Revision, error)
}

var (
	sumPhoto = strings.Repeat("a1", 32)
	sumChart = strings.Repeat("b2", 32)
	sumClip  = strings.Repeat("c3", 32)
	photo    = media.Item{SHA256: sumPhoto, Type: "image/jpeg", Size: 412_345, Width: 1080, Height: 1350, Name: "photo.jpg", Alt: "The team on the new store's steps"}
	chart    = media.Item{SHA256: sumChart, Type: "image/png", Size: 80_000, Width: 1200, Height: 675, Name: "chart.png"}
	clip     = media.Item{SHA256: sumClip, Type: "video/mp4", Size: 9_000_000, Width: 1920, Height: 1080, Duration: 12*time.Second + 500*time.Millisecond, Name: "clip.mp4", Alt: "A walk through the aisles"}
)

// mustMediaDraft creates a draft whose revision 1 holds items.
func mustMediaDraft(t *testing.T, s approvals.Store, brandID int64, text string, items ...media.Item) approvals.Draft {
	t.Helper()
	d := approvals.Draft{BrandID: brandID, State: approvals.StateDraft, Rev: 1, Text: text, Author: bob, Media: items, CreatedAt: t0, UpdatedAt: t0}
	e := approvals.AuditEntry{BrandID: brandID, Action: string(approvals.ActCreate), Actor: bob, Rev: 1, To: approvals.StateDraft, At: t0}
	if err := s.CreateDraft(t.Context(), &d, e); err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	return d
}

// mustRevise stores revision d.Rev+1 of d with items, by alice.
func mustRevise(t *testing.T, s approvals.Store, d approvals.Draft, items ...media.Item) approvals.Draft {
	t.Helper()
	c := move(t, d, alice, approvals.ActEdit, "media")
	c.Draft.Rev, c.Draft.Media = d.Rev+1, items
	c.Audit[0].Rev = d.Rev + 1
	c.Revision = &approvals.Revision{DraftID: d.ID, Rev: d.Rev + 1, Text: d.Text, Media: items, Author: alice, CreatedAt: t1}
	return mustApply(t, s, c)
}

func testMedia(t *testing.T, open func(t *testing.T) Store) {
	t.Run("OKRoundTrip", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustMediaDraft(t, s, b.ID, "Opening day", clip, photo, chart)
		want := []media.Item{clip, photo, chart}
		got := snapshot(t, s, d.ID)
		if diff := cmp.Diff(want, got.Draft.Media); diff != "" {
			t.Errorf("Draft.Media mismatch (-want +got):\n%s", diff)
		}
		if len(got.Revisions) != 1 {
			t.Fatalf("Revisions: %d, want 1", len(got.Revisions))
		}
		if diff := cmp.Diff(want, got.Revisions[0].Media); diff != "" {
			t.Errorf("Revisions[0].Media mismatch (-want +got):\n%s", diff)
		}
		if rr, ok := s.(revisionReader); ok {
			r, err := rr.Revision(t.Context(), d.ID, 1)
			if err != nil {
				t.Fatalf("Revision: %v", err)
			}
			if diff := cmp.Diff(want, r.Media); diff != "" {
				t.Errorf("Revision(1).Media mismatch (-want +got):\n%s", diff)
			}
		}
	})
	t.Run("OKNoMedia", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "Text only")
		got := snapshot(t, s, d.ID)
		if len(got.Draft.Media) != 0 || len(got.Revisions[0].Media) != 0 {
			t.Errorf("a draft without media has media: %+v, %+v", got.Draft.Media, got.Revisions[0].Media)
		}
	})
	t.Run("OKNewRevisionKeepsOld", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustMediaDraft(t, s, b.ID, "Opening day", photo, chart)
		described := chart
		described.Alt = "Sales by month, rising"
		d = mustRevise(t, s, d, described, photo)
		got := snapshot(t, s, d.ID)
		if diff := cmp.Diff([]media.Item{described, photo}, got.Draft.Media); diff != "" {
			t.Errorf("Draft.Media after revision 2 mismatch (-want +got):\n%s", diff)
		}
		want := [][]media.Item{{photo, chart}, {described, photo}}
		for i, r := range got.Revisions {
			if diff := cmp.Diff(want[i], r.Media); diff != "" {
				t.Errorf("revision %d media mismatch (-want +got):\n%s", r.Rev, diff)
			}
		}
		// Revision 3 removes every item: the draft has none, revision 2 keeps its own.
		d = mustRevise(t, s, d)
		if got := mustGet(t, s, d.ID); len(got.Media) != 0 {
			t.Errorf("Draft.Media after removing all: %+v, want none", got.Media)
		}
		if rr, ok := s.(revisionReader); ok {
			r, err := rr.Revision(t.Context(), d.ID, 2)
			if err != nil {
				t.Fatalf("Revision(2): %v", err)
			}
			if diff := cmp.Diff(want[1], r.Media); diff != "" {
				t.Errorf("Revision(2).Media after revision 3 mismatch (-want +got):\n%s", diff)
			}
		}
	})
	t.Run("OKDraftsList", func(t *testing.T) { testMediaDraftsList(t, open) })
	t.Run("OKSharedSum", func(t *testing.T) { testMediaShared(t, open) })
}

// testMediaDraftsList: a list of drafts carries each one's current media.
func testMediaDraftsList(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	d1 := mustMediaDraft(t, s, b.ID, "one", photo)
	d2 := mustDraft(t, s, b.ID, bob, "two")
	d3 := mustMediaDraft(t, s, b.ID, "three", chart, clip)
	d3 = mustRevise(t, s, d3, clip)
	ds, err := s.Drafts(t.Context(), approvals.DraftFilter{BrandIDs: []int64{b.ID}})
	if err != nil {
		t.Fatalf("Drafts: %v", err)
	}
	want := map[int64][]media.Item{d1.ID: {photo}, d2.ID: nil, d3.ID: {clip}}
	if len(ds) != len(want) {
		t.Fatalf("Drafts: %d drafts, want %d", len(ds), len(want))
	}
	for _, d := range ds {
		if diff := cmp.Diff(want[d.ID], d.Media, equate); diff != "" {
			t.Errorf("Drafts: draft #%d media mismatch (-want +got):\n%s", d.ID, diff)
		}
	}
}

// testMediaShared: two drafts may hold the same bytes; each keeps its own
// name and alt text, and the sum stays in use while any revision refers to it.
func testMediaShared(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	other := photo
	other.Name, other.Alt = "same-photo.jpg", "Another description"
	d1 := mustMediaDraft(t, s, b.ID, "one", photo)
	d2 := mustMediaDraft(t, s, b.ID, "two", other)
	if got := mustGet(t, s, d1.ID).Media; len(got) != 1 || got[0] != photo {
		t.Errorf("draft #%d media = %+v, want %+v", d1.ID, got, photo)
	}
	if got := mustGet(t, s, d2.ID).Media; len(got) != 1 || got[0] != other {
		t.Errorf("draft #%d media = %+v, want %+v", d2.ID, got, other)
	}
	refs, ok := s.(MediaRefs)
	if !ok {
		return
	}
	// Removing it from both drafts' current revisions keeps it in use:
	// their first revisions still refer to it.
	mustRevise(t, s, d1)
	mustRevise(t, s, d2, chart)
	got, err := refs.MediaReferenced(t.Context(), []string{sumPhoto, sumChart, sumClip, "not-a-sum"})
	if err != nil {
		t.Fatalf("MediaReferenced: %v", err)
	}
	if diff := cmp.Diff(map[string]bool{sumPhoto: true, sumChart: true}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("MediaReferenced mismatch (-want +got):\n%s", diff)
	}
	if got, err := refs.MediaReferenced(t.Context(), nil); err != nil || len(got) != 0 {
		t.Errorf("MediaReferenced(none) = %v, %v; want nothing", got, err)
	}
}
