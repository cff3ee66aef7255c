package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/storage/sqlite"
)

// TestMigrateConcurrently migrates new files from two stores at once:
// both succeed, and every migration is applied once.
func TestMigrateConcurrently(t *testing.T) {
	for round := range 40 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("herald-%d.db", round))
		var wg sync.WaitGroup
		applied := make([][]string, 2)
		errs := make([]error, 2)
		for i := range 2 {
			s, err := sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			wg.Add(1)
			go func() {
				defer wg.Done()
				applied[i], errs[i] = s.Migrate(context.Background())
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: migrate %d: %v", round, i, err)
			}
		}
		if n := len(applied[0]) + len(applied[1]); n != len(mustMigrations(t)) {
			t.Errorf("round %d: %d migrations applied in all (%v, %v), want each once", round, n, applied[0], applied[1])
		}
	}
}

func mustMigrations(t *testing.T) []os.DirEntry {
	t.Helper()
	es, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	t.Run("ErrSecondExclusive", func(t *testing.T) {
		l, err := sqlite.LockFile(path, sqlite.Exclusive)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Release()
		for _, mode := range []sqlite.LockMode{sqlite.Exclusive, sqlite.Shared} {
			_, err := sqlite.LockFile(path, mode)
			want := fmt.Sprintf("another Herald (pid %d) is using herald.db; stop it first", os.Getpid())
			if herald.ErrorCode(err) != herald.EUNAVAILABLE || !strings.Contains(err.Error(), want) {
				t.Errorf("mode %d beside a running Herald: %v; want %q", mode, err, want)
			}
		}
	})
	t.Run("OKSharedTwice", func(t *testing.T) {
		a, err := sqlite.LockFile(path, sqlite.Shared)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Release()
		b, err := sqlite.LockFile(path, sqlite.Shared)
		if err != nil {
			t.Fatalf("a second migration beside the first: %v", err)
		}
		b.Release()
		if _, err := sqlite.LockFile(path, sqlite.Exclusive); herald.ErrorCode(err) != herald.EUNAVAILABLE {
			t.Errorf("serving during a migration: %v, want EUNAVAILABLE", err)
		}
	})
	t.Run("OKAfterRelease", func(t *testing.T) {
		l, err := sqlite.LockFile(path, sqlite.Exclusive)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
		l, err = sqlite.LockFile(path, sqlite.Exclusive)
		if err != nil {
			t.Fatalf("after release: %v", err)
		}
		l.Release()
		if st, err := os.Stat(path + ".lock"); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("lock file: %v, %v; want mode 0600", st.Mode(), err)
		}
	})
}

// TestFilesOwnerOnly: a new database and its WAL and SHM are created
// 0600, an existing file readable by others is narrowed, and a backup is
// written 0600.
func TestFilesOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.db")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "new.db"), old} {
		s := MustOpenPath(t, path)
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v, %v; want 0600", filepath.Base(p), st.Mode().Perm(), err)
			}
		}
		backup := path + ".backup"
		if err := s.Backup(context.Background(), backup); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(backup); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("backup: %v, %v; want 0600", st.Mode().Perm(), err)
		}
	}
}
