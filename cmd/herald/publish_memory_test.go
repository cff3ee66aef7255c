package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
	"github.com/heraldhq/herald/publish/targets/webhook"
)

// The memory benchmark's load: five videos of 200 MB, each posted to three
// targets; Herald's resident memory must stay under maxRSS.
const (
	memVideos = 5
	memVideo  = 200 << 20
	maxRSS    = 64 << 20
)

// BenchmarkPublishVideosMemory publishes five 200 MB videos (valid MP4:
// ftyp, moov of an H.264/AAC track, a 200 MB mdat) to three targets — two
// Mastodon instances that take them (video_size_limit 300 MB), each upload
// streamed from the media store, and a webhook whose receiver fetches each
// video through Herald's signed /media link — with Herald running in a
// child process (herald console, the real binary's wiring). The fakes run
// in this process; the figure is the child's peak resident memory
// (VmHWM in /proc/PID/status), which must stay under 64 MB. Metrics:
// peak-RSS-MB, and add-MB/s, the rate media.Library.Add took the videos
// in at (hashing and stripping, from a generator to the disk).
//
//	go test ./cmd/herald -run '^$' -bench PublishVideosMemory -benchtime 1x
func BenchmarkPublishVideosMemory(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc to read the child's resident memory")
	}
	for range b.N {
		peak, rate := publishVideos(b)
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
		b.ReportMetric(rate, "add-MB/s")
		if peak >= maxRSS {
			b.Errorf("Herald's peak resident memory was %.1f MB, want under %d MB", float64(peak)/(1<<20), maxRSS>>20)
		}
	}
}

