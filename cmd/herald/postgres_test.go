package main

import (
	"bufio"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/media/s3/s3test"
	"github.com/heraldhq/herald/storage/postgres"
)

// TestConsoleTranscriptPostgres replays the console transcript of
// TestConsoleTranscript on PostgreSQL: the same conversation, the same
// answers, the same golden files.
func TestConsoleTranscriptPostgres(t *testing.T) {
	url := pgtest.Database(t)
	env := map[string]string{"HERALD_DATABASE": url, "HERALD_HTTP_ADDR": "off", "HERALD_TIMEZONE": "Europe/Paris", "HERALD_MEDIA": "file:" + t.TempDir()}
	redacted := redactDatabase(url)
	for _, run := range []struct{ in, golden string }{{"transcript.txt", "transcript.golden"}, {"restart.txt", "restart.golden"}} {
		got := strings.ReplaceAll(MustRunMain(t, env, mustOpen(t, "testdata/"+run.in)), redacted, "sqlite:$DB")
		want, err := os.ReadFile(filepath.Join("testdata", run.golden))
		if err != nil {
			t.Fatal(err)
		}
		// The golden files are SQLite's, whose console logs go to a file
		// beside the database; PostgreSQL has no such directory.
		wantText := strings.Replace(string(want), "Logs: $DIR/herald.log\n", "", 1)
		if diff := cmp.Diff(wantText, got); diff != "" {
			t.Errorf("%s on PostgreSQL differs from SQLite's (-sqlite +postgres):\n%s", run.in, diff)
		}
	}
}

// TestPostgresSubcommands: migrate, doctor, backup and a second serving
// Herald on a PostgreSQL database.
func TestPostgresSubcommands(t *testing.T) {
	url := pgtest.Database(t)
	env := map[string]string{"HERALD_DATABASE": url, "HERALD_HTTP_ADDR": "off", "HERALD_MEDIA": "file:" + t.TempDir()}
	t.Run("OKMigrate", func(t *testing.T) {
		if out := MustRunMain(t, env, strings.NewReader(""), "migrate"); !strings.Contains(out, "applied 0001_init.sql") || !strings.Contains(out, "applied 0011_pauses.sql") {
			t.Errorf("first migrate: %q", out)
		}
		if out := MustRunMain(t, env, strings.NewReader(""), "migrate"); !strings.Contains(out, "up to date") {
			t.Errorf("second migrate: %q", out)
		}
	})
	t.Run("OKDoctor", func(t *testing.T) {
		if out := MustRunMain(t, env, strings.NewReader(""), "doctor"); !strings.Contains(out, "database postgres://") || !strings.Contains(out, ": ok (schema up to date, PostgreSQL answers)") {
			t.Errorf("doctor: %q", out)
		}
	})
	t.Run("ErrBackupSaysPgDump", func(t *testing.T) {
		if _, err := runMain(env, "backup", t.TempDir()+"/x.db"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Errorf("backup on PostgreSQL = %v; want a pointer to pg_dump", err)
		}
	})
	t.Run("ErrImport", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "none.db")
		for name, c := range map[string]struct {
			env  map[string]string
			args []string
			want string
		}{
			"NeedsPostgres": {map[string]string{"HERALD_DATABASE": "sqlite:" + missing}, []string{"import", "sqlite:" + missing}, "set HERALD_DATABASE"},
			"NoFile":        {env, []string{"import", "sqlite:" + missing}, "not an SQLite database file"},
			"Usage":         {env, []string{"import", missing}, "usage: herald import sqlite:PATH"},
		} {
			if _, err := runMain(c.env, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v; want an error saying %q", name, err, c.want)
			}
		}
	})
	t.Run("OKDoctorBesideServers", func(t *testing.T) {
		s, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		r, err := s.Join(t.Context(), "serving", "s3://media/herald", time.Now(), nil) // a Herald serving the database
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		s3srv := s3test.New("AKIAHERALD", "s3cr3t", "media") // a replica's media: shared
		defer s3srv.Close()
		env := maps.Clone(env)
		maps.Copy(env, map[string]string{"HERALD_MEDIA": "s3://media/herald?endpoint=" + s3srv.URL, "AWS_ACCESS_KEY_ID": "AKIAHERALD", "AWS_SECRET_ACCESS_KEY": "s3cr3t"})
		out, err := runMain(env, "doctor")
		if err != nil || !strings.Contains(out, "did not migrate") {
			t.Errorf("doctor beside a serving Herald = %q, %v; want it to read without migrating", out, err)
		}
	})
}

// TestPostgresLockReleasedOnKill: a replica that is SIGKILLed leaves the
// replicas with its connection (PostgreSQL releases its locks), so an
// import (which needs the database alone) and a Herald that was refused
// beside it (both with a local media directory, which replicas cannot
// share) are possible again without anyone cleaning up.
func TestPostgresLockReleasedOnKill(t *testing.T) {
	url := pgtest.Database(t)
	media := "file:" + t.TempDir()
	env := map[string]string{"HERALD_DATABASE": url, "HERALD_HTTP_ADDR": "off", "HERALD_MEDIA": media}
	cmd := exec.Command(os.Args[0], "-test.run=^$", "console", "-as", "alice")
	cmd.Env = append(os.Environ(), "HERALD_CRASH_CHILD=1", "HERALD_DATABASE="+url, "HERALD_HTTP_ADDR=off", "HERALD_LOG_LEVEL=error", "HERALD_MEDIA="+media)
	stdin, err := cmd.StdinPipe() // kept open: the console waits for input
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	banner := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "local console") {
				banner <- true
			}
		}
	}()
	select {
	case <-banner:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the child Herald did not start")
	}
	if _, err := runMain(env, "console"); err == nil || !strings.Contains(err.Error(), "already served by another Herald replica") || !strings.Contains(err.Error(), "HERALD_MEDIA=s3://") {
		t.Fatalf("a second Herald with a local media directory beside the child: %v; want refused", err)
	}
	alone, err := postgres.Open(t.Context(), url) // what an import takes
	if err != nil {
		t.Fatal(err)
	}
	defer alone.Close()
	if _, err := alone.LockAlone(t.Context()); err == nil || !strings.Contains(err.Error(), "stop every Herald on it first") || !strings.Contains(err.Error(), "PostgreSQL backend pid") {
		t.Fatalf("the database alone beside the child: %v; want refused", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline := time.Now().Add(15 * time.Second)
	for {
		lock, err := alone.LockAlone(t.Context())
		if err == nil {
			lock.Release()
			if _, err := runMain(env, "console"); err != nil {
				t.Errorf("a new Herald after the first was killed: %v", err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a new Herald 15 s after the first was killed: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // PostgreSQL notices the closed connection
	}
}
