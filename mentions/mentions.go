package mentions

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
)

// State is where a mention stands.
type State string

// The mention states of PRODUCT.md: new → claimed → handled, or ignored.
const (
	StateNew     State = "new"
	StateClaimed State = "claimed"
	StateHandled State = "handled"
	StateIgnored State = "ignored"
)

// states lists every state, in life order.
var states = []State{StateNew, StateClaimed, StateHandled, StateIgnored}

// Unhandled reports whether a mention in s still needs someone.
func (s State) Unhandled() bool { return s == StateNew || s == StateClaimed }

// Action is something a person does to a mention; actions are also the
// vocabulary of the listening audit log.
type Action string

// The actions that move a mention.
const (
	ActClaim  Action = "claim"
	ActDone   Action = "done"
	ActIgnore Action = "ignore"
	ActReopen Action = "reopen"
)

// Audit-only actions: they change no state.
const (
	actLinkDraft   Action = "link_draft"
	actAddWatch    Action = "watch_add"
	actRemoveWatch Action = "watch_rm"
	actAddSource   Action = "source_add"
	actRemoveSrc   Action = "source_rm"
	actMute        Action = "mute"
	actUnmute      Action = "unmute"
	actSettings    Action = "settings"
)

// actions lists the actions that move a mention.
var actions = []Action{ActClaim, ActDone, ActIgnore, ActReopen}

