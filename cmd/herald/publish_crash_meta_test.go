package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/meta"
	"github.com/heraldhq/herald/publish/targets/meta/metatest"
)

// containerCrash is a draft with a picture to one target of a container
// network, prepared in a database, and a fake Meta.
type containerCrash struct {
	fake *metatest.Server
	db   string
	env  []string
	ro   roDB
}

func newContainerCrash(t *testing.T, account func(*metatest.Server) publish.Account) *containerCrash {
	t.Helper()
	c := &containerCrash{fake: metatest.New(herald.SystemClock{}, "app", "secret")}
	t.Cleanup(c.fake.Close)
	c.fake.AddPage(metatest.Page{ID: "501", Name: "Acme SAS", IGID: "17841405822304914", IGName: "acme"})
	a := account(c.fake)
	dir := t.TempDir()
	mediaDir := filepath.Join(dir, "media")
	c.db = filepath.Join(dir, "herald.db")
	pic := mustJPEG(t, mediaDir)
	now := time.Now().UTC()
	mustPrepareDB(t, c.db, now.Add(-time.Minute), nil, []publish.Account{a}, 1, []herald.Target{a.Target},
		func(int) time.Time { return now.Add(-10 * time.Second) }, func(int) []media.Item { return []media.Item{pic} })
	c.env = []string{"HERALD_MEDIA=file:" + mediaDir, "HERALD_PUBLIC_URL=https://herald.example",
		"HERALD_INSTAGRAM_API_URL=" + c.fake.URL + "/v24.0", "HERALD_THREADS_API_URL=" + c.fake.URL + "/v1.0"}
	c.ro = openRO(t, c.db)
	return c
}

// killAt starts Herald and kills it once ch is closed.
func (c *containerCrash) killAt(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	ch2 := startChild(t, c.db, c.env...)
	waitClosed(t, ch, ch2)
	ch2.kill()
}

// finish runs Herald to the end and checks one post from one container,
// the delivery delivered and the draft published.
func (c *containerCrash) finish(t *testing.T) {
	t.Helper()
	runToTheEnd(t, c.db, c.env...)
	if d := c.ro.deliveries(t, "")[0]; d.State != publish.Delivered {
		t.Errorf("%s: %s (%s); want delivered", d.Target, d.State, d.Error)
	}
	if len(c.fake.Posts()) != 1 || len(c.fake.Containers()) != 1 {
		t.Errorf("posts %+v from %d containers; want one post from one container", c.fake.Posts(), len(c.fake.Containers()))
	}
	if st := c.ro.draftState(t, 1); st != "published" {
		t.Errorf("draft 1 is %s, want published", st)
	}
}

// TestPublishCrashContainers kills Herald at the moments that matter for
// the container networks, which take no idempotency key. Instagram: its
// media_publish in flight before it published (the container was
// recorded: the next start finds it not published and publishes that
// same container), then after it published (the next start finds the
// container PUBLISHED and settles). Threads: threads_publish after it
// published. One post on each, from one container.
func TestPublishCrashContainers(t *testing.T) {
	t.Run("Instagram", func(t *testing.T) {
		c := newContainerCrash(t, func(f *metatest.Server) publish.Account {
			return publish.Account{Target: herald.Target{Kind: "instagram", Name: "acme"}, Handle: "17841405822304914", Secret: f.Token("page", "501")}
		})
		c.killAt(t, c.fake.Hang("/media_publish", false))
		if n := c.ro.count(t, `SELECT sha256, count(*) FROM uploads GROUP BY sha256`); n[meta.ContainerKey] != 1 || len(c.fake.Posts()) != 0 {
			t.Fatalf("recorded %v, posts %+v; want the container recorded, no post", n, c.fake.Posts())
		}
		c.killAt(t, c.fake.Hang("/media_publish", true))
		if len(c.fake.Posts()) != 1 || len(c.fake.Containers()) != 1 {
			t.Fatalf("after the second start: posts %+v from %d containers; want the recorded one published", c.fake.Posts(), len(c.fake.Containers()))
		}
		c.finish(t)
	})
	t.Run("Threads", func(t *testing.T) {
		c := newContainerCrash(t, func(f *metatest.Server) publish.Account {
			return publish.Account{Target: herald.Target{Kind: "threads", Name: "acme"}, Handle: "2602", Secret: f.Token("threads", "2602")}
		})
		c.killAt(t, c.fake.Hang("/threads_publish", true))
		if len(c.fake.Posts()) != 1 {
			t.Fatalf("posts %+v; want the one published before the kill", c.fake.Posts())
		}
		c.finish(t)
	})
}

// mustJPEG adds a JPEG picture Instagram takes (3:2) to a media
// directory as Herald does, and returns it.
func mustJPEG(t *testing.T, dir string) media.Item {
	t.Helper()
	st, err := local.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	it, err := (&media.Library{Store: st}).Add(context.Background(), "door.jpg", bytes.NewReader(mediatest.JPEG(t, 120, 80, 1)))
	if err != nil {
		t.Fatal(err)
	}
	it.Alt = "The door"
	return it
}
