//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/mentions"
)

// The large database of BenchmarkReads: 1,000,000 mentions over the 180
// days of default retention across four brands (55/25/12/8 %), 50,000
// drafts. Built once per test binary run (it takes a minute or more), in
// a temporary directory, and shared by the sub-benchmarks.
const (
	largeMentions = 1_000_000
	largeDrafts   = 50_000
	largeDays     = 180
)

var largeBrands = []struct {
	name  string
	share float64
}{{"Acme", 0.55}, {"Globex", 0.25}, {"Initech", 0.12}, {"Umbrella", 0.08}}

var (
	largeOnce sync.Once
	largeMain *Main
	largeErr  error
	largeDir  string
)

// BenchmarkReads times every chat read on the large database, through the
// router as a person types them (alice is admin of every brand and wrote
// about 1,700 of the drafts). Gated: HERALD_BENCH_LARGE=1.
//
//	HERALD_BENCH_LARGE=1 go test ./cmd/herald -run '^$' -bench Reads -benchtime 200x
func BenchmarkReads(b *testing.B) {
	if os.Getenv("HERALD_BENCH_LARGE") == "" {
		b.Skip("set HERALD_BENCH_LARGE=1 to build the 1M-mention database (a minute or more)")
	}
	largeOnce.Do(func() { largeMain, largeErr = buildLarge() })
	if largeErr != nil {
		b.Fatal(largeErr)
	}
	a, err := largeMain.wire()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, line string }{
		{"mentions_week", "mentions week --brand Acme"},
		{"mentions_today", "mentions today --brand Acme"},
		{"drafts_mine", "drafts mine"},
		{"drafts", "drafts"},
		{"drafts_pending", "drafts pending"},
		{"queue", "queue"},
		{"watch_test_common", "watch test rocket --brand Acme"},
		{"watch_test_none", "watch test zeppelin --brand Acme"},
		{"source_list", "source list --brand Acme"},
		{"watch_list", "watch list --brand Acme"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var ds []time.Duration
			cpu0 := processCPU()
			for b.Loop() {
				start := time.Now()
				mustDispatch(b, a.router, "alice", c.line)
				ds = append(ds, time.Since(start))
			}
			b.StopTimer()
			// CPU time of the whole process per read (SQLite's included):
			// steadier than wall time on a shared machine.
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(len(ds)), "cpu-µs/op")
			reportPercentiles(b, ds)
		})
	}
}

// buildLarge makes the large database in a temporary directory, or
// opens the one HERALD_BENCH_LARGE_DIR names (built by an earlier run of
// the same code: the directory is printed and left in place).
func buildLarge() (*Main, error) {
	dir, reuse := os.Getenv("HERALD_BENCH_LARGE_DIR"), true
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "herald-large-*"); err != nil {
			return nil, err
		}
		reuse = false
		fmt.Fprintf(os.Stderr, "large database in %s (reuse it with HERALD_BENCH_LARGE_DIR)\n", dir)
	}
	largeDir = dir
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "large.db"), "HERALD_LOG_LEVEL": "error"}
	if err := m.ParseFlags(nil, func(k string) string { return env[k] }); err != nil {
		return nil, err
	}
	m.log = m.logger()
	m.metrics = newMetrics()
	ctx := context.Background()
	if _, err := m.openStore(ctx); err != nil {
		return nil, err
	}
	if reuse {
		return m, nil
	}
	a, err := m.wire()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	r := rand.New(rand.NewPCG(14, 9))
	var ids []int64
	for _, br := range largeBrands {
		call := commands.Call{Actor: herald.Actor{Platform: "console", UserID: "alice", Name: "alice"},
			Channel: herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}, Text: "brand add " + br.name}
		if resp := a.router.Dispatch(ctx, call); resp.ErrCode != "" {
			return nil, fmt.Errorf("%s: %s", call.Text, resp.Text)
		}
		b, err := m.store.BrandByName(ctx, br.name)
		if err != nil {
			return nil, err
		}
		ids = append(ids, b.ID)
		if err := largeListening(ctx, m, b.ID, int(br.share*largeMentions), now, r); err != nil {
			return nil, err
		}
	}
	return m, largeDrafting(ctx, m, ids, now, r)
}

