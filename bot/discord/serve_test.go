package discord

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// slowDispatcher stands for a command that takes 10 seconds: it answers
// only when released (the test never sleeps those 10 s).
type slowDispatcher struct {
	release chan struct{}
	resp    commands.Response
}

func (d *slowDispatcher) Dispatch(ctx context.Context, _ commands.Call) commands.Response {
	select {
	case <-d.release:
	case <-time.After(10 * time.Second):
	}
	return d.resp
}

// TestSlowCommandIsDeferred: a command that takes 10 s is deferred within
// 3 s of the interaction (with the default ack budget), then its answer
// edits the deferred response.
func TestSlowCommandIsDeferred(t *testing.T) {
	d := &slowDispatcher{release: make(chan struct{}), resp: commands.Response{Text: "Here are your variants."}}
	h := newHarness(t, func(*harness) bot.Dispatcher { return d }, func(o *Options) { o.AckBudget = 0 })
	start := time.Now()
	id := h.slash(alice, "help")
	c := h.callbackOf(id)
	if took := time.Since(start); took >= 3*time.Second {
		t.Errorf("the first answer came after %s; Discord allows 3 s", took)
	}
	if typ, _ := c.Body["type"].(float64); typ != callbackDeferred {
		t.Fatalf("first answer type %v, want %d (deferred): %s", c.Body["type"], callbackDeferred, c.Raw)
	}
	close(d.release)
	edit := h.fake.wait(t, "the edit of the deferred answer", func(c apiCall) bool {
		return c.Method == "PATCH" && c.Path == "/webhooks/100/tok-"+id+"/messages/@original"
	})
	if got, _ := edit.Body["content"].(string); got != "Here are your variants." {
		t.Errorf("edited answer %q", got)
	}
}

// TestSlowClickIsDeferred: a slow click is acknowledged with a deferred
// update (nothing visible), and its answer follows; a private one is sent
// to the clicker alone.
func TestSlowClickIsDeferred(t *testing.T) {
	d := &slowDispatcher{release: make(chan struct{}), resp: commands.Response{Text: "Only you see this.", Ephemeral: true}}
	h := newHarness(t, func(*harness) bot.Dispatcher { return d }, func(o *Options) { o.AckBudget = 50 * time.Millisecond })
	id := h.click(alice, "5001", CustomRun+"drafts")
	c := h.callbackOf(id)
	if typ, _ := c.Body["type"].(float64); typ != callbackDeferredUpdate {
		t.Fatalf("first answer type %v, want %d: %s", c.Body["type"], callbackDeferredUpdate, c.Raw)
	}
	close(d.release)
	f := h.fake.wait(t, "the follow-up", func(c apiCall) bool { return c.Method == "POST" && c.Path == "/webhooks/100/tok-"+id })
	if flags, _ := f.Body["flags"].(float64); int(flags)&flagEphemeral == 0 || f.Body["content"] != "Only you see this." {
		t.Errorf("follow-up %s, want the private answer", f.Raw)
	}
}

// TestSlowPrivateAnswerReplacesThinking: a slow slash command whose answer
// is private removes the public "thinking…" and answers privately.
func TestSlowPrivateAnswerReplacesThinking(t *testing.T) {
	d := &slowDispatcher{release: make(chan struct{}), resp: commands.Response{Text: "Private.", Ephemeral: true}}
	h := newHarness(t, func(*harness) bot.Dispatcher { return d }, func(o *Options) { o.AckBudget = 50 * time.Millisecond })
	id := h.slash(alice, "help")
	h.callbackOf(id)
	close(d.release)
	h.fake.wait(t, "the removal of the deferral", func(c apiCall) bool {
		return c.Method == "DELETE" && c.Path == "/webhooks/100/tok-"+id+"/messages/@original"
	})
	f := h.fake.wait(t, "the private follow-up", func(c apiCall) bool { return c.Method == "POST" && c.Path == "/webhooks/100/tok-"+id })
	if flags, _ := f.Body["flags"].(float64); int(flags)&flagEphemeral == 0 {
		t.Errorf("follow-up %s is not ephemeral", f.Raw)
	}
}

// TestRateLimitedPostsWaitInOrder: Discord answers the first post to a
// channel with 429 and Retry-After: 1; it is sent again after the wait,
// and the posts queued behind it follow, in order, none dropped.
func TestRateLimitedPostsWaitInOrder(t *testing.T) {
	var mu sync.Mutex
	var waits []time.Duration
	waited := make(chan struct{})
	resume := make(chan struct{})
	h := newHarness(t, nil, func(o *Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			close(waited)
			<-resume
			return nil
		}
	})
	h.fake.mu.Lock()
	h.fake.limit["POST /channels/C9/messages"] = 1
	h.fake.messages = map[string]bool{}
	h.fake.mu.Unlock()
	ctx := context.Background()
	errs := make(chan error, 3)
	go func() { _, err := h.a.post(ctx, "C9", message{Content: "one"}); errs <- err }()
	<-waited // "one" got its 429 and waits
	for i, text := range []string{"two", "three"} {
		go func() { _, err := h.a.post(ctx, "C9", message{Content: text}); errs <- err }()
		waitQueued(t, h.a.poster, "channel:C9", i+2) // "one" entered first
	}
	close(resume)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	calls, _ := h.fake.since(0)
	var got []string
	for _, c := range calls {
		if c.Path == "/channels/C9/messages" {
			got = append(got, c.Body["content"].(string)+":"+strconv.Itoa(c.Status))
		}
	}
	want := "one:429 one:200 two:200 three:200"
	if strings.Join(got, " ") != want {
		t.Errorf("posts = %v, want %s", got, want)
	}
	if len(waits) != 1 || waits[0] != time.Second {
		t.Errorf("waits = %v, want [1s] (Retry-After)", waits)
	}
}

// waitQueued waits until n jobs have entered key's queue (polling: a
// queued job does nothing observable).
func waitQueued(t *testing.T, p *bot.Poster, key string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for p.Enqueued(key) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d posts never queued under %s", n, key)
		}
		time.Sleep(time.Millisecond)
	}
}

// fixedDispatcher answers every call with one response.
type fixedDispatcher struct{ resp commands.Response }

func (d fixedDispatcher) Dispatch(context.Context, commands.Call) commands.Response { return d.resp }

// TestLongAnswerFollowsUp: an answer over 2000 characters is the first
// message and follow-ups, in order, each within the limit, nothing lost.
func TestLongAnswerFollowsUp(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		b.WriteString("line " + strconv.Itoa(i) + " of the audit\n")
	}
	text := strings.TrimSpace(b.String())
	h := newHarness(t, func(*harness) bot.Dispatcher { return fixedDispatcher{commands.Response{Text: text, Ephemeral: true}} })
	id := h.slash(alice, "audit", opt{"id", tInteger, 1})
	first := content(h.callbackOf(id))
	want := len(textMessages(commands.Response{Text: text}, i18n.English))
	isFollowup := func(c apiCall) bool { return c.Method == "POST" && c.Path == "/webhooks/100/tok-"+id }
	got := []string{first}
	for _, c := range h.fake.waitCount(t, "every follow-up", isFollowup, want-1) {
		got = append(got, c.Body["content"].(string))
	}
	for _, m := range got {
		if len([]rune(m)) > maxContent {
			t.Errorf("a message has %d characters", len([]rune(m)))
		}
	}
	if strings.Join(got, "\n") != text {
		t.Error("the messages joined are not the answer")
	}
}
