package listencmd_test

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
	"github.com/heraldhq/herald/storage/sqlite"
)

// The people of the listening tests: testActor (ann) is Acme's admin;
// gus is Globex's admin and cli its client.
var (
	lEditor   = herald.Actor{Platform: "slack", UserID: "ed", Name: "ed"}
	lViewer   = herald.Actor{Platform: "slack", UserID: "vic", Name: "vic"}
	lApprover = herald.Actor{Platform: "slack", UserID: "apr", Name: "apr"}
	lGus      = herald.Actor{Platform: "slack", UserID: "gus", Name: "gus"}
	lClient   = herald.Actor{Platform: "slack", UserID: "cli", Name: "cli"}

	globexChannel = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C2"}
)

// listenEnv is the real command set over SQLite with the listening
// service, a clock the test moves, and a webhook source to feed mentions
// through the pipeline.
type listenEnv struct {
	t      *testing.T
	store  *sqlite.Store
	clock  *testclock.Clock
	drafts *approvals.Service
	brands *brands.Service
	svc    *mentions.Service
	router *commands.Router
	brand  herald.Brand

	checked   *[]string // URLs given to CheckURL
	hookID    int64
	hookToken string
}

var start = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func newListenEnv(t *testing.T) *listenEnv {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	e := &listenEnv{t: t, store: s, clock: testclock.New(start), checked: new([]string)}
	e.brands = brands.NewService(s, e.clock, "UTC")
	e.drafts = approvals.NewService(s, e.brands, e.clock)
	e.svc = mentions.NewService(s, e.brands, e.clock, mentions.Options{
		Channels: e.brands, Brands: e.brands,
		// The guard as wired, on IP literals; names are not resolved
		// offline.
		CheckURL: func(ctx context.Context, raw string) error {
			*e.checked = append(*e.checked, raw)
			if u, err := url.Parse(raw); err == nil {
				if _, err := netip.ParseAddr(u.Hostname()); err == nil {
					return web.CheckSourceURL(ctx, raw, false)
				}
			}
			return nil
		},
	})
	e.router = handlers.New(kit.Deps{Brands: e.brands, Approvals: e.drafts, Mentions: e.svc, Clock: e.clock, PublicURL: "https://herald.example/"})
	e.run(testActor, "brand add Acme")
	e.run(testActor, "role @ed editor")
	e.run(testActor, "role @vic viewer")
	e.run(testActor, "role @apr approver")
	e.runIn(lGus, globexChannel, "brand add Globex")
	e.runIn(lGus, globexChannel, "role @cli client")
	if e.brand, err = s.BrandByName(t.Context(), "Acme"); err != nil {
		t.Fatal(err)
	}
	return e
}

// in returns e reporting to t, for use in a subtest.
func (e *listenEnv) in(t *testing.T) *listenEnv {
	c := *e
	c.t = t
	return &c
}

func (e *listenEnv) dispatch(a herald.Actor, ch herald.ChannelRef, line string) commands.Response {
	return e.router.Dispatch(e.t.Context(), commands.Call{Actor: a, Channel: ch, Text: line})
}

// run runs line in Acme's channel and fails the test on an error.
func (e *listenEnv) run(a herald.Actor, line string) commands.Response {
	e.t.Helper()
	return e.runIn(a, testChannel, line)
}

func (e *listenEnv) runIn(a herald.Actor, ch herald.ChannelRef, line string) commands.Response {
	e.t.Helper()
	resp := e.dispatch(a, ch, line)
	if resp.ErrCode != "" {
		e.t.Fatalf("%s: %s (%s)", line, resp.Text, resp.ErrCode)
	}
	return resp
}

// refuse runs line in Acme's channel and checks it is refused with code
// and a message holding has.
func (e *listenEnv) refuse(a herald.Actor, line, code, has string) commands.Response {
	e.t.Helper()
	resp := e.dispatch(a, testChannel, line)
	if resp.ErrCode != code || !strings.Contains(resp.Text, has) || !resp.Ephemeral {
		e.t.Errorf("%s = %s %q; want an ephemeral %s containing %q", line, resp.ErrCode, resp.Text, code, has)
	}
	return resp
}

var sourceIDRE = regexp.MustCompile(`added source #(\d+)`)

// addWebhook adds a webhook source to Acme and keeps its id and token.
func (e *listenEnv) addWebhook() {
	e.t.Helper()
	resp := e.run(testActor, "source add webhook")
	m := sourceIDRE.FindStringSubmatch(resp.Text)
	_, token, ok := strings.Cut(resp.Text, "https://herald.example/hooks/mentions/")
	if m == nil || !ok {
		e.t.Fatalf("source add webhook answered %q", resp.Text)
	}
	e.hookID, _ = strconv.ParseInt(m[1], 10, 64)
	e.hookToken, _, _ = strings.Cut(token, "\n")
}

// item is a webhook item numbered n, by author, saying text.
func item(n int, author, text string) mentions.Item {
	return mentions.Item{URL: fmt.Sprintf("https://news.example/%d?utm_source=x", n), Text: text, Author: author, Published: start.Add(-time.Hour)}
}

// ingest runs items through the pipeline from the webhook source and
// returns the new mentions.
func (e *listenEnv) ingest(items ...mentions.Item) []mentions.Mention {
	e.t.Helper()
	res, err := e.svc.Ingest(e.t.Context(), e.hookID, mentions.Batch{Items: items})
	if err != nil {
		e.t.Fatal(err)
	}
	return res.Mentions
}

