package approvals

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/media"
)

// MaxTextLength bounds a draft's text, in characters.
const MaxTextLength = 20000

// Reasons of the errors of this package (see herald.Error), with their
// facts.
const (
	ReasonNoText           = "approvals.no_text"           // a draft without text
	ReasonDraftNotVisible  = "approvals.draft_not_visible" // "draft": the id asked for
	ReasonNoChanges        = "approvals.no_changes"        // a request for changes that says none
	ReasonNoReason         = "approvals.no_reason"         // a rejection without a reason
	ReasonStaleRevision    = "approvals.stale_revision"    // "draft", "seen" (revision decided on), "rev" (current)
	ReasonChangedMeanwhile = "approvals.changed_meanwhile" // "draft": a concurrent change won
	ReasonBlocked          = "approvals.blocked"           // "what" (the refusal), "findings" ([]Finding, the blocking ones)
	ReasonControlChar      = "approvals.control_char"      // "char": the first control character of a text, as U+XXXX
	ReasonAlreadyApproved  = "approvals.already_approved"  // "draft": approving a draft that is approved
	ReasonWrongState       = "approvals.wrong_state"       // "draft", "state" (State), "action" (Action): not now
	ReasonOwnDraft         = "approvals.own_draft"         // "draft", "rev" (0: the draft itself): its author may not review it
	ReasonApprovedTwice    = "approvals.approved_twice"    // "draft", "rev": the actor approved this revision already
	ReasonReviewDone       = "approvals.review_done"       // "draft": every stage is complete
	ReasonWrongStage       = "approvals.wrong_stage"       // "draft", "stage" (kind), "roles" ([]string), "role" (the actor's)
	ReasonNothingChanged   = "approvals.nothing_changed"   // "draft", "what" ("text" or "targets"): an edit that changes nothing
	ReasonBadUTF8          = "approvals.bad_utf8"          // "what": "text" or "alt", bytes that are not UTF-8
	ReasonTextTooLong      = "approvals.text_too_long"     // "max", "length" (characters)
	ReasonBadPolicy        = "approvals.bad_policy"        // "stage": the stage refused ("" for too many), "max": the limit broken (absent for an unknown stage)
)

// ChangedMeanwhile is the ECONFLICT of a change to draft id that lost a
// race (someone else acted, or a second click).
func ChangedMeanwhile(id int64) error {
	return herald.Errorf(herald.ECONFLICT, "Draft #%d changed at the same moment (someone else acted, or a second click); look at it again.", id).
		Because(ReasonChangedMeanwhile, herald.Facts{"draft": id})
}

// Service holds every rule about drafts and reviews. Every method takes
// the acting user and checks what that user may do, asking brands.
type Service struct {
	store    Store
	brands   *brands.Service
	clock    herald.Clock
	checkers []Checker
}

// Checker examines a draft's text for its targets: each target's limits,
// the brand's guidelines. Blocking findings prevent submission, so that a
// post never fails at publish time for something knowable before review.
type Checker interface {
	CheckDraft(ctx context.Context, b herald.Brand, targets []herald.Target, text string) ([]Finding, error)
}

// Finding is one remark of a Checker on a draft. Like a herald.Error, it
// says facts, never chat syntax: when the command layer has more to say
// (what to type), Reason names the finding and Facts hold its values.
type Finding struct {
	Message  string // for people, one sentence
	Blocking bool
	Reason   string       // "" when Message says all there is
	Facts    herald.Facts // the values Message speaks of; nil when none
}

// AddChecker adds c to the checks run on drafts. Call it before serving.
func (s *Service) AddChecker(c Checker) { s.checkers = append(s.checkers, c) }

