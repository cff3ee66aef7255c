package slack

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/storage/sqlite"
)

type quickDispatcher struct{}

func (quickDispatcher) Dispatch(context.Context, commands.Call) commands.Response {
	return commands.Response{Text: "ok", Ephemeral: true}
}

// BenchmarkHTTPAck measures the acknowledgement latency of /slack/commands
// under 200 concurrent signed requests (each op is one wave of 200),
// each remembered against replays in SQLite.
// Target: p99 under 50 ms.
func BenchmarkHTTPAck(b *testing.B) {
	h := newHarness(b, false, func(*sqlite.Store) bot.Dispatcher { return quickDispatcher{} })
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}, Timeout: 3 * time.Second}
	// Every request is a new one, with a trigger id of its own as Slack's
	// are: the same signed body twice would be a replay, answered without
	// running.
	var n atomic.Int64
	body := func() string {
		return url.Values{"command": {"/herald"}, "text": {"help"}, "team_id": {"T1"}, "channel_id": {"C1"},
			"user_id": {"UALICE"}, "user_name": {"alice"}, "trigger_id": {strconv.FormatInt(n.Add(1), 10)},
			"response_url": {h.fake.srv.GetAPIURL() + "response/1"}}.Encode()
	}
	const wave = 200
	var mu sync.Mutex
	var ds []time.Duration
	for b.Loop() {
		var wg sync.WaitGroup
		for range wave {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := h.request("/slack/commands", "application/x-www-form-urlencoded", body())
				start := time.Now()
				resp, err := client.Do(req)
				d := time.Since(start)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Errorf("ack: %v %v", err, resp)
					return
				}
				resp.Body.Close()
				mu.Lock()
				ds = append(ds, d)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	h.a.work.Wait()
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(len(ds)), "requests")
}
