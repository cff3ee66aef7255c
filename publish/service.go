package publish

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/httpx"
)

// Reasons of the errors of this package (see herald.Error), with their
// facts.
const (
	ReasonNoTargets  = "publish.no_targets"  // "draft": drafted without targets
	ReasonTimePassed = "publish.time_passed" // "draft": a time to schedule at that has passed
	ReasonNoSetUp    = "publish.no_setup"    // "kind", "target": a target kind that needs no account
	ReasonNoTarget   = "publish.no_target"   // "brand", "target": no such target account
	// ReasonNotConfigured is the Reason of a draft check's finding (not
	// an error): "target", "brand": a target the brand has not set up;
	// "connect": true when it is set up by connecting it (target connect).
	ReasonNotConfigured = "publish.not_configured"
)

// System is the actor of what Herald does by itself: claiming a due post,
// recording a network's answer.
var System = herald.Actor{Platform: "herald", UserID: "scheduler", Name: "Herald"}

// Service holds the rules of publishing that people act on: scheduling,
// publishing now, retrying and settling posts, target accounts, calendar
// links. Every method takes the acting user and checks what they may do.
type Service struct {
	drafts     *approvals.Service
	brands     *brands.Service
	store      Store
	clock      herald.Clock
	publishers map[string]Publisher
	wake       func()
	guard      *httpx.Options // vets target URLs at `target add` (GuardURLs); nil: no check
	replies    Replies        // the mention a reply draft answers; nil: none (SetReplies)
	// connectable are the target kinds set up by connecting them through
	// their network's page (Connector.AddProvider), not with a URL.
	connectable map[string]bool
}

// NewService returns a Service. Register publishers before serving.
func NewService(drafts *approvals.Service, bs *brands.Service, store Store, clock herald.Clock) *Service {
	return &Service{drafts: drafts, brands: bs, store: store, clock: clock, publishers: map[string]Publisher{}, wake: func() {},
		connectable: map[string]bool{}}
}

// Register makes p the publisher of targets of kind (herald.Target.Kind).
func (s *Service) Register(kind string, p Publisher) { s.publishers[kind] = p }

// Publisher returns the publisher of a target kind.
func (s *Service) Publisher(kind string) (Publisher, bool) {
	p, ok := s.publishers[kind]
	return p, ok
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// CheckDraft implements approvals.Checker: each target must be one Herald
// can publish to, configured for the brand, and within its network's
// limits.
func (s *Service) CheckDraft(ctx context.Context, b herald.Brand, targets []herald.Target, text string) ([]approvals.Finding, error) {
	return s.CheckDraftOf(ctx, b, 0, targets, text)
}

// CheckDraftOf implements approvals.DraftChecker: CheckDraft, where the
// text of a reply draft is checked as its target's network will post it
// (ReplyTexter: with the author's mention).
func (s *Service) CheckDraftOf(ctx context.Context, b herald.Brand, draftID int64, targets []herald.Target, text string) ([]approvals.Finding, error) {
	var rt *ReplyTo
	if draftID != 0 {
		var err error
		if rt, err = s.replyTo(ctx, draftID); err != nil {
			return nil, err
		}
	}
	var out []approvals.Finding
	for _, t := range targets {
		f, err := s.checkTarget(ctx, b, t, text, rt)
		if err != nil {
			return nil, err
		}
		if f.Message != "" {
			f.Blocking = true
			out = append(out, f)
		}
		if rt != nil && !strings.EqualFold(t.Kind, rt.Network) {
			out = append(out, notAReply(t, rt))
		}
	}
	return out, nil
}

// notAReply warns that a reply draft's target is on another network than
// its mention: there the text goes out as a post of its own, seen by all,
// not as an answer in the conversation. It does not block (a team may
// want both).
func notAReply(t herald.Target, rt *ReplyTo) approvals.Finding {
	return approvals.Finding{Message: fmt.Sprintf("%s: this draft answers mention #%d, but there it goes out as a new post of its own, not as a reply.", t, rt.MentionID)}
}

// checkTarget returns the finding on one target; none (Message "") when
// the target can take the text.
func (s *Service) checkTarget(ctx context.Context, b herald.Brand, t herald.Target, text string, rt *ReplyTo) (approvals.Finding, error) {
	p, ok := s.publishers[t.Kind]
	if !ok {
		return approvals.Finding{Message: fmt.Sprintf("Herald cannot publish to %s targets here (%s is not connected).", t.Kind, t.Kind)}, nil
	}
	var acct Account
	if _, ok := p.(Configurer); ok {
		a, err := s.store.Account(ctx, b.ID, t)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			facts := herald.Facts{"target": t.String(), "brand": b.Name}
			if s.connectable[t.Kind] {
				facts["connect"] = true // set up by connecting it, not with a URL
			}
			return approvals.Finding{Message: fmt.Sprintf("%s is not set up for %s; an admin sets it up as a target.", t, b.Name),
				Reason: ReasonNotConfigured, Facts: facts}, nil
		}
		if err != nil {
			return approvals.Finding{}, err
		}
		acct = a
	}
	if r, ok := p.(ReplyTexter); ok && rt != nil {
		text = r.ReplyText(rt, text)
	}
	if v, ok := p.(Validator); ok {
		if err := v.Validate(acct, text); err != nil {
			return approvals.Finding{Message: t.String() + ": " + herald.ErrorMessage(err)}, nil
		}
	}
	return approvals.Finding{}, nil
}

