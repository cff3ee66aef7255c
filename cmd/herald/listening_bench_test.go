//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
)

// The listening benchmarks feed Bluesky's Jetstream through Herald's real
// path: a fake Jetstream on loopback (a websocket server replaying the
// recorded events of mentions/sources/bluesky/testdata), the Jetstream
// source as Main wires it (HERALD_JETSTREAM_URL), its Stream with emit =
// mentions.Service.Ingest into a SQLite store on disk with ten brands and
// 100 watches. Target (issue 5): at least 2,000 Jetstream events per second
// using under a quarter of one core.

// jetstreamFixture is the recorded Jetstream capture.
const jetstreamFixture = "../../mentions/sources/bluesky/testdata/jetstream.jsonl"

// recordedEvent is one recorded frame and the fields a round rewrites.
type recordedEvent struct {
	frame  []byte
	did    string
	timeUS int64
	rkey   string // "" when the event has no commit
	text   bool   // a post record with its text
}

// loadRecorded reads the recorded events and the span of their times.
func loadRecorded(tb testing.TB) ([]recordedEvent, int64) {
	tb.Helper()
	f, err := os.Open(jetstreamFixture)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []recordedEvent
	var lo, hi int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var w struct {
			DID    string `json:"did"`
			TimeUS int64  `json:"time_us"`
			Commit *struct {
				RKey   string `json:"rkey"`
				Record *struct {
					Text *string `json:"text"`
				} `json:"record"`
			} `json:"commit"`
		}
		if err := json.Unmarshal(line, &w); err != nil {
			tb.Fatalf("%s: %v", jetstreamFixture, err)
		}
		ev := recordedEvent{frame: bytes.Clone(line), did: w.DID, timeUS: w.TimeUS}
		if w.Commit != nil {
			ev.rkey = w.Commit.RKey
			ev.text = w.Commit.Record != nil && w.Commit.Record.Text != nil
		}
		if lo == 0 || ev.timeUS < lo {
			lo = ev.timeUS
		}
		hi = max(hi, ev.timeUS)
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatalf("%s has no events", jetstreamFixture)
	}
	return out, hi - lo + 1
}

// jetstreamFrames returns n frames: the recorded events in order, then
// again and again, each round r > 0 rewritten as new posts — the author's
// DID and the record key get a round suffix, time_us moves on by the
// capture's span per round, and the text starts with a tag of its own —
// so that the pipeline sees new authors, new posts and new texts (none a
// duplicate of an earlier round, none a copy for the spam filter) at the
// capture's mix of posts, deletes, updates, identity and account events.
// That is a worst case for storage: the capture was recorded around Acme,
// so about two posts in three match one of its watches, where the real
// firehose has a handful per minute for a brand.
func jetstreamFrames(tb testing.TB, n int) [][]byte {
	tb.Helper()
	rec, span := loadRecorded(tb)
	out := make([][]byte, 0, n)
	for i := range n {
		round, ev := i/len(rec), rec[i%len(rec)]
		if round == 0 {
			out = append(out, ev.frame)
			continue
		}
		tag := "r" + strconv.FormatInt(int64(round), 36)
		f := ev.frame
		f = bytes.Replace(f, []byte(`"did":"`+ev.did+`"`), []byte(`"did":"`+ev.did+tag+`"`), 1)
		f = bytes.Replace(f, []byte(`"time_us":`+strconv.FormatInt(ev.timeUS, 10)),
			[]byte(`"time_us":`+strconv.FormatInt(ev.timeUS+int64(round)*span, 10)), 1)
		if ev.rkey != "" {
			f = bytes.Replace(f, []byte(`"rkey":"`+ev.rkey+`"`), []byte(`"rkey":"`+ev.rkey+tag+`"`), 1)
		}
		if ev.text {
			f = bytes.Replace(f, []byte(`"text":"`), []byte(`"text":"#`+tag+"e"+strconv.Itoa(i%len(rec))+` `), 1)
		}
		out = append(out, f)
	}
	return out
}

// lastTimeUS is the time_us of the last of frames.
func lastTimeUS(tb testing.TB, frames [][]byte) int64 {
	var w struct {
		TimeUS int64 `json:"time_us"`
	}
	if err := json.Unmarshal(frames[len(frames)-1], &w); err != nil {
		tb.Fatal(err)
	}
	return w.TimeUS
}

