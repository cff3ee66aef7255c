// Package testclock is the clock Herald's tests drive: a herald.Clock
// that tells the time it is set to and moves only when told. It is for
// tests only (it imports nothing of Herald's, so any package's tests may
// use it).
package testclock

import (
	"sync"
	"time"
)

// Clock is a manual clock, safe for concurrent use. It satisfies
// herald.Clock.
type Clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

// New returns a clock that tells t until it is moved.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time, then moves the clock by the step (see
// Step; none by default).
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.t
	c.t = c.t.Add(c.step)
	return now
}

// Advance moves the clock by d (backwards when d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Step makes every later Now move the clock by d after reading it, so
// that each call tells a later time (0, the default, turns it off).
func (c *Clock) Step(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.step = d
}
