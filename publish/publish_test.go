package publish_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/sqlite"
)

// MustOpen opens a fresh, migrated SQLite store in a temporary directory,
// closed when the test ends.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "herald.db"))
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

var (
	start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

	alice  = herald.Actor{Platform: "slack", UserID: "UALICE", Name: "Alice"} // admin
	bob    = herald.Actor{Platform: "slack", UserID: "UBOB", Name: "Bob"}     // editor, the author
	carol  = herald.Actor{Platform: "discord", UserID: "1003", Name: "Carol"} // approver
	ann    = herald.Actor{Platform: "slack", UserID: "UANN", Name: "Ann"}     // approver
	dave   = herald.Actor{Platform: "slack", UserID: "UDAVE", Name: "Dave"}   // client
	vic    = herald.Actor{Platform: "slack", UserID: "UVIC", Name: "Vic"}     // viewer
	erin   = herald.Actor{Platform: "slack", UserID: "UERIN", Name: "Erin"}   // editor
	nobody = herald.Actor{Platform: "slack", UserID: "UNOBODY", Name: "Nobody"}

	acmeCh = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CACME"}

	equate = cmpopts.EquateEmpty()
)

// --- fake networks ---

// step is one scripted answer of a fake network.
type step struct {
	err     error
	arrived bool // the post reached the destination (whatever err says)
}

var (
	ok         = step{arrived: true}
	fail500    = step{err: publish.TransientError(errors.New("500 Internal Server Error"), 0)}
	reject400  = step{err: publish.Rejectedf("400 Bad Request: status is too long")}
	lostAnswer = step{err: publish.AmbiguousError(errors.New("timeout awaiting response headers")), arrived: true}
	lostPost   = step{err: publish.AmbiguousError(errors.New("connection reset")), arrived: false}
)

// fakeNet is a destination network. It records every call, keeps the
// copies that arrived by idempotency key, and answers from a script per
// target (then success).
type fakeNet struct {
	mu       sync.Mutex
	scripts  map[string][]step // by target ("webhook:a")
	calls    []publish.Post
	copies   map[string]int // posts at the destination, by key
	dedup    bool           // a key it has seen makes no second copy
	hook     func(ctx context.Context, p publish.Post)
	checks   int
	checkErr error
	limit    int // Validate: the most characters (0: no limit)
}

func newNet() *fakeNet { return &fakeNet{scripts: map[string][]step{}, copies: map[string]int{}} }

// script sets the answers for target t.
func (f *fakeNet) script(t string, steps ...step) *fakeNet {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[t] = append(f.scripts[t], steps...)
	return f
}

func (f *fakeNet) Publish(ctx context.Context, p publish.Post) (publish.Receipt, error) {
	f.mu.Lock()
	f.calls = append(f.calls, p)
	st := ok
	if s := f.scripts[p.Target.String()]; len(s) > 0 {
		st, f.scripts[p.Target.String()] = s[0], s[1:]
	}
	if st.arrived && !(f.dedup && f.copies[p.Key] > 0) {
		f.copies[p.Key]++
	}
	hook := f.hook
	f.mu.Unlock()
	if hook != nil {
		hook(ctx, p)
	}
	if st.err != nil {
		return publish.Receipt{}, st.err
	}
	return receipt(p.Key), nil
}

func receipt(key string) publish.Receipt {
	return publish.Receipt{ID: "id-" + key, URL: "https://net.example/" + key}
}

// Calls returns the posts sent so far.
func (f *fakeNet) Calls() []publish.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// CallsFor counts the calls for a draft.
func (f *fakeNet) CallsFor(id int64) int {
	n := 0
	for _, p := range f.Calls() {
		if p.DraftID == id {
			n++
		}
	}
	return n
}

// Copies returns how many copies of key are at the destination.
func (f *fakeNet) Copies(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.copies[key]
}

// plainNet honours no key and cannot be looked at: an ambiguous answer
// can only be settled by a person.
type plainNet struct{ *fakeNet }

// dedupNet honours Post.Key for window.
type dedupNet struct {
	*fakeNet
	window time.Duration
}

func (d dedupNet) KeyWindow() time.Duration { return d.window }

func newDedup(window time.Duration) dedupNet {
	n := newNet()
	n.dedup = true
	return dedupNet{n, window}
}

// checkNet can be looked at.
type checkNet struct{ *fakeNet }

func (c checkNet) Check(ctx context.Context, p publish.Post) (publish.Receipt, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checks++
	if c.checkErr != nil {
		return publish.Receipt{}, false, c.checkErr
	}
	if c.copies[p.Key] > 0 {
		return publish.Receipt{ID: "found-" + p.Key}, true, nil
	}
	return publish.Receipt{}, false, nil
}

