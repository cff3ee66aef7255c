package main

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

// answered is a mention's row as issue 19 reads it.
type answered struct {
	State, ReplyRef, By, URL string
	DraftID                  int64
}

// mentionAudit is a mention's audit as "action by name: detail" lines.
func (db roDB) mentionAudit(tb testing.TB, id int64) string {
	tb.Helper()
	rows, err := db.Query(`SELECT action, actor_name, detail FROM mention_audit WHERE mention_id = ? ORDER BY id`, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var a, n, d string
		if err := rows.Scan(&a, &n, &d); err != nil {
			tb.Fatal(err)
		}
		lines = append(lines, a+" by "+n+": "+d)
	}
	return strings.Join(lines, "\n")
}

func (db roDB) answer(tb testing.TB, id int64) answered {
	tb.Helper()
	var a answered
	err := db.QueryRow(`SELECT state, reply_ref, answered_name, answer_url, draft_id FROM mentions WHERE id = ?`, id).
		Scan(&a.State, &a.ReplyRef, &a.By, &a.URL, &a.DraftID)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// startReplyConsole starts a console whose sources and targets are
// fakes on loopback, counted as public networks, and opens its database.
func startReplyConsole(t *testing.T, extra map[string]string) (*consoleSession, roDB) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "herald.db")
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0", "HERALD_TIMEZONE": "Europe/Paris",
		"HERALD_ALLOW_PRIVATE_SOURCES": "true"}
	for k, v := range extra {
		env[k] = v
	}
	clock := testclock.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	c := startConsoleWith(t, env, func(m *Main) {
		m.Clock, m.PollEvery = clock, 5*time.Millisecond
		m.PublicAddrs = func(ap netip.AddrPort) bool { return ap.Addr().IsLoopback() }
	})
	return c, openRO(t, db)
}

// TestMastodonReplyThroughMain (issue 19): a mention read from a fake
// instance's hashtag timeline → reply (its target the brand's Mastodon
// account, by default) → review → `edit --to` adds a second instance,
// which resets the approval → review again → publish: each instance
// receives one status in reply to the mention (the home instance with the
// mention's own id, the other with the id its search resolves), no more
// visible than the mention; the mention ends handled, answered by alice
// with the link, on its card and in both threads.
func TestMastodonReplyThroughMain(t *testing.T) {
	home := mastodontest.New(mastodontest.WithToken("home-token"))
	defer home.Close()
	other := mastodontest.New(mastodontest.WithToken("other-token"))
	defer other.Close()
	link := home.URL() + "/@jane/113600000000000001"
	home.Tag("acme", mastodontest.TagStatus{ID: "113600000000000001", URL: link, Text: "#acme my grinder broke again",
		Acct: "jane", Visibility: "unlisted", CreatedAt: time.Date(2026, 12, 1, 8, 50, 0, 0, time.UTC)})
	other.Know(mastodontest.Known{URL: link, ID: "777", Visibility: "unlisted"})

	c, ro := startReplyConsole(t, nil)
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy team:1", "team:1")
	c.send("role @carol approver", "carol")
	c.send("target add mastodon:home "+home.URL()+" --secret home-token", "mastodon:home is set up for Acme")
	c.send("target add mastodon:other "+other.URL()+" --secret other-token", "mastodon:other is set up for Acme")
	c.send("watch add acme", "added watch #1")
	c.send("source add mastodon "+home.URL()+" #acme", "added source #1")
	waitFor(t, "the mention", func() bool { return ro.mentions(t) == 1 }, c.out.String)

	c.send(`mention reply 1 "Sorry Jane, we are on it"`, "It goes to mastodon:home.")
	c.send("submit 1", "submitted")
	c.send("/as carol", "carol")
	c.send("approve 1", "approved")
	c.send("/as alice", "alice")
	out := c.send("edit 1 --to mastodon:home,mastodon:other", "edited draft #1 (revision 2)")
	if !strings.Contains(out, "earlier approvals no longer count") {
		t.Errorf("edit --to after an approval:\n%s", out)
	}
	if st := ro.draftState(t, 1); st != "in_review" {
		t.Fatalf("draft 1 is %s after edit --to; want in_review (its approval reset)", st)
	}
	out = c.send("audit 1", "targets: mastodon:home → mastodon:home, mastodon:other")
	if !strings.Contains(out, "approvals of revision 1 cleared (1)") {
		t.Errorf("audit after edit --to:\n%s", out)
	}
	c.send("/as carol", "carol")
	c.send("approve 1", "approved")
	c.send("/as alice", "alice")
	c.send("publish 1", "#1")
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, c.out.String)

	if sts := home.Statuses(); len(sts) != 1 || sts[0].InReplyToID != "113600000000000001" || sts[0].Visibility != "unlisted" || sts[0].Text != "Sorry Jane, we are on it" {
		t.Errorf("home instance statuses %+v; want one unlisted reply to 113600000000000001", sts)
	}
	if sts := other.Statuses(); len(sts) != 1 || sts[0].InReplyToID != "777" || sts[0].Visibility != "unlisted" {
		t.Errorf("other instance statuses %+v; want one unlisted reply to 777 (resolved)", sts)
	}
	if q := other.Searches(); len(q) != 1 || q[0] != link {
		t.Errorf("other instance searches %q; want the mention's link once", q)
	}
	waitFor(t, "mention 1 answered", func() bool { return ro.answer(t, 1).State == "handled" }, c.out.String)
	a := ro.answer(t, 1)
	if a.By != "alice" || (a.URL != home.Statuses()[0].URL && a.URL != other.Statuses()[0].URL) {
		t.Errorf("mention 1 answered by %q at %q; want alice and a status link", a.By, a.URL)
	}
	waitFor(t, "the answered card and notes", func() bool {
		return strings.Contains(c.out.String(), "answered by alice · "+a.URL) && strings.Contains(c.out.String(), "Mention #1 is answered by alice · "+a.URL+" (draft #1).")
	}, c.out.String)
}

