// Command shots makes the pictures of docs/images from Herald's own
// output: it builds Herald, runs it three times against fakes on loopback
// (the console with a scripted session; Slack's HTTP endpoints and
// Discord's interactions endpoint with signed requests, their Web and REST
// APIs faked), captures what Herald prints and the Block Kit and embed
// JSON it sends for a draft card and a mention card, renders each in a
// small HTML page, and photographs the pages with headless Chromium.
//
//	go run ./internal/tools/shots            # writes docs/images/*.png and *.json
//	go run ./internal/tools/shots -html-only # the captures and pages, no Chromium
//
// It needs no network: every request stays on 127.0.0.1. Chromium comes
// from Debian's packages (apt-get install chromium fonts-noto-color-emoji).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

func main() {
	out := flag.String("out", "docs/images", "directory the captures and pictures are written to")
	bin := flag.String("herald", "", "a built herald binary (built from ./cmd/herald when empty)")
	chromium := flag.String("chromium", "chromium", "the Chromium binary")
	htmlOnly := flag.Bool("html-only", false, "write the captures and HTML pages, take no pictures")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := run(ctx, *out, *bin, *chromium, *htmlOnly); err != nil {
		fmt.Fprintln(os.Stderr, "shots:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out, bin, chromium string, htmlOnly bool) error {
	tmp, err := os.MkdirTemp("", "herald-shots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		bin = filepath.Join(tmp, "herald")
		fmt.Fprintln(os.Stderr, "building ./cmd/herald (the first build compiles SQLite: about two minutes)…")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/herald")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var pages []page
	for _, session := range []func(context.Context, string, string) ([]page, error){consoleSession, slackSession, discordSession} {
		ps, err := session(ctx, bin, tmp)
		if err != nil {
			return err
		}
		pages = append(pages, ps...)
	}
	for _, p := range pages {
		if err := p.write(ctx, out, chromium, htmlOnly); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "wrote", filepath.Join(out, p.name+".png"))
	}
	return nil
}
