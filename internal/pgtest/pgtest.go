// Package pgtest gives tests a PostgreSQL database of their own on the
// server named by HERALD_TEST_POSTGRES (CI sets it; .ci/run). Without it
// a test is skipped with a message; with it a test that cannot get its
// database fails. Tests only: it creates and drops databases and schemas.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Env names the server's URL.
const Env = "HERALD_TEST_POSTGRES"

// Server returns the server URL of HERALD_TEST_POSTGRES, or skips the test
// when it is unset.
func Server(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(Env)
	if u == "" {
		tb.Skipf("%s is not set: PostgreSQL tests skipped (CI sets it, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", Env)
	}
	return u
}

func name(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// fresh runs create on the server (with a new name), drop (with the same
// name) when the test ends, and returns the server's URL and the name.
func fresh(tb testing.TB, create, drop string) (*url.URL, string) {
	tb.Helper()
	server := Server(tb)
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("pgtest: %s: %v", Env, err)
	}
	n := name("herald_test_")
	exec := func(q string) error {
		db, err := sql.Open("pgx", server)
		if err != nil {
			return err
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = db.ExecContext(ctx, fmt.Sprintf(q, n))
		return err
	}
	if err := exec(create); err != nil {
		tb.Fatalf("pgtest: %s: %v", fmt.Sprintf(create, n), err)
	}
	tb.Cleanup(func() {
		if err := exec(drop); err != nil {
			tb.Errorf("pgtest: %s: %v", fmt.Sprintf(drop, n), err)
		}
	})
	return u, n
}

// Database creates a fresh database herald_test_<random> on the server and
// returns its URL; it is dropped when the test ends.
func Database(tb testing.TB) string {
	tb.Helper()
	u, n := fresh(tb, `CREATE DATABASE %s`, `DROP DATABASE IF EXISTS %s WITH (FORCE)`)
	u.Path = "/" + n
	return u.String()
}

// Schema creates a fresh schema herald_test_<random> in the server's
// database and returns a URL whose connections use it (search_path); it
// is dropped when the test ends. Cheaper than Database, for suites that
// open many stores.
func Schema(tb testing.TB) string {
	tb.Helper()
	u, n := fresh(tb, `CREATE SCHEMA %s`, `DROP SCHEMA IF EXISTS %s CASCADE`)
	q := u.Query()
	q.Set("search_path", n)
	u.RawQuery = q.Encode()
	return u.String()
}
