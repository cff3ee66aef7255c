package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// TestQueueSoonestPast200: with 237 posts on the schedule, `queue` lists
// the 200 soonest, soonest first, and says how many more there are. (It
// used to take the 200 newest drafts by id and sort those by time: the 37
// soonest of these, written first, were missing.)
func TestQueueSoonestPast200(t *testing.T) {
	m := benchMain(t)
	a, err := m.wire()
	if err != nil {
		t.Fatal(err)
	}
	mustDispatch(t, a.router, "alice", "brand add Acme")
	b, err := m.store.BrandByName(t.Context(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	alice := herald.Actor{Platform: "console", UserID: "alice", Name: "alice"}
	now := time.Now()
	order := rand.New(rand.NewPCG(1, 2)).Perm(237)
	for i := range 237 {
		// Mostly written in the order they go out: the soonest are the oldest.
		h := i
		if i%10 == 0 {
			h = order[i]
		}
		d := approvals.Draft{BrandID: b.ID, State: approvals.StateScheduled, Text: fmt.Sprintf("post %d", h), Author: alice,
			Targets: []herald.Target{{Kind: "mastodon", Name: "main"}}, PublishAt: now.Add(time.Duration(h+1) * time.Hour).Truncate(time.Minute), CreatedAt: now, UpdatedAt: now}
		if err := m.store.CreateDraft(t.Context(), &d, approvals.AuditEntry{BrandID: b.ID, Action: "create", Actor: alice, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	want, err := m.store.Drafts(t.Context(), approvals.DraftFilter{States: []approvals.State{approvals.StateScheduled}})
	if err != nil {
		t.Fatal(err)
	}
	byTime := map[int64]time.Time{}
	for _, d := range want {
		byTime[d.ID] = d.PublishAt
	}
	text := mustDispatch(t, a.router, "alice", "queue").Text
	lines := strings.Split(text, "\n")
	if lines[0] != "237 posts, the 200 soonest first:" || lines[len(lines)-1] != "… and 37 more." {
		t.Errorf("queue's first and last lines = %q, %q; want the count and \"… and 37 more.\"", lines[0], lines[len(lines)-1])
	}
	var times []time.Time
	for _, l := range lines[1 : len(lines)-1] {
		m := regexp.MustCompile(`^#(\d+) `).FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("queue line %q: no draft id", l)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		times = append(times, byTime[id])
	}
	if len(times) != 200 {
		t.Fatalf("queue listed %d posts; want 200", len(times))
	}
	cut := now.Add(201 * time.Hour).Truncate(time.Minute) // the 200 soonest are due at hours 1..200
	for i, at := range times {
		if at.After(cut) || (i > 0 && at.Before(times[i-1])) {
			t.Fatalf("post %d of the queue is due at %s (after %s, or before the one above it): not the soonest first", i+1, at, times[max(0, i-1)])
		}
	}
}
