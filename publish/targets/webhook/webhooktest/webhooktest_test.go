package webhooktest_test

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/publish/targets/webhook"
	"github.com/heraldhq/herald/publish/targets/webhook/webhooktest"
)

const secret = "0123456789abcdef0123"

// MustDeliver sends body as Herald would (signed with signSecret) and
// returns the answer's status code.
func MustDeliver(tb testing.TB, srv *webhooktest.Server, signSecret, key, body string) int {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL(), strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Idempotency-Key", key)
	req.Header.Set(webhook.HeaderTimestamp, ts)
	req.Header.Set(webhook.HeaderSignature, webhook.Sign(signSecret, ts, []byte(body)))
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func TestServer(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		srv := webhooktest.New(secret)
		defer srv.Close()
		if code := MustDeliver(t, srv, secret, "k1", `{"id":"k1","text":"hi"}`); code != 200 {
			t.Fatalf("code = %d", code)
		}
		d := srv.Deliveries()
		if len(d) != 1 || !d[0].Valid || !d[0].Processed || d[0].Payload.Text != "hi" || srv.Count("k1") != 1 {
			t.Errorf("deliveries = %+v", d)
		}
	})

	t.Run("ErrBadSignature", func(t *testing.T) {
		srv := webhooktest.New(secret)
		defer srv.Close()
		if code := MustDeliver(t, srv, "another-secret-of-20", "k1", `{}`); code != 401 {
			t.Errorf("code = %d, want 401", code)
		}
		if d := srv.Deliveries(); len(d) != 1 || d[0].Valid || srv.Count("k1") != 0 {
			t.Errorf("deliveries = %+v, want one invalid, not processed", d)
		}
	})

	t.Run("ErrFaultNotProcessed", func(t *testing.T) {
		srv := webhooktest.New(secret)
		defer srv.Close()
		srv.FailNext(503, `{}`)
		srv.Inject(webhooktest.Fault{Status: 500, Record: true})
		var codes []int
		for range 3 {
			codes = append(codes, MustDeliver(t, srv, secret, "k1", `{}`))
		}
		if fmt.Sprint(codes) != "[503 500 200]" || srv.Count("k1") != 2 || srv.Requests() != 3 {
			t.Errorf("codes %v, count %d, requests %d; want [503 500 200], 2, 3", codes, srv.Count("k1"), srv.Requests())
		}
	})

	t.Run("OKConcurrentDuplicatesCounted", func(t *testing.T) {
		srv := webhooktest.New(secret)
		defer srv.Close()
		var wg sync.WaitGroup
		for i := range 64 {
			wg.Go(func() { MustDeliver(t, srv, secret, fmt.Sprintf("k%d", i%8), `{}`) })
		}
		wg.Wait()
		for i := range 8 {
			if n := srv.Count(fmt.Sprintf("k%d", i)); n != 8 {
				t.Errorf("count(k%d) = %d, want 8", i, n)
			}
		}
	})
}
