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
// console, where channels are names, #name (or name) is the channel.
func channelArg(here herald.ChannelRef, v string) (herald.ChannelRef, error) {
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
		return herald.ChannelRef{}, herald.Errorf(herald.EINVALID, "%q is not a channel Herald can post to: mention it with # and pick it from the list, so that Herald gets its id.", v)
	}
	here.Channel = m[1] + m[2]
	return here, nil
}

func (h *handlers) watchAdd(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	ch, err := channelArg(r.Channel, r.Args.Str("channel"))
	if err != nil {
		return commands.Response{}, err
	}
	w, err := h.Mentions.AddWatch(ctx, r.Actor, b, r.Args.Str("query"), ch)
	if err != nil {
		return commands.Response{}, err
	}
	text := fmt.Sprintf("%s added watch #%d for %s: `%s`. Its mentions come to %s.", r.Actor.Display(), w.ID, b.Name, w.Query, channelLabel(w.Channel))
	if srcs, err := h.Mentions.Sources(ctx, r.Actor, b); err == nil && len(srcs) == 0 {
		text += " No source yet: add one with `source add hn`, `source add rss URL`…"
	}
	return commands.Response{Text: text}, nil
}

func channelLabel(c herald.ChannelRef) string {
	if c.Platform == "console" {
		return c.Channel + " in this console"
	}
	return fmt.Sprintf("%s channel %s", c.Platform, c.Channel)
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
	if len(ws) == 0 {
		return commands.Response{Text: fmt.Sprintf("%s has no watches yet: add one with `watch add QUERY`.", b.Name), Ephemeral: true}, nil
	}
	var s strings.Builder
	fmt.Fprintf(&s, "Watches of %s:", b.Name)
	for _, w := range ws {
		fmt.Fprintf(&s, "\n  #%d  `%s` → %s (by %s)", w.ID, w.Query, channelLabel(w.Channel), w.CreatedBy.Display())
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
}

func (h *handlers) watchRm(ctx context.Context, r *commands.Request) (commands.Response, error) {
	w, err := h.Mentions.RemoveWatch(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: fmt.Sprintf("%s removed watch #%d (`%s`).", r.Actor.Display(), w.ID, w.Query)}, nil
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
	s.WriteString(watchTestHead(r.Args.Str("query"), b, wt))
	for _, m := range wt.Matches {
		fmt.Fprintf(&s, "\n  #%d · %s · %s · %s", m.ID, strings.Join(m.Sources, ", "), kit.Stamp(m.FoundAt, b.Location()), cmp.Or(m.CanonicalURL, m.URL))
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
}

// watchTestHead says what `watch test` searched: the whole 7 days, or how
// far back it got when it stopped at testShown matches or at its budget.
func watchTestHead(query string, b herald.Brand, wt mentions.WatchTest) string {
	back := kit.Stamp(wt.Back, b.Location())
	switch {
	case wt.Whole && len(wt.Matches) == 0:
		return fmt.Sprintf("`%s` matches none of the %d recent mentions of %s.", query, wt.Scanned, b.Name)
	case wt.Whole:
		return fmt.Sprintf("`%s` matches %d of the %d recent mentions of %s (the last 7 days; newest first, at most %d):", query, len(wt.Matches), wt.Scanned, b.Name, testShown)
	case len(wt.Matches) == testShown:
		return fmt.Sprintf("`%s`: the %d newest matches among the %d most recent mentions of %s (searched back to %s):", query, testShown, wt.Scanned, b.Name, back)
	case len(wt.Matches) == 0:
		return fmt.Sprintf("`%s` matches none of the %d most recent mentions of %s; searched back to %s, not the whole 7 days.", query, wt.Scanned, b.Name, back)
	}
	return fmt.Sprintf("`%s` matches %d of the %d most recent mentions of %s; searched back to %s, not the whole 7 days (newest first):", query, len(wt.Matches), wt.Scanned, b.Name, back)
}

func (h *handlers) sourceAdd(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	spec := mentions.Spec{Kind: r.Args.Str("kind"), URL: r.Args.Str("url"), Tag: strings.TrimPrefix(strings.TrimSpace(r.Args.Str("tag")), "#")}
	if spec.Kind == "mastodon" && strings.HasPrefix(spec.URL, "#") {
		return commands.Response{}, herald.Errorf(herald.EINVALID, "Name the instance before the tag: `source add mastodon mastodon.social %s`.", spec.URL)
	}
	if spec.Kind == "mastodon" && spec.URL != "" && !strings.Contains(spec.URL, "://") {
		spec.URL = "https://" + spec.URL // an instance is named by its host
	}
	st, err := h.Mentions.AddSource(ctx, r.Actor, b, spec)
	if err != nil {
		return commands.Response{}, err
	}
	text := fmt.Sprintf("%s added source #%d to %s: %s.", r.Actor.Display(), st.Spec.ID, b.Name, st.Spec.String())
	if st.Token == "" {
		return commands.Response{Text: text + " Herald polls it from now on; `source list` shows its health."}, nil
	}
	// The token is a secret: the URL is shown to the one who asked only.
	text += "\nPOST mentions as JSON to:\n  " + strings.TrimRight(h.PublicURL, "/") + "/hooks/mentions/" + st.Token +
		"\nKeep this URL secret: anyone who has it can send mentions. The JSON schema is in the README (Listening → Webhook)."
	if h.PublicURL == "" {
		text += "\n(Set HERALD_PUBLIC_URL to Herald's public address to get a full link; the path above is on HERALD_HTTP_ADDR.)"
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
	if len(srcs) == 0 {
		return commands.Response{Text: fmt.Sprintf("%s has no sources yet: add one with `source add hn`, `source add rss URL`, `source add webhook`…", b.Name), Ephemeral: true}, nil
	}
	loc := b.Location()
	var s strings.Builder
	fmt.Fprintf(&s, "Sources of %s:", b.Name)
	for _, st := range srcs {
		fmt.Fprintf(&s, "\n  #%d  %s · %d item(s) seen · %s", st.Spec.ID, st.Spec.String(), st.ItemsSeen, health(st, loc))
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
}

// health says how a source is doing: its last success and, when it
// failed since, the error and when it is tried again.
func health(st mentions.SourceStatus, loc *time.Location) string {
	ok := "never polled yet"
	if st.Spec.Kind == "webhook" {
		ok = "nothing received yet"
	}
	if !st.LastSuccess.IsZero() {
		ok = "last success " + kit.Stamp(st.LastSuccess, loc)
	}
	if st.LastError.After(st.LastSuccess) {
		s := fmt.Sprintf("%s · last error %s: %s", ok, kit.Stamp(st.LastError, loc), kit.OneLine(st.LastErrorMsg, 160))
		if !st.NextPoll.IsZero() {
			s += " · next try " + kit.Stamp(st.NextPoll, loc)
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
	return commands.Response{Text: fmt.Sprintf("%s removed source #%d (%s).", r.Actor.Display(), st.Spec.ID, st.Spec.String())}, nil
}

func (h *handlers) mentionsSummary(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	now := h.Clock.Now().In(b.Location())
	since, label := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()), "today"
	if r.Args.Str("period") == "week" {
		since, label = now.Add(-7*24*time.Hour), "the last 7 days"
	}
	sum, err := h.Mentions.Summary(ctx, r.Actor, b, since)
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Cards: []commands.Card{kit.SummaryCard(b, sum, "Mentions of "+b.Name+", "+label)}, Ephemeral: true}, nil
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
	resp := commands.Response{Cards: []commands.Card{h.Router.Offer(kit.MentionCard(b, m))}}
	if log, err := h.Mentions.MentionAudit(ctx, r.Actor, m.ID); err == nil && len(log) > 0 {
		var s strings.Builder
		for _, e := range log {
			fmt.Fprintf(&s, "\n  %s · %s %s", kit.Stamp(e.At, b.Location()), actorLabel(e.Actor), e.Action.Done())
			if e.Detail != "" {
				s.WriteString(" (" + e.Detail + ")")
			}
		}
		resp.Text = fmt.Sprintf("History of mention #%d:%s", m.ID, s.String())
	}
	return resp, nil
}

func actorLabel(a herald.Actor) string {
	if a.UserID == "" {
		return "Herald"
	}
	return a.Display()
}

func (h *handlers) mentionAct(a mentions.Action) commands.Handler {
	return func(ctx context.Context, r *commands.Request) (commands.Response, error) {
		m, err := h.Mentions.Act(ctx, r.Actor, r.Args.Int("id"), a)
		if err != nil {
			return commands.Response{}, err
		}
		return h.mentionResponse(ctx, m, fmt.Sprintf("%s %s mention #%d.", r.Actor.Display(), actionVerb[a], m.ID))
	}
}

var actionVerb = map[mentions.Action]string{
	mentions.ActClaim: "claimed", mentions.ActDone: "handled", mentions.ActIgnore: "ignored", mentions.ActReopen: "reopened",
}

// mentionResponse answers with a short text and the mention's card.
func (h *handlers) mentionResponse(ctx context.Context, m mentions.Mention, text string) (commands.Response, error) {
	b, err := h.Brands.Brand(ctx, m.BrandID)
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: text, Cards: []commands.Card{h.Router.Offer(kit.MentionCard(b, m))}}, nil
}

func (h *handlers) mentionMute(ctx context.Context, r *commands.Request) (commands.Response, error) {
	m, err := h.Mentions.Mention(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	if m.Author == "" {
		return commands.Response{}, herald.Errorf(herald.EINVALID, "Mention #%d has no author to mute; mute its domain with `mute domain DOMAIN`.", m.ID)
	}
	b, err := h.Brands.Brand(ctx, m.BrandID)
	if err != nil {
		return commands.Response{}, err
	}
	// An author muted already (from another of their mentions) is no
	// reason to leave this one open: the mention is ignored all the same.
	mu, err := h.Mentions.Mute(ctx, r.Actor, b, mentions.MuteAuthor, m.Author)
	var text string
	switch herald.ErrorCode(err) {
	case "":
		text = fmt.Sprintf("%s muted %s on %s: their mentions are dropped (`unmute author %s` lifts it).", r.Actor.Display(), mu.Value, b.Name, quoteArg(mu.Value))
	case herald.ECONFLICT:
		v := mentions.NormalizeMute(mentions.MuteAuthor, m.Author)
		text = fmt.Sprintf("%s is muted on %s already (`unmute author %s` lifts it).", v, b.Name, quoteArg(v))
	default:
		return commands.Response{}, err
	}
	if _, ok := mentions.Next(m.State, mentions.ActIgnore); ok {
		if m, err = h.Mentions.Act(ctx, r.Actor, m.ID, mentions.ActIgnore); err != nil {
			return commands.Response{}, err
		}
	}
	return commands.Response{Text: text, Cards: []commands.Card{h.Router.Offer(kit.MentionCard(b, m))}}, nil
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
		if !on {
			mu, err := h.Mentions.Unmute(ctx, r.Actor, b, kind, r.Args.Str("value"))
			if err != nil {
				return commands.Response{}, err
			}
			return commands.Response{Text: fmt.Sprintf("%s unmuted %s %s on %s.", r.Actor.Display(), mu.Kind, mu.Value, b.Name)}, nil
		}
		mu, err := h.Mentions.Mute(ctx, r.Actor, b, kind, r.Args.Str("value"))
		if err != nil {
			return commands.Response{}, err
		}
		return commands.Response{Text: fmt.Sprintf("%s muted %s %s on %s: its mentions are dropped.", r.Actor.Display(), mu.Kind, mu.Value, b.Name)}, nil
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
	if len(ms) == 0 {
		return commands.Response{Text: fmt.Sprintf("Nothing is muted on %s.", b.Name), Ephemeral: true}, nil
	}
	var s strings.Builder
	fmt.Fprintf(&s, "Muted on %s:", b.Name)
	for _, m := range ms {
		fmt.Fprintf(&s, "\n  %s %s (by %s, %s)", m.Kind, m.Value, m.By.Display(), kit.Stamp(m.At, b.Location()))
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
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
		return commands.Response{}, herald.Errorf(herald.EINVALID, "Give the value: %s.", listenValues[setting])
	}
	var set mentions.Settings
	switch setting {
	case "":
		if set, err = h.Mentions.Settings(ctx, r.Actor, b); err != nil {
			return commands.Response{}, err
		}
		return commands.Response{Text: settingsText(b, set), Ephemeral: true}, nil
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
			return commands.Response{}, herald.Errorf(herald.EINVALID, "Say `listen triage on` or `listen triage off`.")
		}
		set, err = h.Mentions.SetTriage(ctx, r.Actor, b, v == "on")
	case "keep":
		set, err = h.Mentions.SetKeep(ctx, r.Actor, b, v)
	}
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: r.Actor.Display() + " changed the listening settings. " + settingsText(b, set)}, nil
}

// listenValues say what each listening setting takes.
var listenValues = map[string]string{
	"langs":  "`listen langs fr,en` (language codes) or `listen langs all`",
	"digest": "`listen digest 09:00` (HH:MM in the brand's zone) or `listen digest off`",
	"triage": "`listen triage on` or `listen triage off`",
}

func settingsText(b herald.Brand, s mentions.Settings) string {
	langs := "all languages"
	if len(s.Langs) > 0 {
		langs = strings.Join(s.Langs, ", ")
	}
	digest := "no daily digest"
	if s.DigestAt != "" {
		digest = "a daily digest at " + s.DigestAt + " (" + b.Location().String() + ")"
	}
	triage := "off"
	if s.Triage {
		triage = "on"
	}
	return fmt.Sprintf("%s keeps mentions in %s, gets %s, LLM triage %s. Mentions are kept %s.", b.Name, langs, digest, triage, keepWords(s.Keep))
}

// keepWords says how long mentions are kept: "for 180 days", "forever".
func keepWords(keep time.Duration) string {
	if keep <= 0 {
		return "forever"
	}
	return "for " + mentions.KeepText(keep)
}
