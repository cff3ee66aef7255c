package bot_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
)

// memSeen is a Deduper in memory; err, when set, is every answer.
type memSeen struct {
	mu   sync.Mutex
	keys map[string]bool
	err  error
}

func (m *memSeen) FirstSeen(_ context.Context, key string, _ time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	if m.keys == nil {
		m.keys = map[string]bool{}
	}
	first := !m.keys[key]
	m.keys[key] = true
	return first, nil
}

func TestOnce(t *testing.T) {
	runs := 0
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { runs++; w.Write([]byte("ran")) })
	key := func(r *http.Request) string { return r.Header.Get("Sig") }
	do := func(h http.Handler, sig string) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/x", nil)
		req.Header.Set("Sig", sig)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	t.Run("OK", func(t *testing.T) {
		runs = 0
		h := bot.Once(&memSeen{}, herald.SystemClock{}, key, http.StatusAccepted, nil, next)
		if code, body := do(h, "a"); code != 200 || body != "ran" {
			t.Errorf("first: %d %q", code, body)
		}
		for range 2 {
			if code, body := do(h, "a"); code != http.StatusAccepted || body != "" {
				t.Errorf("replay: %d %q, want 202 and nothing", code, body)
			}
		}
		do(h, "b")
		do(h, "") // no key: not remembered
		do(h, "")
		if runs != 4 {
			t.Errorf("ran %d times, want 4 (a, b and the two without a key)", runs)
		}
	})
	t.Run("ErrStore", func(t *testing.T) {
		runs = 0
		h := bot.Once(&memSeen{err: errors.New("disk full")}, herald.SystemClock{}, key, http.StatusOK, nil, next)
		if code, _ := do(h, "a"); code != http.StatusServiceUnavailable || runs != 0 {
			t.Errorf("store down: %d, ran %d; want 503 and nothing run", code, runs)
		}
	})
	t.Run("NoStore", func(t *testing.T) {
		runs = 0
		h := bot.Once(nil, herald.SystemClock{}, key, http.StatusOK, nil, next)
		do(h, "a")
		do(h, "a")
		if runs != 2 {
			t.Errorf("ran %d times without a store, want 2", runs)
		}
	})
}
