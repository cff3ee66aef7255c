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

func admin(tb testing.TB, server string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return db
}

// Database creates a fresh database herald_test_<random> on the server and
// returns its URL; it is dropped when the test ends.
func Database(tb testing.TB) string {
	tb.Helper()
	server := Server(tb)
	db := admin(tb, server)
	defer db.Close()
	dbName := name("herald_test_")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+dbName); err != nil {
		tb.Fatalf("pgtest: CREATE DATABASE: %v", err)
	}
	tb.Cleanup(func() {
		db := admin(tb, server)
		defer db.Close()
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + dbName + ` WITH (FORCE)`); err != nil {
			tb.Errorf("pgtest: DROP DATABASE %s: %v", dbName, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("pgtest: %s: %v", Env, err)
	}
	u.Path = "/" + dbName
	return u.String()
}

// Schema creates a fresh schema herald_test_<random> in the server's
// database and returns a URL whose connections use it (search_path); it
// is dropped when the test ends. Cheaper than Database, for suites that
// open many stores.
func Schema(tb testing.TB) string {
	tb.Helper()
	server := Server(tb)
	db := admin(tb, server)
	defer db.Close()
	schema := name("herald_test_")
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("pgtest: CREATE SCHEMA: %v", err)
	}
	tb.Cleanup(func() {
		db := admin(tb, server)
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("pgtest: DROP SCHEMA %s: %v", schema, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("pgtest: %s: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