// mention reads a mention straight from the store.
func (e *listenEnv) mention(id int64) mentions.Mention {
	e.t.Helper()
	m, err := e.store.Mention(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func (e *listenEnv) auditLen(id int64) int {
	e.t.Helper()
	log, err := e.store.MentionAudit(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(log)
}

// withMentions sets up a watch, the webhook and three mentions of Acme.
func (e *listenEnv) withMentions() []mentions.Mention {
	e.t.Helper()
	e.run(testActor, "watch add acme")
	e.addWebhook()
	ms := e.ingest(
		item(1, "Jean Dupont", "J'adore le nouveau magasin Acme à Lyon."),
		item(2, "zoe", "Acme is hiring: job offer for a barista."),
		item(3, "zoe", "Acme Corp ships the new store app."),
	)
	if len(ms) != 3 {
		e.t.Fatalf("ingested %d mentions; want 3", len(ms))
	}
	return ms
}

func field(c commands.Card, label string) string {
	for _, f := range c.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

func labels(bs []commands.Button) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Label)
	}
	return out
}

func hasAll(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

func TestWatchCommands(t *testing.T) {
	e := newListenEnv(t)
	t.Run("OKEmptyList", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, "watch list")
		hasAll(t, "watch list", resp.Text, "Acme has no watches yet")
	})
	t.Run("OK", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, `watch add acme OR "acme corp" -job`)
		hasAll(t, "watch add", resp.Text, "ann added watch #1 for Acme: `acme OR \"acme corp\" -job`", "Its mentions come to slack channel C1.", "No source yet")
		if resp.Ephemeral {
			t.Errorf("watch add answered only its author")
		}
	})
	t.Run("OKChannel", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lEditor, "watch add acme lang:fr --channel <#C0VEILLE|veille>")
		hasAll(t, "watch add", resp.Text, "ed added watch #2", "slack channel C0VEILLE")
	})
	t.Run("ErrQueryColumn", func(t *testing.T) {
		e := e.in(t)
		e.refuse(testActor, `watch add acme (corp`, herald.EINVALID, "column")
		e.refuse(testActor, `watch add acme OR`, herald.EINVALID, "column")
		e.refuse(testActor, `watch add -job`, herald.EINVALID, "a word or a \"phrase\"")
	})
	t.Run("ErrChannel", func(t *testing.T) {
		e := e.in(t)
		e.refuse(testActor, "watch add acme --channel #veille", herald.EINVALID, "mention it with #")
	})
	t.Run("ErrViewer", func(t *testing.T) {
		e := e.in(t)
		e.refuse(lViewer, "watch add acme", herald.EFORBIDDEN, "As viewer you cannot change watches")
	})
	t.Run("OKList", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lViewer, "watch list")
		hasAll(t, "watch list", resp.Text, "Watches of Acme:", "#1  `acme OR \"acme corp\" -job` → slack channel C1 (by ann)", "#2  `acme lang:fr` → slack channel C0VEILLE (by ed)")
		if n := strings.Count(resp.Text, "\n"); n != 2 {
			t.Errorf("watch list has %d watches; want 2 (refused ones are not saved):\n%s", n, resp.Text)
		}
		if !resp.Ephemeral {
			t.Errorf("watch list is not ephemeral")
		}
	})
	t.Run("ErrRmOtherBrand", func(t *testing.T) {
		e := e.in(t)
		resp := e.dispatch(lClient, globexChannel, "watch rm 1")
		if resp.ErrCode != herald.ENOTFOUND || !strings.Contains(resp.Text, "There is no watch #1") {
			t.Errorf("a Globex client removing Acme's watch = %s %q; want %s", resp.ErrCode, resp.Text, herald.ENOTFOUND)
		}
		e.refuse(lViewer, "watch rm 1", herald.EFORBIDDEN, "As viewer")
	})
	t.Run("OKRm", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, "watch rm #1")
		hasAll(t, "watch rm", resp.Text, "ann removed watch #1 (`acme OR \"acme corp\" -job`).")
		list := e.run(testActor, "watch list").Text
		if strings.Contains(list, "#1 ") || !strings.Contains(list, "#2 ") {
			t.Errorf("after watch rm 1, watch list says:\n%s", list)
		}
		e.refuse(testActor, "watch rm 1", herald.ENOTFOUND, "There is no watch #1")
	})
}

func TestWatchTestCommand(t *testing.T) {
	e := newListenEnv(t)
	e.withMentions()
	t.Run("OK", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lViewer, "watch test acme -job")
		hasAll(t, "watch test", resp.Text, "`acme -job` matches 2 of the 3 recent mentions of Acme", "#3 · webhook · 2026-12-02 10:00:00 UTC · https://news.example/3", "#1 · webhook")
		if strings.Contains(resp.Text, "#2 ") {
			t.Errorf("watch test lists the excluded job offer:\n%s", resp.Text)
		}
		if strings.Contains(resp.Text, "utm_source") {
			t.Errorf("watch test shows tracking parameters:\n%s", resp.Text)
		}
		if strings.Index(resp.Text, "#3 ") > strings.Index(resp.Text, "#1 ") {
			t.Errorf("watch test is not newest first:\n%s", resp.Text)
		}
	})
	t.Run("OKAccents", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, `watch test "magasin acme" lang:fr`)
		hasAll(t, "watch test", resp.Text, "matches none of the 3") // the webhook items say no language
		resp = e.run(testActor, `watch test "magasin acme"`)
		hasAll(t, "watch test", resp.Text, "matches 1 of the 3", "#1 ·")
	})
	t.Run("OKNone", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, "watch test globex")
		hasAll(t, "watch test", resp.Text, "`globex` matches none of the 3 recent mentions of Acme.")
	})
	t.Run("OKNotSaved", func(t *testing.T) {
		e := e.in(t)
		if list := e.run(testActor, "watch list").Text; strings.Count(list, "\n") != 1 {
			t.Errorf("watch test saved a watch:\n%s", list)
		}
	})
	t.Run("ErrQuery", func(t *testing.T) {
		e := e.in(t)
		e.refuse(testActor, `watch test acme "corp`, herald.EINVALID, "quote")
		e.refuse(testActor, `watch test (acme`, herald.EINVALID, "column")
	})
	t.Run("ErrOtherBrand", func(t *testing.T) {
		e := e.in(t)
		e.refuse(lClient, "watch test acme --brand Acme", herald.ENOTFOUND, "There is no brand named \"Acme\" that you belong to")
	})
}

