package kit

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/query"
)

// MentionKey is the card key of a mention: every copy of its card, in
// every channel it was routed to, is updated when it changes.
func MentionKey(id int64) string { return "mention:" + strconv.FormatInt(id, 10) }

// SurgeKey is the card key of one surge of a brand: the alert is updated
// when the surge ends.
func SurgeKey(s mentions.Surge) string {
	return fmt.Sprintf("surge:%d:%d", s.BrandID, s.Start.Unix())
}

var mentionTones = map[mentions.State]string{
	mentions.StateNew: "warning", mentions.StateHandled: "good",
}

// snippetRunes bounds the text a mention card quotes.
const snippetRunes = 480

// MentionCard renders a mention: who wrote it where and when, the text
// around the matched terms (in bold), the link, and the buttons its state
// allows (Router.Offer keeps those of commands it has). Everything the web
// wrote goes in the Excerpt, shown verbatim. It reads nothing. A channel
// sees it: callers pass the brand's language, i18n.Lang(b.Lang).
func MentionCard(b herald.Brand, m mentions.Mention, lang i18n.Lang) commands.Card {
	loc := b.Location()
	c := commands.Card{
		Key:     MentionKey(m.ID),
		Title:   lang.F("Mention #%d · %s · %s", m.ID, b.Name, strings.Join(m.Sources, ", ")),
		Tone:    mentionTones[m.State],
		Excerpt: mentionExcerpt(m),
		Fields: []commands.Field{
			{Label: lang.T("State"), Value: mentionState(m, lang), Short: true},
		},
	}
	if m.Author != "" {
		c.Fields = append(c.Fields, commands.Field{Label: lang.T("Author"), Value: OneLine(m.Author, 80), Short: true, Verbatim: true})
	}
	when := m.Published
	if when.IsZero() {
		when = m.FoundAt
	}
	c.Fields = append(c.Fields, commands.Field{Label: lang.T("Published"), Value: StampIn(lang, when, loc), Short: true})
	if t := triage(m, lang); t != "" {
		c.Fields = append(c.Fields, commands.Field{Label: lang.T("Triage"), Value: t, Short: true})
	}
	if link := cmp.Or(m.CanonicalURL, m.URL); link != "" { // tracking parameters left out
		c.Fields = append(c.Fields, commands.Field{Label: lang.T("Link"), Value: link})
	}
	if m.DraftID != 0 {
		c.Context = append(c.Context, lang.F("Reply: draft #%d (`show %d`)", m.DraftID, m.DraftID))
	}
	c.Buttons = mentionButtons(m, lang)
	return c
}

// triage says the LLM's triage of a mention: "negative · high urgency",
// either part alone, or "" when there is none.
func triage(m mentions.Mention, lang i18n.Lang) string {
	var parts []string
	if m.Sentiment != "" {
		parts = append(parts, sentimentWord(m.Sentiment, lang))
	}
	if m.Urgency != "" {
		parts = append(parts, urgencyWords(m.Urgency, lang))
	}
	return strings.Join(parts, " · ")
}

// sentimentWord says a triage's sentiment (assist's enum) in lang; an
// unknown value is shown as the LLM gave it.
func sentimentWord(s string, lang i18n.Lang) string {
	switch s {
	case "positive":
		return lang.T("positive")
	case "neutral":
		return lang.T("neutral")
	case "negative":
		return lang.T("negative")
	}
	return s
}

// urgencyWords say a triage's urgency (assist's enum): "high urgency".
func urgencyWords(u string, lang i18n.Lang) string {
	switch u {
	case "low":
		return lang.T("low urgency")
	case "medium":
		return lang.T("medium urgency")
	case "high":
		return lang.T("high urgency")
	}
	return lang.F("%s urgency", u)
}

func mentionState(m mentions.Mention, lang i18n.Lang) string {
	if m.State == mentions.StateHandled && !m.Answer.At.IsZero() {
		return answeredWords(m.Answer.By.Display(), m.Answer.URL, lang)
	}
	if m.State == mentions.StateClaimed && m.Claimer.UserID != "" {
		return lang.F("claimed by %s", m.Claimer.Display())
	}
	return MentionStateWord(m.State, lang)
}