// Blocking returns an EINVALID error listing the blocking findings, or
// nil. Its Reason is ReasonBlocked, with the findings in its Facts, so
// that the command layer can word each one.
func Blocking(what string, fs []Finding) error {
	var msgs []string
	var blocking []Finding
	for _, f := range fs {
		if f.Blocking {
			msgs = append(msgs, f.Message)
			blocking = append(blocking, f)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return herald.Errorf(herald.EINVALID, "%s: %s", what, strings.Join(msgs, " ")).
		Because(ReasonBlocked, herald.Facts{"what": what, "findings": blocking})
}

// NewService returns a Service over store; bs answers who belongs to
// which brand and what they may do.
func NewService(store Store, bs *brands.Service, clock herald.Clock) *Service {
	return &Service{store: store, brands: bs, clock: clock}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

func (s *Service) audit(b int64, d *Draft, a herald.Actor, action string, detail string) AuditEntry {
	e := AuditEntry{BrandID: b, Action: action, Actor: a, Detail: detail, At: s.now()}
	if d != nil {
		e.DraftID, e.Rev, e.From, e.To = d.ID, d.Rev, d.State, d.State
	}
	return e
}

// SetPolicy sets the brand's review policy (brands.SetPolicy). Drafts
// already in review keep the policy they were submitted under.
func (s *Service) SetPolicy(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand, policy string) (herald.Brand, Policy, error) {
	p, err := ParsePolicy(policy)
	if err != nil {
		return herald.Brand{}, nil, err
	}
	b, err := s.brands.Configure(ctx, actor, ch, brand, brands.SetPolicy, brands.AuditPolicy, func(b *herald.Brand) (string, error) {
		b.Policy = p.String()
		if len(p) == 0 {
			b.Policy = ""
		}
		return p.String(), nil
	})
	if err != nil {
		return b, nil, err
	}
	return b, p, nil
}

// --- drafts ---

// NewDraft is what an editor asks for when creating a draft.
type NewDraft struct {
	Brand     string // optional; else the channel's or the actor's brand
	Text      string
	Targets   []herald.Target
	Media     []media.Item // stored already (media.Library.Add), in order
	PublishAt time.Time
}

// CreateDraft stores a new draft (revision 1). Editors and admins only.
func (s *Service) CreateDraft(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, nd NewDraft) (Draft, error) {
	text, err := cleanText(nd.Text)
	if err != nil {
		return Draft{}, err
	}
	items, err := cleanItems(nd.Media)
	if err != nil {
		return Draft{}, err
	}
	if err := fits(0, 0, len(items)); err != nil {
		return Draft{}, err
	}
	b, m, err := s.brands.Resolve(ctx, actor, ch, nd.Brand)
	if err != nil {
		return Draft{}, err
	}
	if err := brands.Need(m, brands.WriteDrafts); err != nil {
		return Draft{}, err
	}
	now := s.now()
	d := Draft{BrandID: b.ID, State: StateDraft, Rev: 1, Text: text, Author: actor, Media: items,
		Targets: nd.Targets, PublishAt: nd.PublishAt, CreatedAt: now, UpdatedAt: now}
	e := s.audit(b.ID, nil, actor, string(ActCreate), strings.Join(added(items), "; "))
	e.Rev, e.To = 1, StateDraft
	if err := s.store.CreateDraft(ctx, &d, e); err != nil {
		return Draft{}, err
	}
	return d, nil
}

// View is a draft with everything needed to show it.
type View struct {
	Draft     Draft
	Brand     herald.Brand
	Viewer    brands.Member
	Revisions []Revision
	Approvals []Approval // every approval, of every revision
	Progress  Progress   // of the current revision, under the draft's policy
}

// Get returns a draft as seen by a member of its brand.
func (s *Service) Get(ctx context.Context, actor herald.Actor, id int64) (View, error) {
	d, b, m, err := s.load(ctx, actor, id)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, d, b, m)
}

// Notice returns a draft as Herald itself sees it, to tell its members
// what happened (a publication, a reminder): no member's permissions
// apply, and Viewer is empty. Never use it to answer a person.
func (s *Service) Notice(ctx context.Context, id int64) (View, error) {
	d, err := s.store.Draft(ctx, id)
	if err != nil {
		return View{}, err
	}
	b, err := s.brands.Brand(ctx, d.BrandID)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, d, b, brands.Member{})
}

func (s *Service) view(ctx context.Context, d Draft, b herald.Brand, m brands.Member) (View, error) {
	revs, err := s.store.Revisions(ctx, d.ID)
	if err != nil {
		return View{}, err
	}
	aps, err := s.store.Approvals(ctx, d.ID)
	if err != nil {
		return View{}, err
	}
	v := View{Draft: d, Brand: b, Viewer: m, Revisions: revs, Approvals: aps}
	cur := currentApprovals(aps, d.Rev)
	p, err := ParsePolicy(reviewPolicy(d, b, cur))
	if err != nil {
		return View{}, err
	}
	v.Progress = NewProgress(p, cur)
	return v, nil
}

// reviewPolicy is the policy a draft is, or will be, reviewed under: the
// one fixed when it entered review; before (re)submission, the brand's
// current one, unless its current revision already has approvals, which
// keep the policy whose stages they were given at.
func reviewPolicy(d Draft, b herald.Brand, current []Approval) string {
	if (d.State == StateDraft || d.State == StateChangesRequested) && len(current) == 0 {
		return b.Policy
	}
	return d.Policy
}

func currentApprovals(aps []Approval, rev int) []Approval {
	var out []Approval
	for _, a := range aps {
		if a.Rev == rev {
			out = append(out, a)
		}
	}
	return out
}

// load fetches a draft for a member of its brand; anyone else gets ENOTFOUND.
func (s *Service) load(ctx context.Context, actor herald.Actor, id int64) (Draft, herald.Brand, brands.Member, error) {
	missing := herald.Errorf(herald.ENOTFOUND, "There is no draft #%d that you can see.", id).
		Because(ReasonDraftNotVisible, herald.Facts{"draft": id})
	d, err := s.store.Draft(ctx, id)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return d, herald.Brand{}, brands.Member{}, missing
	}
	if err != nil {
		return d, herald.Brand{}, brands.Member{}, err
	}
	m, err := s.brands.Member(ctx, d.BrandID, actor)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return d, herald.Brand{}, brands.Member{}, missing
	}
	if err != nil {
		return d, herald.Brand{}, brands.Member{}, err
	}
	b, err := s.brands.Brand(ctx, d.BrandID)
	return d, b, m, err
}

