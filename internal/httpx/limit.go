package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"sync"
)

// ErrBodyTooLarge is returned (wrapped, errors.Is) when a response body
// is larger than the client's or Fetch's limit.
var ErrBodyTooLarge = errors.New("response body too large")

// tooLargeError is ErrBodyTooLarge with the limit that was passed.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("response body larger than %d bytes", e.limit)
}
func (e *tooLargeError) Is(target error) bool { return target == ErrBodyTooLarge }

// limiter is the RoundTripper that holds at most perHost requests per
// host in flight, sets the User-Agent and bounds bodies.
type limiter struct {
	next      http.RoundTripper
	trusted   bool                      // noted on watched requests, for MayShow
	public    func(netip.AddrPort) bool // likewise: the client's test of a public address
	perHost   int
	maxBody   int64
	userAgent string

	mu    sync.Mutex
	hosts map[string]*hostSlots
}

// hostSlots is one host's semaphore and how many requests hold or wait
// for it (the entry is dropped at zero, so the map stays small).
type hostSlots struct {
	sem   chan struct{}
	users int
}

func (l *limiter) acquire(ctx context.Context, host string) (release func(), err error) {
	l.mu.Lock()
	h := l.hosts[host]
	if h == nil {
		h = &hostSlots{sem: make(chan struct{}, l.perHost)}
		l.hosts[host] = h
	}
	h.users++
	l.mu.Unlock()
	leave := func() {
		l.mu.Lock()
		h.users--
		if h.users == 0 {
			delete(l.hosts, host)
		}
		l.mu.Unlock()
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-h.sem
			leave()
		})
	}, nil
}

// RoundTrip implements http.RoundTripper.
func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := l.acquire(req.Context(), req.URL.Host)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	if p, ok := req.Context().Value(peerKey{}).(*peer); ok {
		p.trusted.Store(l.trusted)
		p.public.Store(&l.public)
	}
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", l.userAgent)
	}
	resp, err := l.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &boundedBody{rc: resp.Body, limit: l.maxBody, left: l.maxBody, release: release}
	return resp, nil
}

// boundedBody fails with ErrBodyTooLarge past its limit and frees the
// host's slot when closed.
type boundedBody struct {
	rc      io.ReadCloser
	limit   int64
	left    int64
	release func()
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a larger one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, &tooLargeError{limit: b.limit}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedBody) Close() error {
	err := b.rc.Close()
	b.release()
	return err
}
