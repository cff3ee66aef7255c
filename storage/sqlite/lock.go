package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/heraldhq/herald"
)

// LockMode says how a process shares a database file with others.
type LockMode int

const (
	// Exclusive is held by a serving Herald (run, console): no other
	// Herald may start on the file while it runs.
	Exclusive LockMode = iota
	// Shared is held while migrating: several migrations may run at
	// once (each migration is its own immediate transaction), but not
	// beside a serving Herald.
	Shared
)

// Lock is an advisory lock on PATH.lock beside a database file. The
// operating system releases it when the process ends, however it ends,
// so a crash never leaves a stale lock behind. Only where BSD locks exist
// (lock_flock.go: Linux, macOS, the BSDs): elsewhere, Windows included,
// LockFile creates the file and always succeeds (lock_other.go).
type Lock struct {
	f *os.File
}

// ReasonLocked is the Reason of the error LockFile returns when another
// process holds the lock.
const ReasonLocked = "database_in_use"

// LockFile takes the lock of the database file at path in mode, without
// waiting. When another Herald holds it, the error (EUNAVAILABLE, Reason
// ReasonLocked) names that process's id when it is known.
func LockFile(path string, mode LockMode) (*Lock, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, herald.Errorf(herald.EUNAVAILABLE, "Cannot open the lock file %s: %v.", name, err)
	}
	if err := flock(f, mode); err != nil {
		f.Close()
		if !errors.Is(err, errWouldBlock) {
			return nil, herald.Errorf(herald.EUNAVAILABLE, "Cannot lock %s: %v.", name, err)
		}
		return nil, lockedError(path, name)
	}
	// Who holds it, for the message of the next one refused; best
	// effort (of two migrations, the later one's).
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f}, nil
}

func lockedError(path, name string) error {
	base := filepath.Base(path)
	who := "another Herald"
	if b, err := os.ReadFile(name); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			who = fmt.Sprintf("another Herald (pid %d)", pid)
		}
	}
	return herald.Errorf(herald.EUNAVAILABLE, "%s is using %s; stop it first.", who, base).
		Because(ReasonLocked, herald.Facts{"database": base, "holder": who})
}

// Release releases the lock. It is safe on a nil Lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor releases the lock
	l.f = nil
	return err
}