// MentionStateWord says a mention's state in lang: "new", "claimed"…
func MentionStateWord(s mentions.State, lang i18n.Lang) string {
	switch s {
	case mentions.StateNew:
		return lang.T("new")
	case mentions.StateClaimed:
		return lang.T("claimed")
	case mentions.StateHandled:
		return lang.T("handled")
	case mentions.StateIgnored:
		return lang.T("ignored")
	}
	return string(s)
}

// mentionButtons lists the actions a mention's state allows, as commands.
func mentionButtons(m mentions.Mention, lang i18n.Lang) []commands.Button {
	id := strconv.FormatInt(m.ID, 10)
	var bs []commands.Button
	add := func(b commands.Button) { bs = append(bs, b) }
	for _, a := range []struct {
		act   mentions.Action
		label string
		style string
	}{{mentions.ActClaim, lang.T("Claim"), "primary"}, {mentions.ActDone, lang.T("Done"), ""}, {mentions.ActIgnore, lang.T("Ignore"), ""}, {mentions.ActReopen, lang.T("Reopen"), ""}} {
		if _, ok := mentions.Next(m.State, a.act); ok {
			add(commands.Button{Label: a.label, Command: "mention " + string(a.act) + " " + id, Style: a.style})
		}
	}
	if m.State.Unhandled() {
		if m.DraftID == 0 {
			add(commands.Button{Label: lang.T("Draft reply"), Command: "mention reply " + id})
		}
		if m.Author != "" {
			add(commands.Button{Label: lang.T("Mute author"), Command: "mention mute " + id, Style: "danger"})
		}
	}
	if m.DraftID != 0 {
		add(commands.Button{Label: lang.T("Reply draft"), Command: "show " + strconv.FormatInt(m.DraftID, 10)})
	}
	return bs
}

// mentionExcerpt quotes a mention: its title, then its text around the
// first matched term, with every matched term marked.
func mentionExcerpt(m mentions.Mention) *commands.Excerpt {
	text := strings.TrimSpace(m.Text)
	if title := strings.TrimSpace(m.Title); title != "" && !strings.HasPrefix(text, title) {
		text = strings.TrimSpace(title + "\n" + text)
	}
	if text == "" {
		return nil
	}
	marks := query.Highlight(text, m.Terms)
	lo, hi := window(text, marks, snippetRunes)
	e := &commands.Excerpt{Text: text[lo:hi]}
	if lo > 0 {
		e.Text = "…" + e.Text
	}
	shift := len(e.Text) - (hi - lo)
	if hi < len(text) {
		e.Text += "…"
	}
	for _, mk := range marks {
		if mk[0] >= lo && mk[1] <= hi {
			e.Marks = append(e.Marks, [2]int{mk[0] - lo + shift, mk[1] - lo + shift})
		}
	}
	return e
}

// window picks n characters of text (all of it when shorter; byte
// offsets, on character boundaries) that hold the first mark, starting a
// little before it, or earlier when the mark is near the end.
func window(text string, marks [][2]int, n int) (lo, hi int) {
	if utf8.RuneCountInString(text) <= n {
		return 0, len(text)
	}
	if len(marks) > 0 {
		lo = marks[0][0]
		for back := n / 4; back > 0 && lo > 0; back-- {
			_, size := utf8.DecodeLastRuneInString(text[:lo])
			lo -= size
		}
		if i := strings.LastIndexAny(text[:lo], " \n"); i >= 0 && lo-i < 20 {
			lo = i + 1
		}
	}
	hi = lo
	k := 0
	for ; k < n && hi < len(text); k++ {
		_, size := utf8.DecodeRuneInString(text[hi:])
		hi += size
	}
	for ; k < n && lo > 0; k++ { // the text ended first: take more before
		_, size := utf8.DecodeLastRuneInString(text[:lo])
		lo -= size
	}
	return lo, hi
}

