package mentions

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

// MaxQueryLength bounds a watch's query, in characters.
const MaxQueryLength = 500

// Kinds lists every source kind Herald knows.
var Kinds = []string{"rss", "hn", "reddit", "mastodon", "bluesky", "webhook"}

// kindNeeds says what `source add KIND` must be given.
var kindNeeds = map[string]struct{ url, tag bool }{
	"rss": {url: true}, "hn": {}, "reddit": {}, "mastodon": {url: true, tag: true}, "bluesky": {}, "webhook": {},
}

// Options configure a Service. Zero fields take defaults.
type Options struct {
	Channels Channels // the brand's channels, for routing; nil routes to watch channels only
	Brands   Brands   // brand names and zones, for events and digests; nil leaves Event.Brand with its ID only
	Notifier Notifier // where events go; nil drops them
	// CheckURL vets a source URL given in chat (the wiring sets it to
	// CheckSourceURL with HERALD_ALLOW_PRIVATE_SOURCES); nil accepts any
	// http(s) URL.
	CheckURL func(ctx context.Context, raw string) error
	// Kinds are the source kinds this server can run (configured); nil
	// means every kind in Kinds.
	Kinds []string
	Spam  SpamOptions
	Surge SurgeOptions
	Log   *slog.Logger
}

// `watch test` looks this far back, over at most testScan mentions.
const (
	testWindow = 7 * 24 * time.Hour
	testScan   = 2000
)

// Service holds every rule about watches, sources, mentions, mutes and
// listening settings, and runs the pipeline (pipeline.go). Every method
// that takes an actor checks what that actor may do on the brand.
type Service struct {
	store Store
	roles Roles
	clock herald.Clock
	opt   Options
	log   *slog.Logger
	spam  *Spam
	surge *SurgeDetector

	idxMu sync.Mutex                 // serialises index rebuilds
	idx   atomic.Pointer[watchIndex] // nil when it must be rebuilt
}

// NewService returns a Service over store.
func NewService(store Store, roles Roles, clock herald.Clock, opts Options) *Service {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Kinds == nil {
		opts.Kinds = Kinds
	}
	return &Service{store: store, roles: roles, clock: clock, opt: opts, log: opts.Log,
		spam: NewSpam(opts.Spam), surge: NewSurgeDetector(opts.Surge)}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// What the listening actions need, in the permission table of package
// brands.
const (
	permRead   = brands.ReadListening   // list, show, summary, watch test
	permAct    = brands.ActOnMentions   // claim, done, ignore, reopen, link a reply draft
	permManage = brands.ManageListening // watches, sources, mutes, settings
)

// ReasonNoQuery is the Reason of the error of a watch without a query.
const ReasonNoQuery = "mentions.no_query"

// require checks that actor may do p on the brand.
func (s *Service) require(ctx context.Context, actor herald.Actor, brandID int64, p brands.Action) error {
	role, err := s.roles.RoleOf(ctx, actor, brandID)
	if err != nil {
		return err
	}
	return brands.Need(brands.Member{Role: role}, p)
}

// requireOn is require for a thing reached by its id: a non-member is told
// the thing does not exist, so that ids of other brands reveal nothing.
func (s *Service) requireOn(ctx context.Context, actor herald.Actor, brandID int64, p brands.Action, what string, id int64) error {
	role, err := s.roles.RoleOf(ctx, actor, brandID)
	if err != nil {
		if herald.ErrorCode(err) == herald.EFORBIDDEN {
			return herald.Errorf(herald.ENOTFOUND, "There is no %s #%d.", what, id)
		}
		return err
	}
	return brands.Need(brands.Member{Role: role}, p)
}

func (s *Service) audit(brandID, mentionID int64, actor herald.Actor, a Action, detail string) AuditEntry {
	return AuditEntry{BrandID: brandID, MentionID: mentionID, Action: a, Actor: actor, Detail: detail, At: s.now()}
}

// AddWatch saves a query for the brand, routed to ch. A query that does not
// parse is EINVALID with the column.
func (s *Service) AddWatch(ctx context.Context, actor herald.Actor, brand herald.Brand, query string, ch herald.ChannelRef) (Watch, error) {
	if err := s.require(ctx, actor, brand.ID, permManage); err != nil {
		return Watch{}, err
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return Watch{}, herald.Errorf(herald.EINVALID, "Give the watch a query.").Because(ReasonNoQuery, nil)
	}
	if utf8.RuneCountInString(query) > MaxQueryLength {
		return Watch{}, herald.Errorf(herald.EINVALID, "A query has at most %d characters.", MaxQueryLength)
	}
	if _, err := parseQuery(query); err != nil {
		return Watch{}, err
	}
	if ch.Platform == "" || ch.Channel == "" {
		return Watch{}, herald.Errorf(herald.EINVALID, "A watch needs a channel to post its mentions in; add it from a channel or give --channel.")
	}
	w := Watch{BrandID: brand.ID, Query: query, Channel: ch, CreatedBy: actor, CreatedAt: s.now()}
	if err := s.store.CreateWatch(ctx, &w, s.audit(brand.ID, 0, actor, ActAddWatch, query)); err != nil {
		return Watch{}, err
	}
	s.idx.Store(nil)
	return w, nil
}

// parseQuery parses a watch query; any error is EINVALID.
func parseQuery(q string) (*Query, error) {
	pq, err := ParseQuery(q)
	if err != nil {
		var he *herald.Error
		if errors.As(err, &he) {
			return nil, err
		}
		return nil, &herald.Error{Code: herald.EINVALID, Message: "The query does not parse: " + err.Error(), Err: err}
	}
	return pq, nil
}

// Watches lists the brand's watches, oldest first.
func (s *Service) Watches(ctx context.Context, actor herald.Actor, brand herald.Brand) ([]Watch, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return nil, err
	}
	return s.store.Watches(ctx, brand.ID)
}

