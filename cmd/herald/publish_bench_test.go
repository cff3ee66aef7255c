package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

// countingNotifier counts the scheduler's events by kind.
type countingNotifier struct{ delivered, other atomic.Int64 }

func (n *countingNotifier) Notify(_ context.Context, e publish.Event) {
	if e.Kind == publish.EventDelivered {
		n.delivered.Add(1)
	} else {
		n.other.Add(1)
	}
}

// BenchmarkPublishDue10k measures one scheduler tick that finds 10,000
// approved posts due in the same minute, claims them all and publishes
// each to a fake Mastodon instance over loopback HTTP, through Main's
// wiring (its HTTP client and publishers, SQLite store) and a Scheduler
// with the default options (8 workers) and an injected clock. Each
// iteration starts from a copy of the same prepared database and a fresh
// fake. Target (issue 6): all claimed and published within the minute,
// none twice. Metrics: posts/s and ns/post of the tick; heap-MiB is the
// heap in use right after it (HeapInuse, the fake's 10,000 statuses
// included, as it runs in the same process) and heap-growth-MiB its growth
// during the tick.
func BenchmarkPublishDue10k(b *testing.B) {
	const posts = 10_000
	ctx := context.Background()
	dir := b.TempDir()
	due := time.Now().UTC().Truncate(time.Minute).Add(time.Hour)
	target := herald.Target{Kind: "mastodon", Name: "main"}

	// The template: posts approved and scheduled within one minute.
	template := filepath.Join(dir, "template.db")
	mustPrepareDB(b, template, due.Add(-time.Hour), nil, []publish.Account{{Target: target, URL: "http://127.0.0.1:1", Secret: "masto-token"}},
		posts, []herald.Target{target}, func(i int) time.Time { return due.Add(time.Duration(i) * time.Minute / posts) }, nil)
	img, err := os.ReadFile(template)
	if err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	var ticks time.Duration
	var heap, growth uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := filepath.Join(dir, "run.db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(db + suffix)
		}
		if err := os.WriteFile(db, img, 0o600); err != nil {
			b.Fatal(err)
		}
		masto := mastodontest.New(mastodontest.WithToken("masto-token"))
		clk := &setClock{t: due.Add(-time.Minute)}
		m := NewMain()
		m.Clock = clk
		// The fake listens on loopback, which the guarded client refuses
		// unless private addresses are allowed.
		env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_LOG_LEVEL": "error", "HERALD_ALLOW_PRIVATE_SOURCES": "true"}
		if err := m.ParseFlags([]string{"run"}, envOf(env)); err != nil {
			b.Fatal(err)
		}
		m.log, m.metrics = m.logger(), newMetrics()
		if _, err := m.openStore(ctx); err != nil {
			b.Fatal(err)
		}
		a, err := m.wire()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.publish.AddTarget(ctx, testAdmin, testChannel, "Acme", publish.Account{Target: target, URL: masto.URL(), Secret: "masto-token"}); err != nil {
			b.Fatal(err)
		}
		events := &countingNotifier{}
		sched := publish.NewScheduler(a.publish, events, m.log, publish.Options{Wake: a.wake})
		clk.Set(due.Add(time.Minute)) // the minute is over: every post is due
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)

		b.StartTimer()
		start := time.Now()
		if err := sched.Tick(ctx); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		ticks += elapsed

		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapInuse)
		growth = max(growth, ms.HeapInuse-min(ms.HeapInuse, before.HeapInuse))

		// Within the minute, none twice, all delivered.
		if elapsed > time.Minute {
			b.Errorf("the tick took %s to publish %d posts due in one minute", elapsed.Round(time.Millisecond), posts)
		}
		if n, r := len(masto.Statuses()), masto.Requests(); n != posts || r != posts {
			b.Fatalf("Mastodon has %d statuses from %d requests, want %d from %d", n, r, posts, posts)
		}
		keys := map[string]bool{}
		for _, st := range masto.Statuses() {
			if keys[st.IdempotencyKey] {
				b.Fatalf("key %s posted twice", st.IdempotencyKey)
			}
			keys[st.IdempotencyKey] = true
		}
		ro := openRO(b, db)
		if n := ro.count(b, `SELECT state, count(*) FROM deliveries GROUP BY state`); n["delivered"] != posts || len(n) != 1 {
			b.Fatalf("deliveries by state: %v; want %d delivered", n, posts)
		}
		if n := ro.count(b, `SELECT state, count(*) FROM drafts GROUP BY state`); n["published"] != posts || len(n) != 1 {
			b.Fatalf("drafts by state: %v; want %d published", n, posts)
		}
		ro.Close()
		if d, o := events.delivered.Load(), events.other.Load(); d != posts || o != 0 {
			b.Fatalf("events: %d delivered, %d others; want %d and 0", d, o, posts)
		}
		m.Close()
		masto.Close()
	}
	b.ReportMetric(float64(posts*b.N)/ticks.Seconds(), "posts/s")
	b.ReportMetric(float64(ticks.Nanoseconds())/float64(posts*b.N), "ns/post")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(growth)/(1<<20), "heap-growth-MiB")
}
