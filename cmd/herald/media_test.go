package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/secret"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/media/s3/s3test"
)

func TestMediaConfig(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "aws-secret")
	os.WriteFile(keyFile, []byte("s3cr3t\n"), 0o600)
	tests := []struct {
		name    string
		env     map[string]string
		max     int64
		wantErr string
	}{
		{"OKDefault", map[string]string{}, 100_000_000, ""},
		{"OKBytes", map[string]string{"HERALD_MEDIA_MAX": "1048576"}, 1 << 20, ""},
		{"OKMB", map[string]string{"HERALD_MEDIA_MAX": "50MB"}, 50_000_000, ""},
		{"OKMiB", map[string]string{"HERALD_MEDIA_MAX": "2 GiB"}, 2 << 30, ""},
		{"OKS3", map[string]string{"HERALD_MEDIA": "s3://media/herald?endpoint=minio:9000&secure=false",
			"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY_FILE": keyFile}, 100_000_000, ""},
		{"ErrMax", map[string]string{"HERALD_MEDIA_MAX": "lots"}, 0, "HERALD_MEDIA_MAX"},
		{"ErrMaxZero", map[string]string{"HERALD_MEDIA_MAX": "0"}, 0, "HERALD_MEDIA_MAX"},
		{"ErrScheme", map[string]string{"HERALD_MEDIA": "ftp://x"}, 0, "HERALD_MEDIA"},
		{"ErrS3URL", map[string]string{"HERALD_MEDIA": "s3://media?endpoint=h/x"}, 0, "HERALD_MEDIA"},
		{"ErrHalfCredentials", map[string]string{"HERALD_MEDIA": "s3://media", "AWS_ACCESS_KEY_ID": "AK"}, 0, "AWS_SECRET_ACCESS_KEY"},
		{"ErrS3TooLarge", map[string]string{"HERALD_MEDIA": "s3://media", "HERALD_MEDIA_MAX": "6GiB"}, 0, "5GiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(envOf(tt.env))
			if err == nil {
				err = c.Validate()
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one about %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.MediaMax != tt.max {
				t.Fatalf("MediaMax %d (%v), want %d", c.MediaMax, err, tt.max)
			}
			if tt.name == "OKS3" && c.AWSSecretAccessKey != "s3cr3t" {
				t.Errorf("AWS_SECRET_ACCESS_KEY_FILE read as %q", c.AWSSecretAccessKey)
			}
		})
	}
}

func TestMediaBackupAndDoctorLocal(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "off"}
	out, err := runMain(env, "doctor")
	if err != nil || !strings.Contains(out, "media: ok, writable (media files live in the directory "+filepath.Join(dir, "herald-media")) ||
		!strings.Contains(out, "; at most 100.0 MB per item)") {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	st, err := os.Stat(filepath.Join(dir, "herald-media"))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("media directory: %v, mode %v; want 0700", err, st.Mode().Perm())
	}
	out, err = runMain(env, "backup", filepath.Join(dir, "copy.db"))
	if err != nil || !strings.Contains(out, "Media are not in this backup") || !strings.Contains(out, "cp -a "+filepath.Join(dir, "herald-media")) {
		t.Errorf("backup: %v\n%s", err, out)
	}
}

func TestMediaDoctorS3(t *testing.T) {
	srv := s3test.New("AKIAHERALD", "s3cr3t", "media")
	defer srv.Close()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secret")
	os.WriteFile(keyFile, []byte("s3cr3t"), 0o600)
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "off",
		"HERALD_MEDIA": "s3://media/herald?endpoint=" + srv.URL, "AWS_ACCESS_KEY_ID": "AKIAHERALD", "AWS_SECRET_ACCESS_KEY_FILE": keyFile}
	out, err := runMain(env, "doctor")
	if err != nil || !strings.Contains(out, "media: ok, writable (media objects live in bucket media") {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	if srv.Calls("PUT") != 1 || srv.Calls("DELETE") != 1 {
		t.Errorf("the probe: %d PUT, %d DELETE", srv.Calls("PUT"), srv.Calls("DELETE"))
	}
	out, err = runMain(env, "backup", filepath.Join(dir, "copy.db"))
	if err != nil || !strings.Contains(out, "aws s3 sync s3://media/herald/") {
		t.Errorf("backup: %v\n%s", err, out)
	}
	os.WriteFile(keyFile, []byte("wrong"), 0o600)
	if out, err := runMain(env, "doctor"); err == nil || strings.Contains(err.Error()+out, "wrong") ||
		strings.Count(err.Error()+out, "media store") != 1 {
		t.Errorf("doctor with a wrong secret: %v\n%s; want the media store named once, the secret never", err, out)
	}
}

