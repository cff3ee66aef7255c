package assist

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// Store keeps each brand's guidelines and the log of their changes.
type Store interface {
	// Guidelines returns a brand's guidelines with their Version: the
	// zero value, and no error, when none were ever set.
	Guidelines(ctx context.Context, brandID int64) (Guidelines, error)
	// SaveGuidelines replaces a brand's guidelines, if they are still at
	// g.Version, with g at the next version, and appends e to its audit
	// log, in one transaction. It returns ECONFLICT, and changes nothing,
	// when they were saved since g.Version.
	SaveGuidelines(ctx context.Context, brandID int64, g Guidelines, e AuditEntry) error
	// GuidelinesLog lists the changes of a brand's guidelines, oldest
	// first.
	GuidelinesLog(ctx context.Context, brandID int64) ([]AuditEntry, error)
}

// AuditGuidelines is the audit action of a change of guidelines.
const AuditGuidelines = "guidelines"

// AuditEntry is one change of a brand's guidelines: who, when, which
// rules.
type AuditEntry struct {
	BrandID int64
	Actor   herald.Actor
	Action  string // AuditGuidelines
	Detail  string // the rules as given, e.g. `ban="cheap" max.bluesky=280`
	At      time.Time
}

// Options tune a Service.
type Options struct {
	// TriagePerMinute bounds the triage calls of one brand per minute
	// (default 20); TriagePerMinuteTotal those of the whole process
	// (default 60). Calls over a bound are skipped, not queued.
	TriagePerMinute, TriagePerMinuteTotal int
}

// Service holds the guidelines and the drafting help. Its LLM is optional:
// without one, the guidelines and their lint work and the drafting
// operations answer NotConfigured.
type Service struct {
	store Store
	llm   *Client
	clock herald.Clock
	log   *slog.Logger

	triage *triageBound
}

