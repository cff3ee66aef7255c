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
		t.Errorf("no upload recorded before a crash was reused after it (no kill landed between an upload and its post?)")
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
