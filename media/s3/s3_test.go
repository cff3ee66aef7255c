package s3_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/media/s3"
	"github.com/heraldhq/herald/media/s3/s3test"
)

func fake(t *testing.T) *s3test.Server {
	srv := s3test.New("AKIAHERALD", "secret/key+1", "media")
	t.Cleanup(srv.Close)
	return srv
}

func open(t *testing.T, srv *s3test.Server, rawURL string, creds s3.Credentials) *s3.Store {
	t.Helper()
	cfg, err := s3.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s3.New(cfg, creds, http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func endpoint(srv *s3test.Server) string { return strings.TrimPrefix(srv.URL, "http://") }

var goodCreds = s3.Credentials{AccessKeyID: "AKIAHERALD", SecretAccessKey: "secret/key+1"}

func TestContract(t *testing.T) {
	mediatest.StoreContract(t, func(t *testing.T) media.Store {
		srv := fake(t)
		srv.PageSize = 2 // Walk must follow continuation tokens
		return open(t, srv, "s3://media/herald/prod?secure=false&endpoint="+endpoint(srv), goodCreds)
	})
}

func TestPutStoresUnderPrefixWithSignedStreamingPayload(t *testing.T) {
	srv := fake(t)
	st := open(t, srv, "s3://media/pre/fix?endpoint=http://"+endpoint(srv), goodCreds)
	data := []byte(strings.Repeat("picture ", 40000)) // several chunks
	sum := mediatest.Sum(data)
	if err := st.Put(context.Background(), sum, strings.NewReader(string(data)), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	got, ok := srv.Object("media", "pre/fix/"+sum)
	if !ok || string(got) != string(data) {
		t.Fatalf("object pre/fix/%s: %v, %d bytes", sum, ok, len(got))
	}
}

func TestWrongCredentials(t *testing.T) {
	srv := fake(t)
	st := open(t, srv, "s3://media?secure=false&endpoint="+endpoint(srv), s3.Credentials{AccessKeyID: "AKIAHERALD", SecretAccessKey: "wrong"})
	err := st.Put(context.Background(), mediatest.Sum([]byte("x")), strings.NewReader("x"), 1)
	if herald.ErrorCode(err) != herald.EUNAVAILABLE || !strings.Contains(err.Error(), "Denied") && !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Errorf("Put with a wrong secret: %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Error("the error quotes the secret")
	}
	if err := st.Check(context.Background()); err == nil {
		t.Error("Check passed with a wrong secret")
	}
}

func TestCheck(t *testing.T) {
	srv := fake(t)
	st := open(t, srv, "s3://media/p?secure=false&endpoint="+endpoint(srv), goodCreds)
	if err := st.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Object("media", "p/.herald-doctor"); ok {
		t.Error("the probe was left behind")
	}
	missing := open(t, srv, "s3://nobucket?secure=false&endpoint="+endpoint(srv), goodCreds)
	if err := missing.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "NoSuchBucket") {
		t.Errorf("Check of a missing bucket: %v", err)
	}
}