func TestSourceCommands(t *testing.T) {
	e := newListenEnv(t)
	ids := map[string]int64{}
	add := func(t *testing.T, line, spec string) commands.Response {
		t.Helper()
		resp := e.in(t).run(testActor, line)
		m := sourceIDRE.FindStringSubmatch(resp.Text)
		if m == nil || !strings.Contains(resp.Text, "to Acme: "+spec+".") {
			t.Fatalf("%s answered %q; want the source %q", line, resp.Text, spec)
		}
		ids[spec], _ = strconv.ParseInt(m[1], 10, 64)
		return resp
	}
	t.Run("OKRSS", func(t *testing.T) {
		e := e.in(t)
		resp := add(t, "source add rss https://93.184.215.14/alerts/feeds/1/2", "rss https://93.184.215.14/alerts/feeds/1/2")
		hasAll(t, "source add rss", resp.Text, "Herald polls it from now on")
		if !slices.Contains(*e.checked, "https://93.184.215.14/alerts/feeds/1/2") {
			t.Errorf("the feed URL was not vetted: %q", *e.checked)
		}
	})
	t.Run("OKPolled", func(t *testing.T) {
		add(t, "source add hn", "hn")
		add(t, "source add REDDIT", "reddit")
		add(t, "source add bluesky --brand Acme", "bluesky")
	})
	t.Run("OKMastodon", func(t *testing.T) {
		e := e.in(t)
		add(t, "source add mastodon Mastodon.Social/ #Acme_FR", "mastodon https://mastodon.social #Acme_FR")
		if !slices.Contains(*e.checked, "https://mastodon.social") {
			t.Errorf("the instance was not vetted: %q", *e.checked)
		}
	})
	t.Run("OKWebhook", func(t *testing.T) {
		e := e.in(t)
		resp := add(t, "source add webhook", "webhook")
		if !resp.Ephemeral {
			t.Errorf("the webhook's secret URL is shown to the whole channel")
		}
		_, rest, ok := strings.Cut(resp.Text, "https://herald.example/hooks/mentions/")
		token, _, _ := strings.Cut(rest, "\n")
		if !ok || len(token) < 30 {
			t.Fatalf("source add webhook answered %q; want the URL with its token", resp.Text)
		}
		e.run(testActor, "watch add acme")
		n, err := e.svc.IngestWebhook(t.Context(), token, []mentions.Item{item(1, "zoe", "Acme rocks")})
		if err != nil || n != 1 {
			t.Errorf("pushing to the URL shown = %d, %v; want 1 new mention", n, err)
		}
	})
	count := func() int { return strings.Count(e.run(testActor, "source list").Text, "\n") }
	before := len(ids)
	tests := []struct {
		name, line, code, has string
	}{
		{"ErrPrivate", "source add rss http://127.0.0.1:8080/feed", herald.EINVALID, "127.0.0.1"},
		{"ErrPrivateNetwork", "source add rss http://10.0.0.1/feed", herald.EINVALID, "10.0.0.1"},
		{"ErrMetadata", "source add rss http://169.254.169.254/latest/meta-data", herald.EINVALID, "169.254.169.254"},
		{"ErrPrivateInstance", "source add mastodon http://127.0.0.1 #acme", herald.EINVALID, "127.0.0.1"},
		{"ErrNotHTTP", "source add rss file:///etc/passwd", herald.EINVALID, "http"},
		{"ErrCredentials", "source add rss https://bob:pw@93.184.215.14/feed", herald.EINVALID, "without a user name"},
		{"ErrRSSNoURL", "source add rss", herald.EINVALID, "needs a URL"},
		{"ErrUnknownKind", "source add twitter", herald.EINVALID, `"twitter" is not one of rss, hn, reddit, mastodon, bluesky, webhook`},
		{"ErrMastodonNoTag", "source add mastodon mastodon.social", herald.EINVALID, "needs a #tag"},
		{"ErrMastodonNoInstance", "source add mastodon #acme", herald.EINVALID, "Name the instance before the tag: `source add mastodon mastodon.social #acme`."},
		{"ErrMastodonBadTag", "source add mastodon mastodon.social #a-b", herald.EINVALID, "letters, digits and '_' only"},
		{"ErrHNWithURL", "source add hn https://93.184.215.14/", herald.EINVALID, "takes no URL"},
		{"ErrDuplicate", "source add hn", herald.ECONFLICT, "has the source hn already"},
		{"ErrViewer", "source add bluesky", herald.EFORBIDDEN, "As viewer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			a := testActor
			if tt.name == "ErrViewer" {
				a = lViewer
			}
			n := count()
			e.refuse(a, tt.line, tt.code, tt.has)
			if got := count(); got != n {
				t.Errorf("a refused source add changed the list: %d sources, then %d", n, got)
			}
		})
	}
	if len(ids) != before {
		t.Errorf("refused sources were recorded")
	}
	t.Run("OKListHealth", func(t *testing.T) {
		e := e.in(t)
		hn := ids["hn"]
		st, err := e.store.Source(t.Context(), hn)
		if err != nil {
			t.Fatal(err)
		}
		st.LastSuccess = start.Add(-2 * time.Hour)
		st.LastError, st.LastErrorMsg = start.Add(-time.Hour), "HTTP 503:\n  Service\tUnavailable"
		st.NextPoll = start.Add(5 * time.Minute)
		if err := e.store.SetSourceHealth(t.Context(), st); err != nil {
			t.Fatal(err)
		}
		resp := e.run(lViewer, "source list")
		if !resp.Ephemeral {
			t.Errorf("source list is not ephemeral")
		}
		hasAll(t, "source list", resp.Text,
			"Sources of Acme:",
			fmt.Sprintf("#%d  rss https://93.184.215.14/alerts/feeds/1/2 · 0 items seen · never polled yet", ids["rss https://93.184.215.14/alerts/feeds/1/2"]),
			fmt.Sprintf("#%d  hn · 0 items seen · last success 2026-12-02 08:00:00 UTC · last error 2026-12-02 09:00:00 UTC: HTTP 503: Service Unavailable · next try 2026-12-02 10:05:00 UTC", hn),
			fmt.Sprintf("#%d  webhook · 1 item seen · last success 2026-12-02 10:00:00 UTC", ids["webhook"]),
			fmt.Sprintf("#%d  mastodon https://mastodon.social #Acme_FR", ids["mastodon https://mastodon.social #Acme_FR"]),
		)
		if strings.Contains(resp.Text, "/hooks/mentions/") {
			t.Errorf("source list shows the webhook's secret:\n%s", resp.Text)
		}
	})
	t.Run("OKRm", func(t *testing.T) {
		e := e.in(t)
		e.refuse(lViewer, fmt.Sprintf("source rm %d", ids["reddit"]), herald.EFORBIDDEN, "As viewer")
		resp := e.dispatch(lClient, globexChannel, fmt.Sprintf("source rm %d", ids["reddit"]))
		if resp.ErrCode != herald.ENOTFOUND {
			t.Errorf("a Globex client removing Acme's source = %s %q; want %s", resp.ErrCode, resp.Text, herald.ENOTFOUND)
		}
		resp = e.run(lEditor, fmt.Sprintf("source rm %d", ids["reddit"]))
		hasAll(t, "source rm", resp.Text, fmt.Sprintf("ed removed source #%d (reddit).", ids["reddit"]))
		if list := e.run(testActor, "source list").Text; strings.Contains(list, "reddit") {
			t.Errorf("source list after rm:\n%s", list)
		}
		e.refuse(testActor, fmt.Sprintf("source rm %d", ids["reddit"]), herald.ENOTFOUND, "There is no source")
	})
	t.Run("OKEmpty", func(t *testing.T) {
		e := e.in(t)
		resp := e.runIn(lGus, globexChannel, "source list")
		hasAll(t, "source list", resp.Text, "Globex has no sources yet")
	})
	t.Run("OKWebhookNoPublicURL", func(t *testing.T) {
		r := handlers.New(kit.Deps{Brands: e.brands, Approvals: e.drafts, Mentions: e.svc, Clock: e.clock})
		resp := r.Dispatch(t.Context(), commands.Call{Actor: lGus, Channel: globexChannel, Text: "source add webhook"})
		if resp.ErrCode != "" || !strings.Contains(resp.Text, "\n  /hooks/mentions/") || !strings.Contains(resp.Text, "Set HERALD_PUBLIC_URL") {
			t.Errorf("source add webhook without a public URL = %q", resp.Text)
		}
	})
}

