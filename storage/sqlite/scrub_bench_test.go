package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/publish"
)

// BenchmarkScrub times what the first start with HERALD_SECRET_KEY adds
// on a file of 100 MB (ten years of a quiet brand's mentions, or about
// 200,000 mentions): resealing 100 accounts in one transaction, then
// Scrub, which truncates the WAL and rebuilds the file (VACUUM).
func BenchmarkScrub(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "herald.db")
		s := MustOpenPath(b, path)
		raw := MustRawDB(b, path)
		if _, err := raw.Exec(`CREATE TABLE filler (b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 25600)
			INSERT INTO filler SELECT randomblob(4000) FROM n`); err != nil {
			b.Fatal(err)
		}
		br := herald.Brand{Name: "Acme", Timezone: "UTC", CreatedAt: t0}
		admin := brands.Member{Actor: alice, Role: herald.RoleAdmin, AddedAt: t0}
		if err := s.CreateBrand(ctx, &br, admin, brands.AuditEntry{Action: brands.AuditBrandAdd, Actor: alice, At: t0}); err != nil {
			b.Fatal(err)
		}
		for i := range 100 {
			tg := herald.Target{Kind: "webhook", Name: fmt.Sprintf("hook%d", i)}
			a := publish.Account{BrandID: br.ID, Target: tg, URL: "https://hooks.example/" + tg.Name, Secret: "plaintext-secret"}
			if err := s.PutAccount(ctx, a, approvals.AuditEntry{BrandID: br.ID, Action: "target_add", Actor: alice, At: t0}); err != nil {
				b.Fatal(err)
			}
		}
		st, _ := os.Stat(path)
		b.StartTimer()
		start := time.Now()
		err := s.RewriteAccounts(ctx, func(a publish.Account) (publish.Account, bool, error) {
			a.Secret = "sealed:" + a.Secret
			return a, true, nil
		})
		if err != nil {
			b.Fatal(err)
		}
		rewrite := time.Since(start)
		if err := s.Scrub(ctx, true); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Size())/1e6, "file-MB")
		b.ReportMetric(rewrite.Seconds()*1e3, "rewrite-ms")
		b.ReportMetric(time.Since(start).Seconds(), "total-s")
	}
}
