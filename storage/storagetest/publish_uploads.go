package storagetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// The Uploads and PutUpload part of the publish.Store contract
// (RunPublish): media uploaded for a delivery before its post.

func testUploads(t *testing.T, open func(t *testing.T) publish.Store) {
	sumA, sumB := strings.Repeat("a", 64), strings.Repeat("b", 64)
	t.Run("OKRoundTrip", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, _ := mustPublishing(t, s, b.ID, "Hello")
		if got := mustUploads(t, s, d.ID, d.Rev, mastodonMain); len(got) != 0 {
			t.Fatalf("Uploads before any = %+v, want none", got)
		}
		ua := publish.Upload{SHA256: sumA, ID: "109001", At: t1, Until: t2}
		ub := publish.Upload{SHA256: sumB, ID: `{"$type":"blob","ref":{"$link":"bafkrei"}}`, At: t1} // no expiry
		mustPutUpload(t, s, d.ID, d.Rev, mastodonMain, ua)
		mustPutUpload(t, s, d.ID, d.Rev, mastodonMain, ub)
		if diff := cmp.Diff([]publish.Upload{ua, ub}, sortUploads(mustUploads(t, s, d.ID, d.Rev, mastodonMain)), equate); diff != "" {
			t.Errorf("Uploads (-want +got):\n%s", diff)
		}
		// Per delivery: another target and another revision have none.
		if got := mustUploads(t, s, d.ID, d.Rev, slackLaunch); len(got) != 0 {
			t.Errorf("Uploads of another target = %+v, want none", got)
		}
		if got := mustUploads(t, s, d.ID, d.Rev+1, mastodonMain); len(got) != 0 {
			t.Errorf("Uploads of another revision = %+v, want none", got)
		}
	})
	t.Run("OKReplace", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, _ := mustPublishing(t, s, b.ID, "Hello")
		mustPutUpload(t, s, d.ID, d.Rev, mastodonMain, publish.Upload{SHA256: sumA, ID: "1", At: t0, Until: t1})
		again := publish.Upload{SHA256: sumA, ID: "2", At: t1, Until: t2} // the first expired: uploaded again
		mustPutUpload(t, s, d.ID, d.Rev, mastodonMain, again)
		if diff := cmp.Diff([]publish.Upload{again}, mustUploads(t, s, d.ID, d.Rev, mastodonMain), equate); diff != "" {
			t.Errorf("Uploads (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrIncomplete", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, _ := mustPublishing(t, s, b.ID, "Hello")
		for _, u := range []publish.Upload{{SHA256: sumA, At: t1}, {ID: "1", At: t1}} {
			if err := s.PutUpload(t.Context(), d.ID, d.Rev, mastodonMain, u); err == nil {
				t.Errorf("PutUpload(%+v) = nil, want an error", u)
			}
		}
		if got := mustUploads(t, s, d.ID, d.Rev, mastodonMain); len(got) != 0 {
			t.Errorf("Uploads after refused writes = %+v, want none", got)
		}
	})
}

func mustUploads(t *testing.T, s publish.Store, draftID int64, rev int, target herald.Target) []publish.Upload {
	t.Helper()
	us, err := s.Uploads(t.Context(), draftID, rev, target)
	if err != nil {
		t.Fatalf("Uploads: %v", err)
	}
	return us
}

func mustPutUpload(t *testing.T, s publish.Store, draftID int64, rev int, target herald.Target, u publish.Upload) {
	t.Helper()
	if err := s.PutUpload(t.Context(), draftID, rev, target, u); err != nil {
		t.Fatalf("PutUpload: %v", err)
	}
}

func sortUploads(us []publish.Upload) []publish.Upload {
	us = slices.Clone(us)
	slices.SortFunc(us, func(a, b publish.Upload) int { return strings.Compare(a.SHA256, b.SHA256) })
	return us
}
