package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
	"github.com/heraldhq/herald/storage/postgres"
)

// BenchmarkPublishReplicas10k measures 10,000 approved posts due in the
// same minute published to a fake Mastodon over loopback by one replica
// and by three on one PostgreSQL database (HERALD_TEST_POSTGRES): each
// replica is a scheduler with its own connection pool, services and lease
// owner, ticking at once; the figure is the wall time until every tick
// has returned, all posts delivered, none twice. docs/PERFORMANCE.md
// records the figures.
func BenchmarkPublishReplicas10k(b *testing.B) {
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) { benchReplicas(b, n, 10_000) })
	}
}

func benchReplicas(b *testing.B, replicas, posts int) {
	ctx := context.Background()
	target := herald.Target{Kind: "mastodon", Name: "main"}
	client := httpx.New(httpx.Options{AllowPrivate: true, Timeout: 30 * time.Second})
	var total time.Duration
	for range b.N {
		b.StopTimer()
		db := pgtest.Database(b)
		masto := mastodontest.New(mastodontest.WithToken("masto-token"))
		s, err := postgres.Open(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		due := time.Now().UTC().Truncate(time.Minute).Add(time.Hour)
		bs, drafts, pub := domain(s, &setClock{t: due.Add(-time.Hour)}, client)
		mustPrepare(b, bs, drafts, pub, []publish.Account{{Target: target, URL: masto.URL(), Secret: "masto-token"}}, posts,
			[]herald.Target{target}, func(i int) time.Time { return due.Add(time.Duration(i) * time.Minute / time.Duration(posts)) }, nil)
		clk := &setClock{t: due.Add(time.Minute)} // the minute is over: every post is due
		scheds := make([]*publish.Scheduler, replicas)
		events := &countingNotifier{}
		for i := range scheds {
			rs, err := postgres.Open(ctx, db)
			if err != nil {
				b.Fatal(err)
			}
			defer rs.Close()
			_, _, rpub := domain(rs, clk, client)
			scheds[i] = publish.NewScheduler(rpub, events, nil, publish.Options{Owner: fmt.Sprint("replica-", i), Leader: func() bool { return i == 0 }})
		}
		b.StartTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for _, sc := range scheds {
			wg.Go(func() {
				if err := sc.Tick(ctx); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		total += time.Since(start)
		b.StopTimer()
		if got, r := len(masto.Statuses()), masto.Requests(); got != posts || r != posts {
			b.Fatalf("Mastodon has %d statuses from %d requests; want %d from %d", got, r, posts, posts)
		}
		if d := events.delivered.Load(); d != int64(posts) {
			b.Fatalf("%d delivered events; want %d", d, posts)
		}
		if n := countRows(b, s, `SELECT count(*) FROM drafts WHERE state = 'published'`); n != posts {
			b.Fatalf("%d drafts published; want %d", n, posts)
		}
		masto.Close()
		s.Close()
	}
	b.ReportMetric(float64(posts*b.N)/total.Seconds(), "posts/s")
	b.ReportMetric(total.Seconds()/float64(b.N), "s/10k")
}
