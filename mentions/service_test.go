package mentions_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/storage/sqlite"
)

// MustOpen opens a fresh, migrated SQLite store in a temporary directory,
// closed when the test ends.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "herald.db"))
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

// storeRoles answers roles from the brands store, as brands.Service
// will: EFORBIDDEN for a non-member.
type storeRoles struct{ s brands.Store }

func (r storeRoles) RoleOf(ctx context.Context, a herald.Actor, brandID int64) (herald.Role, error) {
	m, err := r.s.Member(ctx, brandID, a)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return "", herald.Errorf(herald.EFORBIDDEN, "You are not a member of this brand.")
	}
	return m.Role, err
}

// brandChannels is a fixed Channels and Brands.
type brandChannels struct {
	s     brands.Store
	chans map[int64][]herald.ChannelRef
}

func (b brandChannels) BrandChannels(_ context.Context, id int64) ([]herald.ChannelRef, error) {
	return b.chans[id], nil
}

func (b brandChannels) Brand(ctx context.Context, id int64) (herald.Brand, error) {
	return b.s.Brand(ctx, id)
}

// notes records the events relayed.
type notes struct {
	mu     sync.Mutex
	events []mentions.Event
}

func (n *notes) Notify(_ context.Context, e mentions.Event) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.events = append(n.events, e)
	return nil
}

// take returns the events relayed since the last take.
func (n *notes) take() []mentions.Event {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.events
	n.events = nil
	return out
}

func eventKinds(es []mentions.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Kind)
	}
	return out
}

var (
	t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	alice  = herald.Actor{Platform: "slack", UserID: "UALICE", Name: "Alice"} // admin of Acme
	bob    = herald.Actor{Platform: "slack", UserID: "UBOB", Name: "Bob"}     // editor
	carol  = herald.Actor{Platform: "discord", UserID: "1003", Name: "Carol"} // approver
	dave   = herald.Actor{Platform: "slack", UserID: "UDAVE", Name: "Dave"}   // client
	vic    = herald.Actor{Platform: "slack", UserID: "UVIC", Name: "Vic"}     // viewer
	gina   = herald.Actor{Platform: "slack", UserID: "UGINA", Name: "Gina"}   // admin of Globex
	nobody = herald.Actor{Platform: "slack", UserID: "UNOBODY", Name: "Nobody"}

	acmeSlack   = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CACME"}
	acmeAlerts  = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CALERTS"}
	acmeDiscord = herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "777"}
	globexCh    = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CGLOBEX"}
)

// env is a Service over a fresh store with brands Acme (alice admin, bob
// editor, carol approver, dave client, vic viewer; channels on Slack and
// Discord) and Globex (gina admin).
type env struct {
	store  *sqlite.Store
	clock  *testclock.Clock
	notes  *notes
	svc    *mentions.Service
	acme   herald.Brand
	globex herald.Brand
	opts   mentions.Options
}

func newEnv(t *testing.T, opts mentions.Options) *env {
	t.Helper()
	return newEnvOn(t, MustOpen(t), opts)
}

func newEnvOn(t *testing.T, s *sqlite.Store, opts mentions.Options) *env {
	t.Helper()
	ctx := t.Context()
	e := &env{store: s, clock: testclock.New(t0), notes: &notes{}}
	asvc := brands.NewService(s, e.clock, "UTC")
	var err error
	if e.acme, err = s.BrandByName(ctx, "Acme"); herald.ErrorCode(err) == herald.ENOTFOUND {
		if _, err := asvc.AddBrand(ctx, alice, "Acme", &acmeSlack); err != nil {
			t.Fatalf("AddBrand: %v", err)
		}
		for _, m := range []struct {
			who  herald.Actor
			role herald.Role
		}{{bob, herald.RoleEditor}, {carol, herald.RoleApprover}, {dave, herald.RoleClient}, {vic, herald.RoleViewer}} {
			if _, err := asvc.SetRole(ctx, alice, acmeSlack, "", m.who, m.role); err != nil {
				t.Fatalf("SetRole: %v", err)
			}
		}
		if _, err := asvc.AddBrand(ctx, gina, "Globex", &globexCh); err != nil {
			t.Fatalf("AddBrand: %v", err)
		}
		e.acme, err = s.BrandByName(ctx, "Acme")
	}
	if err != nil {
		t.Fatal(err)
	}
	if e.globex, err = s.BrandByName(ctx, "Globex"); err != nil {
		t.Fatal(err)
	}
	bc := brandChannels{s: s, chans: map[int64][]herald.ChannelRef{
		e.acme.ID:   {acmeSlack, acmeDiscord},
		e.globex.ID: {globexCh},
	}}
	opts.Channels, opts.Brands, opts.Notifier = bc, bc, e.notes
	e.opts = opts
	e.svc = mentions.NewService(s, storeRoles{s}, e.clock, opts)
	return e
}

