//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/storage/sqlite"
)

// lockHolderEnv, when set, makes this test binary a process that takes
// the lock of the database it names, says so, and waits to be killed.
const lockHolderEnv = "HERALD_TEST_LOCK_HOLDER"

func TestMain(m *testing.M) {
	if path := os.Getenv(lockHolderEnv); path != "" {
		if _, err := sqlite.LockFile(path, sqlite.Exclusive); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		select {}
	}
	os.Exit(m.Run())
}

// TestLockCrashReleases: a Herald killed while it holds the lock (no
// Release, no deferred code) leaves nothing that stops the next one; while
// it lives, the refusal names its pid. The lock file it leaves behind,
// with a dead pid in it, is no obstacle.
func TestLockCrashReleases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), lockHolderEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if line, _ := bufio.NewReader(out).ReadString('\n'); strings.TrimSpace(line) != "locked" {
		t.Fatalf("holder said %q", line)
	}
	_, err = sqlite.LockFile(path, sqlite.Exclusive)
	want := fmt.Sprintf("another Herald (pid %d) is using herald.db", cmd.Process.Pid)
	if herald.ErrorCode(err) != herald.EUNAVAILABLE || !strings.Contains(err.Error(), want) {
		t.Fatalf("beside the holder: %v; want %q", err, want)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Fatalf("the killed holder's lock file: %v; want it left behind (stale)", err)
	}
	l, err := sqlite.LockFile(path, sqlite.Exclusive)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	l.Release()
}
