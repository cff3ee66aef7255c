package discord

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
)

type quickDispatcher struct{}

func (quickDispatcher) Dispatch(context.Context, commands.Call) commands.Response {
	return commands.Response{Text: "ok", Ephemeral: true}
}

// BenchmarkInteractionAck measures how long Discord waits for the first
// answer of an interaction on the HTTP endpoint: from sending the signed
// request to the callback reaching the (fake) REST API, with signature
// check, parsing, dedupe in SQLite, dispatch and the callback call. Each
// op is a wave of 100 concurrent interactions. Discord's limit is 3 s.
func BenchmarkInteractionAck(b *testing.B) {
	h := newHarness(b, func(*harness) bot.Dispatcher { return quickDispatcher{} }, func(o *Options) { o.Log = nil })
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}, Timeout: 3 * time.Second}
	const wave = 100
	var mu sync.Mutex
	sent := map[string]time.Time{}
	n := 0
	for b.Loop() {
		var wg sync.WaitGroup
		for range wave {
			n++
			id := strconv.Itoa(800000 + n)
			body := `{"id":"` + id + `","application_id":"100","type":2,"token":"t` + id + `","version":1,"channel_id":"C1","guild_id":"G1",` +
				`"member":{"user":{"id":"1001","username":"alice"},"roles":[]},"data":{"id":"1","name":"herald","type":1,"options":[{"name":"help","type":1}]}}`
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, h.web.URL+PathInteractions, strings.NewReader(body))
				req.Header = sign(testKey, strconv.FormatInt(time.Now().Unix(), 10), body)
				mu.Lock()
				sent[id] = time.Now()
				mu.Unlock()
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusAccepted {
					b.Errorf("interaction: %v %v", err, resp)
					return
				}
				resp.Body.Close()
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	h.a.work.Wait()
	calls, _ := h.fake.since(0)
	var ds []time.Duration
	for _, c := range calls {
		if !strings.HasSuffix(c.Path, "/callback") {
			continue
		}
		id := strings.Split(c.Path, "/")[2]
		ds = append(ds, c.At.Sub(sent[id]))
	}
	if len(ds) != n {
		b.Fatalf("%d callbacks for %d interactions", len(ds), n)
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(ds[len(ds)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(len(ds)), "interactions")
}
