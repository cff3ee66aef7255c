package mentions_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

// fakeTriager answers every triage with its labels and counts the calls
// (the LLM's requests).
type fakeTriager struct {
	mu                 sync.Mutex
	calls              []int64 // mention ids asked about
	sentiment, urgency string
	skip               bool
}

func (f *fakeTriager) Triage(_ context.Context, _ herald.Brand, m mentions.Mention) (string, string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, m.ID)
	return f.sentiment, f.urgency, !f.skip, nil
}

func (f *fakeTriager) asked() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// TestTriage (moved from commands' TestMentionNotifierTriage): once a new
// mention is stored and relayed, a brand that turned triage on gets the
// LLM's labels on the mention, detached, and its card updated in place
// (EventUpdated); a brand that did not asks the LLM nothing.
func TestTriage(t *testing.T) {
	tr := &fakeTriager{sentiment: "positive", urgency: "low"}
	var wg sync.WaitGroup
	detached := func(f func(context.Context)) bool {
		wg.Add(1)
		go func() { defer wg.Done(); f(context.Background()) }()
		return true
	}
	e := newEnv(t, mentions.Options{Triager: tr, Go: detached})
	ctx := t.Context()
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "hn"})
	ingest := func(it mentions.Item) mentions.Mention {
		t.Helper()
		res := e.ingest(t, src.Spec.ID, it)
		wg.Wait()
		if len(res.Mentions) != 1 {
			t.Fatalf("ingest: %d new mentions, want 1", len(res.Mentions))
		}
		return res.Mentions[0]
	}
	ingest(item("1", "https://e.com/1", "acme one", "x"))
	if got := tr.asked(); got != 0 {
		t.Fatalf("triage off: the LLM was asked %d time(s); want none", got)
	}
	if got := eventKinds(e.notes.take()); !slices.Equal(got, []string{"mention"}) {
		t.Errorf("triage off: events %v; want the mention only", got)
	}
	if _, err := e.svc.SetTriage(ctx, alice, e.acme, true); err != nil {
		t.Fatal(err)
	}
	m := ingest(item("2", "https://e.com/2", "acme two", "y"))
	if got := tr.asked(); got != 1 {
		t.Fatalf("triage on: the LLM was asked %d time(s); want once", got)
	}
	got, err := e.svc.Mention(ctx, alice, m.ID)
	if err != nil || got.Sentiment != "positive" || got.Urgency != "low" {
		t.Errorf("mention after triage = %q %q, %v; want positive, low", got.Sentiment, got.Urgency, err)
	}
	events := e.notes.take()
	if kinds := eventKinds(events); !slices.Equal(kinds, []string{"mention", "updated"}) {
		t.Fatalf("triage on: events %v; want the mention, then its update", kinds)
	}
	if u := events[1].Mention; u.ID != m.ID || u.Sentiment != "positive" || len(events[1].Routes) == 0 {
		t.Errorf("update event %+v; want mention #%d with its triage, routed", u, m.ID)
	}

	t.Run("Skipped", func(t *testing.T) {
		tr.skip = true
		m := ingest(item("3", "https://e.com/3", "acme three", "z"))
		if got, _ := e.svc.Mention(ctx, alice, m.ID); got.Sentiment != "" {
			t.Errorf("skipped triage recorded %q", got.Sentiment)
		}
		if kinds := eventKinds(e.notes.take()); !slices.Equal(kinds, []string{"mention"}) {
			t.Errorf("skipped triage: events %v; want the mention only", kinds)
		}
	})
}
