package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/postgres"
	"github.com/heraldhq/herald/storage/sqlite"
)

// TestImportSQLite builds an SQLite database through the console (brands,
// members, channel defaults, a sealed target secret, drafts with their
// revisions, approvals and audit) and the stores (listening, deliveries,
// guidelines, a pause, card copies), imports it into an empty PostgreSQL
// database through Main, and reads everything back through both stores:
// the same. A second import is refused; new rows continue after the
// imported ids; the sealed secret opens with the same key.
func TestImportSQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	key := newSecretKey(t)
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off", "HERALD_TIMEZONE": "Europe/Paris", "HERALD_SECRET_KEY": key}
	MustRunMain(t, env, mustOpen(t, "testdata/transcript.txt"))
	src, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	fillSQLite(t, src)

	pgEnv := map[string]string{"HERALD_DATABASE": pgtest.Database(t), "HERALD_HTTP_ADDR": "off", "HERALD_TIMEZONE": "Europe/Paris", "HERALD_SECRET_KEY": key,
		"HERALD_MEDIA": "file:" + filepath.Join(filepath.Dir(db), "herald-media")} // the media stay where they were
	out := MustRunMain(t, pgEnv, strings.NewReader(""), "import", "sqlite:"+db)
	for _, line := range []string{"Imported " + db + " into postgres://", "  drafts ", "  revisions ", "  mentions ", "  accounts ", "  total "} {
		if !strings.Contains(out, line) {
			t.Errorf("the import's output lacks %q:\n%s", line, out)
		}
	}
	dst, err := postgres.Open(t.Context(), pgEnv["HERALD_DATABASE"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dst.Close() })
	want, got := snapshotStore(t, src), snapshotStore(t, dst)
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("PostgreSQL after the import differs from SQLite (-sqlite +postgres):\n%s", diff)
	}
	if len(want.Drafts) != 3 || len(want.Drafts[0].Media) != 2 || len(want.Uploads) != 1 || len(want.Mentions) != 3 || len(want.Accounts) != 1 {
		t.Fatalf("the SQLite database holds %d drafts, %d mentions, %d accounts; the fixture is broken", len(want.Drafts), len(want.Mentions), len(want.Accounts))
	}

	if _, err := runMain(pgEnv, "import", "sqlite:"+db); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a second import = %v; want it refused (not empty)", err)
	}
	MustRunMain(t, pgEnv, strings.NewReader("/as bob\ndraft \"After the move\"\n"))
	if d, err := dst.Draft(t.Context(), 4); err != nil || d.Text != "After the move" {
		t.Errorf("the first draft after the import: %+v, %v; want #4", d, err)
	}
	if out := MustRunMain(t, pgEnv, strings.NewReader(""), "doctor"); !strings.Contains(out, "secrets: 1 target(s), credentials encrypted") {
		t.Errorf("doctor after the import: %q; want the imported secret readable", out)
	}
}

// fillSQLite adds through the store what the console transcript does not
// make: listening, deliveries, guidelines, a pause, card copies.
func fillSQLite(t *testing.T, s *sqlite.Store) {
	ctx := t.Context()
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	b, err := s.BrandByName(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	ch := herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "main"}
	audit := mentions.AuditEntry{BrandID: b.ID, Action: "watch_add", Actor: herald.Actor{Platform: "console", UserID: "alice"}, At: at}
	w := mentions.Watch{BrandID: b.ID, Query: "acme", Channel: ch, CreatedAt: at}
	src := mentions.SourceStatus{Spec: mentions.Spec{BrandID: b.ID, Kind: "hn"}, Cursor: "c-1", NextPoll: at, CreatedAt: at}
	must(t, s.CreateWatch(ctx, &w, audit), s.CreateSource(ctx, &src, audit))
	c := &mentions.Commit{BrandID: b.ID, Source: src, Seen: 3, At: at}
	for _, u := range []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"} {
		m := mentions.Mention{State: mentions.StateNew, WatchIDs: []int64{w.ID}, URL: u, CanonicalURL: u, Title: u, Author: "ann",
			FoundAt: at, UpdatedAt: at, Sources: []string{"hn"}, Terms: []string{"acme"}}
		c.New = append(c.New, mentions.NewMention{Mention: m, Keys: []string{"url:" + u}})
	}
	must(t, s.SaveBatch(ctx, c), s.PutMute(ctx, mentions.Mute{BrandID: b.ID, Kind: "author", Value: "spam", At: at}, audit),
		s.SaveGuidelines(ctx, b.ID, assist.Guidelines{Tone: "warm"}, assist.AuditEntry{BrandID: b.ID, Action: assist.AuditGuidelines, At: at}),
		s.SaveCardRef(ctx, "draft:1", herald.MessageRef{Channel: ch, MessageID: "m1"}, at))
	d, err := s.Draft(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	del := publish.Delivery{DraftID: d.ID, Rev: d.Rev, BrandID: d.BrandID, Target: d.Targets[0], Key: publish.DeliveryKey(d.ID, d.Rev, d.Targets[0]),
		Due: at, State: publish.Pending, NextAt: at, UpdatedAt: at}
	pic := media.Item{SHA256: strings.Repeat("ab", 32), Type: "image/png", Size: 94, Width: 16, Height: 16, Name: "dot.png", Alt: "A red dot"}
	clip := media.Item{SHA256: strings.Repeat("cd", 32), Type: "video/mp4", Size: 4096, Width: 640, Height: 360, Duration: 2500 * time.Millisecond, Name: "clip.mp4"}
	withMedia := approvals.Draft{BrandID: b.ID, State: approvals.StateDraft, Text: "with media", Media: []media.Item{pic, clip},
		Author: herald.Actor{Platform: "console", UserID: "bob"}, CreatedAt: at, UpdatedAt: at}
	must(t, s.CreateDraft(ctx, &withMedia, approvals.AuditEntry{BrandID: b.ID, Action: "create", At: at}),
		s.PutUpload(ctx, d.ID, d.Rev, d.Targets[0], publish.Upload{SHA256: pic.SHA256, ID: "109-media", At: at, Until: at.Add(time.Hour)}))
	must(t, s.SaveDeliveries(ctx, nil, []publish.DeliveryUpdate{{Delivery: del, Insert: true}}),
		s.Pause(ctx, publish.Pause{BrandID: b.ID, Reason: "incident", At: at}, approvals.AuditEntry{BrandID: b.ID, Action: "pause", At: at}))
}

func must(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrationsAgree: SQLite and PostgreSQL apply the same migration
// numbers (herald import needs the two schemas alike; a migration added to
// one store is added to the other).
func TestMigrationsAgree(t *testing.T) {
	versions := func(s store, db interface {
		Query(string, ...any) (*sql.Rows, error)
	}) []int {
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int
		for rows.Next() {
			var v int
			check(t, rows.Scan(&v))
			out = append(out, v)
		}
		return out
	}
	lite, err := sqlite.Open(filepath.Join(t.TempDir(), "herald.db"))
	check(t, err)
	defer lite.Close()
	pg, err := postgres.Open(t.Context(), pgtest.Schema(t))
	check(t, err)
	defer pg.Close()
	if diff := cmp.Diff(versions(lite, lite.DB()), versions(pg, pg.DB())); diff != "" {
		t.Errorf("migrations applied (-sqlite +postgres):\n%s", diff)
	}
}