func TestMentionsSummaryCommand(t *testing.T) {
	e := newListenEnv(t)
	t.Run("OKNone", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, "mentions")
		if len(resp.Cards) != 1 || resp.Cards[0].Text != "No mentions in this period." || field(resp.Cards[0], "Mentions") != "0" {
			t.Errorf("mentions with none = %+v", resp)
		}
	})
	ms := e.withMentions()
	e.run(lEditor, fmt.Sprintf("mention done %d", ms[0].ID))
	t.Run("OKToday", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lViewer, "mentions today")
		if len(resp.Cards) != 1 || !resp.Ephemeral {
			t.Fatalf("mentions today = %+v; want one ephemeral card", resp)
		}
		c := resp.Cards[0]
		if c.Title != "Mentions of Acme, today" {
			t.Errorf("title = %q", c.Title)
		}
		for label, want := range map[string]string{
			"Mentions": "3", "Unhandled": "2", "Sources": "webhook (3)", "Top authors": "zoe (2), Jean Dupont (1)",
		} {
			if got := field(c, label); got != want {
				t.Errorf("%s = %q; want %q", label, got, want)
			}
		}
		hasAll(t, "waiting list", field(c, "Waiting for someone"), fmt.Sprintf("#%d · webhook · https://news.example/2", ms[1].ID), fmt.Sprintf("#%d · webhook", ms[2].ID))
		if strings.Contains(field(c, "Waiting for someone"), "utm_source") {
			t.Errorf("the waiting list shows tracking parameters: %q", field(c, "Waiting for someone"))
		}
		if strings.Contains(field(c, "Waiting for someone"), fmt.Sprintf("#%d ·", ms[0].ID)) {
			t.Errorf("a handled mention is listed as waiting")
		}
	})
	t.Run("OKWeek", func(t *testing.T) {
		e := e.in(t)
		e.clock.Advance(48 * time.Hour)
		if got := field(e.run(testActor, "mentions").Cards[0], "Mentions"); got != "0" {
			t.Errorf("today, two days later: %s mentions; want 0", got)
		}
		c := e.run(testActor, "mentions week").Cards[0]
		if c.Title != "Mentions of Acme, the last 7 days" || field(c, "Mentions") != "3" {
			t.Errorf("mentions week = %q with %s mentions", c.Title, field(c, "Mentions"))
		}
		e.clock.Advance(6 * 24 * time.Hour)
		if got := field(e.run(testActor, "mentions week").Cards[0], "Mentions"); got != "0" {
			t.Errorf("a week later: %s mentions; want 0", got)
		}
	})
	t.Run("ErrOtherBrand", func(t *testing.T) {
		e := e.in(t)
		e.refuse(lClient, "mentions --brand Acme", herald.ENOTFOUND, "There is no brand named \"Acme\" that you belong to")
		e.refuse(testActor, "mentions month", herald.EINVALID, "today, week")
	})
}

func TestMentionActions(t *testing.T) {
	e := newListenEnv(t)
	ms := e.withMentions()
	id := ms[0].ID
	line := func(act string) string { return fmt.Sprintf("mention %s %d", act, id) }
	t.Run("OKShow", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lViewer, fmt.Sprintf("mention show %d", id))
		if len(resp.Cards) != 1 {
			t.Fatalf("mention show = %+v", resp)
		}
		c := resp.Cards[0]
		if c.Key != kit.MentionKey(id) || c.Title != fmt.Sprintf("Mention #%d · Acme · webhook", id) || c.Tone != "warning" {
			t.Errorf("card = %q %q %q", c.Key, c.Title, c.Tone)
		}
		for label, want := range map[string]string{"State": "new", "Author": "Jean Dupont", "Published": "2026-12-02 09:00:00 UTC", "Link": "https://news.example/1"} {
			if got := field(c, label); got != want {
				t.Errorf("%s = %q; want %q", label, got, want)
			}
		}
		if c.Excerpt == nil || c.Excerpt.Text != "J'adore le nouveau magasin Acme à Lyon." {
			t.Fatalf("excerpt = %+v", c.Excerpt)
		}
		var marked []string
		for _, s := range c.Excerpt.Segments() {
			if s.Marked {
				marked = append(marked, s.Text)
			}
		}
		if !slices.Equal(marked, []string{"Acme"}) {
			t.Errorf("marked %q; want Acme", marked)
		}
		if want := []string{"Claim", "Done", "Ignore", "Draft reply", "Mute author"}; !slices.Equal(labels(c.Buttons), want) {
			t.Errorf("buttons %q; want %q", labels(c.Buttons), want)
		}
	})
	t.Run("OKClaim", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, line("claim"))
		if resp.Text != fmt.Sprintf("ann claimed mention #%d.", id) || len(resp.Cards) != 1 {
			t.Fatalf("claim = %+v", resp)
		}
		c := resp.Cards[0]
		if field(c, "State") != "claimed by ann" || c.Key != kit.MentionKey(id) {
			t.Errorf("card after claim: state %q key %q", field(c, "State"), c.Key)
		}
		if want := []string{"Done", "Ignore", "Reopen", "Draft reply", "Mute author"}; !slices.Equal(labels(c.Buttons), want) {
			t.Errorf("buttons %q; want %q", labels(c.Buttons), want)
		}
	})
	t.Run("ErrDoubleClaim", func(t *testing.T) {
		e := e.in(t)
		before, n := e.mention(id), e.auditLen(id)
		e.refuse(lEditor, line("claim"), herald.ECONFLICT, "claimed by ann already")
		e.refuse(testActor, line("claim"), herald.ECONFLICT, "claimed by ann already")
		after := e.mention(id)
		if after.State != before.State || !cmp.Equal(after.Claimer, before.Claimer) || after.Version != before.Version || e.auditLen(id) != n {
			t.Errorf("a refused claim changed the mention: %+v → %+v", before, after)
		}
	})
	t.Run("ErrViewer", func(t *testing.T) {
		e := e.in(t)
		before := e.mention(id)
		e.refuse(lViewer, line("done"), herald.EFORBIDDEN, "As viewer you cannot act on mentions")
		if after := e.mention(id); after.Version != before.Version {
			t.Errorf("a viewer moved the mention")
		}
	})
	t.Run("ErrOtherBrandClient", func(t *testing.T) {
		e := e.in(t)
		for _, l := range []string{fmt.Sprintf("mention show %d", id), line("done"), fmt.Sprintf("mention reply %d hi", id), fmt.Sprintf("mention mute %d", id)} {
			resp := e.dispatch(lClient, globexChannel, l)
			if resp.ErrCode != herald.ENOTFOUND || resp.Text != fmt.Sprintf("There is no mention #%d.", id) {
				t.Errorf("%s by Globex's client = %s %q; want %s", l, resp.ErrCode, resp.Text, herald.ENOTFOUND)
			}
		}
		e.refuse(testActor, "mention show 99", herald.ENOTFOUND, "There is no mention #99.")
	})
	t.Run("OKDone", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lApprover, line("done"))
		c := resp.Cards[0]
		if resp.Text != fmt.Sprintf("apr handled mention #%d.", id) || field(c, "State") != "handled" || c.Tone != "good" {
			t.Errorf("done = %q, state %q, tone %q", resp.Text, field(c, "State"), c.Tone)
		}
		if want := []string{"Reopen"}; !slices.Equal(labels(c.Buttons), want) {
			t.Errorf("buttons %q; want %q", labels(c.Buttons), want)
		}
		e.refuse(testActor, line("done"), herald.ECONFLICT, "handled already")
		e.refuse(testActor, line("claim"), herald.ECONFLICT, "handled already")
	})
	t.Run("OKReopenIgnore", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lEditor, line("reopen"))
		if field(resp.Cards[0], "State") != "new" {
			t.Errorf("state after reopen = %q", field(resp.Cards[0], "State"))
		}
		e.refuse(lEditor, line("reopen"), herald.ECONFLICT, "open already")
		resp = e.run(lEditor, line("ignore"))
		if field(resp.Cards[0], "State") != "ignored" || resp.Text != fmt.Sprintf("ed ignored mention #%d.", id) {
			t.Errorf("ignore = %q, state %q", resp.Text, field(resp.Cards[0], "State"))
		}
	})
	t.Run("OKHistory", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, fmt.Sprintf("mention show %d", id))
		hasAll(t, "history", resp.Text, fmt.Sprintf("History of mention #%d:", id),
			"2026-12-02 10:00:00 UTC · ann claimed", "apr marked done", "ed reopened", "ed ignored")
	})
}

