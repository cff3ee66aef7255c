package mentions

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

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
	// Triager labels the new mentions of the brands that turned triage
	// on, run through Go (detached work, which reports false when it
	// cannot start); nil, or a nil Go, triages nothing.
	Triager Triager
	Go      func(func(ctx context.Context)) bool
}

// Service holds every rule about watches, sources, mentions, mutes and
// listening settings, and runs the pipeline (pipeline.go). Every method
// that takes an actor checks what that actor may do on the brand.
type Service struct {
	store Store
	roles Roles
	clock herald.Clock
	opt   Options
	log   *slog.Logger
	spam  *spamFilter
	surge *surgeDetector

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
		spam: newSpamFilter(opts.Spam), surge: newSurgeDetector(opts.Surge)}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// What the listening actions need, in the permission table of package
// brands.
const (
	permRead   = brands.ReadListening   // list, show, summary, watch test
	permAct    = brands.ActOnMentions   // claim, done, ignore, reopen, link a reply draft
	permManage = brands.ManageListening // watches, sources, mutes, settings
)

// Reasons of the errors of this package (see herald.Error).
const (
	ReasonNoQuery   = "mentions.no_query"   // a watch without a query
	ReasonNoChannel = "mentions.no_channel" // a watch without a channel to post in
)

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
			return herald.Errorf(herald.ENOTFOUND, "There is no %s #%d.", what, id).
				Because(ReasonNotFound, herald.Facts{"what": what, "id": id})
		}
		return err
	}
	return brands.Need(brands.Member{Role: role}, p)
}

func (s *Service) audit(brandID, mentionID int64, actor herald.Actor, a Action, detail string) AuditEntry {
	return AuditEntry{BrandID: brandID, MentionID: mentionID, Action: a, Actor: actor, Detail: detail, At: s.now()}
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
		return herald.Errorf(herald.ECONFLICT, "Mention #%d is claimed by %s already.", m.ID, m.Claimer.Display()).
			Because(ReasonClaimed, herald.Facts{"mention": m.ID, "by": m.Claimer.Display()})
	case m.State == StateNew && a == ActReopen:
		return herald.Errorf(herald.ECONFLICT, "Mention #%d is open already.", m.ID).
			Because(ReasonOpenAlready, herald.Facts{"mention": m.ID})
	}
	return herald.Errorf(herald.ECONFLICT, "Mention #%d is %s already; it cannot be %s now.", m.ID, m.State, a.Done()).
		Because(ReasonWrongState, herald.Facts{"mention": m.ID, "state": m.State, "action": a})
}

// LinkDraft links the reply draft draftID to a mention (Draft reply); a new
// mention is claimed by the actor on the way. A mention has one reply
// draft: linking another is ECONFLICT.
func (s *Service) LinkDraft(ctx context.Context, actor herald.Actor, id, draftID int64) (Mention, error) {
	if draftID <= 0 {
		return Mention{}, herald.Errorf(herald.EINVALID, "Give the reply draft's number.").Because(ReasonNoDraftNumber, nil)
	}
	return s.change(ctx, actor, id, func(m *Mention) (AuditEntry, error) {
		if m.DraftID != 0 && m.DraftID != draftID {
			return AuditEntry{}, herald.Errorf(herald.ECONFLICT, "Mention #%d has reply draft #%d already.", m.ID, m.DraftID).
				Because(ReasonHasDraft, herald.Facts{"mention": m.ID, "draft": m.DraftID})
		}
		if m.DraftID == draftID {
			return AuditEntry{}, herald.Errorf(herald.ECONFLICT, "Mention #%d is linked to draft #%d already.", m.ID, draftID).
				Because(ReasonLinked, herald.Facts{"mention": m.ID, "draft": draftID})
		}
		e := s.audit(m.BrandID, m.ID, actor, actLinkDraft, fmt.Sprintf("draft #%d", draftID))
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
			return Mention{}, herald.Errorf(herald.ECONFLICT, "Mention #%d changed meanwhile; look at it again.", id).
				Because(ReasonChanged, herald.Facts{"mention": id})
		}
		return Mention{}, err
	}
	m.Version++
	return m, nil
}

// notFound gives a missing row its user message.
func notFound(err error, what string, id int64) error {
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return herald.Errorf(herald.ENOTFOUND, "There is no %s #%d.", what, id).
			Because(ReasonNotFound, herald.Facts{"what": what, "id": id})
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
