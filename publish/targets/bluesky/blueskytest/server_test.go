package blueskytest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
)

// call makes one XRPC call and returns the status and the decoded body.
func call(t *testing.T, srv *blueskytest.Server, method, nsid, token, body string) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+"/xrpc/"+nsid, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s answered %d with a body that is not JSON: %v", nsid, resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func login(t *testing.T, srv *blueskytest.Server) string {
	t.Helper()
	status, out := call(t, srv, "POST", blueskytest.CreateSession, "", `{"identifier":"`+blueskytest.Handle+`","password":"`+blueskytest.Password+`"}`)
	if status != 200 {
		t.Fatalf("createSession = %d %v", status, out)
	}
	return out["accessJwt"].(string)
}

func TestServer(t *testing.T) {
	post := `{"repo":"` + blueskytest.DID + `","collection":"app.bsky.feed.post","record":{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2026-11-22T09:00:00Z"}}`
	tests := []struct {
		name     string
		method   string
		nsid     string
		auth     bool
		body     string
		wantCode int
		wantErr  string // XRPC error name; "" for success
	}{
		{name: "OKCreateWithoutRKey", method: "POST", nsid: blueskytest.CreateRecord, auth: true, body: post, wantCode: 200},
		{name: "ErrWrongPassword", method: "POST", nsid: blueskytest.CreateSession, body: `{"identifier":"acme.bsky.social","password":"x"}`, wantCode: 401, wantErr: "AuthenticationRequired"},
		{name: "ErrNoAuth", method: "POST", nsid: blueskytest.CreateRecord, body: post, wantCode: 401, wantErr: "AuthMissing"},
		{name: "ErrBadRKey", method: "POST", nsid: blueskytest.CreateRecord, auth: true, body: strings.Replace(post, `"record"`, `"rkey":"self","record"`, 1), wantCode: 400, wantErr: "InvalidRequest"},
		{name: "ErrNoCreatedAt", method: "POST", nsid: blueskytest.CreateRecord, auth: true, body: strings.Replace(post, `"createdAt":"2026-11-22T09:00:00Z"`, `"createdAt":"soon"`, 1), wantCode: 400, wantErr: "InvalidRecord"},
		{name: "ErrFacetOutsideText", method: "POST", nsid: blueskytest.CreateRecord, auth: true, body: strings.Replace(post, `"text":"hi"`, `"text":"hi","facets":[{"index":{"byteStart":0,"byteEnd":3},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"x"}]}]`, 1), wantCode: 400, wantErr: "InvalidRecord"},
		{name: "ErrWrongVerb", method: "GET", nsid: blueskytest.CreateRecord, auth: true, wantCode: 405, wantErr: "InvalidRequest"},
		{name: "ErrUnknownMethod", method: "GET", nsid: "app.bsky.feed.searchPosts", wantCode: 501, wantErr: "MethodNotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := blueskytest.New()
			defer srv.Close()
			token := ""
			if tt.auth {
				token = login(t, srv)
			}
			status, out := call(t, srv, tt.method, tt.nsid, token, tt.body)
			if status != tt.wantCode || tt.wantErr != "" && out["error"] != tt.wantErr {
				t.Fatalf("%s = %d %v; want %d %q", tt.nsid, status, out, tt.wantCode, tt.wantErr)
			}
			if tt.wantErr == "" {
				posts := srv.Posts()
				if len(posts) != 1 || !regexp.MustCompile(`^[234567a-j][234567a-z]{12}$`).MatchString(posts[0].RKey) {
					t.Errorf("posts %+v; want one under a TID record key", posts)
				}
			}
		})
	}
}

func TestServerDuplicate(t *testing.T) {
	t.Run("OKSecondCreateRefused", func(t *testing.T) {
		srv := blueskytest.New()
		defer srv.Close()
		token := login(t, srv)
		body := `{"repo":"` + blueskytest.DID + `","collection":"app.bsky.feed.post","rkey":"3n2vatwpe3uml","record":{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2026-11-22T09:00:00Z"}}`
		if status, out := call(t, srv, "POST", blueskytest.CreateRecord, token, body); status != 200 {
			t.Fatalf("first create = %d %v", status, out)
		}
		if status, out := call(t, srv, "POST", blueskytest.CreateRecord, token, body); status != 400 {
			t.Fatalf("second create = %d %v; want 400", status, out)
		}
		if n := srv.Count("3n2vatwpe3uml"); n != 1 {
			t.Errorf("Count = %d; want 1", n)
		}
		status, out := call(t, srv, "GET", blueskytest.GetRecord+"?repo="+blueskytest.Handle+"&collection=app.bsky.feed.post&rkey=3n2vatwpe3uml", "", "")
		if status != 200 || out["uri"] != "at://"+blueskytest.DID+"/app.bsky.feed.post/3n2vatwpe3uml" {
			t.Errorf("getRecord = %d %v", status, out)
		}
	})
}