// RemoveWatch deletes a watch and returns it.
func (s *Service) RemoveWatch(ctx context.Context, actor herald.Actor, id int64) (Watch, error) {
	w, err := s.store.Watch(ctx, id)
	if err != nil {
		return Watch{}, notFound(err, "watch", id)
	}
	if err := s.requireOn(ctx, actor, w.BrandID, permManage, "watch", id); err != nil {
		return Watch{}, err
	}
	if err := s.store.DeleteWatch(ctx, id, s.audit(w.BrandID, 0, actor, ActRemoveWatch, fmt.Sprintf("#%d %s", id, w.Query))); err != nil {
		return Watch{}, notFound(err, "watch", id)
	}
	s.idx.Store(nil)
	return w, nil
}

// TestWatch runs query, without saving it, over the brand's mentions of the
// last 7 days (at most 2000 of them): the matches (newest first, at most limit) and
// how many mentions were scanned.
func (s *Service) TestWatch(ctx context.Context, actor herald.Actor, brand herald.Brand, query string, limit int) ([]Mention, int, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return nil, 0, err
	}
	if utf8.RuneCountInString(query) > MaxQueryLength {
		return nil, 0, herald.Errorf(herald.EINVALID, "A query has at most %d characters.", MaxQueryLength)
	}
	q, err := parseQuery(strings.TrimSpace(query))
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = 10
	}
	recent, err := s.store.RecentMentions(ctx, brand.ID, s.now().Add(-testWindow), testScan)
	if err != nil {
		return nil, 0, err
	}
	var out []Mention
	for _, m := range recent {
		it := m.Item()
		if terms := q.MatchedTerms(&it); q.Match(&it) {
			m.Terms = terms
			out = append(out, m)
			if len(out) == limit {
				break
			}
		}
	}
	return out, len(recent), nil
}

// Item returns the mention as an item, for matching again: its first
// source's kind as Source.
func (m Mention) Item() Item {
	it := Item{URL: m.URL, Title: m.Title, Text: m.Text, Author: m.Author, AuthorURL: m.AuthorURL, Lang: m.Lang, Published: m.Published}
	if len(m.Sources) > 0 {
		it.Source, _, _ = strings.Cut(m.Sources[0], ":")
	}
	return it
}

