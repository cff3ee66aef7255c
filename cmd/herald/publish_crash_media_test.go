package main

import (
	"bytes"
	"context"
	"image/png"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/bluesky"
	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
	"github.com/heraldhq/herald/publish/targets/webhook/webhooktest"
)

// TestPublishCrashWithMedia is the crash test with media: posts of two
// pictures each go to Mastodon and Bluesky (which take uploads before the
// post) and to a webhook (which gets links), while Herald is killed with
// SIGKILL at random moments, during uploads and during posts, and
// restarted on the same database and media directory. In the end every
// post is on Mastodon and Bluesky exactly once with both pictures, no
// draft is lost, the webhook got each post at most once, and uploads
// recorded before a crash were reused after it instead of uploaded again.
func TestPublishCrashWithMedia(t *testing.T) {
	posts, kills := 80, 16
	if testing.Short() {
		posts, kills = 40, 6
	}
	masto := mastodontest.New(mastodontest.WithToken("masto-token"))
	defer masto.Close()
	sky := blueskytest.New()
	defer sky.Close()
	hook := webhooktest.New(webhookSecret)
	defer hook.Close()
	const delay = 8 * time.Millisecond
	hookURL, _ := url.Parse(hook.URL())
	accounts := []publish.Account{
		{Target: herald.Target{Kind: "mastodon", Name: "main"}, URL: slowProxy(t, masto.URL(), delay), Secret: "masto-token"},
		{Target: herald.Target{Kind: "bluesky", Name: "main"}, URL: slowProxy(t, sky.URL(), delay), Handle: blueskytest.Handle, Secret: blueskytest.Password},
		{Target: herald.Target{Kind: "webhook", Name: "zap"}, URL: slowProxy(t, hook.URL(), delay) + hookURL.Path, Secret: webhookSecret},
	}
	targets := []herald.Target{accounts[0].Target, accounts[1].Target, accounts[2].Target}

	dir := t.TempDir()
	db, mediaDir := filepath.Join(dir, "herald.db"), filepath.Join(dir, "media")
	pics := mustPictures(t, mediaDir, 6)
	now := time.Now().UTC()
	mustPrepareDB(t, db, now.Add(-2*time.Minute), nil, accounts, posts, targets, func(i int) time.Time {
		return now.Add(-90*time.Second + time.Duration(i)*time.Second/time.Duration(posts)*60)
	}, func(i int) []media.Item { return []media.Item{pics[i%len(pics)], pics[(i+1)%len(pics)]} })

	env := []string{"HERALD_MEDIA=file:" + mediaDir, "HERALD_PUBLIC_URL=https://herald.example"}
	mid, sending := crashRounds(t, db, kills, rand.New(rand.NewPCG(15, 2026)), env...)
	_, ro := runToTheEnd(t, db, env...)
	verifyAfterCrash(t, db, nil)

	ds := ro.deliveries(t, "")
	if len(ds) != posts*len(targets) {
		t.Fatalf("%d deliveries, want %d", len(ds), posts*len(targets))
	}
	for _, d := range ds {
		switch d.Target {
		case "mastodon:main":
			if n := masto.Count(d.Key); n != 1 || d.State != publish.Delivered {
				t.Errorf("draft #%d on Mastodon: %d statuses, delivery %s (%s); want 1 and delivered", d.DraftID, n, d.State, d.Error)
			}
		case "bluesky:main":
			if n := sky.Count(bluesky.RecordKey(d.Key, d.Due)); n != 1 || d.State != publish.Delivered {
				t.Errorf("draft #%d on Bluesky: %d records, delivery %s (%s); want 1 and delivered", d.DraftID, n, d.State, d.Error)
			}
		case "webhook:zap":
			if n := hook.Count(d.Key); n > 1 || d.State == publish.Delivered && n != 1 || d.State != publish.Delivered && d.State != publish.Unconfirmed {
				t.Errorf("draft #%d on the webhook: %d deliveries, %s (%s)", d.DraftID, n, d.State, d.Error)
			}
		}
	}
	for _, st := range masto.Statuses() {
		if len(st.MediaIDs) != 2 {
			t.Errorf("Mastodon status %s has media %v, want two pictures", st.ID, st.MediaIDs)
		}
	}
	for _, p := range sky.Posts() {
		if len(p.Images) != 2 {
			t.Errorf("Bluesky post %s has %d images, want 2", p.RKey, len(p.Images))
		}
	}
	for _, h := range hook.Deliveries() {
		if len(h.Payload.Media) != 2 || h.Payload.Media[0].URL == "" {
			t.Errorf("webhook delivery %s lists %+v, want two linked pictures", h.Key, h.Payload.Media)
		}
	}
	lost := ro.count(t, `SELECT 'lost', count(*) FROM drafts WHERE state NOT IN ('published', 'unconfirmed')`)["lost"]
	if n := len(masto.Statuses()); n != posts || lost != 0 {
		t.Errorf("Mastodon has %d statuses (want %d); %d drafts neither published nor unconfirmed", n, posts, lost)
	}
	// Uploads: each kill may cost the uploads under way (workers in
	// parallel), never a whole post's again; reuse shows as a look at a
	// recorded attachment (the fake processes at once, so only a reused
	// upload is ever looked at).
	recorded := ro.count(t, `SELECT 'n', count(*) FROM uploads`)["n"]
	wasted := masto.Uploads() - 2*posts
	t.Logf("%d kills (%d mid-publishing, %d deliveries left sending); Mastodon: %d uploads for %d pictures, %d recorded uploads looked at again; Bluesky: %d blobs; %d uploads recorded",
		kills, mid, sending, masto.Uploads(), 2*posts, masto.MediaGets(), len(sky.Blobs()), recorded)
	if wasted < 0 || wasted > kills*8*2 {
		t.Errorf("Mastodon received %d uploads for %d pictures: more than the uploads under way at the kills", masto.Uploads(), 2*posts)
	}
	if blobs := len(sky.Blobs()); blobs < 2*posts || blobs-2*posts > kills*8*2 {
		t.Errorf("Bluesky received %d blobs for %d pictures: more than the uploads under way at the kills", blobs, 2*posts)
	}
	if masto.MediaGets() == 0 {
		// Whether a random kill lands between an upload and its post is
		// chance (on a loaded machine, often not); the reuse itself is
		// proved by TestPublishCrashDuringUploadAndPost, which kills there.
		t.Logf("no kill landed between an upload and its post this time")
	}
	if mid == 0 || sending == 0 {
		t.Errorf("no kill landed mid-publishing (%d mid, %d sending): the test proved nothing", mid, sending)
	}
}

