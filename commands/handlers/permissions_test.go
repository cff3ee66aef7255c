package handlers_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/sqlite"
)

// The people of the permission table test: one per role on Acme, writer
// and teamer who prepare its drafts, gus who runs Globex (the other
// brand), and stranger, who belongs to Initech only.
var (
	permActors = map[string]herald.Actor{
		"admin":    {Platform: "slack", UserID: "padmin", Name: "padmin"},
		"editor":   {Platform: "slack", UserID: "peditor", Name: "peditor"},
		"approver": {Platform: "slack", UserID: "papprover", Name: "papprover"},
		"client":   {Platform: "slack", UserID: "pclient", Name: "pclient"},
		"viewer":   {Platform: "slack", UserID: "pviewer", Name: "pviewer"},
		"none":     {Platform: "slack", UserID: "pstranger", Name: "pstranger"},
	}
	permRoles = []string{"admin", "editor", "approver", "client", "viewer", "none"}
	writer    = herald.Actor{Platform: "slack", UserID: "pwriter", Name: "pwriter"}
	teamer    = herald.Actor{Platform: "slack", UserID: "pteamer", Name: "pteamer"}
	gus       = herald.Actor{Platform: "slack", UserID: "pgus", Name: "pgus"}
	acmeCh    = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CACME"}
	globexCh  = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CGLOBEX"}
	initechCh = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CINITECH"}
)

// stubPublisher publishes nowhere; it needs an account, so that targets
// can be set up and removed.
type stubPublisher struct{}

func (stubPublisher) Publish(context.Context, publish.Post) (publish.Receipt, error) {
	return publish.Receipt{}, nil
}

func (stubPublisher) CheckAccount(publish.Account) error { return nil }

// stubProvider connects accounts of nowhere: target connect answers with
// its link.
type stubProvider struct{}

func (stubProvider) Ready() error { return nil }
func (stubProvider) PKCE() bool   { return true }
func (stubProvider) AuthURL(state, redirect, challenge string) string {
	return "https://network.example/auth?state=" + state
}
func (stubProvider) Exchange(context.Context, string, string, string) (publish.Grant, error) {
	return publish.Grant{}, nil
}
func (stubProvider) Refresh(context.Context, publish.Grant) (publish.Grant, error) {
	return publish.Grant{}, nil
}
func (stubProvider) Accounts(context.Context, publish.Grant) ([]publish.Choice, error) {
	return nil, nil
}
func (stubProvider) Check(context.Context, publish.Grant) error { return nil }

// permEnv is every service over a fresh SQLite store, with brands Acme
// (policy team:1 client:1, channel CACME, one member per role), Globex and
// Initech.
type permEnv struct {
	t        *testing.T
	drafts   *approvals.Service
	mentions *mentions.Service
	router   *commands.Router
	hook     map[string]int64 // webhook source per brand
	n        int              // makes fixtures unique
}