// Audit returns a draft's brand and its audit log, oldest first.
func (s *Service) Audit(ctx context.Context, actor herald.Actor, id int64) (herald.Brand, []AuditEntry, error) {
	_, b, _, err := s.load(ctx, actor, id)
	if err != nil {
		return b, nil, err
	}
	es, err := s.store.Audit(ctx, id)
	return b, es, err
}

// step applies action a to d, returning the changed copy and its audit row.
func (s *Service) step(d Draft, actor herald.Actor, a Action, detail string) (Draft, AuditEntry, error) {
	return Transition(d, actor, a, detail, s.now())
}

// Transition applies action a to d at time at, returning the changed copy
// and its audit row. It refuses (ECONFLICT) actions the state machine does
// not allow in d's state.
func Transition(d Draft, actor herald.Actor, a Action, detail string, at time.Time) (Draft, AuditEntry, error) {
	to, ok := Next(d.State, a)
	if !ok {
		return d, AuditEntry{}, refused(d, a)
	}
	e := AuditEntry{BrandID: d.BrandID, DraftID: d.ID, Action: string(a), Actor: actor, Detail: detail,
		Rev: d.Rev, From: d.State, To: to, At: at.UTC()}
	d.State = to
	d.UpdatedAt = e.At
	return d, e, nil
}

func refused(d Draft, a Action) error {
	if a == ActApprove && (d.State == StateApproved || d.State == StateScheduled || d.State == StatePublished) {
		return herald.Errorf(herald.ECONFLICT, "Draft #%d is already approved.", d.ID).
			Because(ReasonAlreadyApproved, herald.Facts{"draft": d.ID})
	}
	return herald.Errorf(herald.ECONFLICT, "Draft #%d is %s: it cannot be %s now.", d.ID, d.State.Label(), a.Done()).
		Because(ReasonWrongState, herald.Facts{"draft": d.ID, "state": d.State, "action": a})
}