// TestBlueskyReplyThroughMain (issue 19): a mention from the fake
// Jetstream → reply (its target the brand's Bluesky account) → publish:
// the post carries reply refs (parent: the mention; root: its thread's
// root, read with getPosts) and mentions the author with a facet; the
// mention ends handled with the link.
func TestBlueskyReplyThroughMain(t *testing.T) {
	fx := newSourceFakes(t)
	sky := blueskytest.New()
	defer sky.Close()
	c, ro := startReplyConsole(t, map[string]string{"HERALD_JETSTREAM_URL": "ws" + strings.TrimPrefix(fx.URL, "http") + "/subscribe"})
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	c.send("target add bluesky:main "+sky.URL()+" --handle "+blueskytest.Handle+" --secret "+blueskytest.Password, "bluesky:main is set up for Acme")
	c.send("watch add acme", "added watch #1")
	c.send("source add bluesky", "added source #1")
	waitFor(t, "a Bluesky mention", func() bool { return ro.mentions(t) > 0 }, c.out.String)

	var ref struct {
		ID       string `json:"id"`
		AuthorID string `json:"author_id"`
	}
	if err := json.Unmarshal([]byte(ro.answer(t, 1).ReplyRef), &ref); err != nil || !strings.HasPrefix(ref.ID, "at://") || !strings.HasPrefix(ref.AuthorID, "did:") {
		t.Fatalf("mention 1's reply reference %q (%v); want its at:// URI and author DID", ro.answer(t, 1).ReplyRef, err)
	}
	root := "at://did:plc:threadroot/app.bsky.feed.post/3lroot22222aa"
	sky.AddOther(blueskytest.Other{URI: ref.ID, CID: "bafymention", DID: ref.AuthorID, Handle: "fan.bsky.social", RootURI: root, RootCID: "bafyroot"})

	c.send(`mention reply 1 "Merci beaucoup !"`, "It goes to bluesky:main.")
	c.send("submit 1", "approved")
	c.send("publish 1", "#1")
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, c.out.String)
	ps := sky.Posts()
	if len(ps) != 1 {
		t.Fatalf("%d Bluesky posts; want 1", len(ps))
	}
	var rec struct {
		Reply struct{ Root, Parent struct{ URI, CID string } } `json:"reply"`
	}
	if err := json.Unmarshal(ps[0].Record, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Reply.Parent.URI != ref.ID || rec.Reply.Parent.CID != "bafymention" || rec.Reply.Root.URI != root || rec.Reply.Root.CID != "bafyroot" {
		t.Errorf("reply refs %+v; want parent %s (bafymention), root %s (bafyroot)", rec.Reply, ref.ID, root)
	}
	if ps[0].Text != "@fan.bsky.social Merci beaucoup !" || len(ps[0].Facets) != 1 || ps[0].Facets[0].Features[0].DID != ref.AuthorID {
		t.Errorf("post %q with facets %+v; want the author mentioned with a #mention facet", ps[0].Text, ps[0].Facets)
	}
	waitFor(t, "mention 1 answered", func() bool { return ro.answer(t, 1).State == "handled" }, c.out.String)
	if a := ro.answer(t, 1); a.By != "alice" || !strings.Contains(a.URL, "/post/"+ps[0].RKey) {
		t.Errorf("mention 1 answered by %q at %q; want alice and the post's link", a.By, a.URL)
	}
}

// TestManualReplyThroughMain (issue 19): a webhook mention (where Herald
// cannot post) → a reply draft with no target, and the answer says why →
// approved: its card has the text to copy, Open the conversation (the
// mention's link) and Mark as answered → the mention ends handled,
// answered by the person who marked it, recorded in its audit.
func TestManualReplyThroughMain(t *testing.T) {
	c, ro := startReplyConsole(t, nil)
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy team:1", "team:1")
	c.send("role @carol approver", "carol")
	c.send("watch add acme", "added watch #1")
	out := c.send("source add webhook", "/hooks/mentions/")
	path := regexp.MustCompile(`/hooks/mentions/[A-Za-z0-9_-]+`).FindString(out)
	body := `{"url":"https://forum.example/t/acme-grinder/42","title":"Acme grinder jammed","text":"My acme grinder jammed","author":"jane"}`
	resp, err := http.Post("http://"+c.m.HTTPAddr+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("push: status %d", resp.StatusCode)
	}
	waitFor(t, "the webhook mention", func() bool { return ro.mentions(t) == 1 }, c.out.String)

	c.send(`mention reply 1 "Sorry Jane, we are on it"`, "Herald cannot post where mention #1 was found")
	c.send("submit 1", "submitted")
	c.send("/as carol", "carol")
	out = c.send("approve 1", "approved")
	for _, want := range []string{"Reply to copy", "[Open the conversation] https://forum.example/t/acme-grinder/42", "[Mark as answered] /herald mention answered 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("the approved reply's card lacks %q:\n%s", want, out)
		}
	}
	c.send("mention answered 1", "Mention #1 is answered by carol (draft #1).")
	a := ro.answer(t, 1)
	if a.State != "handled" || a.By != "carol" || a.URL != "" {
		t.Errorf("mention 1 after Mark as answered: %+v; want handled, by carol, no link", a)
	}
	c.send("mention answered 1", "was answered already, by carol")
	c.send("mention show 1", "State: answered by carol")
	c.send("show 1", "Mention: answered by carol")
	if acts := ro.mentionAudit(t, 1); !strings.Contains(acts, "answered by carol") {
		t.Errorf("mention 1's audit %q; want who answered", acts)
	}
}