// validNet knows a length limit, which a test may change.
type validNet struct{ *fakeNet }

func (v validNet) Validate(_ publish.Account, text string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if n := utf8.RuneCountInString(text); v.limit > 0 && n > v.limit {
		return herald.Errorf(herald.EINVALID, "at most %d characters, this has %d", v.limit, n)
	}
	return nil
}

// configNet needs an account with an https URL.
type configNet struct{ *fakeNet }

func (configNet) CheckAccount(a publish.Account) error {
	if !strings.HasPrefix(a.URL, "https://") {
		return herald.Errorf(herald.EINVALID, "the URL must start with https://")
	}
	return nil
}

// --- events ---

// recorder is a Notifier that keeps every event and signals each on ch
// when ch is set.
type recorder struct {
	mu     sync.Mutex
	events []publish.Event
	ch     chan publish.Event
}

func (r *recorder) Notify(_ context.Context, e publish.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	ch := r.ch
	r.mu.Unlock()
	if ch != nil {
		ch <- e
	}
}

// Kinds returns the kinds of the events about draft id (0: all), in order.
func (r *recorder) Kinds(id int64) []publish.EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []publish.EventKind
	for _, e := range r.events {
		if id == 0 || e.DraftID == id {
			out = append(out, e.Kind)
		}
	}
	return out
}

func (r *recorder) Events() []publish.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

func (r *recorder) Reset() {
	r.mu.Lock()
	r.events = nil
	r.mu.Unlock()
}

// --- the environment ---

// env is the publishing service and a scheduler over a fresh store with
// brand Acme (policy team:1): alice admin, bob and erin editors, carol and
// ann approvers, dave client, vic viewer.
type env struct {
	store  *sqlite.Store
	clock  *testclock.Clock
	drafts *approvals.Service
	brands *brands.Service
	svc    *publish.Service
	sched  *publish.Scheduler
	events *recorder
	brand  herald.Brand
	opt    publish.Options
}

// config adjusts an env before its scheduler is made.
type config struct {
	policy string
	tz     string
	opt    publish.Options
	nets   map[string]publish.Publisher // by target kind
	clock  herald.Clock                 // default: a testclock.Clock at start
	wrap   func(publish.Store) publish.Store
}

func newEnv(t *testing.T, c config) *env {
	t.Helper()
	s := MustOpen(t)
	e := &env{store: s, clock: testclock.New(start), events: &recorder{}, opt: c.opt}
	var clock herald.Clock = e.clock
	if c.clock != nil {
		clock = c.clock
	}
	var store publish.Store = s
	if c.wrap != nil {
		store = c.wrap(s)
	}
	e.brands = brands.NewService(s, clock, "UTC")
	e.drafts = approvals.NewService(s, e.brands, clock)
	wake := publish.NewWaker()
	e.svc = publish.NewWokenService(e.drafts, e.brands, store, clock, wake)
	for kind, p := range c.nets {
		e.svc.Register(kind, p)
	}
	e.drafts.AddChecker(e.svc)
	ctx := t.Context()
	b, err := e.brands.AddBrand(ctx, alice, "Acme", &acmeCh)
	if err != nil {
		t.Fatalf("AddBrand: %v", err)
	}
	policy := c.policy
	if policy == "" {
		policy = "team:1"
	}
	if _, _, err := e.drafts.SetPolicy(ctx, alice, acmeCh, "", policy); err != nil {
		t.Fatalf("SetPolicy(%q): %v", policy, err)
	}
	for _, m := range []struct {
		who  herald.Actor
		role herald.Role
	}{{bob, herald.RoleEditor}, {erin, herald.RoleEditor}, {carol, herald.RoleApprover}, {ann, herald.RoleApprover}, {dave, herald.RoleClient}, {vic, herald.RoleViewer}} {
		if _, err := e.brands.SetRole(ctx, alice, acmeCh, "", m.who, m.role); err != nil {
			t.Fatalf("SetRole(%s): %v", m.who.Name, err)
		}
	}
	if b, err = s.Brand(ctx, b.ID); err != nil {
		t.Fatalf("Brand: %v", err)
	}
	if c.tz != "" {
		b.Timezone = c.tz
		if err := s.UpdateBrand(ctx, b, brands.AuditEntry{BrandID: b.ID, Action: "timezone", Actor: alice, At: start}); err != nil {
			t.Fatalf("UpdateBrand: %v", err)
		}
	}
	e.brand = b
	opt := c.opt
	opt.Wake = wake
	e.sched = publish.NewScheduler(e.svc, e.events, nil, opt)
	return e
}

