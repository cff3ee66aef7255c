package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/internal/testclock"
)

// runProcess runs herald as the process does and returns its exit status,
// stdout and stderr.
func runProcess(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &out, &errOut
	m.Clock = testclock.New(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	code := m.Main(context.Background(), args, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func TestCommandLine(t *testing.T) {
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db"), "HERALD_HTTP_ADDR": "off"}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		code     int
		stdout   []string
		stderr   []string
		errCount map[string]int // a text and how many times stderr holds it
	}{
		{name: "OKHelp", args: []string{"help"}, code: 0,
			stdout: []string{"Usage: herald", "healthcheck", "slack manifest", "discord register", "-http-addr", "HERALD_DATABASE", "HERALD_HTTP_ADDR", "SLACK_BOT_TOKEN", "LANG"}},
		{name: "OKHelpCommand", args: []string{"help", "migrate"}, code: 0, stdout: []string{"migrate"}},
		{name: "ErrHelpUnknown", args: []string{"help", "migrat"}, code: 2, stderr: []string{`unknown command "migrat" (did you mean migrate?)`}},
		{name: "ErrUnknownFlag", args: []string{"--databse", "x"}, code: 2,
			stderr:   []string{"herald: unknown flag --databse (did you mean --database?)", "Usage: herald [flags] [command]. Run `herald help`"},
			errCount: map[string]int{"unknown flag": 1, "Usage:": 1, "-http-addr": 0}},
		{name: "ErrUnknownFlagAfterCommand", args: []string{"console", "--zzz"}, code: 2, errCount: map[string]int{"unknown flag --zzz": 1}},
		{name: "ErrFlagNeedsValue", args: []string{"--database"}, code: 2, stderr: []string{"the flag --database needs a value"}},
		{name: "ErrBadFlagValue", args: []string{"--http-addr", "nowhere", "migrate"}, code: 2,
			stderr: []string{`--http-addr (HERALD_HTTP_ADDR): "nowhere" is not HOST:PORT`}},
		{name: "ErrBadFlagTimezone", args: []string{"--timezone", "Europe/Pariss", "migrate"}, code: 2,
			stderr: []string{`--timezone (HERALD_TIMEZONE): "Europe/Pariss" is not a time zone; did you mean Europe/Paris?`}},
		{name: "ErrBadEnvValueNamesTheSetting", args: []string{"migrate"}, env: map[string]string{"HERALD_HTTP_ADDR": "nowhere"}, code: 1,
			stderr: []string{`HERALD_HTTP_ADDR: "nowhere" is not HOST:PORT`}, errCount: map[string]int{"--http-addr": 0}},
		{name: "ErrUnknownCommand", args: []string{"migrat"}, code: 2, stderr: []string{`unknown command "migrat" (did you mean migrate?)`, "herald help"}},
		{name: "ErrManifestHTTP", args: []string{"slack", "manifest", "http://herald.example.com"}, code: 2,
			stderr: []string{"Slack sends its events only to https URLs", `"http://herald.example.com"`}},
		{name: "OKManifestHTTPS", args: []string{"slack", "manifest", "https://herald.example.com"}, code: 0, stdout: []string{"https://herald.example.com/slack/"}},
		{name: "OKDashH", args: []string{"-h"}, code: 0, stderr: []string{"Usage: herald"}},
		{name: "ErrHealthcheckOff", args: []string{"healthcheck"}, code: 1, stderr: []string{"the HTTP server is off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := maps.Clone(env)
			maps.Copy(e, tt.env)
			code, out, errOut := runProcess(t, e, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			for s, n := range tt.errCount {
				if got := strings.Count(errOut, s); got != n {
					t.Errorf("stderr holds %q %d times, want %d:\n%s", s, got, n, errOut)
				}
			}
		})
	}
}

// TestCommandNames: the suggestions know every subcommand.
func TestCommandNames(t *testing.T) {
	if got := slices.Sorted(maps.Keys(commandRunners)); !slices.Equal(got, slices.Sorted(slices.Values(commandNames))) {
		t.Errorf("commandNames = %v, want the keys of commandRunners %v", commandNames, got)
	}
}

// TestHealthcheck: exit 0 while /healthz (with --ready: /readyz) answers
// 200, 1 when nothing listens or it answers otherwise.
func TestHealthcheck(t *testing.T) {
	status, ready := http.StatusOK, http.StatusServiceUnavailable
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(status)
		case "/readyz":
			w.WriteHeader(ready)
		default:
			http.NotFound(w, r)
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	env := map[string]string{"HERALD_HTTP_ADDR": ":" + port}
	if code, out, errOut := runProcess(t, env, "healthcheck"); code != 0 || !strings.Contains(out, "/healthz: ok") {
		t.Errorf("healthy: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runProcess(t, env, "healthcheck", "--ready"); code != 1 || !strings.Contains(errOut, "/readyz") || !strings.Contains(errOut, "answered 503") {
		t.Errorf("up, not ready: %d %q", code, errOut)
	}
	ready = http.StatusOK
	if code, out, errOut := runProcess(t, env, "healthcheck", "--ready"); code != 0 || !strings.Contains(out, "/readyz: ok") {
		t.Errorf("ready: %d %q %q", code, out, errOut)
	}
	status = http.StatusServiceUnavailable
	if code, _, errOut := runProcess(t, env, "healthcheck"); code != 1 || !strings.Contains(errOut, "answered 503") {
		t.Errorf("unhealthy: %d %q", code, errOut)
	}
	srv.Close()
	if code, _, errOut := runProcess(t, env, "healthcheck"); code != 1 || !strings.Contains(errOut, "does not answer") {
		t.Errorf("down: %d %q", code, errOut)
	}
}

func TestHealthAddr(t *testing.T) {
	for in, want := range map[string]string{":8080": "127.0.0.1:8080", "0.0.0.0:9": "127.0.0.1:9", "[::]:9": "[::1]:9",
		"10.0.0.2:80": "10.0.0.2:80", "localhost:8080": "localhost:8080"} {
		if got := healthAddr(in); got != want {
			t.Errorf("healthAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConsoleHTTPAddr: the console keeps its HTTP server on loopback by
// default, but HERALD_HTTP_ADDR as given (a container's :8080) is used as
// it is.
func TestConsoleHTTPAddr(t *testing.T) {
	listenHost := func(t *testing.T, env map[string]string, args ...string) string {
		t.Helper()
		pr, pw := io.Pipe()
		m := NewMain()
		m.Stdin, m.Stdout, m.Stderr = pr, io.Discard, io.Discard
		env["HERALD_DATABASE"] = "sqlite:" + filepath.Join(t.TempDir(), "herald.db")
		if err := m.ParseFlags(args, envOf(env)); err != nil {
			t.Fatal(err)
		}
		if env["HERALD_HTTP_ADDR"] == "" && !slices.Contains(args, "--http-addr") {
			m.Config.HTTPAddr = ":0" // the default's shape, on a free port
		}
		defer serveUntilListening(t, m, pw)()
		host, _, _ := net.SplitHostPort(m.HTTPAddr)
		return host
	}
	if got := listenHost(t, map[string]string{}, "console"); got != "127.0.0.1" {
		t.Errorf("console with the default address listens on %q, want 127.0.0.1", got)
	}
	if got := listenHost(t, map[string]string{"HERALD_HTTP_ADDR": ":0"}, "console"); got == "127.0.0.1" {
		t.Errorf("console with HERALD_HTTP_ADDR=:0 listens on loopback only; want every interface")
	}
	if got := listenHost(t, map[string]string{}, "--http-addr", ":0", "console"); got == "127.0.0.1" {
		t.Errorf("console with --http-addr :0 listens on loopback only; want every interface")
	}
}

// TestConsoleLogsToFile: in console mode the logs go to herald.log beside
// the database, said in the banner, never on the terminal; a user's
// mistake is logged as refused, not as an ERROR.
func TestConsoleLogsToFile(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "off"}
	var out, errOut bytes.Buffer
	m := NewMain()
	m.Stdin = strings.NewReader("brand add Acme\napprove 99\nbrand zone Mars/Base\ndraft hi --at \"demian 9h\"\nbran ad X\n")
	m.Stdout, m.Stderr = &out, &errOut
	if code := m.Main(context.Background(), []string{"console"}, envOf(env)); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	logPath := filepath.Join(dir, "herald.log")
	if !strings.Contains(out.String(), "Logs: "+logPath) {
		t.Errorf("the banner does not say where the logs go:\n%s", out.String())
	}
	if strings.Contains(out.String()+errOut.String(), "level=") {
		t.Errorf("log lines on the terminal:\n%s\n%s", out.String(), errOut.String())
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	logs := string(b)
	if strings.Count(logs, `msg="command refused"`) != 4 || strings.Contains(logs, "level=ERROR") {
		t.Errorf("herald.log: want 4 refusals at INFO and no ERROR:\n%s", logs)
	}
}

// TestConsoleLangFromEnv: LANG, LC_ALL and LC_MESSAGES give the console's
// language: Actor.Lang of what is typed.
func TestConsoleLangFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want i18n.Lang
	}{
		{env: map[string]string{"LANG": "fr_FR.UTF-8"}, want: i18n.French},
		{env: map[string]string{"LANG": "fr_FR.UTF-8", "LC_ALL": "en_US.UTF-8"}, want: i18n.English},
		{env: map[string]string{"LC_MESSAGES": "fr", "LANG": "C"}, want: i18n.French},
		{env: map[string]string{"LANG": "C"}, want: ""},
		{env: map[string]string{}, want: ""},
	} {
		m := NewMain()
		if err := m.ParseFlags(nil, envOf(tt.env)); err != nil {
			t.Fatal(err)
		}
		if got := m.consoleLang(); got != tt.want {
			t.Errorf("%v: console language %q, want %q", tt.env, got, tt.want)
		}
	}
}

// serveUntilListening runs m until its HTTP server listens, and returns
// what stops it: the end of its input in, then Close.
func serveUntilListening(t *testing.T, m *Main, in io.Closer) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	stop = func() {
		cancel()
		in.Close()
		<-done
		m.Close()
	}
	select {
	case <-m.Listening():
	case <-time.After(10 * time.Second):
		stop()
		t.Fatal("herald never listened")
	}
	return stop
}
