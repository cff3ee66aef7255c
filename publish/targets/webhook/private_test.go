package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish/targets/webhook"
)

// TestReceiptFromPrivatePeer: a target on a private address (allowed by
// HERALD_ALLOW_PRIVATE_SOURCES) may be an internal service; the link its
// answer names is not shown on the card, as its error text is not.
func TestReceiptFromPrivatePeer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"id":"i-1","url":"http://intranet/secret-report"}`)
	}))
	defer srv.Close()
	client := httpx.New(httpx.Options{AllowPrivate: true})
	got, err := webhook.New(client, clock).Publish(context.Background(), testPost(srv.URL, "k1"))
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != "" || got.ID != "i-1" {
		t.Errorf("receipt %+v; want the id kept, no link from a private answer", got)
	}
}