// fakeJetstream serves frames to the first websocket client, at rate
// frames per second (0: as fast as the client reads), then closes
// normally. Its writer runs on a locked OS thread whose CPU time it
// measures, so that the fake's own share can be told from Herald's.
type fakeJetstream struct {
	*httptest.Server
	cpu  atomic.Int64 // the writer thread's CPU time, ns; set before done closes
	sent atomic.Int64
	err  atomic.Pointer[error]
	done chan struct{} // closed when the subscriber has been served
}

func newFakeJetstream(tb testing.TB, frames [][]byte, rate int) *fakeJetstream {
	tb.Helper()
	fj := &fakeJetstream{done: make(chan struct{})}
	upgrader := websocket.Upgrader{}
	var served atomic.Bool
	fj.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("wantedCollections") != "app.bsky.feed.post" || served.Swap(true) {
			http.Error(w, "one subscriber to app.bsky.feed.post only", http.StatusBadRequest)
			return
		}
		defer close(fj.done)
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		cpu0 := threadCPU()
		defer func() { fj.cpu.Store(int64(threadCPU() - cpu0)) }()
		start := time.Now()
		for i, f := range frames {
			if rate > 0 && i%20 == 0 {
				// Paced: frame i is due at i/rate s after the start,
				// sent in bursts of 20 (every 10 ms at 2,000/s).
				if d := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); d > 0 {
					time.Sleep(d)
				}
			}
			if err := conn.WriteMessage(websocket.TextMessage, f); err != nil {
				fj.err.Store(&err)
				return
			}
			fj.sent.Add(1)
		}
		_ = conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		// Wait for the client to close, so that every frame is read.
		_, _, _ = conn.ReadMessage()
	}))
	tb.Cleanup(fj.Close)
	return fj
}

// processCPU is the CPU time (user + system) of the whole process.
func processCPU() time.Duration { return rusage(syscall.RUSAGE_SELF) }

// threadCPU is the CPU time of the calling OS thread (lock it first).
func threadCPU() time.Duration { return rusage(syscall.RUSAGE_THREAD) }

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countingRelay stands for the chat: it counts the listening's events.
type countingRelay struct{ mentions, other atomic.Int64 }

func (c *countingRelay) Notify(_ context.Context, e mentions.Event) error {
	if e.Kind == mentions.EventMention {
		c.mentions.Add(1)
	} else {
		c.other.Add(1)
	}
	return nil
}

// jetstreamRun is one Jetstream session through the pipeline.
type jetstreamRun struct {
	events, items     int
	new, again, unmat int
	dropped           int
	wall, cpu, fake   time.Duration
	slowest           time.Duration // the longest Ingest call
	notified          int64
}

// benchWatches are the 100 watches of the benchmark, by brand: Acme's
// match much of the capture (it was recorded around Acme); a few of the
// others' match its coffee talk (but belong to brands without this
// source); most match nothing in it.
func benchWatches() map[string][]string {
	w := map[string][]string{
		"Acme": {`acme`, `"acme c2"`, `acme -job -hiring`, `(acme OR acmecorp) grinder`, `moulin acme`,
			`acme lang:fr`, `"service client" acme`, `acme app -android`, `acmecorp`, `"acme store"`},
	}
	others := []string{"Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Cyberdyne", "Soylent"}
	products := []string{"grinder", "kettle", "roaster", "scale", "dripper", "machine", "beans", "mug", "filter", "app"}
	for i, b := range others {
		low := strings.ToLower(b)
		qs := []string{low, `"` + low + ` ` + products[i] + `"`, low + ` -job -hiring`, `(` + low + ` OR ` + low + `corp) ` + products[(i+3)%len(products)],
			low + ` lang:fr`, `"` + low + ` store"`, low + `corp`, low + ` author:` + low + `.bsky.social`}
		if i < 2 {
			qs = append(qs, `espresso -`+low, `"latte art"`) // match the capture's coffee posts
		} else {
			qs = append(qs, `"`+low+` support"`, low+` outage`)
		}
		w[b] = qs
	}
	return w
}