// TestMediaLinksRoute serves a stored item through Main's HTTP server
// under a link signed with the key derived from HERALD_SECRET_KEY.
func TestMediaLinksRoute(t *testing.T) {
	dir := t.TempDir()
	rawKey := bytes.Repeat([]byte{3}, 32)
	keyText := base64.StdEncoding.EncodeToString(rawKey)
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "127.0.0.1:0",
		"HERALD_PUBLIC_URL": "https://herald.example.org", "HERALD_SECRET_KEY": keyText}
	st, err := local.Open(filepath.Join(dir, "herald-media"))
	if err != nil {
		t.Fatal(err)
	}
	lib := &media.Library{Store: st}
	item, err := lib.Add(context.Background(), "p.png", bytes.NewReader(mediatest.PNG(t, 20, 10, 0)))
	if err != nil {
		t.Fatal(err)
	}
	c := startConsole(t, env)
	select {
	case <-c.m.Listening():
	case <-time.After(20 * time.Second):
		t.Fatal("the HTTP server did not start")
	}
	ring, _ := secret.ParseKeys("HERALD_SECRET_KEY", keyText)
	link := media.NewLinks("https://herald.example.org", ring.Derive("media links"), c.m.Clock).Link(item, time.Hour)
	path := strings.TrimPrefix(link, "https://herald.example.org")
	resp, err := http.Get("http://" + c.m.HTTPAddr + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || int64(len(body)) != item.Size {
		t.Errorf("GET %s: %d %q %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if resp, err := http.Get("http://" + c.m.HTTPAddr + "/media/" + strings.Repeat("A", 98)); err != nil || resp.StatusCode != 404 {
		t.Errorf("forged token: %v %v", err, resp.StatusCode)
	}
	// A range: 206 with its Content-Range, and the bytes of that range.
	req, _ := http.NewRequest(http.MethodGet, "http://"+c.m.HTTPAddr+path, nil)
	req.Header.Set("Range", "bytes=8-23")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 8-23/%d", item.Size) ||
		resp.Header.Get("Accept-Ranges") != "bytes" || !bytes.Equal(part, body[8:24]) {
		t.Errorf("GET %s with Range bytes=8-23: %d, Content-Range %q, Accept-Ranges %q, %d bytes", path, resp.StatusCode,
			resp.Header.Get("Content-Range"), resp.Header.Get("Accept-Ranges"), len(part))
	}
	// An expired link, a link with one character changed, another route
	// under /media: all 404, nothing listed.
	expired := strings.TrimPrefix(media.NewLinks("https://herald.example.org", ring.Derive("media links"), c.m.Clock).Link(item, -time.Second), "https://herald.example.org")
	tok := strings.TrimPrefix(path, "/media/")
	flip := "A"
	if tok[10] == 'A' {
		flip = "B"
	}
	for _, p := range []string{expired, "/media/" + tok[:10] + flip + tok[11:], "/media/", "/media"} {
		resp, err := http.Get("http://" + c.m.HTTPAddr + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || bytes.Contains(b, []byte(item.SHA256)) {
			t.Errorf("GET %s: %d %q; want 404", p, resp.StatusCode, b)
		}
	}
}

// TestMediaSweeperThroughMain: at start Herald removes the stored items no
// revision refers to that are older than 7 days, and keeps the others.
func TestMediaSweeperThroughMain(t *testing.T) {
	dir := t.TempDir()
	pic := filepath.Join(dir, "pic.png")
	os.WriteFile(pic, mediatest.PNG(t, 12, 9, 0), 0o600)
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "off"}
	MustRunMain(t, env, strings.NewReader("/as alice\nbrand add Acme\ndraft \"Opening day\"\nmedia add 1 "+pic+"\n"))
	st, err := local.Open(filepath.Join(dir, "herald-media"))
	if err != nil {
		t.Fatal(err)
	}
	var used string
	st.Walk(context.Background(), func(sum string, _ time.Time) error { used = sum; return nil })
	if used == "" {
		t.Fatal("media add stored nothing")
	}
	put := func(data string) string {
		sum := mediatest.Sum([]byte(data))
		if err := st.Put(context.Background(), sum, strings.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
		return sum
	}
	orphan, young := put("orphan"), put("young")
	old := time.Now().Add(-8 * 24 * time.Hour)
	for _, sum := range []string{used, orphan} {
		os.Chtimes(filepath.Join(st.Dir, sum[:2], sum[2:4], sum), old, old)
	}
	has := func(sum string) bool {
		_, err := os.Stat(filepath.Join(st.Dir, sum[:2], sum[2:4], sum))
		return err == nil
	}
	c := startConsole(t, env)
	waitFor(t, "the orphan's removal", func() bool { return !has(orphan) }, c.out.String)
	c.stop()
	if !has(used) || !has(young) {
		t.Errorf("after the sweep: the item on a revision kept %v, the young orphan kept %v; want both", has(used), has(young))
	}
}