// Edit stores text as a new revision. Editors and admins only. An edit
// after any approval sends the draft back to review; approvals stay bound to
// the revision they saw (and in the audit log) and no longer count.
func (s *Service) Edit(ctx context.Context, actor herald.Actor, id int64, text string) (View, error) {
	return s.Revise(ctx, actor, id, Revise{Text: text, SetText: true})
}

// Revise is what an edit changes: the text, the targets, or both. A
// revision is the text and where it goes, so either makes a new one.
type Revise struct {
	Text       string
	SetText    bool // false keeps the text
	Targets    []herald.Target
	SetTargets bool // false keeps the targets
}

// Revise stores a new revision with the text and targets asked for (Edit
// for the text alone). Editors and admins only. Like a text edit, a change
// of targets after any approval sends the draft back to review, its checks
// (limits, guidelines) run again for the new targets, and the audit row
// says what changed ("targets: mastodon:acme → mastodon:acme, bluesky:acme").
func (s *Service) Revise(ctx context.Context, actor herald.Actor, id int64, r Revise) (View, error) {
	if r.SetText {
		t, err := cleanText(r.Text)
		if err != nil {
			return View{}, err
		}
		r.Text = t
	}
	return s.change(ctx, actor, id, func(v View) (Change, error) {
		if err := brands.Need(v.Viewer, brands.EditDrafts); err != nil {
			return Change{}, err
		}
		d := v.Draft
		text, targets := d.Text, d.Targets
		if r.SetText {
			text = r.Text
		}
		if r.SetTargets {
			targets = r.Targets
		}
		sameTargets := herald.FormatTargets(targets) == herald.FormatTargets(d.Targets)
		if text == d.Text && sameTargets {
			if !r.SetText {
				return Change{}, herald.Errorf(herald.EINVALID, "Draft #%d already goes to those targets; nothing changed.", d.ID).
					Because(ReasonNothingChanged, herald.Facts{"draft": d.ID, "what": "targets"})
			}
			return Change{}, herald.Errorf(herald.EINVALID, "That is already the text of draft #%d; nothing changed.", d.ID).
				Because(ReasonNothingChanged, herald.Facts{"draft": d.ID, "what": "text"})
		}
		var details []string
		if !sameTargets {
			details = append(details, "targets: "+orNone(herald.FormatTargets(d.Targets))+" → "+orNone(herald.FormatTargets(targets)))
		}
		return s.revision(ctx, v, actor, revision{text: text, targets: targets, media: d.Media, details: details,
			refusal: fmt.Sprintf("Draft #%d cannot take this text", d.ID)})
	})
}

func orNone(s string) string { return cmp.Or(s, "none") }

// Submit sends a draft to review. With no review stages, it is approved at
// once.
//
// The policy is the brand's current one, except on a resubmission of a
// revision that already has approvals: those were given at stages of the
// policy fixed at its first submission, which it therefore keeps.
func (s *Service) Submit(ctx context.Context, actor herald.Actor, id int64) (View, error) {
	return s.change(ctx, actor, id, func(v View) (Change, error) {
		if err := brands.Need(v.Viewer, brands.SubmitDrafts); err != nil {
			return Change{}, err
		}
		fs, err := s.CheckRevision(ctx, v.Brand, v.Draft.ID, v.Draft.Targets, v.Draft.Text, v.Draft.Media)
		if err != nil {
			return Change{}, err
		}
		if err := Blocking(fmt.Sprintf("Draft #%d cannot go to review yet", v.Draft.ID), fs); err != nil {
			return Change{}, err
		}
		policy := reviewPolicy(v.Draft, v.Brand, currentApprovals(v.Approvals, v.Draft.Rev))
		d, e, err := s.step(v.Draft, actor, ActSubmit, "")
		if err != nil {
			return Change{}, err
		}
		c := Change{Draft: d, Audit: []AuditEntry{e}}
		return c, s.enterReview(&c, actor, policy, v.Brand.Location())
	})
}