// ready checks that a draft can be published: it has targets, and each
// can take it.
func (s *Service) ready(ctx context.Context, v approvals.View) error {
	d := v.Draft
	if len(d.Targets) == 0 {
		return herald.Errorf(herald.EINVALID, "Draft #%d has no targets: it was drafted without any, so there is nowhere to publish it.", d.ID).
			Because(ReasonNoTargets, herald.Facts{"draft": d.ID})
	}
	fs, err := s.drafts.Check(ctx, v.Brand, d.ID, d.Targets, d.Text)
	if err != nil {
		return err
	}
	return approvals.Blocking(fmt.Sprintf("Draft #%d cannot be published as it is", d.ID), fs)
}

// act loads a draft on which the actor may do a.
func (s *Service) act(ctx context.Context, actor herald.Actor, id int64, a brands.Action) (approvals.View, error) {
	v, err := s.drafts.Get(ctx, actor, id)
	if err != nil {
		return v, err
	}
	return v, brands.Need(v.Viewer, a)
}

// apply stores a change with compare-and-set and returns the draft as the
// actor now sees it.
func (s *Service) apply(ctx context.Context, actor herald.Actor, c *approvals.Change, ups []DeliveryUpdate) (approvals.View, error) {
	if err := s.store.SaveDeliveries(ctx, c, ups); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return approvals.View{}, approvals.ChangedMeanwhile(c.Draft.ID)
		}
		return approvals.View{}, err
	}
	return s.drafts.Get(ctx, actor, c.Draft.ID)
}

func change(v approvals.View, actor herald.Actor, a approvals.Action, detail string, now time.Time) (*approvals.Change, error) {
	d, e, err := approvals.Transition(v.Draft, actor, a, detail, now)
	if err != nil {
		return nil, err
	}
	return &approvals.Change{Draft: d, Audit: []approvals.AuditEntry{e}}, nil
}

// Schedule sets an approved draft to be published at at.
func (s *Service) Schedule(ctx context.Context, actor herald.Actor, id int64, at time.Time) (approvals.View, error) {
	v, err := s.act(ctx, actor, id, brands.SchedulePosts)
	if err != nil {
		return v, err
	}
	now := s.now()
	if !at.After(now) {
		return v, herald.Errorf(herald.EINVALID, "That time has passed; draft #%d can be published now instead.", id).
			Because(ReasonTimePassed, herald.Facts{"draft": id})
	}
	if err := s.ready(ctx, v); err != nil {
		return v, err
	}
	c, err := change(v, actor, approvals.ActSchedule, "for "+at.In(v.Brand.Location()).Format("2006-01-02 15:04 MST"), now)
	if err != nil {
		return v, err
	}
	c.Draft.PublishAt = at.UTC()
	defer s.wake()
	return s.apply(ctx, actor, c, nil)
}