func newPermEnv(t *testing.T) *permEnv {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock := testclock.New(start)
	bs := brands.NewService(s, clock, "UTC")
	drafts := approvals.NewService(s, bs, clock)
	pub := publish.NewService(drafts, bs, s, clock)
	pub.Register("webhook", stubPublisher{})
	drafts.AddChecker(pub)
	ms := mentions.NewService(s, bs, clock, mentions.Options{Channels: bs, Brands: bs})
	as := assist.NewService(s, nil, clock, nil, assist.Options{})
	e := &permEnv{t: t, drafts: drafts, mentions: ms, hook: map[string]int64{}}
	store, err := local.Open(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	conn := publish.NewConnector(pub, "https://herald.example/", nil, nil)
	conn.AddProvider("linkedin", stubProvider{})
	e.router = handlers.New(kit.Deps{Brands: bs, Approvals: drafts, Publish: pub, Mentions: ms, Assist: as,
		Clock: clock, PublicURL: "https://herald.example/", Media: &media.Library{Store: store}, Connect: conn})
	admin := permActors["admin"]
	e.must(admin, acmeCh, "brand add Acme")
	e.must(admin, acmeCh, `policy "team:1 client:1"`)
	for _, r := range permRoles[1:5] {
		e.must(admin, acmeCh, fmt.Sprintf("role <@%s> %s", permActors[r].UserID, r))
	}
	e.must(admin, acmeCh, fmt.Sprintf("role <@%s> editor", writer.UserID))
	e.must(admin, acmeCh, fmt.Sprintf("role <@%s> approver", teamer.UserID))
	e.must(admin, acmeCh, "calendar")
	e.must(gus, globexCh, "brand add Globex")
	e.must(gus, globexCh, `policy "team:1 client:1"`)
	e.must(gus, globexCh, fmt.Sprintf("role <@%s> editor", writer.UserID))
	e.must(gus, globexCh, fmt.Sprintf("role <@%s> approver", teamer.UserID))
	e.must(gus, globexCh, "calendar")
	e.must(permActors["none"], initechCh, "brand add Initech")
	for brand, ch := range map[string]herald.ChannelRef{"Acme": acmeCh, "Globex": globexCh} {
		who := map[string]herald.Actor{"Acme": admin, "Globex": gus}[brand]
		e.hook[brand] = e.id(e.must(who, ch, "source add webhook"), `added source #(\d+)`)
		e.must(who, ch, "watch add news")
	}
	return e
}

func (e *permEnv) dispatch(a herald.Actor, ch herald.ChannelRef, line string) commands.Response {
	return e.router.Dispatch(e.t.Context(), commands.Call{Actor: a, Channel: ch, Text: line})
}

// must runs line and fails the test on an error.
func (e *permEnv) must(a herald.Actor, ch herald.ChannelRef, line string) commands.Response {
	e.t.Helper()
	resp := e.dispatch(a, ch, line)
	if resp.ErrCode != "" {
		e.t.Fatalf("setup %q: %s (%s)", line, resp.Text, resp.ErrCode)
	}
	return resp
}

// id reads the number re's first group finds in resp.
func (e *permEnv) id(resp commands.Response, re string) int64 {
	e.t.Helper()
	text := resp.Text
	for _, c := range resp.Cards {
		text += "\n" + c.Title + "\n" + c.Key
	}
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		e.t.Fatalf("no %s in %q", re, resp.Text)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// channel and owner of a brand of the test.
func (e *permEnv) home(brand string) (herald.ChannelRef, herald.Actor) {
	if brand == "Globex" {
		return globexCh, gus
	}
	return acmeCh, permActors["admin"]
}

// draft writes a draft in brand (by writer), in state: "draft", "review"
// (at its team stage) or "client" (at its client stage).
func (e *permEnv) draft(brand, state string) int64 {
	e.t.Helper()
	ch, _ := e.home(brand)
	e.n++
	d, err := e.drafts.CreateDraft(e.t.Context(), writer, ch, approvals.NewDraft{Text: fmt.Sprintf("Post %d", e.n)})
	if err != nil {
		e.t.Fatal(err)
	}
	if state == "draft" {
		return d.ID
	}
	if _, err := e.drafts.Submit(e.t.Context(), writer, d.ID); err != nil {
		e.t.Fatal(err)
	}
	if state == "client" {
		if _, err := e.drafts.Approve(e.t.Context(), teamer, d.ID, approvals.Decide{}); err != nil {
			e.t.Fatal(err)
		}
	}
	return d.ID
}

// onMediaDraft is a line about a new draft (in state draft) with two
// pictures.
func onMediaDraft(format string) func(*permEnv, string) string {
	return func(e *permEnv, brand string) string {
		e.t.Helper()
		ch, _ := e.home(brand)
		e.n++
		items := []media.Item{
			{SHA256: strings.Repeat("a", 64), Type: "image/jpeg", Size: 1000, Width: 10, Height: 10, Name: "a.jpg"},
			{SHA256: strings.Repeat("b", 64), Type: "image/png", Size: 2000, Width: 20, Height: 20, Name: "b.png"},
		}
		d, err := e.drafts.CreateDraft(e.t.Context(), writer, ch, approvals.NewDraft{Text: fmt.Sprintf("Post %d", e.n), Media: items})
		if err != nil {
			e.t.Fatal(err)
		}
		return fmt.Sprintf(format, d.ID)
	}
}

// mentionTexts make mentions unlike each other, so that no spam filter drops them.
var mentionTexts = []string{"a new store opens in Lyon", "great coffee this morning", "the keynote was long but good",
	"shipping took a week", "their app crashed twice", "lovely staff at the counter", "prices went up again",
	"the launch event is sold out", "support answered within an hour", "a recall of the blue kettles"}

// mention brings a new mention to brand, from its webhook source.
func (e *permEnv) mention(brand string) int64 {
	e.t.Helper()
	e.n++
	res, err := e.mentions.Ingest(e.t.Context(), e.hook[brand], mentions.Batch{Items: []mentions.Item{{
		URL: fmt.Sprintf("https://site%d.example/post", e.n), Text: fmt.Sprintf("news %d: %s", e.n, mentionTexts[e.n%len(mentionTexts)]),
		Author: fmt.Sprintf("author%d", e.n), Published: start.Add(-time.Hour)}}})
	if err != nil || len(res.Mentions) != 1 {
		e.t.Fatalf("ingest: %+v, %v", res, err)
	}
	return res.Mentions[0].ID
}

// setting up a fixture in brand, by its admin, and reading the id it gets.
func (e *permEnv) made(brand, line, re string) int64 {
	e.t.Helper()
	ch, who := e.home(brand)
	return e.id(e.must(who, ch, line), re)
}

// permCase is one command of the table: the action it needs (open: no
// permission at all; "" with open false: any member of the brand), and
// the line to run on a brand ("Acme": the actor's own brand; "Globex":
// another brand), preparing what it acts on.
type permCase struct {
	action brands.Action
	open   bool
	line   func(e *permEnv, brand string) string
}

// fixed is a line that names the brand with --brand.
func onBrand(format string) func(*permEnv, string) string {
	return func(_ *permEnv, brand string) string { return fmt.Sprintf(format, brand) }
}

// onDraft is a line about a new draft in state.
func onDraft(format, state string) func(*permEnv, string) string {
	return func(e *permEnv, brand string) string { return fmt.Sprintf(format, e.draft(brand, state)) }
}

// onMention is a line about a new mention.
func onMention(format string) func(*permEnv, string) string {
	return func(e *permEnv, brand string) string { return fmt.Sprintf(format, e.mention(brand)) }
}

// permCases walks every command definition. Commands that need no
// permission are the open ones (help, brand add, brand list).
var permCases = map[string][]permCase{
	"help":       {{open: true, line: onBrand("help")}},
	"brand add":  {{open: true, line: func(e *permEnv, _ string) string { e.n++; return fmt.Sprintf("brand add New%d", e.n) }}},
	"brand list": {{open: true, line: onBrand("brand list")}},
	"brand use":  {{action: brands.UseChannel, line: onBrand("brand use %s")}},
	"brand zone": {
		{action: brands.SetZone, line: onBrand("brand zone Europe/Paris --brand %s")},
		{line: onBrand("brand zone --brand %s")},
	},
	"role": {
		{action: brands.GiveRoles, line: onBrand("role <@sam> editor --brand %s")},
		{line: onBrand("role --brand %s")},
	},
	"policy": {
		{action: brands.SetPolicy, line: onBrand(`policy "team:1 client:1" --brand %s`)},
		{line: onBrand("policy --brand %s")},
	},
	"remind": {
		{action: brands.SetReminders, line: onBrand("remind 48h --brand %s")},
		{line: onBrand("remind --brand %s")},
	},
	"draft":   {{action: brands.WriteDrafts, line: onBrand(`draft "Hello" --brand %s`)}},
	"drafts":  {{line: onBrand("drafts --brand %s")}},
	"show":    {{line: onDraft("show %d", "draft")}},
	"edit":    {{action: brands.EditDrafts, line: onDraft(`edit %d "Hello again"`, "draft")}},
	"submit":  {{action: brands.SubmitDrafts, line: onDraft("submit %d", "draft")}},
	"approve": {{action: brands.ReviewTeam, line: onDraft("approve %d", "review")}, {action: brands.ReviewClient, line: onDraft("approve %d", "client")}},
	"changes": {{action: brands.ReviewTeam, line: onDraft(`changes %d "shorter"`, "review")}, {action: brands.ReviewClient, line: onDraft(`changes %d "shorter"`, "client")}},
	"reject":  {{action: brands.ReviewTeam, line: onDraft(`reject %d "off-brand"`, "review")}, {action: brands.ReviewClient, line: onDraft(`reject %d "off-brand"`, "client")}},
	"cancel":  {{action: brands.CancelDrafts, line: onDraft(`cancel %d "not needed"`, "review")}, {action: brands.CancelDrafts, line: onDraft("cancel %d", "draft")}},
	"audit":   {{line: onDraft("audit %d", "draft")}},

	// Issue 15: a draft's media, changed as an edit is, listed to every member.
	"media add":  {{action: brands.EditMedia, line: onDraft("media add %d photo.jpg", "draft")}},
	"media alt":  {{action: brands.EditMedia, line: onMediaDraft(`media alt %d 1 "The team on the steps"`)}},
	"media rm":   {{action: brands.EditMedia, line: onMediaDraft("media rm %d 1")}},
	"media move": {{action: brands.EditMedia, line: onMediaDraft("media move %d 2 1")}},
	"media list": {{line: onMediaDraft("media list %d")}},

	"schedule":   {{action: brands.SchedulePosts, line: onDraft(`schedule %d "2030-01-01 09:00"`, "draft")}},
	"unschedule": {{action: brands.UnschedulePosts, line: onDraft("unschedule %d", "draft")}},
	"publish":    {{action: brands.PublishPosts, line: onDraft("publish %d", "draft")}},
	"retry":      {{action: brands.RetryPosts, line: onDraft("retry %d", "draft")}},
	"confirm":    {{action: brands.ConfirmPosts, line: onDraft("confirm %d", "draft")}},
	"queue":      {{line: onBrand("queue --brand %s")}},
	"target add": {{action: brands.SetUpTargets, line: func(e *permEnv, brand string) string {
		e.n++
		return fmt.Sprintf("target add webhook:t%d https://stub.example --secret s --brand %s", e.n, brand)
	}}},
	"target list":    {{line: onBrand("target list --brand %s")}},
	"target connect": {{action: brands.ConnectTargets, line: onBrand("target connect linkedin:acme --brand %s")}},
	"target choose":  {{action: brands.ConnectTargets, line: onBrand("target choose linkedin:acme urn:li:person:1 --brand %s")}},
	"target rm": {{action: brands.RemoveTargets, line: func(e *permEnv, brand string) string {
		e.n++
		ch, who := e.home(brand)
		e.must(who, ch, fmt.Sprintf("target add webhook:t%d https://stub.example --secret s", e.n))
		return fmt.Sprintf("target rm webhook:t%d --brand %s", e.n, brand)
	}}},
	"pause": {{action: brands.PausePosts, line: func(e *permEnv, brand string) string {
		ch, who := e.home(brand)
		e.dispatch(who, ch, "resume") // not paused yet (an error) or paused by the last case
		return fmt.Sprintf("pause recall --brand %s", brand)
	}}},
	"resume": {{action: brands.PausePosts, line: func(e *permEnv, brand string) string {
		ch, who := e.home(brand)
		e.dispatch(who, ch, "pause recall") // paused already (an error) or now
		return fmt.Sprintf("resume --brand %s", brand)
	}}},
	"calendar": {
		{line: onBrand("calendar --brand %s")},
		{action: brands.CalendarLinks, line: onBrand("calendar rotate --brand %s")},
	},

	"guidelines show":  {{line: onBrand("guidelines show --brand %s")}},
	"guidelines set":   {{action: brands.ChangeGuidelines, line: onBrand("guidelines set ban=cheap --brand %s")}},
	"guidelines clear": {{action: brands.ChangeGuidelines, line: onBrand("guidelines clear ban --brand %s")}},
	"ai":               {{action: brands.AskDrafts, line: onBrand(`ai "our store opens" --brand %s`)}},

	"watch add":  {{action: brands.ManageListening, line: onBrand("watch add acme --brand %s")}},
	"watch list": {{action: brands.ReadListening, line: onBrand("watch list --brand %s")}},
	"watch rm": {{action: brands.ManageListening, line: func(e *permEnv, brand string) string {
		return fmt.Sprintf("watch rm %d", e.made(brand, "watch add news", `#(\d+)`))
	}}},
	"watch test":  {{action: brands.ReadListening, line: onBrand("watch test news --brand %s")}},
	"source add":  {{action: brands.ManageListening, line: onBrand("source add hn --brand %s")}},
	"source list": {{action: brands.ReadListening, line: onBrand("source list --brand %s")}},
	"source rm": {{action: brands.ManageListening, line: func(e *permEnv, brand string) string {
		e.n++
		return fmt.Sprintf("source rm %d", e.made(brand, fmt.Sprintf("source add rss https://feeds.example/%d", e.n), `added source #(\d+)`))
	}}},
	"mentions":      {{action: brands.ReadListening, line: onBrand("mentions --brand %s")}},
	"mention show":  {{action: brands.ReadListening, line: onMention("mention show %d")}},
	"mention reply": {{action: brands.WriteReplies, line: onMention("mention reply %d")}},
	"mention mute":  {{action: brands.ManageListening, line: onMention("mention mute %d")}},
	"mute":          {{action: brands.ManageListening, line: onBrand("mute author spammer --brand %s")}},
	"unmute": {{action: brands.ManageListening, line: func(e *permEnv, brand string) string {
		e.n++
		ch, who := e.home(brand)
		e.must(who, ch, fmt.Sprintf("mute author spam%d", e.n))
		return fmt.Sprintf("unmute author spam%d --brand %s", e.n, brand)
	}}},
	"mutes": {{action: brands.ReadListening, line: onBrand("mutes --brand %s")}},
	"listen": {
		{action: brands.ReadListening, line: onBrand("listen --brand %s")},
		{action: brands.ManageListening, line: onBrand("listen digest 08:30 --brand %s")},
	},
	"mention claim":  {{action: brands.ActOnMentions, line: onMention("mention claim %d")}},
	"mention done":   {{action: brands.ActOnMentions, line: onMention("mention done %d")}},
	"mention ignore": {{action: brands.ActOnMentions, line: onMention("mention ignore %d")}},
	"mention reopen": {{action: brands.ActOnMentions, line: onMention("mention reopen %d")}},
	// Issue 19: Mark as answered, after replying by hand.
	"mention answered": {{action: brands.ActOnMentions, line: onMention("mention answered %d")}},
}

// TestPermissionTable walks every command × every role × own brand and
// another brand, through the Router as a user runs them, and checks the
// answer against the permission table of package brands: a member whose
// role may not do the action is refused (EFORBIDDEN); anyone without a
// role on the brand, and everyone on another brand's objects, is told it
// does not exist (ENOTFOUND): tenancy is what clients pay for.
func TestPermissionTable(t *testing.T) {
	defs := newPermEnv(t).router.Defs()
	for _, d := range defs {
		cases, ok := permCases[d.Path]
		if !ok {
			t.Errorf("command %q is not in the permission table test: add it to permCases", d.Path)
			continue
		}
		for i, c := range cases {
			t.Run(fmt.Sprintf("%s/%d", d.Path, i), func(t *testing.T) {
				if d.Open != c.open {
					t.Fatalf("%s: Open is %v, the test says %v", d.Path, d.Open, c.open)
				}
				e := newPermEnv(t)
				for _, role := range permRoles {
					e.check(t, c, role, "Acme")
					e.check(t, c, role, "Globex")
				}
			})
		}
	}
	for path := range permCases {
		found := false
		for _, d := range defs {
			found = found || d.Path == path
		}
		if !found {
			t.Errorf("permCases has %q, which is no command", path)
		}
	}
}

// check runs c's line on brand as the member with role, in Acme's
// channel, and checks the answer.
func (e *permEnv) check(t *testing.T, c permCase, role, brand string) {
	t.Helper()
	line := c.line(e, brand)
	resp := e.dispatch(permActors[role], acmeCh, line)
	member := role != "none" && brand == "Acme"
	switch {
	case c.open:
		if resp.ErrCode == herald.EFORBIDDEN || resp.ErrCode == herald.ENOTFOUND {
			t.Errorf("%s %q on %s: %s %q; an open command is never refused", role, line, brand, resp.ErrCode, resp.Text)
		}
	case !member:
		if resp.ErrCode != herald.ENOTFOUND {
			t.Errorf("%s %q on %s: %s %q; want %s (not visible)", role, line, brand, resp.ErrCode, resp.Text, herald.ENOTFOUND)
		}
	case c.action == "" || brands.Can(herald.Role(role), c.action):
		if resp.ErrCode == herald.EFORBIDDEN || resp.ErrCode == herald.ENOTFOUND {
			t.Errorf("%s %q: %s %q; the table allows %s", role, line, resp.ErrCode, resp.Text, actionName(c.action))
		}
	default:
		if resp.ErrCode != herald.EFORBIDDEN {
			t.Errorf("%s %q: %s %q; want %s: the table refuses %s", role, line, resp.ErrCode, resp.Text, herald.EFORBIDDEN, c.action)
		}
	}
}

func actionName(a brands.Action) string {
	if a == "" {
		return "every member"
	}
	return string(a)
}

var start = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
