package slack

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/storage/sqlite"
)

// countingDispatcher counts the commands it runs.
type countingDispatcher struct {
	n   atomic.Int32
	ran chan string
}

func (d *countingDispatcher) Dispatch(_ context.Context, c commands.Call) commands.Response {
	d.n.Add(1)
	d.ran <- c.Text
	return commands.Response{Text: "ok", Ephemeral: true}
}

// TestSocketEnvelopeSentAgain: Slack sends an envelope it thinks was not
// acknowledged again, with the same envelope_id (maybe to another
// replica's connection: the id is remembered in the database); the
// command runs once.
func TestSocketEnvelopeSentAgain(t *testing.T) {
	d := &countingDispatcher{ran: make(chan string, 10)}
	h := newHarness(t, true, func(*sqlite.Store) bot.Dispatcher { return d })
	waitConnected(t, h)
	send := func(id, text string, retry int) {
		payload := map[string]string{"command": "/herald", "text": text, "team_id": "T1", "channel_id": "C1", "user_id": "UALICE", "user_name": "alice"}
		js, _ := json.Marshal(map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true, "payload": payload, "retry_attempt": retry})
		h.fake.srv.SendToWebsocket(string(js))
	}
	send("env-same", "help", 0)
	send("env-same", "help", 1)
	send("env-other", "brands", 0) // a marker
	var got []string
	for len(got) < 2 {
		select {
		case text := <-d.ran:
			got = append(got, text)
		case <-time.After(10 * time.Second):
			t.Fatalf("ran %q, then nothing", got)
		}
	}
	select {
	case text := <-d.ran:
		got = append(got, text)
	case <-time.After(300 * time.Millisecond):
	}
	if strings.Count(strings.Join(got, ","), "help") != 1 || d.n.Load() != 2 {
		t.Errorf("ran %q; want help once and the marker", got)
	}
}