func TestMuteCommands(t *testing.T) {
	e := newListenEnv(t)
	e.run(testActor, "watch add acme")
	e.addWebhook()
	t.Run("OKNone", func(t *testing.T) {
		e := e.in(t)
		hasAll(t, "mutes", e.run(lViewer, "mutes").Text, "Nothing is muted on Acme.")
	})
	t.Run("OKMute", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lEditor, "mute author @SpamBot42")
		hasAll(t, "mute", resp.Text, "ed muted author spambot42 on Acme")
		resp = e.run(testActor, "mute domain https://www.Spam.example/offers")
		hasAll(t, "mute", resp.Text, "ann muted domain spam.example on Acme")
		if got := e.ingest(item(1, "spambot42", "Acme deals"), mentions.Item{URL: "https://spam.example/a", Text: "Acme deals", Author: "x"}, item(3, "zoe", "Acme rocks")); len(got) != 1 || got[0].Author != "zoe" {
			t.Errorf("with the mutes, new mentions = %+v; want zoe's only", got)
		}
		list := e.run(lViewer, "mutes").Text
		hasAll(t, "mutes", list, "Muted on Acme:", "author spambot42 (by ed, 2026-12-02 10:00:00 UTC)", "domain spam.example (by ann,")
	})
	t.Run("ErrMute", func(t *testing.T) {
		e := e.in(t)
		e.refuse(lEditor, "mute author spambot42", herald.ECONFLICT, "muted already")
		e.refuse(lEditor, "mute domain localhost", herald.EINVALID, "not a usable domain")
		e.refuse(lEditor, "mute user zoe", herald.EINVALID, "author, domain")
		e.refuse(lViewer, "mute author zoe", herald.EFORBIDDEN, "As viewer")
		e.refuse(lApprover, "mute author zoe", herald.EFORBIDDEN, "As approver")
		if strings.Contains(e.run(testActor, "mutes").Text, "zoe") {
			t.Errorf("a refused mute was saved")
		}
	})
	t.Run("OKUnmute", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(testActor, "unmute author SpamBot42")
		hasAll(t, "unmute", resp.Text, "ann unmuted author spambot42 on Acme.")
		e.refuse(testActor, "unmute author spambot42", herald.ENOTFOUND, "is not muted")
		if got := e.ingest(item(4, "spambot42", "Acme deals again")); len(got) != 1 {
			t.Errorf("after unmute, %d new mentions; want 1", len(got))
		}
		if list := e.run(testActor, "mutes").Text; strings.Contains(list, "spambot42") || !strings.Contains(list, "spam.example") {
			t.Errorf("mutes after unmute:\n%s", list)
		}
	})
}

func TestMentionMuteCommand(t *testing.T) {
	e := newListenEnv(t)
	e.run(testActor, "watch add acme")
	e.addWebhook()
	ms := e.ingest(item(1, "Jean Dupont", "Acme is great"), item(2, "Jean Dupont", "Acme again"), mentions.Item{URL: "https://news.example/3", Text: "Acme, anonymous"})
	if len(ms) != 3 {
		t.Fatalf("ingested %d; want 3", len(ms))
	}
	t.Run("OK", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lEditor, fmt.Sprintf("mention mute %d", ms[0].ID))
		hasAll(t, "mention mute", resp.Text, "ed muted jean dupont on Acme")
		if len(resp.Cards) != 1 || field(resp.Cards[0], "State") != "ignored" {
			t.Fatalf("mention mute = %+v; want the card, ignored", resp)
		}
		if m := e.mention(ms[0].ID); m.State != mentions.StateIgnored {
			t.Errorf("mention state = %s; want ignored", m.State)
		}
		hasAll(t, "mutes", e.run(testActor, "mutes").Text, "author jean dupont")
		// The way back it names must work as typed.
		i := strings.Index(resp.Text, "`unmute")
		if i < 0 {
			t.Fatalf("mention mute does not say how to unmute: %q", resp.Text)
		}
		unmute, _, _ := strings.Cut(resp.Text[i+1:], "`")
		if _, _, err := e.router.Parse(testActor, unmute); err != nil {
			t.Errorf("the unmute command shown, %q, does not parse: %v", unmute, err)
		}
	})
	t.Run("OKAuthorMutedAlready", func(t *testing.T) {
		e := e.in(t)
		// A second mention of the same author, from before the mute.
		resp := e.run(lEditor, fmt.Sprintf("mention mute %d", ms[1].ID))
		if len(resp.Cards) != 1 || field(resp.Cards[0], "State") != "ignored" {
			t.Errorf("mention mute of an author muted already = %+v; want the mention ignored", resp)
		}
		if m := e.mention(ms[1].ID); m.State != mentions.StateIgnored {
			t.Errorf("mention state = %s; want ignored", m.State)
		}
	})
	t.Run("OKIgnoredAlready", func(t *testing.T) {
		e := e.in(t)
		e.run(testActor, "unmute author \"jean dupont\"")
		resp := e.run(lEditor, fmt.Sprintf("mention mute %d", ms[0].ID))
		if field(resp.Cards[0], "State") != "ignored" {
			t.Errorf("state = %q", field(resp.Cards[0], "State"))
		}
	})
	t.Run("ErrNoAuthor", func(t *testing.T) {
		e := e.in(t)
		e.refuse(lEditor, fmt.Sprintf("mention mute %d", ms[2].ID), herald.EINVALID, "has no author")
	})
	t.Run("ErrRole", func(t *testing.T) {
		e := e.in(t)
		before := e.mention(ms[2].ID)
		e.refuse(lViewer, fmt.Sprintf("mention mute %d", ms[0].ID), herald.EFORBIDDEN, "As viewer")
		if after := e.mention(ms[2].ID); after.Version != before.Version {
			t.Errorf("a refused mute moved the mention")
		}
	})
}