// restart returns a new Service over the same store, as after a restart.
func (e *env) restart(t *testing.T) *env {
	t.Helper()
	e2 := *e
	e2.notes = &notes{}
	e2.opts.Notifier = e2.notes
	e2.svc = mentions.NewService(e.store, storeRoles{e.store}, e.clock, e2.opts)
	return &e2
}

func (e *env) watch(t *testing.T, q string, ch herald.ChannelRef) mentions.Watch {
	t.Helper()
	w, err := e.svc.AddWatch(t.Context(), alice, e.acme, q, ch)
	if err != nil {
		t.Fatalf("AddWatch(%q): %v", q, err)
	}
	return w
}

func (e *env) source(t *testing.T, spec mentions.Spec) mentions.SourceStatus {
	t.Helper()
	st, err := e.svc.AddSource(t.Context(), alice, e.acme, spec)
	if err != nil {
		t.Fatalf("AddSource(%v): %v", spec, err)
	}
	return st
}

func (e *env) ingest(t *testing.T, sourceID int64, items ...mentions.Item) mentions.Result {
	t.Helper()
	res, err := e.svc.Ingest(t.Context(), sourceID, mentions.Batch{Items: items})
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return res
}

// sha256Hex is the hex SHA-256 of s: what is stored of a webhook's token.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := herald.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func item(id, url, text, author string) mentions.Item {
	return mentions.Item{ExternalID: id, URL: url, Title: "", Text: text, Author: author, Published: t0.Add(-time.Hour)}
}

func TestRoles(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx := t.Context()
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "hn"})
	var items []mentions.Item
	for i := range 10 {
		items = append(items, item(fmt.Sprint(i), fmt.Sprintf("https://e.com/%d", i), fmt.Sprintf("acme number %d", i), fmt.Sprintf("a%d", i)))
	}
	res := e.ingest(t, src.Spec.ID, items...)
	if res.New != 10 {
		t.Fatalf("setup: %d new mentions, want 10", res.New)
	}
	next := 0
	mention := func() int64 { next++; return res.Mentions[next-1].ID }

	type op struct {
		name string
		do   func(a herald.Actor) error
	}
	manage := []op{
		{"AddWatch", func(a herald.Actor) error { _, err := e.svc.AddWatch(ctx, a, e.acme, "widget", acmeSlack); return err }},
		{"AddSource", func(a herald.Actor) error {
			_, err := e.svc.AddSource(ctx, a, e.acme, mentions.Spec{Kind: "rss", URL: "https://feeds.example/" + a.UserID})
			return err
		}},
		{"Mute", func(a herald.Actor) error {
			_, err := e.svc.Mute(ctx, a, e.acme, mentions.MuteAuthor, "x"+a.UserID)
			return err
		}},
		{"SetLangs", func(a herald.Actor) error { _, err := e.svc.SetLangs(ctx, a, e.acme, []string{"fr"}); return err }},
	}
	act := []op{
		{"Claim", func(a herald.Actor) error { _, err := e.svc.Act(ctx, a, mention(), mentions.ActClaim); return err }},
	}
	read := []op{
		{"Mention", func(a herald.Actor) error { _, err := e.svc.Mention(ctx, a, res.Mentions[0].ID); return err }},
		{"Summary", func(a herald.Actor) error { _, err := e.svc.Summary(ctx, a, e.acme, t0.Add(-time.Hour)); return err }},
		{"Watches", func(a herald.Actor) error { _, err := e.svc.Watches(ctx, a, e.acme); return err }},
		{"TestWatch", func(a herald.Actor) error { _, _, err := e.svc.TestWatch(ctx, a, e.acme, "acme", 5); return err }},
	}
	tests := []struct {
		who               herald.Actor
		manage, act, read string // expected error codes
	}{
		{alice, "", "", ""},
		{bob, "", "", ""},
		{carol, herald.EFORBIDDEN, "", ""},
		{dave, herald.EFORBIDDEN, herald.EFORBIDDEN, ""},
		{vic, herald.EFORBIDDEN, herald.EFORBIDDEN, ""},
		{gina, herald.EFORBIDDEN, herald.ENOTFOUND, herald.EFORBIDDEN}, // another brand's admin
		{nobody, herald.EFORBIDDEN, herald.ENOTFOUND, herald.EFORBIDDEN},
	}
	for _, tt := range tests {
		for _, group := range []struct {
			ops  []op
			want string
		}{{manage, tt.manage}, {act, tt.act}, {read, tt.read}} {
			for _, o := range group.ops {
				t.Run(tt.who.Name+"/"+o.name, func(t *testing.T) {
					err := o.do(tt.who)
					if o.name == "Mention" && (tt.who.Key() == gina.Key() || tt.who.Key() == nobody.Key()) {
						wantCode(t, err, herald.ENOTFOUND) // ids of other brands reveal nothing
						return
					}
					wantCode(t, err, group.want)
				})
			}
		}
	}
}