// mustPictures adds n distinct small pictures to a media directory as
// Herald does, and returns them.
func mustPictures(t *testing.T, dir string, n int) []media.Item {
	t.Helper()
	st, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	lib := &media.Library{Store: st}
	var out []media.Item
	for i := range n {
		var b bytes.Buffer
		if err := png.Encode(&b, mediatest.Picture(40+i, 30)); err != nil {
			t.Fatal(err)
		}
		it, err := lib.Add(context.Background(), "picture.png", &b)
		if err != nil {
			t.Fatal(err)
		}
		it.Alt = "Picture " + string(rune('A'+i))
		out = append(out, it)
	}
	return out
}

// TestPublishCrashDuringUploadAndPost kills Herald on purpose at the
// moments that matter with media: while Mastodon takes an upload (its
// answer never came, so nothing was recorded: the next start uploads
// again); while the status request is in flight, both uploads recorded
// (the next start reuses them: it looks at each and uploads nothing);
// after Mastodon made the status (the next start finds the recorded media
// taken, uploads again and resends with the same key: Mastodon answers
// with the status it made). One status in the end, with the media of the
// attempt that made it, and the draft published.
func TestPublishCrashDuringUploadAndPost(t *testing.T) {
	masto := mastodontest.New(mastodontest.WithToken("masto-token"))
	defer masto.Close()
	target := herald.Target{Kind: "mastodon", Name: "main"}
	dir := t.TempDir()
	db, mediaDir := filepath.Join(dir, "herald.db"), filepath.Join(dir, "media")
	pics := mustPictures(t, mediaDir, 2)
	now := time.Now().UTC()
	mustPrepareDB(t, db, now.Add(-time.Minute), nil, []publish.Account{{Target: target, URL: masto.URL(), Secret: "masto-token"}}, 1,
		[]herald.Target{target}, func(int) time.Time { return now.Add(-10 * time.Second) }, func(int) []media.Item { return pics })
	env := []string{"HERALD_MEDIA=file:" + mediaDir}
	ro := openRO(t, db)
	recorded := func() map[string]int { return ro.count(t, `SELECT media_id, count(*) FROM uploads GROUP BY media_id`) }
	killAt := func(ch <-chan struct{}) {
		c := startChild(t, db, env...)
		waitClosed(t, ch, c)
		c.kill()
	}

	// 1. While Mastodon takes the first upload.
	uploading := make(chan struct{})
	masto.OnUpload(uploading)
	killAt(uploading)
	if n := len(recorded()); n != 0 || masto.Uploads() != 1 {
		t.Fatalf("after a kill during the first upload: %d uploads recorded, %d received; want 0 and 1", n, masto.Uploads())
	}
	// 2. While the status request is in flight, the status not made yet.
	killAt(masto.StallNext())
	first := recorded()
	if len(first) != 2 || masto.Uploads() != 3 || len(masto.Statuses()) != 0 {
		t.Fatalf("after a kill during the post: uploads recorded %v, %d received, %d statuses; want 2 recorded of 3, none", first, masto.Uploads(), len(masto.Statuses()))
	}
	// 3. After Mastodon made the status, its answer never sent.
	killAt(masto.HangAfterReceive(nil))
	sts := masto.Statuses()
	if masto.Uploads() != 3 || masto.MediaGets() != 2 || len(sts) != 1 || !sameKeys(sts[0].MediaIDs, first) {
		t.Fatalf("after a kill once the status was made: %d uploads, %d looks, statuses %+v; want the 2 recorded uploads reused (looked at, not uploaded)",
			masto.Uploads(), masto.MediaGets(), sts)
	}

	// The last start finishes it.
	runToTheEnd(t, db, env...)
	d := ro.deliveries(t, "")[0]
	if sts = masto.Statuses(); d.State != publish.Delivered || len(sts) != 1 || masto.Count(d.Key) != 1 {
		t.Fatalf("delivery %s (%s), statuses %+v; want delivered with the one status", d.State, d.Error, sts)
	}
	if masto.Uploads() != 5 {
		t.Errorf("%d uploads in all, want 5: the attempt after the status was made finds the recorded media taken and uploads again (the status is not made twice)", masto.Uploads())
	}
	if st := ro.draftState(t, 1); st != "published" {
		t.Errorf("draft 1 is %s, want published", st)
	}
}

// sameKeys reports whether ids are exactly the keys of m.
func sameKeys(ids []string, m map[string]int) bool {
	if len(ids) != len(m) {
		return false
	}
	for _, id := range ids {
		if m[id] == 0 {
			return false
		}
	}
	return true
}

// waitClosed waits up to 30 s for ch to close, failing with c's errors.
func waitClosed(t *testing.T, ch <-chan struct{}, c *child) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		c.kill()
		t.Fatalf("Herald did not get there in 30 s; stderr:\n%s", c.stderr.String())
	}
}