func TestListenCommand(t *testing.T) {
	e := newListenEnv(t)
	tests := []listenCase{
		{"OKShow", lViewer, "listen", "Acme keeps mentions in all languages, gets a daily digest at 09:00 (UTC), LLM triage off."},
		{"OKLangs", lEditor, "listen langs FR,en", "ed changed the listening settings. Acme keeps mentions in fr, en, gets a daily digest at 09:00 (UTC), LLM triage off."},
		{"OKDigest", testActor, "listen digest 8:30", "gets a daily digest at 08:30 (UTC)"},
		{"OKTriage", testActor, "listen triage ON", "Acme keeps mentions in fr, en, gets a daily digest at 08:30 (UTC), LLM triage on."},
		{"OKDigestOff", testActor, "listen digest off", "gets no daily digest"},
		{"OKLangsOff", testActor, "listen langs off", "keeps mentions in all languages"},
		{"OKLangsAgain", testActor, "listen langs de", "keeps mentions in de,"},
		{"OKLangsAll", testActor, "listen langs all", "keeps mentions in all languages"},
		{"OKShowAfter", lViewer, "listen", "Acme keeps mentions in all languages, gets no daily digest, LLM triage on."},
	}
	refusals := []listenRefusal{
		{"ErrDigestTime", testActor, "listen digest 25:00", herald.EINVALID, "HH:MM"},
		{"ErrDigestNoValue", testActor, "listen digest", herald.EINVALID, "listen digest"},
		{"ErrLangsNoValue", testActor, "listen langs", herald.EINVALID, "listen langs"},
		{"ErrLang", testActor, "listen langs fr,english", herald.EINVALID, `"english" is not a language code`},
		{"ErrTriage", testActor, "listen triage maybe", herald.EINVALID, "listen triage on"},
		{"ErrSetting", testActor, "listen volume 3", herald.EINVALID, "langs, digest, triage"},
		{"ErrViewer", lViewer, "listen triage off", herald.EFORBIDDEN, "As viewer"},
		{"ErrApprover", lApprover, "listen langs fr", herald.EFORBIDDEN, "As approver"},
	}
	e.runListenCases(t, tests, refusals, "Acme keeps mentions in all languages, gets no daily digest, LLM triage on.")
	t.Run("ErrOtherBrand", func(t *testing.T) {
		e := e.in(t)
		e.refuse(lClient, "listen --brand Acme", herald.ENOTFOUND, "There is no brand named \"Acme\" that you belong to")
	})
}

func TestMentionReplyCommand(t *testing.T) {
	e := newListenEnv(t)
	ms := e.withMentions()
	id := ms[0].ID
	drafts := func() []approvals.Draft {
		ds, err := e.store.Drafts(t.Context(), approvals.DraftFilter{BrandIDs: []int64{e.brand.ID}})
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	t.Run("OK", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lEditor, fmt.Sprintf(`mention reply %d "Merci Jean, à bientôt à Lyon !"`, id))
		ds := drafts()
		if len(ds) != 1 {
			t.Fatalf("%d drafts; want 1", len(ds))
		}
		d := ds[0]
		if d.Text != "Merci Jean, à bientôt à Lyon !" || !cmp.Equal(d.Author, lEditor) || d.State != approvals.StateDraft {
			t.Errorf("draft = %+v", d)
		}
		hasAll(t, "mention reply", resp.Text, fmt.Sprintf("Reply draft #%d created for mention #%d.", d.ID, id), fmt.Sprintf("`submit %d`", d.ID))
		if len(resp.Cards) != 2 {
			t.Fatalf("mention reply has %d cards; want the mention's and the draft's", len(resp.Cards))
		}
		mc, dc := resp.Cards[0], resp.Cards[1]
		if mc.Key != kit.MentionKey(id) || dc.Key != kit.DraftKey(d.ID) {
			t.Errorf("card keys %q, %q", mc.Key, dc.Key)
		}
		hasAll(t, "mention card context", strings.Join(mc.Context, "\n"), fmt.Sprintf("Reply: draft #%d (`show %d`)", d.ID, d.ID))
		if field(mc, "State") != "claimed by ed" {
			t.Errorf("mention state = %q; want claimed by ed (a reply claims)", field(mc, "State"))
		}
		bl := labels(mc.Buttons)
		if !slices.Contains(bl, "Reply draft") || slices.Contains(bl, "Draft reply") {
			t.Errorf("mention buttons %q: want Reply draft and no Draft reply", bl)
		}
		if m := e.mention(id); m.DraftID != d.ID {
			t.Errorf("stored mention links draft %d; want %d", m.DraftID, d.ID)
		}
		// The mention's card shows the link wherever it is shown.
		show := e.run(lViewer, fmt.Sprintf("mention show %d", id))
		hasAll(t, "mention show", strings.Join(show.Cards[0].Context, "\n"), fmt.Sprintf("Reply: draft #%d", d.ID))
		hasAll(t, "mention history", show.Text, "ed linked to a reply draft (draft #"+strconv.FormatInt(d.ID, 10)+")")
	})
	t.Run("OKSecondReplyShowsDraft", func(t *testing.T) {
		e := e.in(t)
		d := drafts()[0]
		resp := e.run(testActor, fmt.Sprintf("mention reply %d another text", id))
		hasAll(t, "second reply", resp.Text, fmt.Sprintf("Mention #%d has reply draft #%d already.", id, d.ID))
		if len(resp.Cards) != 1 || resp.Cards[0].Key != kit.DraftKey(d.ID) {
			t.Errorf("second reply cards = %+v; want the existing draft's", resp.Cards)
		}
		if n := len(drafts()); n != 1 {
			t.Errorf("%d drafts after a second reply; want 1", n)
		}
	})
	t.Run("OKForm", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(lEditor, fmt.Sprintf("mention reply %d", ms[1].ID))
		f := resp.Form
		if f == nil || !resp.Ephemeral || f.Command != fmt.Sprintf("mention reply %d", ms[1].ID) || len(f.Fields) != 1 || f.Fields[0].Name != "text" || !f.Fields[0].Multiline {
			t.Fatalf("mention reply without text = %+v; want a form asking for the text", resp)
		}
		if n := len(drafts()); n != 1 {
			t.Errorf("the form created a draft")
		}
		// Submitting the form runs the command with the text.
		resp = e.run(lEditor, commands.FormLine(f.Command, f.Fields, map[string]string{"text": "Thanks, \"Zoe\"!\nSee you."}))
		if len(resp.Cards) != 2 || drafts()[0].Text != "Thanks, \"Zoe\"!\nSee you." {
			t.Errorf("the submitted form = %+v", resp)
		}
	})
	t.Run("ErrRoles", func(t *testing.T) {
		e := e.in(t)
		n := len(drafts())
		e.refuse(lViewer, fmt.Sprintf("mention reply %d hello", ms[2].ID), herald.EFORBIDDEN, "")
		e.refuse(lApprover, fmt.Sprintf("mention reply %d hello", ms[2].ID), herald.EFORBIDDEN, "")
		// Without text: refused at once, not a form whose answer would be.
		if resp := e.refuse(lViewer, fmt.Sprintf("mention reply %d", ms[2].ID), herald.EFORBIDDEN, "Only editor or admin can write reply drafts"); resp.Form != nil {
			t.Errorf("a viewer got the reply form %+v", resp.Form)
		}
		if got := len(drafts()); got != n {
			t.Errorf("refused replies created %d drafts", got-n)
		}
		if m := e.mention(ms[2].ID); m.DraftID != 0 || m.State != mentions.StateNew {
			t.Errorf("refused replies changed the mention: %+v", m)
		}
	})
}

// shown is one call to the notifier's show or announce.
type shown struct {
	card  commands.Card
	where herald.ChannelRef // zero for announce
}

