package listencmd

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
)

// channelRE reads a channel as Slack and Discord send it: <#C123|name>,
// <#123>, or a bare id.
var channelRE = regexp.MustCompile(`^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$|^([A-Z0-9]{8,20}|[0-9]{15,21})$`)

// consoleChannelRE reads a console channel: #name, as `/channel` names it
// (at most maxConsoleChannel characters, checked apart: a counted
// repetition of Unicode classes compiles to megabytes, resident for the
// life of the process).
var consoleChannelRE = regexp.MustCompile(consoleChannelPattern)

const (
	consoleChannelPattern = `^#?([\p{L}\p{N}_.-]+)$`
	maxConsoleChannel     = 80
)

// channelArg reads --channel on the actor's platform and workspace. On the
// console, where channels are names, #name (or name) is the channel. A
// refusal is in lang, the actor's.
func channelArg(here herald.ChannelRef, v string, lang i18n.Lang) (herald.ChannelRef, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return here, nil
	}
	if here.Platform == "console" {
		if m := consoleChannelRE.FindStringSubmatch(v); m != nil && utf8.RuneCountInString(m[1]) <= maxConsoleChannel {
			here.Channel = "#" + m[1]
			return here, nil
		}
	}
	m := channelRE.FindStringSubmatch(v)
	if m == nil {
		return herald.ChannelRef{}, &herald.Error{Code: herald.EINVALID, Message: lang.F("%q is not a channel Herald can post to: mention it with # and pick it from the list, so that Herald gets its id.", v)}
	}
	here.Channel = m[1] + m[2]
	return here, nil
}

func (h *handlers) watchAdd(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	ch, err := channelArg(r.Channel, r.Args.Str("channel"), personLang(r.Actor, b))
	if err != nil {
		return commands.Response{}, err
	}
	w, err := h.Mentions.AddWatch(ctx, r.Actor, b, r.Args.Str("query"), ch)
	if err != nil {
		return commands.Response{}, err
	}
	lang := i18n.Lang(b.Lang) // the channel sees it
	text := lang.F("%s added watch #%d for %s: `%s`. Its mentions come to %s.", r.Actor.Display(), w.ID, b.Name, w.Query, channelLabel(w.Channel, lang))
	if srcs, err := h.Mentions.Sources(ctx, r.Actor, b); err == nil && len(srcs) == 0 {
		text += " " + lang.T("No source yet: add one with `source add hn`, `source add rss URL`…")
	}
	return commands.Response{Text: text}, nil
}

func channelLabel(c herald.ChannelRef, lang i18n.Lang) string {
	if c.Platform == "console" {
		return lang.F("%s in this console", c.Channel)
	}
	return lang.F("%s channel %s", c.Platform, c.Channel)
}

// personLang is the language of what the actor sees alone: theirs, else
// the brand's. (The same as kit.PersonLang, which the i18n work adds: the
// merge keeps that one.)
func personLang(a herald.Actor, b herald.Brand) i18n.Lang {
	if a.Lang != "" {
		return i18n.Lang(a.Lang)
	}
	return i18n.Lang(b.Lang)
}

