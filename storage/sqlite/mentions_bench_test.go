package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/mentions"
)

// benchRoles lets everyone in: the pipeline checks no role.
type benchRoles struct{}

func (benchRoles) RoleOf(context.Context, herald.Actor, int64) (herald.Role, error) {
	return herald.RoleAdmin, nil
}

var benchWords = strings.Fields(`the a new launch store review price update support customer service team product
	release today week great bad love hate why how city market phone app web site news report open close deal sale
	quality delivery order refund issue problem question answer thanks amazing terrible slow fast best worst`)

// benchText is a realistic post of about 40 words mentioning one brand
// name (sometimes as a phrase), with some French.
func benchText(r *rand.Rand, brand string, i int) string {
	var b strings.Builder
	for w := range 40 {
		if w == 12 {
			b.WriteString(brand)
		} else if w == 25 && i%3 == 0 {
			b.WriteString("nouveau magasin à Lyon, très déçu du crédit")
		} else {
			b.WriteString(benchWords[r.IntN(len(benchWords))])
		}
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "#%d", i)
	return b.String()
}

// BenchmarkIngest measures the whole pipeline from parsed items to stored
// mentions: normalise, match against 100 watches, dedupe (in the batch and
// against the store), spam checks, routing, one SQLite transaction per
// batch of 100 items with the source's cursor, on a real database file.
func BenchmarkIngest(b *testing.B) {
	s := MustOpen(b)
	ctx := context.Background()
	br := herald.Brand{Name: "Acme", Timezone: "UTC", CreatedAt: t0}
	admin := brands.Member{Actor: alice, Role: herald.RoleAdmin, AddedAt: t0}
	if err := s.CreateBrand(ctx, &br, admin, brands.AuditEntry{Action: brands.AuditBrandAdd, Actor: alice, At: t0}); err != nil {
		b.Fatal(err)
	}
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("brand%dco", i)
		q := names[i]
		switch i % 4 {
		case 1:
			q = fmt.Sprintf(`%s OR "%s corp" -job`, names[i], names[i])
		case 2:
			q = fmt.Sprintf(`(%s OR %sapp) -hiring`, names[i], names[i])
		case 3:
			q = fmt.Sprintf(`%s "nouveau magasin"`, names[i])
		}
		w := mentions.Watch{BrandID: br.ID, Query: q, Channel: ch, CreatedBy: alice, CreatedAt: t0}
		if err := s.CreateWatch(ctx, &w, mentions.AuditEntry{BrandID: br.ID, Action: mentions.Action("watch_add"), Actor: alice, At: t0}); err != nil {
			b.Fatal(err)
		}
	}
	src := mentions.SourceStatus{Spec: mentions.Spec{BrandID: br.ID, Kind: "hn"}, CreatedAt: t0}
	if err := s.CreateSource(ctx, &src, mentions.AuditEntry{BrandID: br.ID, Action: mentions.Action("source_add"), Actor: alice, At: t0}); err != nil {
		b.Fatal(err)
	}
	clock := testclock.New(t0) // moving forward 10ms each time it is read
	clock.Step(10 * time.Millisecond)
	svc := mentions.NewService(s, benchRoles{}, clock, mentions.Options{})

	const batchSize = 100
	r := rand.New(rand.NewPCG(1, 2))
	// Prepare the batches beforehand: parsing is the sources' job.
	nBatches := b.N/batchSize + 1
	batches := make([]mentions.Batch, nBatches)
	for k := range batches {
		items := make([]mentions.Item, batchSize)
		for j := range items {
			i := k*batchSize + j
			items[j] = mentions.Item{
				ExternalID: fmt.Sprint(i),
				URL:        fmt.Sprintf("https://news.example.com/item/%d?utm_source=hn&utm_medium=rss", i),
				Title:      fmt.Sprintf("Story %d about %s", i, names[i%len(names)]),
				Text:       benchText(r, names[i%len(names)], i),
				Author:     fmt.Sprintf("user%d", i),
				Published:  t0,
			}
		}
		batches[k] = mentions.Batch{Items: items, Cursor: fmt.Sprint(k)}
	}
	b.ResetTimer()
	stored, items := 0, 0
	cpu0 := cpuTime()
	start := time.Now()
	for k := 0; k*batchSize < b.N; k++ {
		res, err := svc.Ingest(ctx, src.Spec.ID, batches[k])
		if err != nil {
			b.Fatal(err)
		}
		stored += res.New
		items += res.Items
	}
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	// A sixth of the items match no watch (the "nouveau magasin" watches
	// need both words): they are matched, not stored.
	if stored < items*3/4 {
		b.Fatalf("stored %d mentions of %d items", stored, items)
	}
	b.ReportMetric(float64(stored)/elapsed.Seconds(), "mentions/s")
	b.ReportMetric(float64(items)/elapsed.Seconds(), "items/s")
	// On a shared machine the wall clock counts other processes' time
	// too: mentions per second of this process's CPU time (user + system,
	// every thread, SQLite's included) is the steadier figure.
	b.ReportMetric(float64(stored)/cpu.Seconds(), "mentions/cpu-s")
}

// cpuTime returns the CPU time (user + system) this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
