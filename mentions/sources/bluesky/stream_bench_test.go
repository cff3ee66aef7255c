//go:build unix

package bluesky

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/heraldhq/herald/mentions"
)

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkJetstreamStream runs Stream against a loopback Jetstream that
// sends the recorded events b.N times in all, as fast as it can: the
// websocket, the decoder and the batching together. It reports events/s
// and cpu-share@2000/s, the share of one core the process used per
// 2,000 events (the fake server's writing included, so an upper bound).
func BenchmarkJetstreamStream(b *testing.B) {
	events := MustEvents(b)
	upgrader := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		for i := range b.N {
			if err := conn.WriteMessage(websocket.TextMessage, events[i%len(events)]); err != nil {
				return
			}
		}
		_ = conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	}))
	defer srv.Close()
	j, err := NewJetstream(JetstreamConfig{URL: "ws" + strings.TrimPrefix(srv.URL, "http")})
	if err != nil {
		b.Fatal(err)
	}
	items := 0
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, wall0 := cpuTime(b), time.Now()
	_ = j.Stream(context.Background(), "", func(_ context.Context, batch mentions.Batch) error {
		items += len(batch.Items)
		return nil
	})
	cpu, wall := cpuTime(b)-cpu0, time.Since(wall0)
	b.StopTimer()
	if got := j.Stats().Events; got != uint64(b.N) {
		b.Fatalf("read %d events, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/wall.Seconds(), "events/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N)*2000, "cpu-share@2000/s")
}