func TestWatches(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx := t.Context()
	t.Run("OK", func(t *testing.T) {
		w := e.watch(t, `(acme OR acmecorp) -job`, acmeAlerts)
		if w.ID == 0 || w.BrandID != e.acme.ID || w.Channel != acmeAlerts || !cmp.Equal(w.CreatedBy, alice) || !w.CreatedAt.Equal(t0) {
			t.Errorf("watch = %+v", w)
		}
		list, err := e.svc.Watches(ctx, vic, e.acme)
		if err != nil || len(list) != 1 || list[0].ID != w.ID {
			t.Errorf("Watches = %v, %v", list, err)
		}
	})
	t.Run("ErrQuery", func(t *testing.T) {
		_, err := e.svc.AddWatch(ctx, alice, e.acme, `acme (corp`, acmeSlack)
		wantCode(t, err, herald.EINVALID)
		if !strings.Contains(herald.ErrorMessage(err), "column") {
			t.Errorf("message %q does not point at the column", herald.ErrorMessage(err))
		}
		_, err = e.svc.AddWatch(ctx, alice, e.acme, "  ", acmeSlack)
		wantCode(t, err, herald.EINVALID)
		_, err = e.svc.AddWatch(ctx, alice, e.acme, strings.Repeat("a ", 300), acmeSlack)
		wantCode(t, err, herald.EINVALID)
	})
	t.Run("ErrNoChannel", func(t *testing.T) {
		_, err := e.svc.AddWatch(ctx, alice, e.acme, "acme", herald.ChannelRef{})
		wantCode(t, err, herald.EINVALID)
		// A fact for the command layer to word, without chat syntax.
		if he := herald.AsError(err); he == nil || he.Reason != mentions.ReasonNoChannel || strings.Contains(he.Message, "--") {
			t.Errorf("error %+v; want reason %q and no flag in the message", he, mentions.ReasonNoChannel)
		}
	})
	t.Run("RemoveRebuildsIndex", func(t *testing.T) {
		src := e.source(t, mentions.Spec{Kind: "reddit"})
		w := e.watch(t, "gizmo", acmeSlack)
		if r := e.ingest(t, src.Spec.ID, item("g1", "https://e.com/g1", "a gizmo", "x")); r.New != 1 {
			t.Fatalf("before removal: %+v", r)
		}
		if _, err := e.svc.RemoveWatch(ctx, alice, w.ID); err != nil {
			t.Fatal(err)
		}
		if r := e.ingest(t, src.Spec.ID, item("g2", "https://e.com/g2", "another gizmo", "y")); r.New != 0 || r.Unmatched != 1 {
			t.Errorf("after removal: %+v, want unmatched", r)
		}
		_, err := e.svc.RemoveWatch(ctx, alice, w.ID)
		wantCode(t, err, herald.ENOTFOUND)
	})
}