// enterReview fixes the policy of a change whose draft has just entered
// review, notes it in the audit row, and, when the policy has no stages,
// completes the review at once (nobody could ever decide otherwise).
func (s *Service) enterReview(c *Change, actor herald.Actor, policy string, loc *time.Location) error {
	p, err := ParsePolicy(policy)
	if err != nil {
		return err
	}
	c.Draft.Policy = policy
	last := &c.Audit[len(c.Audit)-1]
	last.Detail = strings.TrimPrefix(last.Detail+"; review policy "+p.String(), "; ")
	if len(p) > 0 {
		return nil
	}
	return s.complete(c, actor, "no review required", loc)
}

// complete approves the draft of c; a draft that asked for a publication
// time (`draft … --at`) and has targets is scheduled for it at once.
func (s *Service) complete(c *Change, actor herald.Actor, detail string, loc *time.Location) error {
	d, e, err := s.step(c.Draft, actor, ActComplete, detail)
	if err != nil {
		return err
	}
	c.Draft = d
	c.Audit = append(c.Audit, e)
	if d.PublishAt.IsZero() || len(d.Targets) == 0 {
		return nil
	}
	if !d.PublishAt.After(e.At) { // re-approved after its time: a person picks a new one
		c.Audit[len(c.Audit)-1].Detail += "; the time asked for (" + d.PublishAt.In(loc).Format("2006-01-02 15:04 MST") + ") has passed, so it is not scheduled"
		return nil
	}
	d, e, err = s.step(d, actor, ActSchedule, "for "+d.PublishAt.In(loc).Format("2006-01-02 15:04 MST")+", the time asked for when drafted")
	if err != nil {
		return err
	}
	c.Draft = d
	c.Audit = append(c.Audit, e)
	return nil
}

// Decide is a reviewer's decision on a draft.
type Decide struct {
	Rev     int // the revision the reviewer saw; 0 means the current one
	Comment string
}

// Approve records the actor's approval of the current revision at the
// current stage. The last approval of the last stage approves the draft.
func (s *Service) Approve(ctx context.Context, actor herald.Actor, id int64, dec Decide) (View, error) {
	return s.change(ctx, actor, id, func(v View) (Change, error) {
		stage, err := s.reviewer(v, actor, ActApprove, dec.Rev)
		if err != nil {
			return Change{}, err
		}
		p := v.Progress
		p.Have = append([]int(nil), p.Have...)
		p.Have[stage]++
		detail := fmt.Sprintf("%s stage, %s", p.Policy[stage].Kind, p)
		if dec.Comment != "" {
			detail += ": " + dec.Comment
		}
		d, e, err := s.step(v.Draft, actor, ActApprove, detail)
		if err != nil {
			return Change{}, err
		}
		ap := &Approval{DraftID: d.ID, Rev: d.Rev, Stage: stage, Actor: actor, Role: v.Viewer.Role, Comment: dec.Comment, CreatedAt: e.At}
		c := Change{Draft: d, Approval: ap, Audit: []AuditEntry{e}}
		if p.Current() == -1 {
			return c, s.complete(&c, actor, "every review stage approved revision "+fmt.Sprint(d.Rev), v.Brand.Location())
		}
		return c, nil
	})
}

// RequestChanges sends the draft back to its editors with a comment.
func (s *Service) RequestChanges(ctx context.Context, actor herald.Actor, id int64, dec Decide) (View, error) {
	return s.decideWithComment(ctx, actor, id, dec, ActRequestChanges,
		herald.Errorf(herald.EINVALID, "Say what should change.").Because(ReasonNoChanges, nil))
}

// Reject closes the draft for good, with a reason.
func (s *Service) Reject(ctx context.Context, actor herald.Actor, id int64, dec Decide) (View, error) {
	return s.decideWithComment(ctx, actor, id, dec, ActReject,
		herald.Errorf(herald.EINVALID, "Give a reason.").Because(ReasonNoReason, nil))
}