// SummaryCard renders a brand's listening over a period: `mentions` and
// the daily digest. title is in lang already; lang is the reader's
// (`mentions`, seen alone) or the brand's (the digest, seen by a channel).
func SummaryCard(b herald.Brand, s mentions.Summary, title string, lang i18n.Lang) commands.Card {
	c := commands.Card{Key: "", Title: title, Fields: []commands.Field{
		{Label: lang.T("Mentions"), Value: strconv.Itoa(s.Total), Short: true},
		{Label: lang.T("Unhandled"), Value: strconv.Itoa(s.Unhandled), Short: true},
	}}
	if s.Total == 0 {
		c.Text = lang.T("No mentions in this period.")
		return c
	}
	if len(s.BySource) > 0 {
		c.Fields = append(c.Fields, commands.Field{Label: lang.T("Sources"), Value: counts(s.BySource)})
	}
	if len(s.TopAuthors) > 0 {
		c.Fields = append(c.Fields, commands.Field{Label: lang.T("Top authors"), Value: counts(s.TopAuthors), Verbatim: true})
	}
	if len(s.Newest) > 0 {
		var lines []string
		for _, m := range s.Newest {
			lines = append(lines, fmt.Sprintf("#%d · %s · %s", m.ID, strings.Join(m.Sources, ", "), cmp.Or(m.CanonicalURL, m.URL)))
		}
		c.Fields = append(c.Fields, commands.Field{Label: lang.T("Waiting for someone"), Value: strings.Join(lines, "\n")})
		c.Context = append(c.Context, lang.T("`mention show ID` opens one; `mention claim ID` takes it."))
	}
	if s.Unhandled == 0 {
		c.Tone = "good"
	}
	return c
}

func counts(cs []mentions.Count) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s (%d)", OneLine(c.Key, 60), c.N)
	}
	return strings.Join(parts, ", ")
}

// surgeCard renders a surge alert, or its end. It reads nothing.
// With pause, an alert (not its end) offers Pause publishing, which asks
// for the reason like Reject. A channel sees it: lang is the brand's.
func surgeCard(b herald.Brand, s mentions.Surge, pause bool, lang i18n.Lang) commands.Card {
	loc := b.Location()
	c := commands.Card{Key: SurgeKey(s), Tone: "danger",
		Title: lang.F("Surge of mentions · %s", b.Name),
		Text: lang.F("%d mentions in %s from %s, against about %s usually (alert at %d).",
			s.Count, span(s.Window, lang), StampIn(lang, s.Start, loc), decimal(s.Baseline, lang), s.Threshold),
	}
	if s.Over {
		c.Tone = "good"
		c.Title = lang.F("Surge over · %s", b.Name)
		c.Text = lang.F("The surge that began %s is over: %d mentions in the last %s.", StampIn(lang, s.Start, loc), s.Count, span(s.Window, lang))
	}
	for i, m := range s.Sample {
		if i == 0 {
			c.Excerpt = mentionExcerpt(m)
		}
		c.Fields = append(c.Fields, commands.Field{Label: fmt.Sprintf("#%d · %s", m.ID, strings.Join(m.Sources, ", ")), Value: cmp.Or(m.CanonicalURL, m.URL)})
	}
	c.Buttons = []commands.Button{{Label: lang.T("All of today's mentions"), Command: "mentions today --brand " + commands.Quote(b.Name)}}
	if pause && !s.Over { // a crisis: stop the promotions from the alert itself
		c.Buttons = append(c.Buttons, commands.Button{Label: lang.T("Pause publishing"), Command: "pause --brand " + commands.Quote(b.Name), Style: "danger", Input: "reason"})
	}
	return c
}

// span says a surge window the way people do: "10 minutes", "1 hour"
// (Go's "10m0s" otherwise).
func span(d time.Duration, lang i18n.Lang) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return lang.N(int(d/time.Hour), "%d hour", "%d hours")
	case d >= time.Minute && d%time.Minute == 0:
		return lang.N(int(d/time.Minute), "%d minute", "%d minutes")
	}
	return d.String()
}