// startListening wires a Main on a fresh database (in dir) whose
// Jetstream is url, with the brands and watches of benchWatches and one
// bluesky source for the brand named owner; it returns the service, the source's id, the
// wired Jetstream streamer and the relay counter. The database is
// the path returned.
func startListening(tb testing.TB, dir, url, owner string) (string, *mentions.Service, int64, mentions.Streamer, *countingRelay) {
	tb.Helper()
	ctx := context.Background()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	db := filepath.Join(dir, "herald.db")
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_LOG_LEVEL": "error",
		"HERALD_JETSTREAM_URL": url}
	if err := m.ParseFlags(nil, envOf(env)); err != nil {
		tb.Fatal(err)
	}
	m.log, m.metrics = m.logger(), newMetrics()
	if _, err := m.openStore(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	relay := &countingRelay{}
	a, err := m.wireWith(relay)
	if err != nil {
		tb.Fatal(err)
	}
	admin := herald.Actor{Platform: "console", UserID: "alice", Name: "alice"}
	watches := 0
	var source herald.Brand
	for name, qs := range benchWatches() {
		ch := herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#" + strings.ToLower(name)}
		brand, err := a.brands.AddBrand(ctx, admin, name, &ch)
		if err != nil {
			tb.Fatal(err)
		}
		for _, q := range qs {
			if _, err := a.mentions.AddWatch(ctx, admin, brand, q, ch); err != nil {
				tb.Fatalf("watch %q: %v", q, err)
			}
			watches++
		}
		if name == owner {
			source = brand
		}
	}
	if watches != 100 {
		tb.Fatalf("%d watches, want 100", watches)
	}
	if source.ID == 0 {
		tb.Fatalf("no brand %s", owner)
	}
	st, err := a.mentions.AddSource(ctx, admin, source, mentions.Spec{Kind: "bluesky"})
	if err != nil {
		tb.Fatal(err)
	}
	src, err := a.listen.open(st.Spec)
	if err != nil {
		tb.Fatal(err)
	}
	streamer, ok := src.(mentions.Streamer)
	if !ok {
		tb.Fatalf("the bluesky source is a %T, not a Streamer", src)
	}
	return db, a.mentions, st.Spec.ID, streamer, relay
}

