//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("locked by another process")

// flock does nothing where BSD locks are not available: one process per
// database file is then the operator's care.
func flock(*os.File, LockMode) error { return nil }
