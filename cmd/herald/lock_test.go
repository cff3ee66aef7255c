package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func runMain(env map[string]string, args ...string) (string, error) {
	var out syncBuffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), &out, io.Discard
	if err := m.ParseFlags(args, envOf(env)); err != nil {
		return "", err
	}
	err := m.Run(context.Background())
	return out.String(), errorsJoin(err, m.Close())
}

// TestOneHeraldPerDatabase starts Herald twice on one file through Main:
// the second refuses with a sentence naming the first, and so does a
// migration; backup and doctor read beside it; once the first stops, a
// new one starts.
func TestOneHeraldPerDatabase(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "off"}
	c := startConsole(t, env)
	waitFor(t, "the console's banner", func() bool { return strings.Contains(c.out.String(), "local console") }, c.out.String)

	want := fmt.Sprintf("another Herald (pid %d) is using herald.db; stop it first", os.Getpid())
	for _, cmd := range []string{"console", "run", "migrate"} {
		if _, err := runMain(env, cmd); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s beside a running Herald: %v; want %q", cmd, err, want)
		}
	}
	out, err := runMain(env, "doctor")
	if err != nil || !strings.Contains(out, "integrity ok") || !strings.Contains(out, fmt.Sprintf("pid %d) serves it", os.Getpid())) {
		t.Errorf("doctor beside a running Herald: %v\n%s", err, out)
	}
	if out, err := runMain(env, "backup", filepath.Join(dir, "copy.db")); err != nil || !strings.Contains(out, "Backup written") {
		t.Errorf("backup beside a running Herald: %v\n%s", err, out)
	}

	c.stop()
	if _, err := runMain(env, "console"); err != nil {
		t.Errorf("a new Herald after the first stopped: %v", err)
	}
}

// TestMigrateTogether runs two migrations of a new file at once through
// Main: both succeed.
func TestMigrateTogether(t *testing.T) {
	for round := range 10 {
		env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db"), "HERALD_HTTP_ADDR": "off"}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = runMain(env, "migrate")
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: migrate %d: %v", round, i, err)
			}
		}
	}
}