// NewService returns a Service over store; llm may be nil.
func NewService(store Store, llm *Client, clock herald.Clock, log *slog.Logger, o Options) *Service {
	if clock == nil {
		clock = herald.SystemClock{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.TriagePerMinute <= 0 {
		o.TriagePerMinute = 20
	}
	if o.TriagePerMinuteTotal <= 0 {
		o.TriagePerMinuteTotal = 60
	}
	return &Service{store: store, llm: llm, clock: clock, log: log,
		triage: &triageBound{perBrand: o.TriagePerMinute, total: o.TriagePerMinuteTotal, window: time.Minute, clock: clock,
			brands: map[int64][]time.Time{}}}
}

// Enabled reports whether an LLM is configured.
func (s *Service) Enabled() bool { return s.llm != nil }

// Guidelines returns a brand's guidelines.
func (s *Service) Guidelines(ctx context.Context, brandID int64) (Guidelines, error) {
	return s.store.Guidelines(ctx, brandID)
}

// SetGuidelines applies rules (the syntax of Rule) to a brand's
// guidelines and records who changed them. The caller checks that actor
// may. Bad rules change nothing (EINVALID).
func (s *Service) SetGuidelines(ctx context.Context, actor herald.Actor, brand herald.Brand, rules string) (Guidelines, error) {
	rs, err := ParseRules(rules)
	if err != nil {
		return Guidelines{}, err
	}
	return s.apply(ctx, actor, brand, rs)
}

// ClearGuidelines clears the named rules (`ban max.bluesky`, or `all`).
func (s *Service) ClearGuidelines(ctx context.Context, actor herald.Actor, brand herald.Brand, names string) (Guidelines, error) {
	g, err := s.store.Guidelines(ctx, brand.ID)
	if err != nil {
		return Guidelines{}, err
	}
	rs, err := ClearRules(g, names)
	if err != nil {
		return Guidelines{}, err
	}
	return s.apply(ctx, actor, brand, rs)
}

// saveTries bounds how often apply reads the guidelines again after
// another change was saved between its read and its write.
const saveTries = 3

// apply applies rs to the brand's stored guidelines. Rules set or clear
// only what they name, so when another change is saved meanwhile they are
// applied again on top of it (compare-and-set): neither change is lost.
func (s *Service) apply(ctx context.Context, actor herald.Actor, brand herald.Brand, rs []Rule) (Guidelines, error) {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	e := AuditEntry{BrandID: brand.ID, Actor: actor, Action: AuditGuidelines, Detail: strings.Join(parts, " "), At: s.clock.Now().UTC()}
	for try := 1; ; try++ {
		g, err := s.store.Guidelines(ctx, brand.ID)
		if err != nil {
			return Guidelines{}, err
		}
		ng := g.Apply(rs)
		err = s.store.SaveGuidelines(ctx, brand.ID, ng, e)
		if herald.ErrorCode(err) == herald.ECONFLICT && try < saveTries {
			continue
		}
		if err != nil {
			return Guidelines{}, err
		}
		ng.Version++
		return ng, nil
	}
}

// GuidelinesLog lists who changed a brand's guidelines, and when.
func (s *Service) GuidelinesLog(ctx context.Context, brandID int64) ([]AuditEntry, error) {
	return s.store.GuidelinesLog(ctx, brandID)
}

// CheckDraft lints a draft's text with its brand's guidelines. Adapt it to
// approvals.Checker where both packages are known.
func (s *Service) CheckDraft(ctx context.Context, b herald.Brand, targets []herald.Target, text string) ([]Finding, error) {
	g, err := s.store.Guidelines(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	return Lint(g, targets, text), nil
}

// Variant is one proposal of the LLM for a post.
type Variant struct {
	Text    string
	Targets []herald.Target // those it is shaped for
	Note    string          // how it differs, from the LLM
}

// MaxVariants is the most variants Variants returns.
const MaxVariants = 3

// Variants asks the LLM for up to three variants of a post from brief,
// shaped for targets and following g. Each variant's targets are those it
// names among targets, or all of them. It returns EUNAVAILABLE without an
// LLM, or when the LLM fails; then nothing is returned at all.
func (s *Service) Variants(ctx context.Context, brand herald.Brand, g Guidelines, brief string, targets []herald.Target) ([]Variant, error) {
	if s.llm == nil {
		return nil, NotConfigured()
	}
	brief = strings.TrimSpace(brief)
	if err := CheckBrief(brief); err != nil {
		return nil, err
	}
	out, err := s.llm.complete(ctx, call{op: "variants", brand: brand, messages: variantsMessages(brand, g, brief, targets),
		schema: variantsOut{}, name: "variants", maxTok: 1500, temperature: 0.8})
	if err != nil {
		return nil, err
	}
	raw := parseVariants(out)
	var vs []Variant
	seen := map[string]bool{}
	for _, r := range raw {
		text := strings.TrimSpace(r.Text)
		if text == "" || seen[fold(text)] {
			continue // nothing, or a variant given twice
		}
		seen[fold(text)] = true
		vs = append(vs, Variant{Text: text, Targets: pickTargets(r.Targets, targets), Note: cut(strings.TrimSpace(r.Note), 200)})
		if len(vs) == MaxVariants {
			break
		}
	}
	if len(vs) == 0 {
		return nil, herald.Errorf(herald.EUNAVAILABLE, "The LLM's answer held no usable text; try again, or rephrase the brief.").Because(ReasonNoVariant, nil)
	}
	return vs, nil
}

// Reasons of the errors of this package (see herald.Error).
const (
	ReasonNoBrief     = "assist.no_brief"     // `ai` without a brief
	ReasonClearValues = "assist.clear_values" // rules to clear given with values
)

// CheckBrief refuses (EINVALID) an empty, invalid or overlong brief.
func CheckBrief(brief string) error {
	brief = strings.TrimSpace(brief)
	if brief == "" || !utf8.ValidString(brief) {
		return herald.Errorf(herald.EINVALID, "Give a brief: what the post is about.").Because(ReasonNoBrief, nil)
	}
	if n := utf8.RuneCountInString(brief); n > MaxBrief {
		return herald.Errorf(herald.EINVALID, "A brief has at most %d characters; this one has %d.", MaxBrief, n).
			Because(ReasonBriefLong, herald.Facts{"max": MaxBrief, "length": n})
	}
	return nil
}

// pickTargets keeps the named targets that are among all, in all's order;
// none named (or none known) means all.
func pickTargets(named []string, all []herald.Target) []herald.Target {
	want := map[herald.Target]bool{}
	for _, n := range named {
		if t, err := herald.ParseTarget(n); err == nil {
			want[t] = true
		}
	}
	var out []herald.Target
	for _, t := range all {
		if want[t] {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return append([]herald.Target(nil), all...)
	}
	return out
}

// ReplyInput is a mention to answer (or triage), as given to the LLM: as
// quoted, delimited data, never as instructions.
type ReplyInput struct {
	Source string // e.g. hn, reddit, rss
	Author string
	URL    string
	Title  string
	Text   string
}

// Reply asks the LLM for a suggested reply to a mention, following g. The
// reply is only text: the caller makes it a draft, which goes through
// review like any other.
func (s *Service) Reply(ctx context.Context, brand herald.Brand, g Guidelines, m ReplyInput) (string, error) {
	if s.llm == nil {
		return "", NotConfigured()
	}
	out, err := s.llm.complete(ctx, call{op: "reply", brand: brand, messages: replyMessages(brand, g, m),
		schema: replyOut{}, name: "reply", maxTok: 600, temperature: 0.5})
	if err != nil {
		return "", err
	}
	reply := parseReply(out)
	if reply == "" {
		return "", herald.Errorf(herald.EUNAVAILABLE, "The LLM's answer held no usable reply; try again.").Because(ReasonNoReply, nil)
	}
	return reply, nil
}

// Triage is the LLM's reading of a mention.
type Triage struct {
	Sentiment string // positive, neutral, negative
	Urgency   string // low, medium, high
	// Skipped is set, with Reason, when no call was made: no LLM is
	// configured, or a rate bound was reached.
	Skipped bool
	Reason  string
}

// Triage asks the LLM for a mention's sentiment and urgency; the caller
// asks only for brands that turned triage on (`listen triage on`). Calls
// are bounded per brand and per process per minute: over a bound the
// mention is skipped at once (never queued), and so is every mention when
// no LLM is configured.
func (s *Service) Triage(ctx context.Context, brand herald.Brand, m ReplyInput) (Triage, error) {
	if s.llm == nil {
		return Triage{Skipped: true, Reason: "no LLM is configured"}, nil
	}
	if bound := s.triage.allow(brand.ID); bound != "" {
		s.log.WarnContext(ctx, "triage skipped: "+bound+" rate bound", "brand", brand.Name, "brand_id", brand.ID)
		return Triage{Skipped: true, Reason: "too many mentions this minute"}, nil
	}
	out, err := s.llm.complete(ctx, call{op: "triage", brand: brand, messages: triageMessages(brand, m),
		schema: triageOut{}, name: "triage", maxTok: 100})
	if err != nil {
		return Triage{}, err
	}
	t, ok := parseTriage(out)
	if !ok {
		return Triage{}, herald.Errorf(herald.EUNAVAILABLE, "The LLM's triage could not be read.").Because(ReasonBadTriage, nil)
	}
	return Triage{Sentiment: strings.ToLower(t.Sentiment), Urgency: strings.ToLower(t.Urgency)}, nil
}

// triageBound bounds the triage calls of each brand, and of the whole
// process, per window (a sliding window over the injected clock). A call
// refused by either bound counts against neither.
type triageBound struct {
	mu              sync.Mutex
	perBrand, total int
	window          time.Duration
	clock           herald.Clock
	brands          map[int64][]time.Time // the calls of each brand within the window
	all             []time.Time           // every call within the window
}

// allow records a call for brand when both bounds allow it, and returns
// ""; else it records nothing and names the bound reached: "brand" or
// "process".
func (l *triageBound) allow(brand int64) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	since := now.Add(-l.window)
	l.all = within(l.all, since)
	ts := within(l.brands[brand], since)
	switch {
	case len(ts) >= l.perBrand:
		l.brands[brand] = ts
		return "brand"
	case len(l.all) >= l.total:
		if len(ts) == 0 {
			delete(l.brands, brand)
		} else {
			l.brands[brand] = ts
		}
		return "process"
	}
	l.brands[brand] = append(ts, now)
	l.all = append(l.all, now)
	return ""
}

// within drops the times of ts (in order) that are not after since.
func within(ts []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(since) {
		i++
	}
	return ts[i:]
}
