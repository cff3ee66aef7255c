package slack

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald/bot"
)

// fakeTime is a clock whose sleeps advance it instantly.
type fakeTime struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (f *fakeTime) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeTime) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d > 0 {
		f.slept = append(f.slept, d)
		f.now = f.now.Add(d)
	}
	return ctx.Err()
}

func newTestPoster(interval time.Duration) (*bot.Poster, *fakeTime) {
	ft := &fakeTime{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	p := bot.NewPoster(interval, retryAfter)
	p.Sleep, p.Now = ft.sleep, ft.Now
	return p, ft
}

func TestPoster(t *testing.T) {
	t.Run("OKRateLimitedThenDelivered", func(t *testing.T) {
		p, ft := newTestPoster(time.Second)
		calls := 0
		err := p.Do(t.Context(), "C1", func(context.Context) error {
			calls++
			if calls == 1 {
				return &slackapi.RateLimitedError{RetryAfter: 7 * time.Second}
			}
			return nil
		})
		if err != nil || calls != 2 {
			t.Fatalf("Do = %v after %d calls; want delivered on the second", err, calls)
		}
		if diff := cmp.Diff([]time.Duration{7 * time.Second}, ft.slept); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})
	t.Run("OKInOrderAndPaced", func(t *testing.T) {
		p, ft := newTestPoster(time.Second)
		var mu sync.Mutex
		var got []int
		limited := true
		// Queue ten posts from one goroutine without waiting for each, as
		// deliveries do; the first hits a 429.
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			started := make(chan struct{})
			go func() {
				defer wg.Done()
				close(started)
				p.Do(t.Context(), "C1", func(context.Context) error {
					mu.Lock()
					defer mu.Unlock()
					if limited {
						limited = false
						return &slackapi.RateLimitedError{RetryAfter: 3 * time.Second}
					}
					got = append(got, i)
					return nil
				})
			}()
			<-started
			waitQueued(t, p, "C1", i+1)
		}
		wg.Wait()
		if diff := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, got); diff != "" {
			t.Errorf("delivery order (-want +got):\n%s", diff)
		}
		var total time.Duration
		for _, d := range ft.slept {
			total += d
		}
		if total < 3*time.Second+9*time.Second {
			t.Errorf("waited %v in all; want the 3 s Retry-After plus one second between posts", total)
		}
	})
	t.Run("ErrGivesUpAfterManyLimits", func(t *testing.T) {
		p, _ := newTestPoster(time.Second)
		err := p.Do(t.Context(), "C1", func(context.Context) error { return &slackapi.RateLimitedError{RetryAfter: time.Second} })
		var rl *slackapi.RateLimitedError
		if !errors.As(err, &rl) {
			t.Errorf("Do = %v; want the rate limit error after %d waits", err, bot.MaxRateLimitWaits)
		}
	})
	t.Run("OKChannelsIndependent", func(t *testing.T) {
		p, ft := newTestPoster(time.Second)
		for _, ch := range []string{"C1", "C2", "C3"} {
			if err := p.Do(t.Context(), ch, func(context.Context) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if len(ft.slept) != 0 {
			t.Errorf("first posts to three channels waited %v", ft.slept)
		}
	})
}

// waitQueued waits until channel's queue has seen n jobs enter (served or
// waiting), so that the test enqueues in a known order.
func waitQueued(t *testing.T, p *bot.Poster, channel string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for p.Enqueued(channel) < n {
		if time.Now().After(deadline) {
			t.Fatalf("job %d never queued", n)
		}
		time.Sleep(time.Millisecond)
	}
}
