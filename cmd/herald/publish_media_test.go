package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
	"github.com/heraldhq/herald/publish/targets/discordwebhook/discordwebhooktest"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
	"github.com/heraldhq/herald/publish/targets/webhook/webhooktest"
)

// TestPublishMediaThroughMain is issue 15's whole flow in the console:
// draft → media add (a photo taken with its location) → submit → approve
// → publish, to fakes of Mastodon (which receives the picture without its
// location, the alt text as description and the status with media_ids),
// Bluesky, a Discord webhook and a generic webhook (which gets a signed
// link it can fetch). A Bluesky target refuses a video before review.
func TestPublishMediaThroughMain(t *testing.T) {
	masto := mastodontest.New(mastodontest.WithToken("masto-token"))
	defer masto.Close()
	sky := blueskytest.New()
	defer sky.Close()
	disc := discordwebhooktest.New()
	defer disc.Close()
	hook := webhooktest.New(webhookSecret)
	defer hook.Close()

	dir := t.TempDir()
	photo := filepath.Join(dir, "opening.jpg")
	raw := mediatest.JPEG(t, 120, 80, 1)
	if len(mediatest.Leaks("image/jpeg", raw)) == 0 {
		t.Fatal("the test photo carries no location: the test would prove nothing")
	}
	if err := os.WriteFile(photo, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	clip := filepath.Join(dir, "clip.mp4")
	if err := os.WriteFile(clip, mediatest.Video(mediatest.H264()), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "herald.db")
	fakes := func(ap netip.AddrPort) bool { return ap.Addr().IsLoopback() }
	c := startConsoleWith(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0",
		"HERALD_PUBLIC_URL": "https://herald.example", "HERALD_MEDIA": "file:" + filepath.Join(dir, "media")},
		func(m *Main) { m.PublicAddrs = fakes })
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy team:1", "team:1")
	c.send("role @carol approver", "carol")
	c.send("target add mastodon:main "+masto.URL()+" --secret masto-token", "mastodon:main is set up for Acme")
	c.send("target add bluesky:main "+sky.URL()+" --handle "+blueskytest.Handle+" --secret "+blueskytest.Password, "bluesky:main is set up for Acme")
	c.send("target add discord-webhook:news "+disc.URL(), "discord-webhook:news is set up for Acme")
	c.send("target add webhook:zap "+hook.URL()+" --secret "+webhookSecret, "webhook:zap is set up for Acme")
	ro := openRO(t, db)

	c.send(`draft "Our new store is open!" --to mastodon:main,bluesky:main,discord-webhook:news,webhook:zap`, "Draft #1 created")
	const alt = "A crowd at the door of the new store"
	c.send(`media add 1 `+photo+` --alt "`+alt+`"`, "opening.jpg")
	c.send("submit 1", "submitted")
	c.send("/as carol", "carol")
	c.send("approve 1", "approved")
	c.send("/as alice", "alice")
	c.send("publish 1", "#1")
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, func() string {
		return fmt.Sprintf("%+v\n%s", ro.byTarget(t, 1), c.out.String())
	})

	// Mastodon: the picture, without its location, described by the alt
	// text; the status lists it.
	ms := masto.Media()
	if len(ms) != 1 {
		t.Fatalf("Mastodon received %d attachments, want 1", len(ms))
	}
	m := ms[0]
	if m.Description != alt || m.Type != "image/jpeg" || !m.Decoded || m.Width != 120 || m.Height != 80 || len(m.Leaks) > 0 {
		t.Errorf("Mastodon attachment %+v; want the JPEG 120×80 described %q, without metadata", m, alt)
	}
	if sts := masto.Statuses(); len(sts) != 1 || len(sts[0].MediaIDs) != 1 || sts[0].MediaIDs[0] != m.ID || sts[0].Text != "Our new store is open!" {
		t.Errorf("Mastodon statuses %+v; want one with media_ids [%s]", sts, m.ID)
	}
	// Bluesky: the blob embedded with its alt and aspect ratio.
	if ps := sky.Posts(); len(ps) != 1 || len(ps[0].Images) != 1 || ps[0].Images[0].Alt != alt || ps[0].Images[0].AspectRatio == nil ||
		ps[0].Images[0].AspectRatio.Width != 120 || len(sky.Blobs()[0].Leaks) > 0 {
		t.Errorf("Bluesky posts %+v, blobs %+v; want one with the picture, its alt and aspect ratio", ps, sky.Blobs())
	}
	// Discord: the file attached with its alt text, nothing pinging.
	if dm := disc.Messages(); len(dm) != 1 || len(dm[0].Attachments) != 1 || dm[0].Attachments[0].Description != alt ||
		dm[0].Attachments[0].SHA256 != m.SHA256 || !dm[0].ParseSent || len(dm[0].Parse) != 0 {
		t.Errorf("Discord messages %+v; want one with the picture described %q, mentions parse []", dm, alt)
	}
	// Webhook: a signed link to the same bytes, with its facts.
	hd := hook.Deliveries()
	if len(hd) != 1 || !hd[0].Valid || len(hd[0].Payload.Media) != 1 {
		t.Fatalf("webhook deliveries %+v; want one valid with one item", hd)
	}
	wm := hd[0].Payload.Media[0]
	if !strings.HasPrefix(wm.URL, "https://herald.example/media/") || wm.ExpiresAt == nil || wm.SHA256 != m.SHA256 || wm.Alt != alt || wm.Width != 120 {
		t.Errorf("webhook item %+v; want a signed link to the picture with its facts", wm)
	}

	// A video cannot go to Bluesky: refused before review, with what to do.
	c.send(`draft "Watch the opening" --to bluesky:main`, "Draft #2 created")
	c.send(`media add 2 `+clip, "clip.mp4")
	out := c.send("submit 2", "cannot")
	if !strings.Contains(out, "media rm 2 1") || ro.draftState(t, 2) != "draft" {
		t.Errorf("submit of a video to Bluesky:\n%s\nwant a refusal naming media rm 2 1; the draft is %s", out, ro.draftState(t, 2))
	}
}
