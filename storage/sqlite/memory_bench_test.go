package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/storage/sqlite"
)

// BenchmarkWebhookMemory measures what the process holds after mentions
// arrive through the webhook ingest path (mentions.Service.IngestWebhook,
// the handler of /hooks/mentions/{token}) into a real SQLite file: heap in
// use after a GC and resident memory (VmRSS from /proc/self/statm, after
// returning freed memory to the system; and, as rss-MB-busy, before that,
// as the traffic left it), before any mention, after 100,000
// and, when HERALD_BENCH_MENTIONS_1M=1, after 1,000,000 (or after every
// million up to HERALD_BENCH_MENTIONS=N, e.g. 4000000: past an hour of
// traffic every slice of the spam filter's windows has been used). Every mention has
// its own author and its own text (none a copy or a flood, so that every
// one leaves its trace in the spam filter), 100 per delivery, at a
// simulated 1,000 mentions per second (the clock moves 100 ms per
// delivery): the hour the copies check looks back holds every mention of
// the 100k run. Run it with -benchtime 1x (one iteration is the whole
// run).
func BenchmarkWebhookMemory(b *testing.B) {
	total := 100_000
	if os.Getenv("HERALD_BENCH_MENTIONS_1M") == "1" {
		total = 1_000_000
	}
	if n, err := strconv.Atoi(os.Getenv("HERALD_BENCH_MENTIONS")); err == nil && n >= 100 {
		total = n / 100 * 100
	}
	for range b.N {
		webhookMemoryRun(b, total)
	}
}

func webhookMemoryRun(b *testing.B, total int) {
	b.StopTimer()
	ctx := context.Background()
	svc, _, hook, clock := mustWebhookListening(b, MustOpen(b))
	r := rand.New(rand.NewPCG(3, 4))
	const batchSize = 100
	items := make([]mentions.Item, batchSize)
	heap0, rss0 := memoryNow(b)
	b.ReportMetric(rss0, "rss-MB-idle")
	b.ReportMetric(heap0, "heap-MB-idle")
	b.StartTimer()
	stored := 0
	for i := 0; i < total; i += batchSize {
		for j := range items {
			n := i + j
			items[j] = mentions.Item{
				ExternalID: strconv.Itoa(n),
				URL:        "https://social.example/p/" + strconv.Itoa(n),
				Text:       benchText(r, "acme", n),
				Author:     "user" + strconv.Itoa(n),
				Published:  t0,
			}
		}
		got, err := svc.IngestWebhook(ctx, hook.Token, items)
		if err != nil {
			b.Fatal(err)
		}
		stored += got
		clock.Advance(100 * time.Millisecond)
		if n := i + batchSize; n == 100_000 || n%1_000_000 == 0 || n == total {
			b.StopTimer()
			b.ReportMetric(rssNow(b), fmt.Sprintf("rss-MB-busy-%dk", n/1000)) // as the traffic left it, garbage included
			heap, rss := memoryNow(b)
			b.ReportMetric(rss, fmt.Sprintf("rss-MB-%dk", n/1000))
			b.ReportMetric(heap, fmt.Sprintf("heap-MB-%dk", n/1000))
			b.StartTimer()
		}
	}
	b.StopTimer()
	if stored != total {
		b.Fatalf("%d mentions stored of %d sent", stored, total)
	}
}

// memoryNow returns the heap in use after a GC and the resident set size,
// both in MB (10^6 bytes), after returning freed memory to the system.
func memoryNow(tb testing.TB) (heapMB, rssMB float64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / 1e6, rssNow(tb)
}

// rssNow is the resident set size now, in MB, from /proc/self/statm.
func rssNow(tb testing.TB) float64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		tb.Skipf("no /proc/self/statm: %v", err)
	}
	f := strings.Fields(string(raw))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return float64(pages*int64(os.Getpagesize())) / 1e6
}

// mustWebhookListening gives store s the brand Acme (alice its admin,
// created at t0), a watch for "acme" and a webhook source, on a listening
// service driven by the returned clock.
func mustWebhookListening(tb testing.TB, s *sqlite.Store) (*mentions.Service, herald.Brand, mentions.SourceStatus, *testclock.Clock) {
	tb.Helper()
	ctx := context.Background()
	br := herald.Brand{Name: "Acme", Timezone: "UTC", CreatedAt: t0}
	admin := brands.Member{Actor: alice, Role: herald.RoleAdmin, AddedAt: t0}
	if err := s.CreateBrand(ctx, &br, admin, brands.AuditEntry{Action: brands.AuditBrandAdd, Actor: alice, At: t0}); err != nil {
		tb.Fatal(err)
	}
	clock := testclock.New(t0)
	svc := mentions.NewService(s, benchRoles{}, clock, mentions.Options{})
	if _, err := svc.AddWatch(ctx, alice, br, "acme", ch); err != nil {
		tb.Fatal(err)
	}
	hook, err := svc.AddSource(ctx, alice, br, mentions.Spec{Kind: "webhook"})
	if err != nil {
		tb.Fatal(err)
	}
	return svc, br, hook, clock
}