// decideWithComment records a decision that needs a comment; without
// one, it returns noComment.
func (s *Service) decideWithComment(ctx context.Context, actor herald.Actor, id int64, dec Decide, a Action, noComment error) (View, error) {
	comment := strings.TrimSpace(dec.Comment)
	if comment == "" {
		return View{}, noComment
	}
	return s.change(ctx, actor, id, func(v View) (Change, error) {
		if _, err := s.reviewer(v, actor, a, dec.Rev); err != nil {
			return Change{}, err
		}
		d, e, err := s.step(v.Draft, actor, a, comment)
		if err != nil {
			return Change{}, err
		}
		return Change{Draft: d, Audit: []AuditEntry{e}}, nil
	})
}

// reviewer checks that actor may decide on v's current revision at its
// current stage, and returns that stage.
func (s *Service) reviewer(v View, actor herald.Actor, a Action, rev int) (int, error) {
	d := v.Draft
	if _, ok := Next(d.State, a); !ok {
		return 0, refused(d, a)
	}
	if rev != 0 && rev != d.Rev {
		return 0, herald.Errorf(herald.ECONFLICT, "Draft #%d changed since you saw it: revision %d is now %d. Read it again, then decide.", d.ID, rev, d.Rev).
			Because(ReasonStaleRevision, herald.Facts{"draft": d.ID, "seen": rev, "rev": d.Rev})
	}
	if d.Author.Key() == actor.Key() {
		return 0, herald.Errorf(herald.EFORBIDDEN, "You wrote draft #%d, so someone else must review it.", d.ID).
			Because(ReasonOwnDraft, herald.Facts{"draft": d.ID, "rev": 0})
	}
	for _, r := range v.Revisions {
		if r.Author.Key() == actor.Key() {
			return 0, herald.Errorf(herald.EFORBIDDEN, "You wrote revision %d of draft #%d, so someone else must review it.", r.Rev, d.ID).
				Because(ReasonOwnDraft, herald.Facts{"draft": d.ID, "rev": r.Rev})
		}
	}
	if a == ActApprove {
		for _, ap := range currentApprovals(v.Approvals, d.Rev) {
			if ap.Actor.Key() == actor.Key() {
				return 0, herald.Errorf(herald.ECONFLICT, "You already approved revision %d of draft #%d.", d.Rev, d.ID).
					Because(ReasonApprovedTwice, herald.Facts{"draft": d.ID, "rev": d.Rev})
			}
		}
	}
	stage := v.Progress.Current()
	if stage < 0 {
		return 0, herald.Errorf(herald.ECONFLICT, "Every review stage of draft #%d is complete.", d.ID).
			Because(ReasonReviewDone, herald.Facts{"draft": d.ID})
	}
	st := v.Progress.Policy[stage]
	if !st.Allows(v.Viewer.Role) {
		names := make([]string, 0, 2)
		for _, r := range st.Roles() {
			names = append(names, string(r))
		}
		return 0, herald.Errorf(herald.EFORBIDDEN, "Draft #%d waits for %s review; only %s can decide at that stage, and you are %s.", d.ID, st.Kind, brands.OrList(names), brands.Article(string(v.Viewer.Role))).
			Because(ReasonWrongStage, herald.Facts{"draft": d.ID, "stage": st.Kind, "roles": names, "role": string(v.Viewer.Role)})
	}
	return stage, nil
}

// change loads a draft with its view, lets f compute a Change from it, and
// stores the change with compare-and-set. A concurrent change wins the race
// and this one gets ECONFLICT.
func (s *Service) change(ctx context.Context, actor herald.Actor, id int64, f func(View) (Change, error)) (View, error) {
	d, b, m, err := s.load(ctx, actor, id)
	if err != nil {
		return View{}, err
	}
	v, err := s.view(ctx, d, b, m)
	if err != nil {
		return View{}, err
	}
	c, err := f(v)
	if err != nil {
		return View{}, err
	}
	c.Draft.Version = d.Version
	if err := s.store.ApplyChange(ctx, c); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return View{}, ChangedMeanwhile(id)
		}
		return View{}, err
	}
	c.Draft.Version++
	return s.view(ctx, c.Draft, b, m)
}