func TestSources(t *testing.T) {
	var checked []string
	e := newEnv(t, mentions.Options{
		Kinds: []string{"rss", "hn", "mastodon", "webhook"},
		CheckURL: func(_ context.Context, raw string) error {
			checked = append(checked, raw)
			if strings.Contains(raw, "127.0.0.1") {
				return errors.New("it resolves to a loopback address")
			}
			return nil
		},
	})
	ctx := t.Context()
	t.Run("OK", func(t *testing.T) {
		st := e.source(t, mentions.Spec{Kind: " RSS ", URL: " https://feeds.example/a.xml "})
		if st.Spec.Kind != "rss" || st.Spec.URL != "https://feeds.example/a.xml" || !st.NextPoll.Equal(t0) || st.Token != "" {
			t.Errorf("rss source = %+v", st)
		}
		m := e.source(t, mentions.Spec{Kind: "mastodon", URL: "Mastodon.Social/", Tag: "#acme"})
		if m.Spec.URL != "https://mastodon.social" || m.Spec.Tag != "acme" {
			t.Errorf("mastodon source = %+v", m.Spec)
		}
		if want := []string{"https://feeds.example/a.xml", "https://mastodon.social"}; !slices.Equal(checked, want) {
			t.Errorf("CheckURL saw %v, want %v", checked, want)
		}
	})
	t.Run("WebhookToken", func(t *testing.T) {
		a := e.source(t, mentions.Spec{Kind: "webhook"})
		b, err := e.svc.AddSource(ctx, alice, e.globex, mentions.Spec{Kind: "webhook"})
		if err == nil {
			t.Fatal("alice added a source to Globex")
		}
		b, err = e.svc.AddSource(ctx, gina, e.globex, mentions.Spec{Kind: "webhook"})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Token) < 32 || a.Token == b.Token || !a.NextPoll.IsZero() {
			t.Errorf("tokens %q %q", a.Token, b.Token)
		}
	})
	for _, tt := range []struct {
		name string
		spec mentions.Spec
		code string
	}{
		{"ErrUnknownKind", mentions.Spec{Kind: "myspace"}, herald.EINVALID},
		{"ErrNotConfigured", mentions.Spec{Kind: "bluesky"}, herald.EUNAVAILABLE},
		{"ErrDuplicate", mentions.Spec{Kind: "rss", URL: "https://feeds.example/a.xml"}, herald.ECONFLICT},
		{"ErrNoURL", mentions.Spec{Kind: "rss"}, herald.EINVALID},
		{"ErrNotHTTP", mentions.Spec{Kind: "rss", URL: "file:///etc/passwd"}, herald.EINVALID},
		{"ErrUserInfo", mentions.Spec{Kind: "rss", URL: "https://u:p@feeds.example/b"}, herald.EINVALID},
		{"ErrGuard", mentions.Spec{Kind: "rss", URL: "http://127.0.0.1/feed"}, herald.EINVALID},
		{"ErrURLNotTaken", mentions.Spec{Kind: "hn", URL: "https://x.example"}, herald.EINVALID},
		{"ErrNoTag", mentions.Spec{Kind: "mastodon", URL: "https://m.example"}, herald.EINVALID},
		{"ErrBadTag", mentions.Spec{Kind: "mastodon", URL: "https://m.example", Tag: "a b"}, herald.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.AddSource(ctx, alice, e.acme, tt.spec)
			wantCode(t, err, tt.code)
		})
	}
	t.Run("Remove", func(t *testing.T) {
		list, err := e.svc.Sources(ctx, vic, e.acme)
		if err != nil || len(list) != 3 {
			t.Fatalf("Sources = %d, %v; want 3", len(list), err)
		}
		if _, err := e.svc.RemoveSource(ctx, vic, list[0].Spec.ID); herald.ErrorCode(err) != herald.EFORBIDDEN {
			t.Errorf("viewer removed a source: %v", err)
		}
		if _, err := e.svc.RemoveSource(ctx, bob, list[0].Spec.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.RemoveSource(ctx, bob, list[0].Spec.ID)
		wantCode(t, err, herald.ENOTFOUND)
	})
}