// Unschedule takes a scheduled draft off the schedule; it stays approved.
func (s *Service) Unschedule(ctx context.Context, actor herald.Actor, id int64) (approvals.View, error) {
	v, err := s.act(ctx, actor, id, brands.UnschedulePosts)
	if err != nil {
		return v, err
	}
	c, err := change(v, actor, approvals.ActUnschedule, "", s.now())
	if err != nil {
		return v, err
	}
	c.Draft.PublishAt = time.Time{}
	return s.apply(ctx, actor, c, nil)
}

// PublishNow publishes an approved, scheduled or missed draft at once.
// While the brand's publishing is paused it refuses (ReasonPaused): see
// PublishDuringPause.
func (s *Service) PublishNow(ctx context.Context, actor herald.Actor, id int64) (approvals.View, error) {
	return s.publishNow(ctx, actor, id, false)
}

// PublishDuringPause is PublishNow confirmed: it publishes even while the
// brand's publishing is paused, so a crisis answer goes out while the
// promotions stay held.
func (s *Service) PublishDuringPause(ctx context.Context, actor herald.Actor, id int64) (approvals.View, error) {
	return s.publishNow(ctx, actor, id, true)
}

func (s *Service) publishNow(ctx context.Context, actor herald.Actor, id int64, duringPause bool) (approvals.View, error) {
	v, err := s.act(ctx, actor, id, brands.PublishPosts)
	if err != nil {
		return v, err
	}
	detail := "now, to " + herald.FormatTargets(v.Draft.Targets)
	if !duringPause {
		if err := s.unpaused(ctx, v); err != nil {
			return v, err
		}
	} else if p, paused, err := s.BrandPause(ctx, v.Brand.ID); err != nil {
		return v, err
	} else if paused { // the draft's audit says it went out through the pause
		detail += "; confirmed while publishing was paused (" + p.Why() + ")"
	}
	if _, ok := approvals.Next(v.Draft.State, approvals.ActPublish); ok {
		if err := s.ready(ctx, v); err != nil {
			return v, err
		}
	}
	now := s.now()
	c, err := change(v, actor, approvals.ActPublish, detail, now)
	if err != nil {
		return v, err
	}
	c.Draft.PublishAt = now
	defer s.wake()
	return s.apply(ctx, actor, c, inserts(newDeliveries(c.Draft, now, now)))
}

// unpaused refuses (ReasonPaused) a person's sending of v's draft while
// its brand's publishing is paused: it goes out only once confirmed.
func (s *Service) unpaused(ctx context.Context, v approvals.View) error {
	p, paused, err := s.BrandPause(ctx, v.Brand.ID)
	if err != nil || !paused {
		return err
	}
	id := v.Draft.ID
	return herald.Errorf(herald.ECONFLICT, "Publishing for %s is paused (%s); draft #%d goes out only if you confirm.", v.Brand.Name, HeldDetail(p), id).
		Because(ReasonPaused, herald.Facts{"brand": v.Brand.Name, "draft": id})
}

func inserts(ds []Delivery) []DeliveryUpdate {
	ups := make([]DeliveryUpdate, len(ds))
	for i, d := range ds {
		ups[i] = DeliveryUpdate{Delivery: d, Insert: true}
	}
	return ups
}

// Retry sends a failed or unconfirmed post again to its failed and
// unconfirmed targets (or to one of them), with the same idempotency key.
// While the brand's publishing is paused it refuses (ReasonPaused), as
// PublishNow does: see RetryDuringPause.
func (s *Service) Retry(ctx context.Context, actor herald.Actor, id int64, target string) (approvals.View, error) {
	return s.retry(ctx, actor, id, target, false)
}

// RetryDuringPause is Retry confirmed: it sends again even while the
// brand's publishing is paused.
func (s *Service) RetryDuringPause(ctx context.Context, actor herald.Actor, id int64, target string) (approvals.View, error) {
	return s.retry(ctx, actor, id, target, true)
}

func (s *Service) retry(ctx context.Context, actor herald.Actor, id int64, target string, duringPause bool) (approvals.View, error) {
	var check func(approvals.View) error
	if !duringPause {
		check = func(v approvals.View) error { return s.unpaused(ctx, v) }
	}
	return s.settleTargets(ctx, actor, id, target, "retry", brands.RetryPosts, "", check, func(d *Delivery, now time.Time) {
		d.State, d.NextAt, d.Attempts, d.Error = Pending, now, 0, ""
	})
}

