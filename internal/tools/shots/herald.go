package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
)

// client talks to Herald and the fakes, all on loopback.
var client = httpx.New(httpx.Options{AllowPrivate: true, Trusted: true, Timeout: 20 * time.Second})

// mentionJSON is the mention every session posts to Herald's webhook.
const mentionJSON = `{"url":"https://news.example.com/2026/acme-opens-in-lyon","title":"Acme opens its first store in Lyon",` +
	`"text":"Big news for coffee lovers: Acme opens its first store in Lyon on Monday, with free coffee all morning.",` +
	`"author":"Camille R.","lang":"en","source":"zapier","id":"shots-1"}`

// publicURL stands for Herald's loopback address in the pictures.
const publicURL = "https://herald.example.com"

// draftText is the post every session drafts.
const draftText = "Our new store opens Monday in Lyon! Coffee is on us all morning ☕ #acme"

// instance is one running Herald.
type instance struct {
	cmd  *exec.Cmd
	addr string // host:port of its HTTP server
	out  *buffer
	in   io.WriteCloser // the console's input; nil otherwise
}

// buffer is a goroutine-safe output capture.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// start runs `herald ARGS` with its own database under dir and env added,
// and waits until its HTTP server answers.
func start(ctx context.Context, bin, dir string, env map[string]string, args ...string) (*instance, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TZ=UTC",
		"HERALD_DATABASE=sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR=" + addr,
		"HERALD_PUBLIC_URL=http://" + addr, "HERALD_TIMEZONE=Europe/Paris"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	in := &instance{cmd: cmd, addr: addr, out: &buffer{}}
	cmd.Stdout = in.out
	cmd.Stderr = io.Discard
	if args[0] == "console" {
		if in.in, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if err := waitFor(15*time.Second, func() bool {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	}); err != nil {
		in.stop()
		return nil, fmt.Errorf("herald %s never answered on %s: %w", args[0], addr, err)
	}
	return in, nil
}

// stop ends Herald as SIGTERM would, and waits for it.
func (in *instance) stop() {
	if in.in != nil {
		in.in.Close()
	}
	if in.cmd.Process != nil {
		in.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { in.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			in.cmd.Process.Kill()
			<-done
		}
	}
}

// postMention sends mentionJSON to the webhook URL found in text.
func (in *instance) postMention(text string) error {
	i := strings.Index(text, "/hooks/mentions/")
	if i < 0 {
		return errors.New("no webhook URL in Herald's answer")
	}
	token := strings.FieldsFunc(text[i+len("/hooks/mentions/"):], func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	})[0]
	resp, err := client.Post("http://"+in.addr+"/hooks/mentions/"+token, "application/json", strings.NewReader(mentionJSON))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		body, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("mention webhook: %s %s", resp.Status, body)
	}
	return nil
}

// waitFor polls ok until it holds or d passes.
func waitFor(d time.Duration, ok func() bool) error {
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}