func TestPipeline(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx := t.Context()
	w1 := e.watch(t, "acme", acmeSlack)
	w2 := e.watch(t, `"new store"`, acmeAlerts)
	gw := func() mentions.Watch {
		w, err := e.svc.AddWatch(ctx, gina, e.globex, "acme", globexCh)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}()
	rss := e.source(t, mentions.Spec{Kind: "rss", URL: "https://news.google.com/alerts/feed"})
	hn := e.source(t, mentions.Spec{Kind: "hn"})

	batch := mentions.Batch{Cursor: "etag-1", Items: []mentions.Item{
		{ExternalID: "g1", URL: "https://www.google.com/url?q=https://news.example/acme-opens%3Futm_source%3Dalerts&sa=U",
			Title: "Acme opens a new store in Lyon", Text: "The Acme company opened its new store.", Author: "Le Journal", Lang: "fr"},
		{ExternalID: "g2", URL: "https://news.example/weather", Title: "Weather", Text: "Sunny all week.", Author: "Météo"},
		{ExternalID: "g3", URL: "https://blog.example/acme-review/", Title: "Review", Text: "I tried ACME widgets.", Author: "Sam"},
	}}
	var first mentions.Result
	t.Run("OK", func(t *testing.T) {
		res, err := e.svc.Ingest(ctx, rss.Spec.ID, batch)
		if err != nil {
			t.Fatal(err)
		}
		first = res
		if res.Items != 3 || res.New != 2 || res.Unmatched != 1 || res.SeenAgain != 0 {
			t.Fatalf("result = %+v", res)
		}
		m := res.Mentions[0]
		if m.CanonicalURL != "https://news.example/acme-opens" || !slices.Equal(m.WatchIDs, []int64{w1.ID, w2.ID}) ||
			!slices.Equal(m.Sources, []string{"rss:news.google.com"}) || m.State != mentions.StateNew || !m.FoundAt.Equal(t0) {
			t.Errorf("mention = %+v", m)
		}
		if !slices.Contains(m.Terms, "acme") || !slices.Contains(m.Terms, "new store") {
			t.Errorf("terms = %v, want acme and new store", m.Terms)
		}
		events := e.notes.take()
		if got := eventKinds(events); !slices.Equal(got, []string{"mention", "mention"}) {
			t.Fatalf("events = %v", got)
		}
		// Both watch channels on Slack; Discord has no watch channel: the brand's.
		if diff := cmp.Diff([]herald.ChannelRef{acmeSlack, acmeAlerts, acmeDiscord}, events[0].Routes); diff != "" {
			t.Errorf("routes (-want +got):\n%s", diff)
		}
		if events[0].Brand.Name != "Acme" || events[0].Mention.ID != m.ID {
			t.Errorf("event brand %q mention %d", events[0].Brand.Name, events[0].Mention.ID)
		}
		if diff := cmp.Diff([]herald.ChannelRef{acmeSlack, acmeDiscord}, events[1].Routes); diff != "" {
			t.Errorf("routes of the second (-want +got):\n%s", diff)
		}
		st, err := e.store.Source(ctx, rss.Spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Cursor != "etag-1" || st.ItemsSeen != 3 || !st.LastSuccess.Equal(t0) {
			t.Errorf("source after the batch = %+v", st)
		}
		// The other brand's watch matched nothing here.
		gs, _ := e.store.RecentMentions(ctx, e.globex.ID, t0.Add(-time.Hour), 10)
		if len(gs) != 0 {
			t.Errorf("Globex (watch %d) got %d mentions from Acme's source", gw.ID, len(gs))
		}
	})
	t.Run("SamePollAgainCreatesNothing", func(t *testing.T) {
		e.clock.Advance(15 * time.Minute)
		res, err := e.svc.Ingest(ctx, rss.Spec.ID, batch)
		if err != nil {
			t.Fatal(err)
		}
		if res.New != 0 || res.SeenAgain != 2 {
			t.Errorf("result = %+v, want nothing new", res)
		}
		if got := e.notes.take(); len(got) != 0 {
			t.Errorf("events = %v, want none", eventKinds(got))
		}
	})
	t.Run("SameItemOtherSource", func(t *testing.T) {
		res := e.ingest(t, hn.Spec.ID,
			mentions.Item{ExternalID: "999", URL: "https://news.example/acme-opens?fbclid=zz#top", Title: "Acme opens a new store", Author: "pg"},
			mentions.Item{ExternalID: "999", URL: "https://news.example/acme-opens", Title: "dup in the same batch", Text: "acme"},
		)
		if res.New != 0 || res.SeenAgain != 2 {
			t.Fatalf("result = %+v", res)
		}
		events := e.notes.take()
		if got := eventKinds(events); !slices.Equal(got, []string{"seen_again"}) {
			t.Fatalf("events = %v, want one seen_again", got)
		}
		m := events[0].Mention
		if m.ID != first.Mentions[0].ID || !slices.Equal(m.Sources, []string{"rss:news.google.com", "hn"}) {
			t.Errorf("seen again: id %d sources %v", m.ID, m.Sources)
		}
	})
	t.Run("ErrUnknownSource", func(t *testing.T) {
		_, err := e.svc.Ingest(ctx, 9999, batch)
		wantCode(t, err, herald.ENOTFOUND)
	})
}

func TestPipelineSpam(t *testing.T) {
	e := newEnv(t, mentions.Options{Spam: mentions.SpamOptions{AuthorMax: 2, CopiesMax: 2}})
	ctx := t.Context()
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "reddit"})
	if _, err := e.svc.Mute(ctx, bob, e.acme, mentions.MuteAuthor, "@Troll"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Mute(ctx, bob, e.acme, mentions.MuteDomain, "https://www.spam.example/"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetLangs(ctx, bob, e.acme, []string{"fr, en"}); err != nil {
		t.Fatal(err)
	}
	hijack := "Win a free Acme phone now, click the link in bio #acme"
	res := e.ingest(t, src.Spec.ID,
		item("1", "https://e.com/1", "acme rocks", "troll"),
		item("2", "https://spam.example/2", "acme deals", "dealer"),
		mentions.Item{ExternalID: "3", Text: "acme ist toll", Author: "hans", Lang: "de"},
		mentions.Item{ExternalID: "4", Text: "acme c'est bien", Author: "jean", Lang: "fr"},
		item("5", "", "acme one", "flood"), item("6", "", "acme two", "flood"), item("7", "", "acme three", "flood"),
		item("8", "", hijack, "b1"), item("9", "", hijack, "b2"), item("10", "", hijack, "b3"),
	)
	want := map[string]int{"muted": 2, "lang": 1, "flood": 1, "copies": 1}
	if diff := cmp.Diff(want, res.Dropped); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
	if res.New != 5 {
		t.Errorf("new = %d, want 5 (jean, flood ×2, b1, b2)", res.New)
	}
	if _, err := e.svc.Unmute(ctx, bob, e.acme, mentions.MuteAuthor, "troll"); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Unmute(ctx, bob, e.acme, mentions.MuteAuthor, "troll")
	wantCode(t, err, herald.ENOTFOUND)
	_, err = e.svc.Mute(ctx, bob, e.acme, mentions.MuteDomain, "spam.example")
	wantCode(t, err, herald.ECONFLICT)
	_, err = e.svc.Mute(ctx, bob, e.acme, "hashtag", "x")
	wantCode(t, err, herald.EINVALID)
}

func TestWebhook(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx := t.Context()
	e.watch(t, "acme", acmeSlack)
	hook := e.source(t, mentions.Spec{Kind: "webhook"})
	t.Run("OK", func(t *testing.T) {
		n, err := e.svc.IngestWebhook(ctx, hook.Token, []mentions.Item{
			{Source: "forged", ExternalID: "b24-1", URL: "https://x.example/p/1", Text: "Acme is great", Author: "fan"},
			{ExternalID: "b24-2", URL: "javascript:alert(1)", Text: "acme again", Author: "fan2"},
		})
		if err != nil || n != 2 {
			t.Fatalf("IngestWebhook = %d, %v", n, err)
		}
		events := e.notes.take()
		if len(events) != 2 || events[1].Mention.URL != "" || events[0].Mention.Sources[0] != "webhook" {
			t.Errorf("events = %+v", events)
		}
	})
	t.Run("ErrUnknownToken", func(t *testing.T) {
		for _, tok := range []string{"", "nope", strings.Repeat("x", 500)} {
			_, err := e.svc.IngestWebhook(ctx, tok, []mentions.Item{{Text: "acme"}})
			wantCode(t, err, herald.ENOTFOUND)
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		_, err := e.svc.IngestWebhook(ctx, hook.Token, make([]mentions.Item, 101))
		wantCode(t, err, herald.EINVALID)
	})
	t.Run("OKStoredHashed", func(t *testing.T) {
		// The database keeps the token's digest: the digest itself opens
		// nothing, the secret does.
		srcs, err := e.svc.Sources(ctx, alice, e.acme)
		if err != nil || len(srcs) != 1 || srcs[0].Token != sha256Hex(hook.Token) || srcs[0].Token == hook.Token {
			t.Fatalf("stored sources = %+v, %v; want the token's SHA-256 only", srcs, err)
		}
		_, err = e.svc.IngestWebhook(ctx, srcs[0].Token, []mentions.Item{{Text: "acme", URL: "https://x.example/p/9"}})
		wantCode(t, err, herald.ENOTFOUND)
	})
}

func TestAct(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx := t.Context()
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "hn"})
	res := e.ingest(t, src.Spec.ID, item("1", "https://e.com/1", "acme one", "x"), item("2", "https://e.com/2", "acme two", "y"),
		item("3", "https://e.com/3", "acme three", "z"))
	id := res.Mentions[0].ID

	steps := []struct {
		who  herald.Actor
		a    mentions.Action
		code string
		want mentions.State
	}{
		{bob, mentions.ActClaim, "", mentions.StateClaimed},
		{carol, mentions.ActClaim, herald.ECONFLICT, mentions.StateClaimed},
		{carol, mentions.ActDone, "", mentions.StateHandled},
		{bob, mentions.ActDone, herald.ECONFLICT, mentions.StateHandled},
		{bob, mentions.ActIgnore, herald.ECONFLICT, mentions.StateHandled},
		{alice, mentions.ActReopen, "", mentions.StateNew},
		{alice, mentions.ActReopen, herald.ECONFLICT, mentions.StateNew},
		{alice, mentions.ActIgnore, "", mentions.StateIgnored},
	}
	for i, st := range steps {
		m, err := e.svc.Act(ctx, st.who, id, st.a)
		if herald.ErrorCode(err) != st.code {
			t.Fatalf("step %d: %s %s: %v, want code %q", i, st.who.Name, st.a, err, st.code)
		}
		got, _ := e.store.Mention(ctx, id)
		if got.State != st.want {
			t.Fatalf("step %d: state %s, want %s", i, got.State, st.want)
		}
		if err == nil && m.Version != got.Version {
			t.Errorf("step %d: returned version %d, stored %d", i, m.Version, got.Version)
		}
	}
	audit, err := e.svc.MentionAudit(ctx, vic, id)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, a := range audit {
		trail = append(trail, fmt.Sprintf("%s %s %s>%s", a.Actor.Name, a.Action, a.From, a.To))
	}
	want := []string{"Bob claim new>claimed", "Carol done claimed>handled", "Alice reopen handled>new", "Alice ignore new>ignored"}
	if diff := cmp.Diff(want, trail); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}

	t.Run("DoubleClickOnce", func(t *testing.T) {
		id := res.Mentions[1].ID
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.svc.Act(ctx, []herald.Actor{alice, bob}[i%2], id, mentions.ActClaim)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch herald.ErrorCode(err) {
			case "":
				ok++
			case herald.ECONFLICT:
			default:
				t.Errorf("unexpected error %v", err)
			}
		}
		audit, _ := e.store.MentionAudit(ctx, id)
		if ok != 1 || len(audit) != 1 {
			t.Errorf("%d claims succeeded, %d audit rows; want 1 and 1", ok, len(audit))
		}
	})
	t.Run("LinkDraft", func(t *testing.T) {
		id := res.Mentions[2].ID
		m, err := e.svc.LinkDraft(ctx, carol, id, 42)
		if err != nil {
			t.Fatal(err)
		}
		if m.DraftID != 42 || m.State != mentions.StateClaimed || !cmp.Equal(m.Claimer, carol) {
			t.Errorf("after LinkDraft: %+v", m)
		}
		_, err = e.svc.LinkDraft(ctx, bob, id, 43)
		wantCode(t, err, herald.ECONFLICT)
		_, err = e.svc.LinkDraft(ctx, bob, id, 42)
		wantCode(t, err, herald.ECONFLICT)
		_, err = e.svc.LinkDraft(ctx, bob, id, 0)
		wantCode(t, err, herald.EINVALID)
		_, err = e.svc.LinkDraft(ctx, dave, id, 44)
		wantCode(t, err, herald.EFORBIDDEN)
	})
	t.Run("Triage", func(t *testing.T) {
		before, _ := e.store.Mention(ctx, id)
		e.notes.take()
		m, err := e.svc.SetTriageResult(ctx, id, " negative\n", "high")
		if err != nil {
			t.Fatal(err)
		}
		if m.Sentiment != "negative" || m.Urgency != "high" || m.Version != before.Version {
			t.Errorf("after triage: %q %q v%d (was v%d)", m.Sentiment, m.Urgency, m.Version, before.Version)
		}
		if got := eventKinds(e.notes.take()); !slices.Equal(got, []string{"updated"}) {
			t.Errorf("events = %v, want one updated", got)
		}
		_, err = e.svc.SetTriageResult(ctx, 9999, "x", "y")
		wantCode(t, err, herald.ENOTFOUND)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := e.svc.Act(ctx, alice, 9999, mentions.ActClaim)
		wantCode(t, err, herald.ENOTFOUND)
	})
}

