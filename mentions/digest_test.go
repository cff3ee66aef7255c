package mentions_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/mentions"
)

func TestDigest(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx := t.Context()
	// Acme lives in Paris (UTC+1 in March): its 09:00 digest is at 08:00 UTC.
	e.acme.Timezone = "Europe/Paris"
	if err := e.store.UpdateBrand(ctx, e.acme, brands.AuditEntry{BrandID: e.acme.ID, Action: "timezone", Actor: alice, At: t0}); err != nil {
		t.Fatal(err)
	}
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "hn"})
	e.clock.Set(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))
	e.ingest(t, src.Spec.ID, item("1", "https://e.com/1", "acme one", "ann"), item("2", "https://e.com/2", "acme two", "ann"))
	e.notes.take()
	tick := func(d *mentions.Digester, at time.Time) []mentions.Event {
		t.Helper()
		e.clock.Set(at)
		if _, err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		var out []mentions.Event
		for _, ev := range e.notes.take() {
			if ev.Kind == mentions.EventDigest {
				out = append(out, ev)
			}
		}
		return out
	}
	d := mentions.NewDigester(e.svc)
	if got := tick(d, time.Date(2026, 3, 2, 7, 59, 0, 0, time.UTC)); len(got) != 0 {
		t.Fatalf("digest sent at 08:59 Paris time")
	}
	got := tick(d, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	if len(got) != 1 {
		t.Fatalf("%d digests at 09:00 Paris time, want 1", len(got))
	}
	dg := got[0]
	if dg.Brand.Name != "Acme" || dg.Digest.Total != 2 || dg.Digest.Unhandled != 2 || dg.Digest.TopAuthors[0] != (mentions.Count{Key: "ann", N: 2}) {
		t.Errorf("digest = %+v %+v", dg.Brand, dg.Digest)
	}
	if !slices.Equal(dg.Routes, []herald.ChannelRef{acmeSlack, acmeDiscord}) {
		t.Errorf("digest routes = %v", dg.Routes)
	}
	if got := tick(d, time.Date(2026, 3, 2, 8, 1, 0, 0, time.UTC)); len(got) != 0 {
		t.Errorf("a second digest the same day")
	}
	// A restart the same day sends none.
	e2 := e.restart(t)
	d2 := mentions.NewDigester(e2.svc)
	e2.clock.Set(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	if n, err := d2.Tick(ctx); err != nil || n != 0 {
		t.Errorf("after a restart: %d digests, %v", n, err)
	}
	// The next day, one; a quiet day, none; digest off, none.
	e2.clock.Set(time.Date(2026, 3, 3, 6, 0, 0, 0, time.UTC))
	e2.ingest(t, src.Spec.ID, item("3", "https://e.com/3", "acme three", "bo"))
	e2.clock.Set(time.Date(2026, 3, 3, 8, 30, 0, 0, time.UTC))
	if n, err := d2.Tick(ctx); err != nil || n != 1 {
		t.Errorf("next day: %d digests, %v; want 1", n, err)
	}
	e2.clock.Set(time.Date(2026, 3, 5, 8, 30, 0, 0, time.UTC))
	if n, err := d2.Tick(ctx); err != nil || n != 0 {
		t.Errorf("a day without mentions: %d digests, %v; want 0", n, err)
	}
	if _, err := e2.svc.SetDigestAt(ctx, alice, e.acme, "off"); err != nil {
		t.Fatal(err)
	}
	e2.ingest(t, src.Spec.ID, item("4", "https://e.com/4", "acme four", "cy"))
	e2.clock.Set(time.Date(2026, 3, 6, 8, 30, 0, 0, time.UTC))
	if n, err := d2.Tick(ctx); err != nil || n != 0 {
		t.Errorf("digest off: %d digests, %v; want 0", n, err)
	}
}

func TestSurgeEvents(t *testing.T) {
	e := newEnv(t, mentions.Options{Surge: mentions.SurgeOptions{Min: 10, Factor: 4, Sample: 3}})
	ctx := t.Context()
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "reddit"})
	e.clock.Set(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	n := 0
	post := func(k int) {
		var items []mentions.Item
		for range k {
			n++
			items = append(items, item(fmt.Sprint(n), fmt.Sprintf("https://e.com/%d", n), fmt.Sprintf("acme news %d", n), fmt.Sprintf("user%d", n)))
		}
		e.ingest(t, src.Spec.ID, items...)
	}
	surges := func() []string {
		var out []string
		for _, ev := range e.notes.take() {
			if ev.Kind == mentions.EventSurge || ev.Kind == mentions.EventSurgeOver {
				out = append(out, ev.Kind)
				if ev.Kind == mentions.EventSurge && (len(ev.Surge.Sample) != 3 || ev.Surge.Count < 10 || len(ev.Routes) == 0) {
					t.Errorf("surge event = %+v", ev.Surge)
				}
			}
		}
		return out
	}
	// A burst: 30 mentions in three batches a minute apart → one alert.
	for range 3 {
		post(10)
		e.clock.Advance(time.Minute)
	}
	if got := surges(); !slices.Equal(got, []string{"surge"}) {
		t.Fatalf("burst: %v, want one surge", got)
	}
	// Silence: the poller's ticks end it, once.
	for range 30 {
		e.clock.Advance(time.Minute)
		e.svc.Tick(ctx)
	}
	if got := surges(); !slices.Equal(got, []string{"surge_over"}) {
		t.Fatalf("after the burst: %v, want one surge_over", got)
	}
}
