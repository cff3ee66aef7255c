package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// consoleScript is the review a newcomer tries first (README, Quickstart),
// cut at the draft card; consoleListen adds a watch and a webhook source.
var (
	consoleScript = []string{
		"/as alice",
		"brand add Acme",
		`policy "team:1 client:1"`,
		"role @carol approver",
		"role @dave client",
		`draft "` + draftText + `" --to slack:#news,discord:#news --at "tomorrow 9:00"`,
		"submit 1",
		"/as carol",
		"approve 1",
	}
	consoleListen = []string{"/as alice", "watch add acme", "source add webhook"}
)

// consoleSession runs `herald console` on a script, posts a mention to the
// webhook source it adds, and returns the transcript as two pages: the
// review, and the mention.
func consoleSession(ctx context.Context, bin, tmp string) ([]page, error) {
	in, err := start(ctx, bin, filepath.Join(tmp, "console"), map[string]string{"LANG": "C"}, "console")
	if err != nil {
		return nil, err
	}
	defer in.stop()
	send := func(lines []string) error {
		_, err := io.WriteString(in.in, strings.Join(lines, "\n")+"\n")
		return err
	}
	if err := send(consoleScript); err != nil {
		return nil, err
	}
	last := consoleScript[len(consoleScript)-1]
	if err := waitFor(10*time.Second, func() bool { return strings.Contains(afterLine(in.out.String(), last), "└") }); err != nil {
		return nil, fmt.Errorf("console: no draft card after %q", last)
	}
	review := in.out.String()
	if err := send(consoleListen); err != nil {
		return nil, err
	}
	if err := waitFor(10*time.Second, func() bool { return strings.Contains(in.out.String(), "/hooks/mentions/") }); err != nil {
		return nil, fmt.Errorf("console: no webhook URL: %s", in.out.String())
	}
	if err := in.postMention(in.out.String()); err != nil {
		return nil, err
	}
	if err := waitFor(10*time.Second, func() bool { return strings.Count(afterLine(in.out.String(), "source add webhook"), "└") > 0 }); err != nil {
		return nil, fmt.Errorf("console: no mention card: %s", in.out.String())
	}
	time.Sleep(300 * time.Millisecond) // the card's last lines
	all := in.out.String()
	listen := all[len(review):]
	return []page{
		{name: "console-draft", html: terminalPage("herald console", transcript(review, in.addr))},
		{name: "console-mention", html: terminalPage("herald console", transcript(listen, in.addr))},
	}, nil
}

// afterLine returns the text after the echo of the input line, "" before
// it is echoed.
func afterLine(out, line string) string {
	_, after, ok := strings.Cut(out, "> "+line+"\n")
	if !ok {
		return ""
	}
	return after
}

// transcript drops the start banner (it names a temporary database), shows
// Herald's address as a public one and hides the webhook's secret token.
func transcript(out, addr string) string {
	out = strings.ReplaceAll(out, "http://"+addr, publicURL)
	if i := strings.Index(out, "Herald console —"); i >= 0 {
		out = out[i:]
	}
	if i := strings.Index(out, "/hooks/mentions/"); i >= 0 {
		j := i + len("/hooks/mentions/")
		k := j
		for k < len(out) && out[k] != '\n' && out[k] != ' ' {
			k++
		}
		out = out[:j] + "…" + out[k:]
	}
	return strings.TrimRight(out, "\n")
}
