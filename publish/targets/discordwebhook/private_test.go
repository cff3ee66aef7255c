package discordwebhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish/targets/discordwebhook"
)

// TestReceiptFromPrivatePeer: a "Discord webhook" on a private address
// (allowed by HERALD_ALLOW_PRIVATE_SOURCES) may be an internal service;
// no link is made from what its answer says.
func TestReceiptFromPrivatePeer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"id":"55","channel_id":"secret-a","guild_id":"secret-b"}`)
	}))
	defer srv.Close()
	client := httpx.New(httpx.Options{AllowPrivate: true})
	got, err := discordwebhook.New(client, clock).Publish(context.Background(), testPost(srv.URL+"/api/webhooks/1/"+token, "hi"))
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != "" || got.ID != "55" {
		t.Errorf("receipt %+v; want the id kept, no link from a private answer", got)
	}
}