func TestMentionNotifier(t *testing.T) {
	e := newListenEnv(t)
	ms := e.withMentions()
	var got []shown
	show := func(_ context.Context, c commands.Card, where herald.ChannelRef) { got = append(got, shown{c, where}) }
	announce := func(_ context.Context, c commands.Card, note commands.Response) {
		if note.Text != "" || len(note.Cards) > 0 {
			t.Errorf("announce with a note %+v; want a bare card update", note)
		}
		got = append(got, shown{card: c})
	}
	n := kit.NewMentionNotifier(show, announce)
	routes := []herald.ChannelRef{testChannel, {Platform: "discord", Workspace: "G1", Channel: "123456789012345678"}}
	m := ms[0]
	notify := func(t *testing.T, ev mentions.Event) []shown {
		t.Helper()
		got = nil
		if err := n.Notify(t.Context(), ev); err != nil {
			t.Fatalf("Notify(%s): %v", ev.Kind, err)
		}
		return got
	}
	t.Run("OKMention", func(t *testing.T) {
		e := e.in(t)
		calls := notify(t, mentions.Event{Kind: mentions.EventMention, Brand: e.brand, Mention: &m, Routes: routes})
		if len(calls) != 2 {
			t.Fatalf("show called %d times; want once per route", len(calls))
		}
		for i, c := range calls {
			if c.where != routes[i] {
				t.Errorf("card %d shown in %+v; want %+v", i, c.where, routes[i])
			}
			if c.card.Key != kit.MentionKey(m.ID) || c.card.Title != fmt.Sprintf("Mention #%d · Acme · webhook", m.ID) || c.card.Excerpt == nil {
				t.Errorf("card %d = %+v", i, c.card)
			}
			if want := []string{"Claim", "Done", "Ignore", "Draft reply", "Mute author"}; !slices.Equal(labels(c.card.Buttons), want) {
				t.Errorf("buttons %q; want %q", labels(c.card.Buttons), want)
			}
		}
	})
	for _, kind := range []string{mentions.EventSeenAgain, mentions.EventUpdated} {
		t.Run("OK"+kind, func(t *testing.T) {
			e := e.in(t)
			m2 := m
			m2.Sources = []string{"webhook", "hn"}
			m2.Sentiment, m2.Urgency = "positive", "low"
			calls := notify(t, mentions.Event{Kind: kind, Brand: e.brand, Mention: &m2, Routes: routes})
			if len(calls) != 1 || calls[0].where != (herald.ChannelRef{}) {
				t.Fatalf("calls = %+v; want one announce (update every copy)", calls)
			}
			c := calls[0].card
			if c.Key != kit.MentionKey(m.ID) || !strings.HasSuffix(c.Title, "webhook, hn") || field(c, "Triage") != "positive · low urgency" {
				t.Errorf("updated card = %+v", c)
			}
		})
	}
	surge := mentions.Surge{BrandID: e.brand.ID, Start: start, Window: 10 * time.Minute, Count: 42, Baseline: 2.5, Threshold: 10, Sample: ms[:2]}
	t.Run("OKSurge", func(t *testing.T) {
		e := e.in(t)
		calls := notify(t, mentions.Event{Kind: mentions.EventSurge, Brand: e.brand, Surge: &surge, Routes: routes})
		if len(calls) != 2 || calls[0].where != routes[0] || calls[1].where != routes[1] {
			t.Fatalf("calls = %+v; want the alert in each route", calls)
		}
		c := calls[0].card
		if c.Key != kit.SurgeKey(surge) || c.Tone != "danger" || c.Title != "Surge of mentions · Acme" {
			t.Errorf("surge card = %q %q %q", c.Key, c.Tone, c.Title)
		}
		hasAll(t, "surge text", c.Text, "42 mentions in 10 minutes from 2026-12-02 10:00:00 UTC, against about 2.5 usually (alert at 10).")
		if len(c.Fields) != 2 || c.Excerpt == nil {
			t.Errorf("surge card shows %d samples and excerpt %v; want 2 and the first's", len(c.Fields), c.Excerpt)
		}
		if len(c.Buttons) != 1 {
			t.Fatalf("surge buttons = %+v", c.Buttons)
		}
		resp := e.run(lViewer, c.Buttons[0].Command)
		if len(resp.Cards) != 1 || resp.Cards[0].Title != "Mentions of Acme, today" {
			t.Errorf("the surge button %q answered %+v", c.Buttons[0].Command, resp)
		}
	})
	t.Run("OKSurgeOver", func(t *testing.T) {
		e := e.in(t)
		over := surge
		over.Over, over.Count, over.Sample = true, 1, nil
		calls := notify(t, mentions.Event{Kind: mentions.EventSurgeOver, Brand: e.brand, Surge: &over, Routes: routes})
		if len(calls) != 1 || calls[0].where != (herald.ChannelRef{}) {
			t.Fatalf("calls = %+v; want one announce updating the alert", calls)
		}
		c := calls[0].card
		if c.Key != kit.SurgeKey(surge) || c.Tone != "good" || c.Title != "Surge over · Acme" {
			t.Errorf("surge over card = %q %q %q; want the alert's key", c.Key, c.Tone, c.Title)
		}
		hasAll(t, "surge over text", c.Text, "The surge that began 2026-12-02 10:00:00 UTC is over: 1 mentions in the last 10 minutes.")
	})
	t.Run("OKDigest", func(t *testing.T) {
		e := e.in(t)
		sum, err := e.svc.Summary(t.Context(), testActor, e.brand, start.Add(-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		calls := notify(t, mentions.Event{Kind: mentions.EventDigest, Brand: e.brand, Digest: &sum, Routes: routes})
		if len(calls) != 2 || calls[0].where != routes[0] || calls[1].where != routes[1] {
			t.Fatalf("calls = %+v; want the digest in each route", calls)
		}
		c := calls[0].card
		if c.Title != "Daily digest · Acme" || field(c, "Mentions") != "3" || c.Key != fmt.Sprintf("digest:%d:2026-12-02", e.brand.ID) {
			t.Errorf("digest card = %q %q, %s mentions", c.Key, c.Title, field(c, "Mentions"))
		}
	})
	t.Run("OKNothingToShow", func(t *testing.T) {
		e := e.in(t)
		for _, ev := range []mentions.Event{
			{Kind: mentions.EventMention, Brand: e.brand, Routes: routes},
			{Kind: mentions.EventSurge, Brand: e.brand, Routes: routes},
			{Kind: mentions.EventDigest, Brand: e.brand, Routes: routes},
			{Kind: mentions.EventMention, Brand: e.brand, Mention: &m},
		} {
			if calls := notify(t, ev); len(calls) != 0 {
				t.Errorf("%s without payload or routes showed %+v", ev.Kind, calls)
			}
		}
	})
	t.Run("ErrUnknownKind", func(t *testing.T) {
		e := e.in(t)
		if err := n.Notify(t.Context(), mentions.Event{Kind: "party", Brand: e.brand}); herald.ErrorCode(err) != herald.EINTERNAL {
			t.Errorf("unknown kind = %v; want %s", err, herald.EINTERNAL)
		}
	})
}

// TestMentionNotifierPipeline runs the pipeline with the notifier as its
// Notifier: a new mention is shown in the watch's channel, a button click
// that moves it gives a card with the same key.
func TestMentionNotifierPipeline(t *testing.T) {
	e := newListenEnv(t)
	var got []shown
	n := kit.NewMentionNotifier(
		func(_ context.Context, c commands.Card, where herald.ChannelRef) { got = append(got, shown{c, where}) },
		func(_ context.Context, c commands.Card, _ commands.Response) { got = append(got, shown{card: c}) })
	svc := mentions.NewService(e.store, e.brands, e.clock, mentions.Options{Channels: e.brands, Brands: e.brands, Notifier: n})
	e.run(testActor, "watch add acme --channel <#C0VEILLE|veille>")
	e.addWebhook()
	if _, err := svc.IngestWebhook(t.Context(), e.hookToken, []mentions.Item{item(1, "zoe", "Acme opens in Lyon")}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].where.Channel != "C0VEILLE" || got[0].card.Title != "Mention #1 · Acme · webhook" {
		t.Fatalf("shown = %+v; want the mention's card in the watch's channel", got)
	}
	btn := got[0].card.Buttons[0]
	resp := e.run(lEditor, btn.Command)
	if resp.Cards[0].Key != got[0].card.Key || field(resp.Cards[0], "State") != "claimed by ed" {
		t.Errorf("clicking %q gave %+v", btn.Label, resp.Cards)
	}
}

// TestListenExamplesParse keeps the examples help shows for the
// listening commands valid (TestDefExamplesParse runs without them).
func TestListenExamplesParse(t *testing.T) {
	r := handlers.New(kit.Deps{Mentions: mentions.NewService(nil, nil, herald.SystemClock{}, mentions.Options{})})
	n := 0
	for _, d := range r.Defs() {
		for _, ex := range d.Examples {
			n++
			got, _, err := r.Parse(testActor, ex)
			if err != nil || got.Path != d.Path {
				t.Errorf("example %q of %q: %v, %v", ex, d.Path, defPath(got), err)
			}
		}
		if strings.HasPrefix(d.Path, "mention") || strings.HasPrefix(d.Path, "watch") || strings.HasPrefix(d.Path, "source") {
			if help := commands.Explain(d, i18n.English); !strings.Contains(help, d.Summary) {
				t.Errorf("help of %q lacks its summary", d.Path)
			}
		}
	}
	for _, path := range []string{"watch add", "watch list", "watch rm", "watch test", "source add", "source list", "source rm", "mentions",
		"mention show", "mention claim", "mention done", "mention ignore", "mention reopen", "mention reply", "mention mute", "mute", "unmute", "mutes", "listen"} {
		if !r.Has(path) {
			t.Errorf("no %q command", path)
		}
	}
	if n == 0 {
		t.Error("no examples")
	}
}

// staleStore answers the first read of a mention with a copy taken
// before someone else linked a reply draft to it: the race of two people
// replying at once.
type staleStore struct {
	*sqlite.Store
	stale map[int64]mentions.Mention
}

func (s *staleStore) Mention(ctx context.Context, id int64) (mentions.Mention, error) {
	if m, ok := s.stale[id]; ok {
		delete(s.stale, id)
		return m, nil
	}
	return s.Store.Mention(ctx, id)
}

func TestMentionReplyRace(t *testing.T) {
	e := newListenEnv(t)
	ms := e.withMentions()
	id := ms[0].ID
	st := &staleStore{Store: e.store, stale: map[int64]mentions.Mention{}}
	svc := mentions.NewService(st, e.brands, e.clock, mentions.Options{Channels: e.brands, Brands: e.brands})
	r := handlers.New(kit.Deps{Brands: e.brands, Approvals: e.drafts, Mentions: svc, Clock: e.clock})
	st.stale[id] = e.mention(id)
	e.run(testActor, fmt.Sprintf("mention reply %d first", id)) // linked meanwhile
	first := e.mention(id).DraftID
	resp := r.Dispatch(t.Context(), commands.Call{Actor: lEditor, Channel: testChannel, Text: fmt.Sprintf("mention reply %d second", id)})
	if resp.ErrCode != herald.ECONFLICT || !strings.Contains(resp.Text, fmt.Sprintf("has reply draft #%d already", first)) ||
		!strings.Contains(resp.Text, fmt.Sprintf("Your text is kept as draft #%d, not linked to mention #%d", first+1, id)) {
		t.Errorf("the second of two simultaneous replies = %s %q; want a conflict naming both drafts", resp.ErrCode, resp.Text)
	}
	if m := e.mention(id); m.DraftID != first {
		t.Errorf("mention links draft %d; want the first reply's, %d", m.DraftID, first)
	}
}

var (
	testActor   = herald.Actor{Platform: "slack", UserID: "U1", Name: "ann"}
	testChannel = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}
)

func defPath(d *commands.Def) string {
	if d == nil {
		return "<nil>"
	}
	return d.Path
}

func TestListenKeepCommand(t *testing.T) {
	e := newListenEnv(t)
	tests := []listenCase{
		{"OKDefault", lViewer, "listen keep", "Mentions are kept for 180 days."},
		{"OKDays", lEditor, "listen keep 90d", "ed changed the listening settings. Acme keeps mentions in all languages, gets a daily digest at 09:00 (UTC), LLM triage off. Mentions are kept for 90 days."},
		{"OKShow", lViewer, "listen", "Mentions are kept for 90 days."},
		{"OKWeeks", testActor, "listen keep 2w", "Mentions are kept for 14 days."},
		{"OKForever", testActor, "listen keep forever", "Mentions are kept forever."},
		{"OKShowForever", lViewer, "listen keep", "Mentions are kept forever."},
	}
	refusals := []listenRefusal{
		{"ErrTooShort", testActor, "listen keep 3d", herald.EINVALID, "`listen keep 90d`"},
		{"ErrUnreadable", testActor, "listen keep soon", herald.EINVALID, `"soon" is not a retention`},
		{"ErrViewer", lViewer, "listen keep 30d", herald.EFORBIDDEN, "As viewer"},
		{"ErrApprover", lApprover, "listen keep 30d", herald.EFORBIDDEN, "As approver"},
	}
	e.runListenCases(t, tests, refusals, "Mentions are kept forever.")
}

// listenCase is a `listen` line an actor runs, and what its answer says.
type listenCase struct {
	name  string
	actor herald.Actor
	line  string
	want  string
}

// listenRefusal is a `listen` line refused with code, its message having has.
type listenRefusal struct {
	name  string
	actor herald.Actor
	line  string
	code  string
	has   string
}

// runListenCases runs tests in order, then each refusal, checking after
// each that `listen` still says settled (a refusal changes nothing).
func (e *listenEnv) runListenCases(t *testing.T, tests []listenCase, refusals []listenRefusal, settled string) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			hasAll(t, tt.line, e.run(tt.actor, tt.line).Text, tt.want)
		})
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.refuse(tt.actor, tt.line, tt.code, tt.has)
			hasAll(t, "settings after a refusal", e.run(lViewer, "listen").Text, settled)
		})
	}
}
