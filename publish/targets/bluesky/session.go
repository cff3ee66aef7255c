package bluesky

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/heraldhq/herald/publish"
)

// session is a logged-in account on a PDS.
type session struct {
	access string // access JWT
	did    string
	handle string   // as the PDS knows it
	secret [32]byte // SHA-256 of the app password it was made with
}

// sessions caches one session per (PDS, handle). Each slot logs in at most
// once at a time: createSession is limited to 30 calls per 5 minutes, so
// callers that find no usable session wait for the one login under way.
type sessions struct {
	mu    sync.Mutex
	slots map[string]*slot
}

type slot struct {
	lock chan struct{} // holds one token while the slot is in use
	s    *session      // guarded by lock
}

func (c *sessions) slot(key string) *slot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slots == nil {
		c.slots = make(map[string]*slot)
	}
	sl := c.slots[key]
	if sl == nil {
		sl = &slot{lock: make(chan struct{}, 1)}
		c.slots[key] = sl
	}
	return sl
}

// session returns a's session, logging in when there is none, when it was
// made with another app password, or when it is stale (the session a call
// was just refused with).
func (p *Publisher) session(ctx context.Context, a publish.Account, stale *session) (*session, error) {
	pds, handle := pdsOf(a), handleOf(a)
	sl := p.sessions.slot(pds + "\x00" + strings.ToLower(handle))
	select {
	case sl.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, publish.TransientError(fmt.Errorf("waiting for the Bluesky login: %w", ctx.Err()), 0)
	}
	defer func() { <-sl.lock }()
	secret := sha256.Sum256([]byte(a.Secret))
	if s := sl.s; s != nil && s != stale && s.secret == secret {
		return s, nil
	}
	sl.s = nil
	s, err := p.login(ctx, pds, handle, a.Secret)
	if err != nil {
		return nil, err
	}
	s.secret = secret
	sl.s = s
	return s, nil
}

// login creates a session. Nothing is posted by a login, so any failure
// that is not a refusal is Transient, even one after the request was sent.
func (p *Publisher) login(ctx context.Context, pds, handle, password string) (*session, error) {
	r, err := p.xrpc(ctx, pds, call{
		method: http.MethodPost,
		nsid:   nsidCreateSession,
		in:     map[string]string{"identifier": handle, "password": password},
	})
	if err != nil {
		e := publish.Classify(err)
		switch {
		case e.Outcome == publish.Rejected && r.status == http.StatusUnauthorized:
			return nil, &publish.Error{Outcome: publish.Rejected, Message: fmt.Sprintf("Bluesky refused the app password for @%s (%s); an admin can set a new one on the target", handle, e.Message), Err: err}
		case e.Outcome == publish.Rejected:
			return nil, &publish.Error{Outcome: publish.Rejected, Message: fmt.Sprintf("Bluesky refused to log in @%s (%s)", handle, e.Message), Err: err}
		}
		return nil, &publish.Error{Outcome: publish.Transient, Message: "logging in to Bluesky: " + e.Message, RetryAfter: e.RetryAfter, Err: err}
	}
	var out struct {
		AccessJwt string `json:"accessJwt"`
		DID       string `json:"did"`
		Handle    string `json:"handle"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || out.AccessJwt == "" || out.DID == "" {
		return nil, publish.TransientError(fmt.Errorf("Bluesky answered the login of @%s without a session", handle), 0)
	}
	if out.Handle == "" || out.Handle == "handle.invalid" {
		out.Handle = handle
	}
	return &session{access: out.AccessJwt, did: out.DID, handle: out.Handle}, nil
}

// authed makes the call build returns with a's session. When the PDS
// refuses the token (expired, revoked), it logs in again once and repeats
// the call: a refused call made nothing, so repeating it is safe.
func (p *Publisher) authed(ctx context.Context, a publish.Account, build func(*session) call) (*session, reply, error) {
	s, err := p.session(ctx, a, nil)
	if err != nil {
		return nil, reply{}, err
	}
	r, err := p.xrpc(ctx, pdsOf(a), build(s))
	if err == nil || !expired(r) {
		return s, r, err
	}
	if s, err = p.session(ctx, a, s); err != nil {
		return nil, reply{}, err
	}
	r, err = p.xrpc(ctx, pdsOf(a), build(s))
	return s, r, err
}
