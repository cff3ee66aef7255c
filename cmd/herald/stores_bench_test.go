package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/mentions"
)

// BenchmarkStores runs the same benchmarks on SQLite and on PostgreSQL
// (HERALD_TEST_POSTGRES; skipped without it), in one run: audited
// approvals per second (benchApprove) and mentions ingested per second
// (benchIngest). docs/PERFORMANCE.md records the figures.
func BenchmarkStores(b *testing.B) {
	open := map[string]func(b *testing.B) store{
		"SQLite": func(b *testing.B) store { return benchMain(b).store },
		"PostgreSQL": func(b *testing.B) store {
			if os.Getenv(pgtest.Env) == "" {
				b.Skipf("%s is not set", pgtest.Env)
			}
			return benchMainOn(b, pgtest.Database(b)).store
		},
	}
	for _, name := range []string{"SQLite", "PostgreSQL"} {
		b.Run(name+"/Approve", func(b *testing.B) { benchApprove(b, open[name](b)) })
		b.Run(name+"/Ingest", func(b *testing.B) { benchIngest(b, open[name](b)) })
	}
}

// everyoneAdmin lets everyone in: the ingest pipeline checks no role.
type everyoneAdmin struct{}

func (everyoneAdmin) RoleOf(context.Context, herald.Actor, int64) (herald.Role, error) {
	return herald.RoleAdmin, nil
}

// benchIngest measures mentions.Service.Ingest from parsed items to
// stored mentions on s: match against 20 watches, dedupe in the batch and
// against the store, one transaction per batch of 100 items with the
// source's cursor and the rollups.
func benchIngest(b *testing.B, s store) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	alice := herald.Actor{Platform: "console", UserID: "alice"}
	br := herald.Brand{Name: "Acme", Timezone: "UTC", CreatedAt: t0}
	if err := s.CreateBrand(ctx, &br, brands.Member{Actor: alice, Role: herald.RoleAdmin, AddedAt: t0}, brands.AuditEntry{Action: brands.AuditBrandAdd, Actor: alice, At: t0}); err != nil {
		b.Fatal(err)
	}
	audit := mentions.AuditEntry{BrandID: br.ID, Action: "watch_add", Actor: alice, At: t0}
	ch := herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "main"}
	for i := range 20 {
		w := mentions.Watch{BrandID: br.ID, Query: fmt.Sprintf(`brand%d OR "brand%d corp" -hiring`, i, i), Channel: ch, CreatedAt: t0}
		if err := s.CreateWatch(ctx, &w, audit); err != nil {
			b.Fatal(err)
		}
	}
	src := mentions.SourceStatus{Spec: mentions.Spec{BrandID: br.ID, Kind: "hn"}, CreatedAt: t0}
	if err := s.CreateSource(ctx, &src, audit); err != nil {
		b.Fatal(err)
	}
	clock := testclock.New(t0)
	clock.Step(10 * time.Millisecond)
	svc := mentions.NewService(s, everyoneAdmin{}, clock, mentions.Options{})
	const batch = 100
	stored := 0
	b.ResetTimer()
	for k := 0; k*batch < b.N; k++ {
		items := make([]mentions.Item, batch)
		for j := range items {
			i := k*batch + j
			items[j] = mentions.Item{ExternalID: fmt.Sprint(i), URL: fmt.Sprintf("https://news.example.com/item/%d", i), Author: fmt.Sprintf("user%d", i),
				Title: fmt.Sprintf("Story %d", i), Text: fmt.Sprintf("what people say about brand%d today, story number %d of the week", i%20, i), Published: t0}
		}
		res, err := svc.Ingest(ctx, src.Spec.ID, mentions.Batch{Items: items, Cursor: fmt.Sprint(k)})
		if err != nil {
			b.Fatal(err)
		}
		stored += res.New
	}
	b.StopTimer()
	if stored < b.N {
		b.Fatalf("stored %d mentions of %d items", stored, b.N)
	}
	b.ReportMetric(float64(stored)/b.Elapsed().Seconds(), "mentions/s")
}