func (h *handlers) watchList(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	ws, err := h.Mentions.Watches(ctx, r.Actor, b)
	if err != nil {
		return commands.Response{}, err
	}
	lang := personLang(r.Actor, b)
	if len(ws) == 0 {
		return commands.Response{Text: lang.F("%s has no watches yet: add one with `watch add QUERY`.", b.Name), Ephemeral: true}, nil
	}
	var s strings.Builder
	s.WriteString(lang.F("Watches of %s:", b.Name))
	for _, w := range ws {
		s.WriteString("\n  " + lang.F("#%d  `%s` → %s (by %s)", w.ID, w.Query, channelLabel(w.Channel, lang), w.CreatedBy.Display()))
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
}

func (h *handlers) watchRm(ctx context.Context, r *commands.Request) (commands.Response, error) {
	w, err := h.Mentions.RemoveWatch(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	lang := h.brandLang(ctx, w.BrandID)
	return commands.Response{Text: lang.F("%s removed watch #%d (`%s`).", r.Actor.Display(), w.ID, w.Query)}, nil
}

// testShown bounds the matches `watch test` lists.
const testShown = 10

func (h *handlers) watchTest(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	wt, err := h.Mentions.TestQuery(ctx, r.Actor, b, r.Args.Str("query"), testShown)
	if err != nil {
		return commands.Response{}, err
	}
	var s strings.Builder
	s.WriteString(watchTestHead(r.Args.Str("query"), b, wt, personLang(r.Actor, b)))
	for _, m := range wt.Matches {
		fmt.Fprintf(&s, "\n  #%d · %s · %s · %s", m.ID, strings.Join(m.Sources, ", "), kit.StampIn(personLang(r.Actor, b), m.FoundAt, b.Location()), cmp.Or(m.CanonicalURL, m.URL))
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
}

// watchTestHead says what `watch test` searched: the whole 7 days, or how
// far back it got when it stopped at testShown matches or at its budget.
func watchTestHead(query string, b herald.Brand, wt mentions.WatchTest, lang i18n.Lang) string {
	back := kit.StampIn(lang, wt.Back, b.Location())
	switch {
	case wt.Whole && len(wt.Matches) == 0:
		return lang.F("`%s` matches none of the %d recent mentions of %s.", query, wt.Scanned, b.Name)
	case wt.Whole:
		return lang.F("`%s` matches %d of the %d recent mentions of %s (the last 7 days; newest first, at most %d):", query, len(wt.Matches), wt.Scanned, b.Name, testShown)
	case len(wt.Matches) == testShown:
		return lang.F("`%s`: the %d newest matches among the %d most recent mentions of %s (searched back to %s):", query, testShown, wt.Scanned, b.Name, back)
	case len(wt.Matches) == 0:
		return lang.F("`%s` matches none of the %d most recent mentions of %s; searched back to %s, not the whole 7 days.", query, wt.Scanned, b.Name, back)
	}
	return lang.F("`%s` matches %d of the %d most recent mentions of %s; searched back to %s, not the whole 7 days (newest first):", query, len(wt.Matches), wt.Scanned, b.Name, back)
}

func (h *handlers) sourceAdd(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	spec := mentions.Spec{Kind: r.Args.Str("kind"), URL: r.Args.Str("url"), Tag: strings.TrimPrefix(strings.TrimSpace(r.Args.Str("tag")), "#")}
	if spec.Kind == "mastodon" && strings.HasPrefix(spec.URL, "#") {
		return commands.Response{}, &herald.Error{Code: herald.EINVALID, Message: personLang(r.Actor, b).F("Name the instance before the tag: `source add mastodon mastodon.social %s`.", spec.URL)}
	}
	if spec.Kind == "mastodon" && spec.URL != "" && !strings.Contains(spec.URL, "://") {
		spec.URL = "https://" + spec.URL // an instance is named by its host
	}
	st, err := h.Mentions.AddSource(ctx, r.Actor, b, spec)
	if err != nil {
		return commands.Response{}, err
	}
	if st.Token == "" { // the channel sees it
		lang := i18n.Lang(b.Lang)
		return commands.Response{Text: lang.F("%s added source #%d to %s: %s.", r.Actor.Display(), st.Spec.ID, b.Name, st.Spec.String()) +
			" " + lang.T("Herald polls it from now on; `source list` shows its health.")}, nil
	}
	// The token is a secret: the URL is shown to the one who asked only.
	lang := personLang(r.Actor, b)
	text := lang.F("%s added source #%d to %s: %s.", r.Actor.Display(), st.Spec.ID, b.Name, st.Spec.String()) +
		"\n" + lang.T("POST mentions as JSON to:") + "\n  " + strings.TrimRight(h.PublicURL, "/") + "/hooks/mentions/" + st.Token +
		"\n" + lang.T("Keep this URL secret: anyone who has it can send mentions. The JSON schema is in docs/listening.md (Webhook).")
	if h.PublicURL == "" {
		text += "\n" + lang.T("(Set HERALD_PUBLIC_URL to Herald's public address to get a full link; the path above is on HERALD_HTTP_ADDR.)")
	}
	return commands.Response{Ephemeral: true, Text: text}, nil
}

func (h *handlers) sourceList(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	srcs, err := h.Mentions.Sources(ctx, r.Actor, b)
	if err != nil {
		return commands.Response{}, err
	}
	lang := personLang(r.Actor, b)
	if len(srcs) == 0 {
		return commands.Response{Text: lang.F("%s has no sources yet: add one with `source add hn`, `source add rss URL`, `source add webhook`…", b.Name), Ephemeral: true}, nil
	}
	loc := b.Location()
	var s strings.Builder
	s.WriteString(lang.F("Sources of %s:", b.Name))
	for _, st := range srcs {
		fmt.Fprintf(&s, "\n  #%d  %s · %s · %s", st.Spec.ID, st.Spec.String(), lang.N(int(st.ItemsSeen), "%d item seen", "%d items seen"), health(st, loc, lang))
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
}

// health says how a source is doing: its last success and, when it
// failed since, the error and when it is tried again.
func health(st mentions.SourceStatus, loc *time.Location, lang i18n.Lang) string {
	ok := lang.T("never polled yet")
	if st.Spec.Kind == "webhook" {
		ok = lang.T("nothing received yet")
	}
	if !st.LastSuccess.IsZero() {
		ok = lang.F("last success %s", kit.StampIn(lang, st.LastSuccess, loc))
	}
	if st.LastError.After(st.LastSuccess) { // the source's error is its own words
		s := ok + " · " + lang.F("last error %s: %s", kit.StampIn(lang, st.LastError, loc), kit.OneLine(st.LastErrorMsg, 160))
		if !st.NextPoll.IsZero() {
			s += " · " + lang.F("next try %s", kit.StampIn(lang, st.NextPoll, loc))
		}
		return s
	}
	return ok
}

func (h *handlers) sourceRm(ctx context.Context, r *commands.Request) (commands.Response, error) {
	st, err := h.Mentions.RemoveSource(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	lang := h.brandLang(ctx, st.Spec.BrandID)
	return commands.Response{Text: lang.F("%s removed source #%d (%s).", r.Actor.Display(), st.Spec.ID, st.Spec.String())}, nil
}

func (h *handlers) mentionsSummary(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	lang := personLang(r.Actor, b) // seen alone
	now := h.Clock.Now().In(b.Location())
	since, title := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()), lang.F("Mentions of %s, today", b.Name)
	if r.Args.Str("period") == "week" {
		since, title = now.Add(-7*24*time.Hour), lang.F("Mentions of %s, the last 7 days", b.Name)
	}
	sum, err := h.Mentions.Summary(ctx, r.Actor, b, since)
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Cards: []commands.Card{kit.SummaryCard(b, sum, title, lang)}, Ephemeral: true}, nil
}

func (h *handlers) mentionShow(ctx context.Context, r *commands.Request) (commands.Response, error) {
	m, err := h.Mentions.Mention(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	b, err := h.Brands.Brand(ctx, m.BrandID)
	if err != nil {
		return commands.Response{}, err
	}
	lang := i18n.Lang(b.Lang) // the card and its history are posted in the channel
	resp := commands.Response{Cards: []commands.Card{h.Router.Offer(kit.MentionCard(b, m, lang))}}
	if log, err := h.Mentions.MentionAudit(ctx, r.Actor, m.ID); err == nil && len(log) > 0 {
		var s strings.Builder
		for _, e := range log {
			fmt.Fprintf(&s, "\n  %s · %s", kit.StampIn(lang, e.At, b.Location()), auditWords(e.Actor, e.Action, lang))
			if e.Detail != "" {
				s.WriteString(" (" + e.Detail + ")")
			}
		}
		resp.Text = lang.F("History of mention #%d:%s", m.ID, s.String())
	}
	return resp, nil
}

// auditWords say who did what to a mention: "ann claimed it".
func auditWords(a herald.Actor, act mentions.Action, lang i18n.Lang) string {
	who := a.Display()
	if a.UserID == "" {
		who = "Herald"
	}
	switch act {
	case mentions.ActClaim:
		return lang.F("%s claimed", who)
	case mentions.ActDone:
		return lang.F("%s marked done", who)
	case mentions.ActIgnore:
		return lang.F("%s ignored", who)
	case mentions.ActReopen:
		return lang.F("%s reopened", who)
	case "link_draft":
		return lang.F("%s linked to a reply draft", who)
	case "answered":
		return lang.F("%s answered", who)
	}
	return who + " " + act.Done()
}

func (h *handlers) mentionAct(a mentions.Action) commands.Handler {
	return func(ctx context.Context, r *commands.Request) (commands.Response, error) {
		m, err := h.Mentions.Act(ctx, r.Actor, r.Args.Int("id"), a)
		if err != nil {
			return commands.Response{}, err
		}
		return h.mentionResponse(ctx, m, func(lang i18n.Lang) string { return actedText(r.Actor, a, m.ID, lang) })
	}
}

// actedText says what the actor did to a mention: "ann claimed mention #3."
func actedText(who herald.Actor, a mentions.Action, id int64, lang i18n.Lang) string {
	switch a {
	case mentions.ActClaim:
		return lang.F("%s claimed mention #%d.", who.Display(), id)
	case mentions.ActDone:
		return lang.F("%s handled mention #%d.", who.Display(), id)
	case mentions.ActIgnore:
		return lang.F("%s ignored mention #%d.", who.Display(), id)
	case mentions.ActReopen:
		return lang.F("%s reopened mention #%d.", who.Display(), id)
	}
	return fmt.Sprintf("%s %s mention #%d.", who.Display(), a.Done(), id)
}

// mentionResponse answers with a short text and the mention's card, both
// seen by the channel: text is given the brand's language.
func (h *handlers) mentionResponse(ctx context.Context, m mentions.Mention, text func(i18n.Lang) string) (commands.Response, error) {
	b, err := h.Brands.Brand(ctx, m.BrandID)
	if err != nil {
		return commands.Response{}, err
	}
	lang := i18n.Lang(b.Lang)
	return commands.Response{Text: text(lang), Cards: []commands.Card{h.Router.Offer(kit.MentionCard(b, m, lang))}}, nil
}

// brandLang is the language of the brand id's channels; English when the
// brand cannot be read (the answer still goes out).
func (h *handlers) brandLang(ctx context.Context, id int64) i18n.Lang {
	b, err := h.Brands.Brand(ctx, id)
	if err != nil {
		return i18n.English
	}
	return i18n.Lang(b.Lang)
}

func (h *handlers) mentionMute(ctx context.Context, r *commands.Request) (commands.Response, error) {
	m, err := h.Mentions.Mention(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	b, err := h.Brands.Brand(ctx, m.BrandID)
	if err != nil {
		return commands.Response{}, err
	}
	if m.Author == "" {
		return commands.Response{}, &herald.Error{Code: herald.EINVALID, Message: personLang(r.Actor, b).F("Mention #%d has no author to mute; mute its domain with `mute domain DOMAIN`.", m.ID)}
	}
	lang := i18n.Lang(b.Lang) // the answer and the card are the channel's
	// An author muted already (from another of their mentions) is no
	// reason to leave this one open: the mention is ignored all the same.
	mu, err := h.Mentions.Mute(ctx, r.Actor, b, mentions.MuteAuthor, m.Author)
	var text string
	switch herald.ErrorCode(err) {
	case "":
		text = lang.F("%s muted %s on %s: their mentions are dropped (`unmute author %s` lifts it).", r.Actor.Display(), mu.Value, b.Name, quoteArg(mu.Value))
	case herald.ECONFLICT:
		v := mentions.NormalizeMute(mentions.MuteAuthor, m.Author)
		text = lang.F("%s is muted on %s already (`unmute author %s` lifts it).", v, b.Name, quoteArg(v))
	default:
		return commands.Response{}, err
	}
	if _, ok := mentions.Next(m.State, mentions.ActIgnore); ok {
		if m, err = h.Mentions.Act(ctx, r.Actor, m.ID, mentions.ActIgnore); err != nil {
			return commands.Response{}, err
		}
	}
	return commands.Response{Text: text, Cards: []commands.Card{h.Router.Offer(kit.MentionCard(b, m, lang))}}, nil
}

// quoteArg quotes v for a command line when it is not one plain word.
func quoteArg(v string) string {
	if v == "" || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(`"'“”«»„\`, r) }) {
		return commands.Quote(v)
	}
	return v
}

func (h *handlers) mute(on bool) commands.Handler {
	return func(ctx context.Context, r *commands.Request) (commands.Response, error) {
		b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
		if err != nil {
			return commands.Response{}, err
		}
		kind := mentions.MuteKind(r.Args.Str("kind"))
		lang := i18n.Lang(b.Lang) // the channel sees it
		if !on {
			mu, err := h.Mentions.Unmute(ctx, r.Actor, b, kind, r.Args.Str("value"))
			if err != nil {
				return commands.Response{}, err
			}
			return commands.Response{Text: lang.F("%s unmuted %s on %s.", r.Actor.Display(), muteWords(mu, lang), b.Name)}, nil
		}
		mu, err := h.Mentions.Mute(ctx, r.Actor, b, kind, r.Args.Str("value"))
		if err != nil {
			return commands.Response{}, err
		}
		return commands.Response{Text: lang.F("%s muted %s on %s: its mentions are dropped.", r.Actor.Display(), muteWords(mu, lang), b.Name)}, nil
	}
}

func (h *handlers) mutes(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	ms, err := h.Mentions.Mutes(ctx, r.Actor, b)
	if err != nil {
		return commands.Response{}, err
	}
	lang := personLang(r.Actor, b)
	if len(ms) == 0 {
		return commands.Response{Text: lang.F("Nothing is muted on %s.", b.Name), Ephemeral: true}, nil
	}
	var s strings.Builder
	s.WriteString(lang.F("Muted on %s:", b.Name))
	for _, m := range ms {
		s.WriteString("\n  " + lang.F("%s (by %s, %s)", muteWords(m, lang), m.By.Display(), kit.StampIn(lang, m.At, b.Location())))
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
}

// muteWords name what a mute silences: "author @troll", "domain spam.example".
func muteWords(m mentions.Mute, lang i18n.Lang) string {
	switch m.Kind {
	case mentions.MuteAuthor:
		return lang.F("author %s", m.Value)
	case mentions.MuteDomain:
		return lang.F("domain %s", m.Value)
	}
	return string(m.Kind) + " " + m.Value
}

func (h *handlers) listen(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	v := strings.ToLower(strings.TrimSpace(r.Args.Str("value")))
	setting := r.Args.Str("setting")
	if setting == "keep" && v == "" { // `listen keep` shows the retention
		setting = ""
	}
	if setting != "" && v == "" { // `listen digest` alone must not turn the digest off
		return commands.Response{}, &herald.Error{Code: herald.EINVALID, Message: personLang(r.Actor, b).F("Give the value: %s.", listenValues(setting, personLang(r.Actor, b)))}
	}
	var set mentions.Settings
	switch setting {
	case "":
		if set, err = h.Mentions.Settings(ctx, r.Actor, b); err != nil {
			return commands.Response{}, err
		}
		return commands.Response{Text: settingsText(b, set, personLang(r.Actor, b)), Ephemeral: true}, nil
	case "langs":
		var langs []string
		switch v {
		case "all", "any", "off", "none": // not language codes: the filter is lifted
		default:
			langs = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
		}
		set, err = h.Mentions.SetLangs(ctx, r.Actor, b, langs)
	case "digest":
		if v == "off" || v == "none" {
			v = ""
		}
		set, err = h.Mentions.SetDigestAt(ctx, r.Actor, b, v)
	case "triage":
		if v != "on" && v != "off" {
			return commands.Response{}, &herald.Error{Code: herald.EINVALID, Message: personLang(r.Actor, b).T("Say `listen triage on` or `listen triage off`.")}
		}
		set, err = h.Mentions.SetTriage(ctx, r.Actor, b, v == "on")
	case "keep":
		set, err = h.Mentions.SetKeep(ctx, r.Actor, b, v)
	}
	if err != nil {
		return commands.Response{}, err
	}
	lang := i18n.Lang(b.Lang) // the channel sees it
	return commands.Response{Text: lang.F("%s changed the listening settings.", r.Actor.Display()) + " " + settingsText(b, set, lang)}, nil
}

// listenValues say what a listening setting takes.
func listenValues(setting string, lang i18n.Lang) string {
	switch setting {
	case "langs":
		return lang.T("`listen langs fr,en` (language codes) or `listen langs all`")
	case "digest":
		return lang.T("`listen digest 09:00` (HH:MM in the brand's zone) or `listen digest off`")
	case "triage":
		return lang.T("`listen triage on` or `listen triage off`")
	}
	return ""
}

func settingsText(b herald.Brand, s mentions.Settings, lang i18n.Lang) string {
	langs := lang.T("all languages")
	if len(s.Langs) > 0 {
		langs = strings.Join(s.Langs, ", ")
	}
	digest := lang.T("no daily digest")
	if s.DigestAt != "" {
		digest = lang.F("a daily digest at %s (%s)", s.DigestAt, b.Location().String())
	}
	if s.Triage {
		return lang.F("%s keeps mentions in %s, gets %s, LLM triage on. Mentions are kept %s.", b.Name, langs, digest, keepWords(s.Keep, lang))
	}
	return lang.F("%s keeps mentions in %s, gets %s, LLM triage off. Mentions are kept %s.", b.Name, langs, digest, keepWords(s.Keep, lang))
}

// keepWords says how long mentions are kept: "for 180 days", "forever".
func keepWords(keep time.Duration, lang i18n.Lang) string {
	if keep <= 0 {
		return lang.T("forever")
	}
	return lang.N(int(keep/(24*time.Hour)), "for %d day", "for %d days")
}