// Confirm records that a post whose outcome was unknown is published on
// its unconfirmed targets, or on the one target named, which may also be
// a failed one (posted by hand). A failed target is never marked without
// being named, so a second click on a stale button changes nothing.
func (s *Service) Confirm(ctx context.Context, actor herald.Actor, id int64, target string) (approvals.View, error) {
	return s.settleTargets(ctx, actor, id, target, "mark as published", brands.ConfirmPosts, Unconfirmed, nil, func(d *Delivery, now time.Time) {
		d.State, d.Error = Delivered, "marked as published by "+actor.Display()
	})
}

// settleTargets applies f to the draft's failed and unconfirmed
// deliveries: the one on target when given, else those in state prefer
// (all of them when prefer is ""). check, when not nil, may refuse the
// draft once the actor's right to act on it is known.
func (s *Service) settleTargets(ctx context.Context, actor herald.Actor, id int64, target, what string, a brands.Action, prefer DeliveryState, check func(approvals.View) error, f func(*Delivery, time.Time)) (approvals.View, error) {
	v, err := s.act(ctx, actor, id, a)
	if err != nil {
		return v, err
	}
	if check != nil {
		if err := check(v); err != nil {
			return v, err
		}
	}
	var only *herald.Target
	if target != "" {
		t, err := herald.ParseTarget(target)
		if err != nil {
			return v, err
		}
		only = &t
	}
	ds, err := s.store.Deliveries(ctx, id)
	if err != nil {
		return v, err
	}
	ds = slices.DeleteFunc(ds, func(d Delivery) bool { return d.Rev != v.Draft.Rev })
	want := map[DeliveryState]bool{Failed: true, Unconfirmed: true}
	if only == nil && prefer != "" {
		want = map[DeliveryState]bool{prefer: true}
	}
	now := s.now()
	var ups []DeliveryUpdate
	var names []string
	for i, d := range ds {
		if !want[d.State] || (only != nil && d.Target != *only) {
			continue
		}
		up := DeliveryUpdate{From: d.State, FromAttempts: d.Attempts}
		f(&d, now)
		d.UpdatedAt = now
		up.Delivery = d
		ds[i] = d
		ups = append(ups, up)
		names = append(names, d.Target.String())
	}
	if len(ups) == 0 {
		if only != nil {
			return v, herald.Errorf(herald.ECONFLICT, "Draft #%d has nothing to %s on %s.", id, what, *only)
		}
		return v, herald.Errorf(herald.ECONFLICT, "Draft #%d is %s: there is nothing to %s.", id, v.Draft.State.Label(), what)
	}
	c, err := settle(v.Draft, ds, actor, what+": "+strings.Join(names, ", "), now)
	if err != nil {
		return v, err
	}
	if c == nil { // the draft's state stays; the action is still audited
		d := v.Draft
		e := approvals.AuditEntry{BrandID: d.BrandID, DraftID: d.ID, Action: auditAction(what), Actor: actor,
			Rev: d.Rev, From: d.State, To: d.State, Detail: strings.Join(names, ", "), At: now}
		c = &approvals.Change{Draft: d, Audit: []approvals.AuditEntry{e}}
		c.Draft.UpdatedAt = now
	}
	defer s.wake()
	return s.apply(ctx, actor, c, ups)
}

func auditAction(what string) string {
	if what == "retry" {
		return string(approvals.ActRetry)
	}
	return string(approvals.ActConfirm)
}