// decimal writes x with one decimal, with the decimal comma in French.
func decimal(x float64, lang i18n.Lang) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if lang == i18n.French {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// MentionNotifier brings the listening pipeline's events to chat: a card
// per new mention in each of its channels, card updates (the LLM triage
// the pipeline records among them), surge alerts and digests. It
// implements mentions.Notifier.
type MentionNotifier struct {
	show     func(ctx context.Context, card commands.Card, where herald.ChannelRef)
	announce commands.Announce
	pause    bool // surge alerts offer Pause publishing
}

var _ mentions.Notifier = (*MentionNotifier)(nil)

// OfferPause makes surge alerts offer Pause publishing (issue 20), for a
// Herald whose router has the pause command (publishing set up).
func (n *MentionNotifier) OfferPause() *MentionNotifier {
	n.pause = true
	return n
}

// NewMentionNotifier returns a MentionNotifier. show posts a card in a
// channel (or updates its copy there); announce updates every copy of a
// card already shown. It needs no router: its cards carry every button
// their state allows, and the listening commands those run exist wherever
// mentions do (handlers.New registers them with Deps.Mentions).
func NewMentionNotifier(show func(ctx context.Context, card commands.Card, where herald.ChannelRef), announce commands.Announce) *MentionNotifier {
	return &MentionNotifier{show: show, announce: announce}
}

// update brings a changed card to every copy already shown.
func (n *MentionNotifier) update(ctx context.Context, c commands.Card) {
	n.announce(ctx, c, commands.Response{})
}

// Notify implements mentions.Notifier. Its cards and notes are seen by
// channels: they speak the brand's language.
func (n *MentionNotifier) Notify(ctx context.Context, e mentions.Event) error {
	lang := i18n.Lang(e.Brand.Lang)
	switch e.Kind {
	case mentions.EventMention, mentions.EventSeenAgain, mentions.EventUpdated:
		if e.Mention == nil {
			return nil
		}
		card := MentionCard(e.Brand, *e.Mention, lang)
		if e.Kind != mentions.EventMention {
			n.update(ctx, card)
			return nil
		}
		for _, ch := range e.Routes {
			n.show(ctx, card, ch)
		}
	case mentions.EventSurge, mentions.EventSurgeOver:
		if e.Surge == nil {
			return nil
		}
		card := surgeCard(e.Brand, *e.Surge, n.pause, lang)
		if e.Kind == mentions.EventSurgeOver {
			n.update(ctx, card)
			return nil
		}
		for _, ch := range e.Routes {
			n.show(ctx, card, ch)
		}
	case mentions.EventAnswered: // the card everywhere, and the link in its thread
		if e.Mention == nil {
			return nil
		}
		n.announce(ctx, MentionCard(e.Brand, *e.Mention, lang), commands.Response{Text: AnsweredNote(*e.Mention, lang)})
	case mentions.EventDigest:
		if e.Digest == nil {
			return nil
		}
		card := SummaryCard(e.Brand, *e.Digest, lang.F("Daily digest · %s", e.Brand.Name), lang)
		card.Key = fmt.Sprintf("digest:%d:%s", e.Brand.ID, e.Digest.Until.In(e.Brand.Location()).Format("2006-01-02"))
		for _, ch := range e.Routes {
			n.show(ctx, card, ch)
		}
	default:
		return herald.Errorf(herald.EINTERNAL, "unknown mention event %q", e.Kind)
	}
	return nil
}

// ReplyInput is a mention as the LLM reads it (untrusted data), for a
// suggested reply or a triage: the link without its tracking parameters.
func ReplyInput(m mentions.Mention) assist.ReplyInput {
	return assist.ReplyInput{Source: strings.Join(m.Sources, ", "), Author: m.Author, URL: cmp.Or(m.CanonicalURL, m.URL), Title: m.Title, Text: m.Text}
}