// largeListening gives a brand 5 sources, 20 watches and n mentions spread
// evenly over largeDays up to now, stored in batches of 1,000 as the
// pipeline stores them. Authors follow a Zipf law over 20,000 names (a few
// very active accounts, a long tail); mentions older than two days are
// mostly handled or ignored.
func largeListening(ctx context.Context, m *Main, brandID int64, n int, now time.Time, r *rand.Rand) error {
	alice := herald.Actor{Platform: "console", UserID: "alice", Name: "alice"}
	ch := herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}
	var labels []string
	for i, spec := range []mentions.Spec{{Kind: "hn"}, {Kind: "reddit"}, {Kind: "webhook"},
		{Kind: "rss", URL: fmt.Sprintf("https://news%d.example/feed", brandID)}, {Kind: "mastodon", URL: "https://mastodon.example", Tag: fmt.Sprintf("b%d", brandID)}} {
		spec.BrandID = brandID
		st := mentions.SourceStatus{Spec: spec, CreatedAt: now, CreatedBy: alice}
		if spec.Kind == "webhook" {
			st.Token = fmt.Sprintf("tok-%d-%d", brandID, i)
		}
		if err := m.store.CreateSource(ctx, &st, mentions.AuditEntry{BrandID: brandID, Action: "source_add", Actor: alice, At: now}); err != nil {
			return err
		}
		labels = append(labels, spec.Label())
	}
	for i := range 20 {
		w := mentions.Watch{BrandID: brandID, Query: fmt.Sprintf("brand%d OR \"product %d\" -job", brandID, i), Channel: ch, CreatedBy: alice, CreatedAt: now}
		if err := m.store.CreateWatch(ctx, &w, mentions.AuditEntry{BrandID: brandID, Action: "watch_add", Actor: alice, At: now}); err != nil {
			return err
		}
	}
	zipf := rand.NewZipf(r, 1.2, 2, 19_999)
	start := now.Add(-largeDays * 24 * time.Hour)
	step := (largeDays * 24 * time.Hour) / time.Duration(n)
	c := &mentions.Commit{BrandID: brandID}
	for i := range n {
		at := start.Add(time.Duration(i) * step)
		mn := mentions.Mention{State: largeState(r, now.Sub(at)), Version: 1, WatchIDs: []int64{1}, URL: fmt.Sprintf("https://x.example/%d/%d", brandID, i),
			Title: "A post", Text: benchSentence(r), Author: fmt.Sprintf("user%d", zipf.Uint64()), Lang: "en", FoundAt: at, UpdatedAt: at,
			Sources: []string{labels[r.IntN(len(labels))]}, Terms: []string{"rocket"}}
		if i%10 == 0 {
			mn.Sources = append(mn.Sources, labels[(i/10)%len(labels)])
			if mn.Sources[0] == mn.Sources[1] {
				mn.Sources = mn.Sources[:1]
			}
		}
		c.New = append(c.New, mentions.NewMention{Mention: mn})
		if len(c.New) == 1000 || i == n-1 {
			c.At = at
			if err := m.store.SaveBatch(ctx, c); err != nil {
				return err
			}
			c = &mentions.Commit{BrandID: brandID}
		}
	}
	return nil
}

var largeWords = []string{"rocket", "launch", "store", "price", "support", "great", "slow", "refund", "app", "update", "love", "team", "order"}

func benchSentence(r *rand.Rand) string {
	var b []byte
	for range 25 {
		b = append(b, largeWords[r.IntN(len(largeWords))]...)
		b = append(b, ' ')
	}
	return string(b)
}

func largeState(r *rand.Rand, age time.Duration) mentions.State {
	if age < 48*time.Hour {
		if r.IntN(10) < 7 {
			return mentions.StateNew
		}
		return mentions.StateClaimed
	}
	switch x := r.IntN(100); {
	case x < 60:
		return mentions.StateHandled
	case x < 85:
		return mentions.StateIgnored
	default:
		return mentions.StateNew
	}
}

// largeDrafting writes largeDrafts drafts, newest last, by 30 authors
// (alice writes one in 30): published ones in the past, then the open
// ones of today (in review, draft, approved), and 400 scheduled in the
// coming days, failed and unconfirmed a few.
func largeDrafting(ctx context.Context, m *Main, brandIDs []int64, now time.Time, r *rand.Rand) error {
	text := "Our new store opens Monday! Come and see the new collection."
	for i := range largeDrafts {
		author := herald.Actor{Platform: "console", UserID: fmt.Sprintf("user%d", i%30), Name: fmt.Sprintf("user%d", i%30)}
		if i%30 == 0 {
			author = herald.Actor{Platform: "console", UserID: "alice", Name: "alice"}
		}
		created := now.Add(-time.Duration(largeDrafts-i) * 5 * time.Minute)
		d := approvals.Draft{BrandID: brandIDs[r.IntN(len(brandIDs))], State: approvals.StatePublished, Text: text, Author: author,
			Targets: []herald.Target{{Kind: "mastodon", Name: "main"}}, PublishAt: created.Add(time.Hour), CreatedAt: created, UpdatedAt: created}
		switch left := largeDrafts - i; {
		case left <= 400:
			d.State, d.PublishAt = approvals.StateScheduled, now.Add(time.Duration(r.IntN(14*24))*time.Hour+time.Duration(left)*time.Second)
		case left <= 700:
			d.State = []approvals.State{approvals.StateInReview, approvals.StateDraft, approvals.StateApproved, approvals.StateChangesRequested}[left%4]
		case left <= 720:
			d.State = []approvals.State{approvals.StateFailed, approvals.StateUnconfirmed, approvals.StateMissed}[left%3]
		}
		if err := m.store.CreateDraft(ctx, &d, approvals.AuditEntry{BrandID: d.BrandID, Action: "create", Actor: author, At: created}); err != nil {
			return err
		}
	}
	return nil
}