// AddSource configures a source for the brand. The kind must be one this
// server runs (Options.Kinds); rss takes a feed URL, mastodon an instance
// URL and a tag, both checked with Options.CheckURL; a webhook gets an
// unguessable token. The same source twice is ECONFLICT.
func (s *Service) AddSource(ctx context.Context, actor herald.Actor, brand herald.Brand, spec Spec) (SourceStatus, error) {
	if err := s.require(ctx, actor, brand.ID, permManage); err != nil {
		return SourceStatus{}, err
	}
	spec.Kind = strings.ToLower(strings.TrimSpace(spec.Kind))
	needs, known := kindNeeds[spec.Kind]
	if !known {
		return SourceStatus{}, herald.Errorf(herald.EINVALID, "%q is not a source kind; use one of %s.", spec.Kind, strings.Join(Kinds, ", "))
	}
	if !slices.Contains(s.opt.Kinds, spec.Kind) {
		return SourceStatus{}, herald.Errorf(herald.EUNAVAILABLE, "%s sources are not set up on this Herald; available here: %s.", spec.Kind, strings.Join(s.opt.Kinds, ", "))
	}
	spec.ID, spec.BrandID = 0, brand.ID
	var err error
	if spec.URL, err = s.sourceURL(ctx, spec.Kind, spec.URL, needs.url); err != nil {
		return SourceStatus{}, err
	}
	if spec.Tag, err = sourceTag(spec.Kind, spec.Tag, needs.tag); err != nil {
		return SourceStatus{}, err
	}
	st := SourceStatus{Spec: spec, NextPoll: s.now(), CreatedBy: actor, CreatedAt: s.now()}
	secret := ""
	if spec.Kind == "webhook" {
		if secret, err = s.token(); err != nil {
			return SourceStatus{}, herald.Internal(err)
		}
		st.Token, st.NextPoll = TokenHash(secret), time.Time{}
	}
	if err := s.store.CreateSource(ctx, &st, s.audit(brand.ID, 0, actor, ActAddSource, spec.String())); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return SourceStatus{}, herald.Errorf(herald.ECONFLICT, "This brand has the source %s already.", spec.String())
		}
		return SourceStatus{}, err
	}
	if secret != "" {
		st.Token = secret // shown once, to the one who added it
	}
	return st, nil
}

// TokenHash is what is stored of a webhook's token: its SHA-256, so that
// the database alone gives no one the right to push mentions, and a
// lookup compares digests rather than the secret.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *Service) sourceURL(ctx context.Context, kind, raw string, need bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if !need {
		if raw != "" {
			return "", herald.Errorf(herald.EINVALID, "A %s source takes no URL.", kind)
		}
		return "", nil
	}
	if raw == "" {
		return "", herald.Errorf(herald.EINVALID, "A %s source needs a URL.", kind)
	}
	if kind == "mastodon" && !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	if kind == "mastodon" {
		raw = strings.TrimRight(raw, "/")
	}
	u := parseWeb(raw)
	if u == nil {
		return "", herald.Errorf(herald.EINVALID, "%q is not an http or https URL.", raw)
	}
	if u.User != nil {
		return "", herald.Errorf(herald.EINVALID, "Give the URL without a user name or password.")
	}
	if kind == "mastodon" {
		raw = (&url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}).String()
	}
	if s.opt.CheckURL != nil {
		if err := s.opt.CheckURL(ctx, raw); err != nil {
			var he *herald.Error
			if errors.As(err, &he) {
				return "", err
			}
			return "", &herald.Error{Code: herald.EINVALID, Message: fmt.Sprintf("The URL %s cannot be used as a source: %v.", raw, err), Err: err}
		}
	}
	return raw, nil
}

func sourceTag(kind, tag string, need bool) (string, error) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "#")
	if !need {
		if tag != "" {
			return "", herald.Errorf(herald.EINVALID, "A %s source takes no tag.", kind)
		}
		return "", nil
	}
	if tag == "" {
		return "", herald.Errorf(herald.EINVALID, "A %s source needs a #tag.", kind)
	}
	if utf8.RuneCountInString(tag) > 100 {
		return "", herald.Errorf(herald.EINVALID, "The tag is too long (at most 100 characters).")
	}
	for _, r := range tag {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return "", herald.Errorf(herald.EINVALID, "A tag has letters, digits and '_' only; %q has %q.", tag, r)
		}
	}
	return tag, nil
}