// Deliveries lists the deliveries of a draft's current revision, by
// target. Callers have checked that the actor sees the draft.
func (s *Service) Deliveries(ctx context.Context, d approvals.Draft) ([]Delivery, error) {
	all, err := s.store.Deliveries(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, x := range all {
		if x.Rev == d.Rev {
			out = append(out, x)
		}
	}
	return out, nil
}

// --- target accounts ---

// AddTarget stores a target's account for a brand. Admins only; the secret
// is never shown back.
func (s *Service) AddTarget(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, a Account) (herald.Brand, error) {
	b, m, err := s.brands.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, err
	}
	if err := brands.Need(m, brands.SetUpTargets); err != nil {
		return b, err
	}
	p, ok := s.publishers[a.Target.Kind]
	if !ok {
		return b, herald.Errorf(herald.EINVALID, "Herald cannot publish to %s targets here (%s is not connected).", a.Target.Kind, a.Target.Kind)
	}
	cf, ok := p.(Configurer)
	if !ok {
		return b, herald.Errorf(herald.EINVALID, "%s targets need no setting up: name them as targets of a draft.", a.Target.Kind).
			Because(ReasonNoSetUp, herald.Facts{"kind": a.Target.Kind, "target": a.Target.String()})
	}
	if n, ok := p.(Normalizer); ok {
		a = n.NormalizeAccount(a)
	}
	if err := cf.CheckAccount(a); err != nil {
		return b, err
	}
	if err := s.checkURL(ctx, a.URL); err != nil {
		return b, err
	}
	if pr, ok := p.(Prober); ok {
		if err := pr.ProbeAccount(ctx, a); err != nil {
			return b, err
		}
	}
	a.BrandID = b.ID
	e := approvals.AuditEntry{BrandID: b.ID, Action: "target_add", Actor: actor, Detail: a.Target.String() + " " + Redact(a.URL), At: s.now()}
	return b, s.store.PutAccount(ctx, a, e)
}

// RemoveTarget deletes a target's account. Admins only.
func (s *Service) RemoveTarget(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, t herald.Target) (herald.Brand, error) {
	b, m, err := s.brands.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, err
	}
	if err := brands.Need(m, brands.RemoveTargets); err != nil {
		return b, err
	}
	e := approvals.AuditEntry{BrandID: b.ID, Action: "target_rm", Actor: actor, Detail: t.String(), At: s.now()}
	err = s.store.DeleteAccount(ctx, b.ID, t, e)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return b, herald.Errorf(herald.ENOTFOUND, "%s has no target %s.", b.Name, t).
			Because(ReasonNoTarget, herald.Facts{"brand": b.Name, "target": t.String()})
	}
	return b, err
}

// Targets lists a brand's configured accounts, secrets blanked, and the
// target kinds that need none.
func (s *Service) Targets(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string) (herald.Brand, []Account, []string, error) {
	b, _, err := s.brands.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, nil, nil, err
	}
	as, err := s.store.Accounts(ctx, b.ID)
	if err != nil {
		return b, nil, nil, err
	}
	for i := range as {
		as[i].Secret = ""
		as[i].URL = Redact(as[i].URL)
		if as[i].Conn.Refresh != "" {
			as[i].Conn.Refresh = "…" // it has one; its value stays in the store
		}
	}
	var open []string
	for k, p := range s.publishers {
		if _, ok := p.(Configurer); !ok {
			open = append(open, k)
		}
	}
	sort.Strings(open)
	return b, as, open, nil
}

// Redact keeps a URL's scheme and host: webhook URLs carry their secret in
// the path.
func Redact(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	if _, h, ok := strings.Cut(host, "@"); ok {
		host = h
	}
	return scheme + "://" + host + "/…"
}

// --- calendar ---

// Calendar returns a new calendar token of a brand when it has none or
// when rotate is set (the old link stops working), and "" when it has
// one: only its SHA-256 is stored (TokenHash), so a link is shown once,
// to whoever makes it. Anyone on the brand may ask; only admins make or
// rotate a link.
func (s *Service) Calendar(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, rotate bool) (herald.Brand, string, error) {
	b, m, err := s.brands.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, "", err
	}
	hash, err := s.store.CalendarToken(ctx, b.ID)
	if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
		return b, "", err
	}
	if hash != "" && !rotate {
		return b, "", nil
	}
	if err := brands.Need(m, brands.CalendarLinks); err != nil {
		return b, "", err
	}
	tok := NewToken()
	e := approvals.AuditEntry{BrandID: b.ID, Action: "calendar_token", Actor: actor, Detail: "new calendar link", At: s.now()}
	return b, tok, s.store.SetCalendarToken(ctx, b.ID, TokenHash(tok), e)
}

// TokenHash is what is stored of a calendar token: the lowercase hex of
// its SHA-256, so the database alone opens no calendar.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a random URL-safe token (160 bits).
func NewToken() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