func TestTestWatchAndSummary(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx := t.Context()
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "hn"})
	e.ingest(t, src.Spec.ID,
		item("1", "https://e.com/1", "Acme widgets are back", "ann"),
		item("2", "https://e.com/2", "acme careers: we are hiring", "bot"),
		item("3", "https://e.com/3", "Crédit Acme lance un produit", "jean"),
	)
	// Counted at once, in the millisecond they were found.
	if sum, err := e.svc.Summary(ctx, vic, e.acme, t0); err != nil || sum.Total != 3 {
		t.Fatalf("summary right after ingest: %d mentions, %v; want 3", sum.Total, err)
	}
	e.clock.Advance(time.Hour)
	t.Run("OK", func(t *testing.T) {
		got, scanned, err := e.svc.TestWatch(ctx, vic, e.acme, "acme -hiring", 10)
		if err != nil {
			t.Fatal(err)
		}
		if scanned != 3 || len(got) != 2 {
			t.Errorf("scanned %d, matched %d; want 3 and 2", scanned, len(got))
		}
		got, _, err = e.svc.TestWatch(ctx, vic, e.acme, "credit", 10)
		if err != nil || len(got) != 1 || !slices.Contains(got[0].Terms, "credit") {
			t.Errorf("accent-insensitive test = %+v, %v", got, err)
		}
	})
	t.Run("ErrQuery", func(t *testing.T) {
		_, _, err := e.svc.TestWatch(ctx, vic, e.acme, `"acme`, 10)
		wantCode(t, err, herald.EINVALID)
	})
	t.Run("Summary", func(t *testing.T) {
		sum, err := e.svc.Summary(ctx, dave, e.acme, t0.Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Total != 3 || sum.Unhandled != 3 || len(sum.Newest) != 3 || sum.BySource[0] != (mentions.Count{Key: "hn", N: 3}) {
			t.Errorf("summary = %+v", sum)
		}
	})
	t.Run("Settings", func(t *testing.T) {
		st, err := e.svc.Settings(ctx, vic, e.acme)
		if err != nil || st.DigestAt != "09:00" || st.Triage || len(st.Langs) != 0 {
			t.Fatalf("default settings = %+v, %v", st, err)
		}
		if st, err = e.svc.SetDigestAt(ctx, bob, e.acme, "7:30"); err != nil || st.DigestAt != "07:30" {
			t.Errorf("SetDigestAt = %+v, %v", st, err)
		}
		if st, err = e.svc.SetDigestAt(ctx, bob, e.acme, "off"); err != nil || st.DigestAt != "" {
			t.Errorf("SetDigestAt(off) = %+v, %v", st, err)
		}
		_, err = e.svc.SetDigestAt(ctx, bob, e.acme, "25:00")
		wantCode(t, err, herald.EINVALID)
		_, err = e.svc.SetLangs(ctx, bob, e.acme, []string{"french"})
		wantCode(t, err, herald.EINVALID)
		if st, err = e.svc.SetTriage(ctx, bob, e.acme, true); err != nil || !st.Triage || st.DigestAt != "" {
			t.Errorf("SetTriage = %+v, %v", st, err)
		}
		_, err = e.svc.SetTriage(ctx, carol, e.acme, false)
		wantCode(t, err, herald.EFORBIDDEN)
	})
}