func (s *Service) token() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Sources lists the brand's sources with their health, oldest first.
func (s *Service) Sources(ctx context.Context, actor herald.Actor, brand herald.Brand) ([]SourceStatus, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return nil, err
	}
	return s.store.Sources(ctx, brand.ID)
}

// RemoveSource deletes a source and returns it. Its mentions stay.
func (s *Service) RemoveSource(ctx context.Context, actor herald.Actor, id int64) (SourceStatus, error) {
	st, err := s.store.Source(ctx, id)
	if err != nil {
		return SourceStatus{}, notFound(err, "source", id)
	}
	if err := s.requireOn(ctx, actor, st.Spec.BrandID, permManage, "source", id); err != nil {
		return SourceStatus{}, err
	}
	if err := s.store.DeleteSource(ctx, id, s.audit(st.Spec.BrandID, 0, actor, ActRemoveSrc, fmt.Sprintf("#%d %s", id, st.Spec.String()))); err != nil {
		return SourceStatus{}, notFound(err, "source", id)
	}
	return st, nil
}

// Mention returns one mention the actor may see.
func (s *Service) Mention(ctx context.Context, actor herald.Actor, id int64) (Mention, error) {
	m, err := s.store.Mention(ctx, id)
	if err != nil {
		return Mention{}, notFound(err, "mention", id)
	}
	if err := s.requireOn(ctx, actor, m.BrandID, permRead, "mention", id); err != nil {
		return Mention{}, err
	}
	return m, nil
}

// MentionAudit returns a mention's audit rows, oldest first.
func (s *Service) MentionAudit(ctx context.Context, actor herald.Actor, id int64) ([]AuditEntry, error) {
	if _, err := s.Mention(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.store.MentionAudit(ctx, id)
}

// Act moves a mention: claim, done, ignore, reopen. An action its state
// does not allow (a second click) is ECONFLICT and changes nothing.
func (s *Service) Act(ctx context.Context, actor herald.Actor, id int64, a Action) (Mention, error) {
	return s.change(ctx, actor, id, func(m *Mention) (AuditEntry, error) {
		to, ok := Next(m.State, a)
		if !ok {
			return AuditEntry{}, refused(*m, a)
		}
		e := s.audit(m.BrandID, m.ID, actor, a, "")
		e.From, e.To = m.State, to
		m.State = to
		switch a {
		case ActClaim:
			m.Claimer = actor
		case ActReopen:
			m.Claimer = herald.Actor{}
		}
		return e, nil
	})
}

func refused(m Mention, a Action) error {
	switch {
	case m.State == StateClaimed && a == ActClaim:
		return herald.Errorf(herald.ECONFLICT, "Mention #%d is claimed by %s already.", m.ID, m.Claimer.Display())
	case m.State == StateNew && a == ActReopen:
		return herald.Errorf(herald.ECONFLICT, "Mention #%d is open already.", m.ID)
	}
	return herald.Errorf(herald.ECONFLICT, "Mention #%d is %s already; it cannot be %s now.", m.ID, m.State, a.Done())
}

// LinkDraft links the reply draft draftID to a mention (Draft reply); a new
// mention is claimed by the actor on the way. A mention has one reply
// draft: linking another is ECONFLICT.
func (s *Service) LinkDraft(ctx context.Context, actor herald.Actor, id, draftID int64) (Mention, error) {
	if draftID <= 0 {
		return Mention{}, herald.Errorf(herald.EINVALID, "Give the reply draft's number.")
	}
	return s.change(ctx, actor, id, func(m *Mention) (AuditEntry, error) {
		if m.DraftID != 0 && m.DraftID != draftID {
			return AuditEntry{}, herald.Errorf(herald.ECONFLICT, "Mention #%d has reply draft #%d already.", m.ID, m.DraftID)
		}
		if m.DraftID == draftID {
			return AuditEntry{}, herald.Errorf(herald.ECONFLICT, "Mention #%d is linked to draft #%d already.", m.ID, draftID)
		}
		e := s.audit(m.BrandID, m.ID, actor, ActLinkDraft, fmt.Sprintf("draft #%d", draftID))
		e.From, e.To = m.State, m.State
		m.DraftID = draftID
		if m.State == StateNew {
			m.State, e.To = StateClaimed, StateClaimed
			m.Claimer = actor
		}
		return e, nil
	})
}

// change loads a mention, checks the actor may act on it, applies f and
// stores the result with compare-and-set.
func (s *Service) change(ctx context.Context, actor herald.Actor, id int64, f func(*Mention) (AuditEntry, error)) (Mention, error) {
	m, err := s.store.Mention(ctx, id)
	if err != nil {
		return Mention{}, notFound(err, "mention", id)
	}
	if err := s.requireOn(ctx, actor, m.BrandID, permAct, "mention", id); err != nil {
		return Mention{}, err
	}
	e, err := f(&m)
	if err != nil {
		return Mention{}, err
	}
	m.UpdatedAt = s.now()
	if err := s.store.ApplyMention(ctx, m, e); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return Mention{}, herald.Errorf(herald.ECONFLICT, "Mention #%d changed meanwhile; look at it again.", id)
		}
		return Mention{}, err
	}
	m.Version++
	return m, nil
}