// setBrand changes the brand with f.
func (e *env) setBrand(t *testing.T, f func(*herald.Brand)) {
	t.Helper()
	f(&e.brand)
	if err := e.store.UpdateBrand(t.Context(), e.brand, brands.AuditEntry{BrandID: e.brand.ID, Action: "brand", Actor: alice, At: e.clock.Now()}); err != nil {
		t.Fatalf("UpdateBrand: %v", err)
	}
}

// mustTargets parses targets.
func mustTargets(t *testing.T, s string) []herald.Target {
	t.Helper()
	if s == "" {
		return nil
	}
	ts, err := herald.ParseTargets(s)
	if err != nil {
		t.Fatalf("ParseTargets(%q): %v", s, err)
	}
	return ts
}

// submitted has bob write a draft for targets (and, when at is set, a
// publication time) and send it to review.
func (e *env) submitted(t *testing.T, text, targets string, at time.Time) approvals.Draft {
	t.Helper()
	d, err := e.drafts.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Text: text, Targets: mustTargets(t, targets), PublishAt: at})
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	v, err := e.drafts.Submit(t.Context(), bob, d.ID)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return v.Draft
}

// approved returns a draft approved by carol (scheduled when at is set).
func (e *env) approved(t *testing.T, text, targets string, at time.Time) approvals.Draft {
	t.Helper()
	d := e.submitted(t, text, targets, at)
	if d.State != approvals.StateInReview {
		return d // no review stage
	}
	v, err := e.drafts.Approve(t.Context(), carol, d.ID, approvals.Decide{})
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	return v.Draft
}

// scheduled returns an approved draft scheduled by bob for at.
func (e *env) scheduled(t *testing.T, text, targets string, at time.Time) approvals.Draft {
	t.Helper()
	d := e.approved(t, text, targets, time.Time{})
	v, err := e.svc.Schedule(t.Context(), bob, d.ID, at)
	if err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	if v.Draft.State != approvals.StateScheduled {
		t.Fatalf("after Schedule the draft is %s", v.Draft.State)
	}
	return v.Draft
}

// tick runs one Tick that must succeed.
func (e *env) tick(t *testing.T) {
	t.Helper()
	if err := e.sched.Tick(t.Context()); err != nil {
		t.Fatalf("Tick at %s: %v", e.clock.Now().Format(time.RFC3339), err)
	}
}

func (e *env) draft(t *testing.T, id int64) approvals.Draft {
	t.Helper()
	d, err := e.store.Draft(t.Context(), id)
	if err != nil {
		t.Fatalf("Draft(%d): %v", id, err)
	}
	return d
}

func (e *env) deliveries(t *testing.T, id int64) []publish.Delivery {
	t.Helper()
	ds, err := e.store.Deliveries(t.Context(), id)
	if err != nil {
		t.Fatalf("Deliveries(%d): %v", id, err)
	}
	return ds
}

// delivery returns draft id's only delivery.
func (e *env) delivery(t *testing.T, id int64) publish.Delivery {
	t.Helper()
	ds := e.deliveries(t, id)
	if len(ds) != 1 {
		t.Fatalf("draft %d has %d deliveries, want 1: %+v", id, len(ds), ds)
	}
	return ds[0]
}

func (e *env) audit(t *testing.T, id int64) []approvals.AuditEntry {
	t.Helper()
	es, err := e.store.Audit(t.Context(), id)
	if err != nil {
		t.Fatalf("Audit(%d): %v", id, err)
	}
	return es
}

// wantState fails unless draft id is in state want.
func (e *env) wantState(t *testing.T, id int64, want approvals.State) {
	t.Helper()
	if got := e.draft(t, id).State; got != want {
		t.Errorf("draft %d is %s, want %s", id, got, want)
	}
}

// states returns the delivery states of draft id, by target.
func (e *env) states(t *testing.T, id int64) map[string]publish.DeliveryState {
	t.Helper()
	out := map[string]publish.DeliveryState{}
	for _, d := range e.deliveries(t, id) {
		out[d.Target.String()] = d.State
	}
	return out
}

func wantCode(t *testing.T, err error, code, what string) {
	t.Helper()
	if got := herald.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

func wantMessage(t *testing.T, err error, fragment string) {
	t.Helper()
	if msg := herald.ErrorMessage(err); !strings.Contains(msg, fragment) {
		t.Errorf("message %q does not contain %q", msg, fragment)
	}
}

// actions lists the audit actions of a draft from the n-th row on.
func actions(es []approvals.AuditEntry, from int) []string {
	var out []string
	for _, e := range es[from:] {
		out = append(out, fmt.Sprintf("%s %s→%s by %s", e.Action, e.From, e.To, e.Actor.Name))
	}
	return out
}