// runJetstream streams frames (at rate per second, 0 for as fast as
// possible) from a fake Jetstream through a freshly wired Herald and
// checks that every event was read and every item went through the
// pipeline, and that the stored cursor is the last event's time.
func runJetstream(b *testing.B, frames [][]byte, rate int, owner string) jetstreamRun {
	b.Helper()
	ctx := context.Background()
	fake := newFakeJetstream(b, frames, rate)
	db, svc, sourceID, streamer, relay := startListening(b, b.TempDir(), "ws"+strings.TrimPrefix(fake.URL, "http")+"/subscribe", owner)
	var r jetstreamRun
	emit := func(ctx context.Context, batch mentions.Batch) error {
		start := time.Now()
		res, err := svc.Ingest(ctx, sourceID, batch)
		r.slowest = max(r.slowest, time.Since(start))
		if err != nil {
			return err
		}
		r.items += res.Items
		r.new += res.New
		r.again += res.SeenAgain
		r.unmat += res.Unmatched
		for _, n := range res.Dropped {
			r.dropped += n
		}
		return nil
	}
	runtime.GC()
	b.StartTimer()
	cpu0, wall0 := processCPU(), time.Now()
	err := streamer.Stream(ctx, "", emit)
	r.wall, r.cpu = time.Since(wall0), processCPU()-cpu0
	b.StopTimer()
	select {
	case <-fake.done:
	case <-time.After(10 * time.Second):
		b.Fatal("the fake Jetstream did not finish after the stream ended")
	}
	r.fake = time.Duration(fake.cpu.Load())
	r.notified = relay.mentions.Load()

	// The stream ends when the fake closes: an httpx.Error, after the last
	// batch was stored.
	var fe *httpx.Error
	if !errors.As(err, &fe) {
		b.Fatalf("Stream: %v, want the connection's end", err)
	}
	if p := fake.err.Load(); p != nil {
		b.Fatalf("the fake Jetstream: %v", *p)
	}
	if got := fake.sent.Load(); got != int64(len(frames)) {
		b.Fatalf("the fake sent %d frames, want %d", got, len(frames))
	}
	if r.items == 0 || r.new+r.again+r.unmat+r.dropped != r.items {
		b.Fatalf("items %d ≠ new %d + seen again %d + unmatched %d + dropped %d", r.items, r.new, r.again, r.unmat, r.dropped)
	}
	var cursor string
	var n int
	ro := openRO(b, db)
	defer ro.Close()
	if err := ro.QueryRow(`SELECT cursor FROM sources WHERE id = ?`, sourceID).Scan(&cursor); err != nil {
		b.Fatal(err)
	}
	if want := strconv.FormatInt(lastTimeUS(b, frames), 10); cursor != want {
		b.Fatalf("stored cursor %q, want the last event's time_us %s", cursor, want)
	}
	if err := ro.QueryRow(`SELECT COUNT(*) FROM mentions`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n != r.new || int64(n) != r.notified {
		b.Fatalf("%d mentions stored, %d reported new, %d relayed", n, r.new, r.notified)
	}
	r.events = len(frames)
	return r
}

// report adds the run's figures: events/s, mentions/s, CPU per 1,000
// events (the whole process: Herald, the fake server and the runtime),
// the share of one core that implies at 2,000 events/s, and the fake
// server's own writing thread per 1,000 events (part of the first), and
// the longest Ingest of a batch (a stall there holds the stream back).
func (r jetstreamRun) report(b *testing.B) {
	ev := float64(r.events)
	b.ReportMetric(ev/r.wall.Seconds(), "events/s")
	b.ReportMetric(float64(r.new)/r.wall.Seconds(), "mentions/s")
	b.ReportMetric(r.cpu.Seconds()*1000/ev*1000, "cpu-ms/1000ev")
	b.ReportMetric(r.cpu.Seconds()/ev*2000, "core-share@2k")
	b.ReportMetric(r.fake.Seconds()*1000/ev*1000, "fake-cpu-ms/1000ev")
	b.ReportMetric(float64(r.slowest.Microseconds())/1000, "slowest-batch-ms")
}

// sourceOwners are the brands the benchmarks give the bluesky source:
// Acme, whose watches match about half the capture's events (the worst
// case for storage: most posts become mentions), and Globex, whose
// watches match its espresso and latte-art posts only (still far more
// than a brand sees on the real firehose). Every event goes through the
// same decoding, normalising and matching against all 100 watches either
// way.
var sourceOwners = []struct{ name, brand string }{
	{"matches=most", "Acme"},
	{"matches=few", "Globex"},
}

// BenchmarkJetstreamPipeline streams b.N events (the recorded capture,
// repeated as new posts) as fast as Herald reads them, through the
// websocket, the decoder, the batching and Service.Ingest into SQLite.
// Run it with -benchtime Nx (e.g. 20000x): each run wires a fresh Herald.
func BenchmarkJetstreamPipeline(b *testing.B) {
	for _, o := range sourceOwners {
		b.Run(o.name, func(b *testing.B) {
			b.StopTimer()
			frames := jetstreamFrames(b, b.N)
			r := runJetstream(b, frames, 0, o.brand)
			r.report(b)
			b.ReportMetric(float64(r.new)/float64(r.events), "mentions/event")
		})
	}
}

// BenchmarkJetstreamPaced is the acceptance figure: the fake Jetstream
// sends 2,000 events per second for 5 seconds (10,000 events) and the
// benchmark reports the share of one core the process actually used
// (core-share, CPU time over wall time), against the target of 0.25.
// Each iteration is one 5-second session; run with -benchtime 1x.
func BenchmarkJetstreamPaced(b *testing.B) {
	const rate, seconds = 2000, 5
	for _, o := range sourceOwners {
		b.Run(o.name, func(b *testing.B) {
			b.StopTimer()
			frames := jetstreamFrames(b, rate*seconds)
			var share, fakeShare, lag float64
			var last jetstreamRun
			for range b.N {
				r := runJetstream(b, frames, rate, o.brand)
				share += r.cpu.Seconds() / r.wall.Seconds()
				fakeShare += r.fake.Seconds() / r.wall.Seconds()
				lag += r.wall.Seconds() - seconds
				last = r
			}
			n := float64(b.N)
			last.report(b)
			b.ReportMetric(float64(last.new)/float64(last.events), "mentions/event")
			b.ReportMetric(share/n, "core-share")
			b.ReportMetric(fakeShare/n, "fake-core-share")
			b.ReportMetric(lag/n*1000, "tail-ms")
			if share/n >= 0.25 {
				b.Logf("over the target: %.3f of one core at %d events/s", share/n, rate)
			}
		})
	}
}