// SetTriageResult records the LLM's triage of a mention (system: no actor)
// and tells the chat so that its card shows it.
func (s *Service) SetTriageResult(ctx context.Context, id int64, sentiment, urgency string) (Mention, error) {
	sentiment, urgency = clip(oneLine(sentiment), 40), clip(oneLine(urgency), 40)
	if err := s.store.SetTriage(ctx, id, sentiment, urgency); err != nil {
		return Mention{}, notFound(err, "mention", id)
	}
	m, err := s.store.Mention(ctx, id)
	if err != nil {
		return Mention{}, err
	}
	s.notify(ctx, Event{Kind: EventUpdated, Brand: s.brand(ctx, m.BrandID), Mention: &m, Routes: s.routes(ctx, m.BrandID, m.WatchIDs, nil)})
	return m, nil
}

// Mute silences an author or a domain for the brand.
func (s *Service) Mute(ctx context.Context, actor herald.Actor, brand herald.Brand, kind MuteKind, value string) (Mute, error) {
	m, err := s.mute(ctx, actor, brand, kind, value)
	if err != nil {
		return Mute{}, err
	}
	if err := s.store.PutMute(ctx, m, s.audit(brand.ID, 0, actor, ActMute, string(kind)+" "+m.Value)); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return Mute{}, herald.Errorf(herald.ECONFLICT, "The %s %s is muted already.", kind, m.Value)
		}
		return Mute{}, err
	}
	return m, nil
}

// Unmute lifts a mute; ENOTFOUND when there is none.
func (s *Service) Unmute(ctx context.Context, actor herald.Actor, brand herald.Brand, kind MuteKind, value string) (Mute, error) {
	m, err := s.mute(ctx, actor, brand, kind, value)
	if err != nil {
		return Mute{}, err
	}
	if err := s.store.DeleteMute(ctx, m, s.audit(brand.ID, 0, actor, ActUnmute, string(kind)+" "+m.Value)); err != nil {
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return Mute{}, herald.Errorf(herald.ENOTFOUND, "The %s %s is not muted.", kind, m.Value)
		}
		return Mute{}, err
	}
	return m, nil
}

func (s *Service) mute(ctx context.Context, actor herald.Actor, brand herald.Brand, kind MuteKind, value string) (Mute, error) {
	if err := s.require(ctx, actor, brand.ID, permManage); err != nil {
		return Mute{}, err
	}
	if kind != MuteAuthor && kind != MuteDomain {
		return Mute{}, herald.Errorf(herald.EINVALID, "One mutes an author or a domain, not %q.", kind)
	}
	v := NormalizeMute(kind, value)
	if v == "" || utf8.RuneCountInString(v) > 200 {
		return Mute{}, herald.Errorf(herald.EINVALID, "%q is not a usable %s to mute.", value, kind)
	}
	return Mute{BrandID: brand.ID, Kind: kind, Value: v, By: actor, At: s.now()}, nil
}