// parseAction reads an action name ("claim", "done", "ignore", "reopen").
func parseAction(s string) (Action, error) {
	a := Action(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range actions {
		if a == k {
			return a, nil
		}
	}
	return "", herald.Errorf(herald.EINVALID, "%q is not something one does to a mention; use claim, done, ignore or reopen.", s).
		Because(ReasonBadAction, herald.Facts{"value": s})
}

// transitions is the mention state machine: for each state, the actions
// allowed and the state each leads to. Anything absent is refused.
var transitions = map[State]map[Action]State{
	StateNew:     {ActClaim: StateClaimed, ActDone: StateHandled, ActIgnore: StateIgnored},
	StateClaimed: {ActDone: StateHandled, ActIgnore: StateIgnored, ActReopen: StateNew},
	StateHandled: {ActReopen: StateNew},
	StateIgnored: {ActReopen: StateNew},
}

// Next returns the state action a leads to from s, and whether a is
// allowed in s at all.
func Next(s State, a Action) (State, bool) {
	to, ok := transitions[s][a]
	return to, ok
}

// doneWords say what an action did: "Mention #3 was claimed".
var doneWords = map[Action]string{
	ActClaim: "claimed", ActDone: "marked done", ActIgnore: "ignored", ActReopen: "reopened",
	actLinkDraft: "linked to a reply draft",
}

// Done says what the action did, e.g. "marked done".
func (a Action) Done() string {
	if w, ok := doneWords[a]; ok {
		return w
	}
	return string(a)
}

// Watch is a saved query of a brand, routed to a channel.
type Watch struct {
	ID        int64
	BrandID   int64
	Query     string            // as typed; parsed again when the index is built
	Channel   herald.ChannelRef // where it was added, or --channel
	CreatedBy herald.Actor
	CreatedAt time.Time
}

// Mention is one item found by a brand's watches.
type Mention struct {
	ID           int64
	BrandID      int64
	State        State
	Version      int64 // bumped by every change; the compare-and-set key
	WatchIDs     []int64
	URL          string // the link as the source gave it (http or https only; else "")
	CanonicalURL string // see CanonicalURL; the dedupe key
	Title        string
	Text         string
	Author       string
	AuthorURL    string
	Lang         string
	Published    time.Time // zero when unknown
	FoundAt      time.Time
	Sources      []string // every source label it was seen on, first first (see Spec.Label)
	Terms        []string // the terms of the watches that matched, for highlighting (query.Highlight marks those in the text)
	Claimer      herald.Actor
	DraftID      int64    // the reply draft linked to it; 0 if none
	Reply        ReplyRef // how to answer it on its own network; zero where Herald cannot post
	Answer       Answer   // who answered it, when, where; zero At when unanswered
	Sentiment    string   // triage, set later by the LLM when configured; "" when none
	Urgency      string
	UpdatedAt    time.Time
}

// SourceStatus is a configured source with its health and cursor.
type SourceStatus struct {
	Spec         Spec
	Token        string // webhook only: tokenHash of the secret part of /hooks/mentions/{token}; AddSource returns the secret itself, once
	Cursor       string
	LastSuccess  time.Time
	LastError    time.Time
	LastErrorMsg string
	ItemsSeen    int64
	Failures     int // consecutive failures; 0 after a success
	NextPoll     time.Time
	CreatedBy    herald.Actor
	CreatedAt    time.Time
}

// Label names a source in a mention's Sources and in summaries: the kind,
// plus the feed's host for rss and the instance and tag for mastodon.
func (s Spec) Label() string {
	switch s.Kind {
	case "rss":
		if u, err := url.Parse(s.URL); err == nil && u.Host != "" {
			return "rss:" + strings.ToLower(u.Hostname())
		}
	case "mastodon":
		host := s.URL
		if u, err := url.Parse(s.URL); err == nil && u.Host != "" {
			host = strings.ToLower(u.Hostname())
		}
		return "mastodon:" + host + "#" + s.Tag
	}
	return s.Kind
}

// String is the spec as `source add` takes it: "rss URL", "mastodon URL #tag".
func (s Spec) String() string {
	out := s.Kind
	if s.URL != "" {
		out += " " + s.URL
	}
	if s.Tag != "" {
		out += " #" + s.Tag
	}
	return out
}

// MuteKind is what a mute silences.
type MuteKind string

// The mute kinds.
const (
	MuteAuthor MuteKind = "author"
	MuteDomain MuteKind = "domain"
)

// Mute silences an author or a domain for a brand.
type Mute struct {
	BrandID int64
	Kind    MuteKind
	Value   string // normalised: see NormalizeMute
	By      herald.Actor
	At      time.Time
}

// Settings are a brand's listening settings.
type Settings struct {
	BrandID int64
	// Langs keeps only mentions in these languages (primary subtags, "fr")
	// when the item says its language; empty keeps all.
	Langs []string
	// DigestAt is the daily digest's time, "HH:MM" in the brand's zone;
	// "" means no digest.
	DigestAt string
	// Triage asks the LLM, when configured, for sentiment and urgency.
	Triage bool
	// LastDigest is the brand-local date ("2006-01-02") of the last digest
	// sent; "" when none.
	LastDigest string
	// Keep is how long mentions are kept after they were found (whole
	// days; see SetKeep); 0 keeps them forever.
	Keep time.Duration
}

// DefaultDigestAt is the digest time of a brand that never set one.
const DefaultDigestAt = "09:00"

// DefaultSettings are the settings of a brand that changed none.
func DefaultSettings(brandID int64) Settings {
	return Settings{BrandID: brandID, DigestAt: DefaultDigestAt, Keep: DefaultKeep}
}

// AuditEntry is one row of the append-only listening audit log.
type AuditEntry struct {
	ID        int64
	BrandID   int64
	MentionID int64 // 0 for brand-level actions (watches, sources, mutes, settings)
	Action    Action
	Actor     herald.Actor // zero for the system
	From, To  State
	Detail    string
	At        time.Time
}

// Event is what the pipeline, surge detection and digests tell the chat.
type Event struct {
	Kind    string // EventMention, EventSeenAgain, EventUpdated, EventSurge, EventSurgeOver, EventDigest
	Brand   herald.Brand
	Mention *Mention
	Routes  []herald.ChannelRef
	Surge   *Surge
	Digest  *Summary
}

// The event kinds.
const (
	EventMention   = "mention"    // a new mention: post a card
	EventSeenAgain = "seen_again" // a known mention seen on one more source: update its card
	EventUpdated   = "updated"    // a mention changed outside a command (triage): update its card
	EventSurge     = "surge"      // a brand's mentions surge: one alert
	EventSurgeOver = "surge_over" // the surge ended
	EventDigest    = "digest"     // the daily digest
	EventAnswered  = "answered"   // a mention was answered (reply published, or marked): update its card, note the link in its thread
)

// Notifier relays events to chat. It is called after the change is
// committed; an error is logged and does not undo anything.
type Notifier interface {
	Notify(ctx context.Context, e Event) error
}

// Roles tells a member's role on a brand: EFORBIDDEN when a is no member.
type Roles interface {
	RoleOf(ctx context.Context, a herald.Actor, brandID int64) (herald.Role, error)
}

// Channels lists the channels bound to a brand, on every platform, for
// routing mentions no watch channel covers.
type Channels interface {
	BrandChannels(ctx context.Context, brandID int64) ([]herald.ChannelRef, error)
}

// Brands resolves a brand id (names and zones, for events and digests).
type Brands interface {
	Brand(ctx context.Context, id int64) (herald.Brand, error)
}