// publishVideos runs the whole load once and returns the child's peak
// resident memory in bytes and the Library.Add rate in MB/s.
func publishVideos(b *testing.B) (peak int64, rate float64) {
	dir := b.TempDir()
	db, mediaDir := filepath.Join(dir, "herald.db"), filepath.Join(dir, "media")
	videos, rate := mustVideos(b, mediaDir)
	inst := mastodontest.WithInstance(mastodontest.Instance{VideoSize: 300 << 20})
	mastoA := mastodontest.New(mastodontest.WithToken("a-token"), inst)
	defer mastoA.Close()
	mastoB := mastodontest.New(mastodontest.WithToken("b-token"), inst)
	defer mastoB.Close()
	recv := newFetcher(webhookSecret)
	defer recv.Close()
	accounts := []publish.Account{
		{Target: herald.Target{Kind: "mastodon", Name: "a"}, URL: mastoA.URL(), Secret: "a-token"},
		{Target: herald.Target{Kind: "mastodon", Name: "b"}, URL: mastoB.URL(), Secret: "b-token"},
		{Target: herald.Target{Kind: "webhook", Name: "zap"}, URL: recv.URL + "/hook", Secret: webhookSecret},
	}
	targets := []herald.Target{accounts[0].Target, accounts[1].Target, accounts[2].Target}
	now := time.Now().UTC()
	// The checks before review ask the fake instances for their limits.
	mustPrepareDB(b, db, now.Add(-time.Minute), httpx.New(httpx.Options{Trusted: true}), accounts, memVideos, targets,
		func(int) time.Time { return now.Add(-10 * time.Second) }, func(i int) []media.Item { return []media.Item{videos[i]} })

	addr := freeAddr(b)
	c := startChild(b, db, "HERALD_MEDIA=file:"+mediaDir, "HERALD_MEDIA_MAX=300MB", "HERALD_HTTP_ADDR="+addr, "HERALD_PUBLIC_URL=http://"+addr)
	defer c.kill()
	ro := openRO(b, db)
	deadline := time.Now().Add(10 * time.Minute)
	for {
		done := ro.count(b, `SELECT 'done', count(*) FROM deliveries WHERE state IN ('delivered', 'failed', 'unconfirmed')`)["done"]
		if done == memVideos*len(targets) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d deliveries done after 10 minutes; stderr:\n%s", done, memVideos*len(targets), c.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	peak = vmHWM(b, c.cmd.Process.Pid)
	for _, d := range ro.deliveries(b, "") {
		if d.State != publish.Delivered {
			b.Errorf("draft #%d to %s: %s (%s)", d.DraftID, d.Target, d.State, d.Error)
		}
	}
	want := map[string]int64{} // sizes by SHA-256
	for _, v := range videos {
		want[v.SHA256] = v.Size
	}
	for name, srv := range map[string]*mastodontest.Server{"mastodon:a": mastoA, "mastodon:b": mastoB} {
		ms := srv.Media()
		if len(ms) != memVideos || len(srv.Statuses()) != memVideos {
			b.Errorf("%s received %d videos and %d statuses, want %d each", name, len(ms), len(srv.Statuses()), memVideos)
		}
		for _, m := range ms {
			if size, ok := want[m.SHA256]; !ok || m.Size != size {
				b.Errorf("%s received %s (%d bytes), not one of the videos", name, m.SHA256, m.Size)
			}
		}
	}
	if got := recv.Fetched(); len(got) != memVideos {
		b.Errorf("the webhook's receiver fetched %d videos, want %d", len(got), memVideos)
	} else {
		for _, sum := range got {
			if _, ok := want[sum]; !ok {
				b.Errorf("the webhook's receiver fetched bytes %s, not one of the videos", sum)
			}
		}
	}
	return peak, rate
}

// videoHead is the start of the generated videos: ftyp, moov (H.264 and
// AAC, 1920×1080, a minute) and free, up to the mdat box.
func videoHead() []byte {
	o := mediatest.H264()
	o.Mdat, o.Location, o.Duration = 0, false, 600*60
	v := mediatest.Video(o)
	return v[:len(v)-8] // without the empty mdat
}

// mustVideos adds the videos to the media directory through
// media.Library, each generated as it is read (never whole in memory),
// and returns them with the rate Add took them in at, in MB/s.
func mustVideos(b *testing.B, dir string) ([]media.Item, float64) {
	st, err := local.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	lib := &media.Library{Store: st, Max: 300 << 20, TempDir: b.TempDir()}
	var out []media.Item
	start := time.Now()
	for i := range memVideos {
		head := videoHead()
		mdat := binary.BigEndian.AppendUint32(nil, uint32(8+memVideo))
		r := io.MultiReader(bytes.NewReader(head), bytes.NewReader(append(mdat, "mdat"...)), &noise{left: memVideo, x: uint64(i + 1)})
		it, err := lib.Add(context.Background(), fmt.Sprintf("video%d.mp4", i+1), r)
		if err != nil {
			b.Fatalf("Add(video %d): %v", i+1, err)
		}
		it.Alt = fmt.Sprintf("Video %d of the opening", i+1)
		out = append(out, it)
	}
	mb := float64(memVideos*(memVideo+len(videoHead()))) / 1e6
	return out, mb / time.Since(start).Seconds()
}

// noise gives left pseudo-random bytes (xorshift from x).
type noise struct {
	left int64
	x    uint64
}

func (n *noise) Read(p []byte) (int, error) {
	if n.left <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), n.left)]
	for i := range p {
		if i%8 == 0 {
			n.x ^= n.x << 13
			n.x ^= n.x >> 7
			n.x ^= n.x << 17
		}
		p[i] = byte(n.x >> (8 * (i % 8)))
	}
	n.left -= int64(len(p))
	return len(p), nil
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// vmHWM reads the peak resident memory of process pid, in bytes.
func vmHWM(tb testing.TB, pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb << 10
		}
	}
	tb.Fatal("no VmHWM in /proc/PID/status")
	return 0
}

// fetcher is a webhook receiver that checks each delivery's signature and
// fetches every item from its link, hashing the bytes as they come.
type fetcher struct {
	*httptest.Server
	secret string
	mu     sync.Mutex
	sums   []string
}

func newFetcher(secret string) *fetcher {
	f := &fetcher{secret: secret}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *fetcher) Fetched() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sums...)
}

func (f *fetcher) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = webhook.Verify(f.secret, r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), body, time.Now(), 0)
	}
	var p webhook.Payload
	if err == nil {
		err = json.Unmarshal(body, &p)
	}
	for _, m := range p.Media {
		if err != nil {
			break
		}
		var sum string
		if sum, err = fetchSum(r.Context(), m.URL); err == nil {
			f.mu.Lock()
			f.sums = append(f.sums, sum)
			f.mu.Unlock()
		}
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// fetchSum fetches url and returns the hex SHA-256 of its body.
func fetchSum(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	h := sha256.New()
	if _, err := io.Copy(h, resp.Body); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