// Mutes lists the brand's mutes.
func (s *Service) Mutes(ctx context.Context, actor herald.Actor, brand herald.Brand) ([]Mute, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return nil, err
	}
	return s.store.Mutes(ctx, brand.ID)
}

// Settings returns the brand's listening settings.
func (s *Service) Settings(ctx context.Context, actor herald.Actor, brand herald.Brand) (Settings, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return Settings{}, err
	}
	return s.store.Settings(ctx, brand.ID)
}

// SetLangs sets the language filter: primary subtags such as "fr", "en";
// none keeps every language.
func (s *Service) SetLangs(ctx context.Context, actor herald.Actor, brand herald.Brand, langs []string) (Settings, error) {
	var clean []string
	for _, l := range langs {
		for _, f := range strings.FieldsFunc(l, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			f = strings.ToLower(f)
			if len(f) < 2 || len(f) > 3 || strings.IndexFunc(f, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
				return Settings{}, herald.Errorf(herald.EINVALID, "%q is not a language code; use two-letter codes such as fr, en.", f)
			}
			if !slices.Contains(clean, f) {
				clean = append(clean, f)
			}
		}
	}
	return s.setSettings(ctx, actor, brand, "langs "+strings.Join(clean, ","), func(st *Settings) { st.Langs = clean })
}

// SetDigestAt sets the daily digest's time, "HH:MM" in the brand's zone;
// "" or "off" turns the digest off.
func (s *Service) SetDigestAt(ctx context.Context, actor herald.Actor, brand herald.Brand, at string) (Settings, error) {
	at = strings.TrimSpace(strings.ToLower(at))
	if at == "off" || at == "none" {
		at = ""
	}
	if at != "" {
		t, err := time.Parse("15:04", at)
		if err != nil {
			return Settings{}, herald.Errorf(herald.EINVALID, "Give the digest time as HH:MM (e.g. 09:00), or off.")
		}
		at = t.Format("15:04")
	}
	return s.setSettings(ctx, actor, brand, "digest "+at, func(st *Settings) { st.DigestAt = at })
}

// SetTriage turns the LLM triage of new mentions on or off.
func (s *Service) SetTriage(ctx context.Context, actor herald.Actor, brand herald.Brand, on bool) (Settings, error) {
	return s.setSettings(ctx, actor, brand, fmt.Sprintf("triage %t", on), func(st *Settings) { st.Triage = on })
}

func (s *Service) setSettings(ctx context.Context, actor herald.Actor, brand herald.Brand, detail string, f func(*Settings)) (Settings, error) {
	if err := s.require(ctx, actor, brand.ID, permManage); err != nil {
		return Settings{}, err
	}
	st, err := s.store.Settings(ctx, brand.ID)
	if err != nil {
		return Settings{}, err
	}
	f(&st)
	if err := s.store.PutSettings(ctx, st, s.audit(brand.ID, 0, actor, ActSettings, detail)); err != nil {
		return Settings{}, err
	}
	return st, nil
}

// Summary counts the brand's mentions found since since (until now):
// `mentions today|week`.
func (s *Service) Summary(ctx context.Context, actor herald.Actor, brand herald.Brand, since time.Time) (Summary, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return Summary{}, err
	}
	return s.store.Summary(ctx, brand.ID, since, s.now().Add(time.Nanosecond))
}

// notFound gives a missing row its user message.
func notFound(err error, what string, id int64) error {
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return herald.Errorf(herald.ENOTFOUND, "There is no %s #%d.", what, id)
	}
	return err
}

func (s *Service) notify(ctx context.Context, e Event) {
	if s.opt.Notifier == nil {
		return
	}
	if err := s.opt.Notifier.Notify(ctx, e); err != nil {
		s.log.WarnContext(ctx, "mention event not relayed", "kind", e.Kind, "brand_id", e.Brand.ID, "error", err)
	}
}

// brand resolves a brand for an event; its ID only when it cannot.
func (s *Service) brand(ctx context.Context, id int64) herald.Brand {
	if s.opt.Brands != nil {
		if b, err := s.opt.Brands.Brand(ctx, id); err == nil {
			return b
		}
	}
	return herald.Brand{ID: id}
}
