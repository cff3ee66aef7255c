package publish_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/publish"
)

// enCalendar gives every brand the English calendar words.
func enCalendar(herald.Brand) publish.CalendarWords { return kit.CalendarWords(i18n.English) }

// --- a small RFC 5545 reader, for the tests ---

// icsProp is one content line: NAME[;params]:value, value still escaped.
type icsProp struct {
	Name, Params, Value string
}

// icsComp is a component with its properties and subcomponents.
type icsComp struct {
	Name  string
	Props []icsProp
	Subs  []*icsComp
}

// Get returns the values of property name.
func (c *icsComp) Get(name string) []string {
	var out []string
	for _, p := range c.Props {
		if p.Name == name {
			out = append(out, p.Value)
		}
	}
	return out
}

// physicalLines splits a feed into its CRLF-terminated lines, checking
// each: CRLF only, at most 75 octets, valid UTF-8.
func physicalLines(t testing.TB, feed []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(feed, []byte("\r\n")) {
		t.Fatalf("the feed does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(feed), "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d has %d octets, more than 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d is not valid UTF-8: %q", i+1, l)
		}
	}
	return lines
}

// unfold joins continuation lines (starting with a space or a tab) to the
// line before, dropping that one whitespace character.
func unfold(t testing.TB, lines []string) []string {
	t.Helper()
	var out []string
	for i, l := range lines {
		if l != "" && (l[0] == ' ' || l[0] == '\t') {
			if len(out) == 0 {
				t.Fatalf("line %d continues nothing", i+1)
			}
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// parseICS reads a feed into its one top-level component.
func parseICS(t testing.TB, feed []byte) *icsComp {
	t.Helper()
	var stack []*icsComp
	var root *icsComp
	for i, l := range unfold(t, physicalLines(t, feed)) {
		head, value, found := strings.Cut(l, ":")
		if !found {
			t.Fatalf("content line %d has no colon: %q", i+1, l)
		}
		name, params, _ := strings.Cut(head, ";")
		if name == "" || strings.ToUpper(name) != name || strings.ContainsAny(name, " \t") {
			t.Fatalf("content line %d has a bad name %q", i+1, name)
		}
		switch name {
		case "BEGIN":
			c := &icsComp{Name: value}
			if len(stack) == 0 {
				if root != nil {
					t.Fatalf("a second top-level component %s", value)
				}
				root = c
			} else {
				top := stack[len(stack)-1]
				top.Subs = append(top.Subs, c)
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Name != value {
				t.Fatalf("END:%s does not close the open component", value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				t.Fatalf("property %s outside any component", name)
			}
			top := stack[len(stack)-1]
			top.Props = append(top.Props, icsProp{Name: name, Params: params, Value: value})
		}
	}
	if len(stack) != 0 {
		t.Fatalf("%s is never closed", stack[len(stack)-1].Name)
	}
	if root == nil || root.Name != "VCALENDAR" {
		t.Fatalf("the feed is not a VCALENDAR")
	}
	return root
}

// unescapeText reads a TEXT value (RFC 5545 §3.3.11).
func unescapeText(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 == len(s) {
				return "", fmt.Errorf("a lone backslash ends %q", s)
			}
			i++
			switch s[i] {
			case '\\', ';', ',':
				b.WriteByte(s[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return "", fmt.Errorf("unknown escape \\%c in %q", s[i], s)
			}
		case c == ';' || c == ',':
			return "", fmt.Errorf("unescaped %q in %q", c, s)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// checkCalendar checks the RFC 5545 basics and returns the events by UID.
func checkCalendar(t testing.TB, cal *icsComp) map[string]*icsComp {
	t.Helper()
	if v := cal.Get("VERSION"); len(v) != 1 || v[0] != "2.0" {
		t.Errorf("VERSION = %v, want one 2.0", v)
	}
	if p := cal.Get("PRODID"); len(p) != 1 || p[0] == "" {
		t.Errorf("PRODID = %v, want one", p)
	}
	events := map[string]*icsComp{}
	for _, ev := range cal.Subs {
		if ev.Name != "VEVENT" {
			t.Errorf("unexpected component %s", ev.Name)
			continue
		}
		for _, req := range []string{"UID", "DTSTAMP", "DTSTART"} {
			if n := len(ev.Get(req)); n != 1 {
				t.Errorf("a VEVENT has %d %s, want 1", n, req)
			}
		}
		for _, dt := range []string{"DTSTAMP", "DTSTART", "LAST-MODIFIED"} {
			for _, v := range ev.Get(dt) {
				if _, err := time.Parse("20060102T150405Z", v); err != nil {
					t.Errorf("%s %q is not a UTC date-time: %v", dt, v, err)
				}
			}
		}
		for _, tx := range []string{"SUMMARY", "DESCRIPTION"} {
			for _, v := range ev.Get(tx) {
				if _, err := unescapeText(v); err != nil {
					t.Errorf("%s: %v", tx, err)
				}
			}
		}
		uid := strings.Join(ev.Get("UID"), "")
		if events[uid] != nil {
			t.Errorf("UID %q twice", uid)
		}
		events[uid] = ev
	}
	return events
}

func TestFeed(t *testing.T) {
	tricky := "Sale, today; only\\here\nSecond line\r\nThird" + strings.Repeat(" été 🎉", 30)
	setup := func(t *testing.T) (*env, string, map[string]approvals.Draft) {
		net := newNet().script("webhook:bad", reject400)
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		drafts := map[string]approvals.Draft{
			"scheduled": e.scheduled(t, tricky, "webhook:main", start.Add(24*time.Hour)),
			"published": e.scheduled(t, "Out already", "webhook:main", start.Add(time.Minute)),
			"failed":    e.scheduled(t, "Refused", "webhook:bad", start.Add(time.Minute)),
			"approved":  e.approved(t, "Approved, no time", "webhook:main", time.Time{}),
			"review":    e.submitted(t, "In review with a time", "webhook:main", start.Add(48*time.Hour)),
		}
		e.clock.Advance(time.Minute)
		e.tick(t)
		// Another brand's post is not in Acme's feed.
		if _, err := e.brands.AddBrand(t.Context(), bob, "Globex", nil); err != nil {
			t.Fatal(err)
		}
		other, err := e.drafts.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Brand: "Globex", Text: "Globex post",
			Targets: mustTargets(t, "webhook:main"), PublishAt: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.drafts.Submit(t.Context(), bob, other.ID); err != nil { // no review: scheduled at once
			t.Fatal(err)
		}
		_, tok, err := e.svc.Calendar(t.Context(), alice, acmeCh, "", false)
		if err != nil {
			t.Fatalf("Calendar: %v", err)
		}
		return e, tok, drafts
	}

	t.Run("OK", func(t *testing.T) {
		e, tok, drafts := setup(t)
		feed, err := e.svc.Feed(t.Context(), tok, enCalendar)
		if err != nil {
			t.Fatalf("Feed: %v", err)
		}
		events := checkCalendar(t, parseICS(t, feed))
		var uids []string
		for uid := range events {
			uids = append(uids, uid)
		}
		want := map[string]string{} // uid → what
		for what, d := range drafts {
			if what == "scheduled" || what == "published" || what == "failed" {
				want[fmt.Sprintf("herald-draft-%d-%d@herald", d.ID, e.brand.ID)] = what
			}
		}
		if len(events) != len(want) {
			t.Fatalf("events %v, want %d: scheduled, published, failed", uids, len(want))
		}
		for uid, what := range want {
			ev := events[uid]
			if ev == nil {
				t.Errorf("no event for the %s draft (%s); have %v", what, uid, uids)
				continue
			}
			d := drafts[what]
			if got := ev.Get("DTSTART")[0]; got != d.PublishAt.UTC().Format("20060102T150405Z") {
				t.Errorf("%s: DTSTART %s, want %s", what, got, d.PublishAt)
			}
			status := map[string]string{"scheduled": "CONFIRMED", "published": "CONFIRMED", "failed": "CANCELLED"}[what]
			if got := ev.Get("STATUS"); len(got) != 1 || got[0] != status {
				t.Errorf("%s: STATUS %v, want %s", what, got, status)
			}
		}
		ev := events[fmt.Sprintf("herald-draft-%d-%d@herald", drafts["scheduled"].ID, e.brand.ID)]
		desc, err := unescapeText(ev.Get("DESCRIPTION")[0])
		if err != nil {
			t.Fatal(err)
		}
		wantDesc := strings.ReplaceAll(tricky, "\r\n", "\n") + "\n\nTargets: webhook:main"
		if diff := cmp.Diff(wantDesc, desc); diff != "" {
			t.Errorf("DESCRIPTION does not round-trip (-want +got):\n%s", diff)
		}
		summary, _ := unescapeText(ev.Get("SUMMARY")[0])
		if want := fmt.Sprintf("#%d scheduled: Sale, today; only\\here…", drafts["scheduled"].ID); summary != want {
			t.Errorf("SUMMARY %q, want %q", summary, want)
		}
		if strings.Contains(string(feed), "Globex post") {
			t.Error("another brand's post is in the feed")
		}
		if !bytes.Contains(feed, []byte("\r\n ")) {
			t.Error("no line was folded; the test text should need folding")
		}
	})

	// Issue 14.12: only the token's hash is stored, so the link is shown
	// once, to whoever makes it (before, any member got the same token
	// back: it was readable in the database and every backup).
	t.Run("OKLinkShownOnce", func(t *testing.T) {
		e, tok, _ := setup(t)
		_, got, err := e.svc.Calendar(t.Context(), vic, acmeCh, "", false)
		if err != nil || got != "" {
			t.Errorf("a viewer's calendar link = %q, %v; want none shown again", got, err)
		}
		stored, err := e.store.CalendarToken(t.Context(), e.brand.ID)
		if err != nil || stored != publish.TokenHash(tok) || strings.Contains(stored, tok) {
			t.Errorf("stored %q, %v; want the token's SHA-256", stored, err)
		}
		if _, err := e.svc.Feed(t.Context(), tok, enCalendar); err != nil {
			t.Errorf("the link shown once opens the feed: %v", err)
		}
	})

	t.Run("ErrWrongToken", func(t *testing.T) {
		e, tok, _ := setup(t)
		for _, bad := range []string{"", "nope", strings.ToUpper(tok), tok + "x", tok[:len(tok)-1], strings.Repeat("a", 65)} {
			_, err := e.svc.Feed(t.Context(), bad, enCalendar)
			wantCode(t, err, herald.ENOTFOUND, fmt.Sprintf("Feed(%q)", bad))
		}
	})

	t.Run("ErrRotated", func(t *testing.T) {
		e, tok, _ := setup(t)
		_, _, err := e.svc.Calendar(t.Context(), bob, acmeCh, "", true)
		wantCode(t, err, herald.EFORBIDDEN, "rotate by an editor")
		if _, err := e.svc.Feed(t.Context(), tok, enCalendar); err != nil {
			t.Errorf("a refused rotation broke the old link: %v", err)
		}
		_, fresh, err := e.svc.Calendar(t.Context(), alice, acmeCh, "", true)
		if err != nil {
			t.Fatalf("rotate: %v", err)
		}
		if fresh == tok || fresh == "" {
			t.Fatalf("rotated token %q, old %q", fresh, tok)
		}
		_, err = e.svc.Feed(t.Context(), tok, enCalendar)
		wantCode(t, err, herald.ENOTFOUND, "Feed with the old token")
		if _, err := e.svc.Feed(t.Context(), fresh, enCalendar); err != nil {
			t.Errorf("Feed with the new token: %v", err)
		}
	})

	t.Run("ErrRevoked", func(t *testing.T) {
		e, tok, _ := setup(t)
		if err := e.store.SetCalendarToken(t.Context(), e.brand.ID, "", approvals.AuditEntry{BrandID: e.brand.ID, Action: "calendar_token", Actor: alice, At: start}); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		_, err := e.svc.Feed(t.Context(), tok, enCalendar)
		wantCode(t, err, herald.ENOTFOUND, "Feed with a revoked token")
	})

	t.Run("ErrNoTokenYet", func(t *testing.T) {
		e := newEnv(t, config{})
		_, _, err := e.svc.Calendar(t.Context(), bob, acmeCh, "", false)
		wantCode(t, err, herald.EFORBIDDEN, "an editor making the first link")
		_, _, err = e.svc.Calendar(t.Context(), nobody, acmeCh, "Acme", false)
		wantCode(t, err, herald.ENOTFOUND, "a stranger")
	})
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := publish.NewToken()
		if len(tok) != 32 || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyz234567") != "" {
			t.Fatalf("NewToken() = %q; want 32 lowercase base32 characters", tok)
		}
		if seen[tok] {
			t.Fatalf("NewToken() repeated %q", tok)
		}
		seen[tok] = true
	}
}

// normalizeText is what an ICS TEXT value can carry: line breaks are
// newlines, and invalid UTF-8 becomes U+FFFD.
func normalizeText(s string) string {
	s = strings.Map(func(r rune) rune { // TEXT holds no control characters
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

func FuzzICSText(f *testing.F) {
	for _, s := range []string{
		"", "a", "Sale, today; only\\here\nnext", strings.Repeat("x", 200), strings.Repeat("é", 100),
		strings.Repeat("🎉", 40), "\\n is not a newline", "a\r\nb\rc\n", "ends with a backslash\\", "bell\a and\x00nul\x7f",
		strings.Repeat("ab,", 40), "\xff\xfe invalid", strings.Repeat("\x80", 100), "日本語のテキスト" + strings.Repeat("。", 50),
	} {
		f.Add(s)
	}
	b := herald.Brand{ID: 1, Name: "Acme", Timezone: "UTC"}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		d := approvals.Draft{ID: 7, BrandID: 1, State: approvals.StateScheduled, Rev: 1, Text: text, PublishAt: at, UpdatedAt: at}
		bb := b
		bb.Name = text
		feed := publish.ICS(bb, []approvals.Draft{d}, at, kit.CalendarWords(i18n.English))
		cal := parseICS(t, feed) // checks ≤ 75 octets, UTF-8, CRLF
		events := checkCalendar(t, cal)
		if len(events) != 1 {
			t.Fatalf("%d events, want 1", len(events))
		}
		for _, ev := range events {
			got, err := unescapeText(ev.Get("DESCRIPTION")[0])
			if err != nil {
				t.Fatal(err)
			}
			if want := normalizeText(text); got != want {
				t.Errorf("DESCRIPTION round trip:\n got %q\nwant %q", got, want)
			}
		}
		name, err := unescapeText(strings.Join(cal.Get("X-WR-CALNAME"), ""))
		if err != nil {
			t.Fatal(err)
		}
		if want := normalizeText(text) + " · posts"; name != want {
			t.Errorf("X-WR-CALNAME round trip:\n got %q\nwant %q", name, want)
		}
	})
}
