package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/storage/postgres"
)

var t0 = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func mustJoin(t *testing.T, s *postgres.Store, id, media string, admit func([]postgres.ReplicaInfo) error) *postgres.Replica {
	t.Helper()
	r, err := s.Join(t.Context(), id, media, t0, admit)
	if err != nil {
		t.Fatalf("Join %s: %v", id, err)
	}
	t.Cleanup(func() { r.Release() })
	return r
}

func replicaIDs(t *testing.T, s *postgres.Store) []string {
	t.Helper()
	rs, err := s.Replicas(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID+" "+r.Media)
	}
	return ids
}

// TestReplicas: replicas join one database (schema) and see each other;
// admit sees the others and may refuse; a released replica is gone; a
// process holding the database alone (an import) keeps them out.
func TestReplicas(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := MustOpenURL(t, url), MustOpenURL(t, url)
	var seen []postgres.ReplicaInfo
	mustJoin(t, a, "a", "s3://media", func(o []postgres.ReplicaInfo) error { seen = o; return nil })
	if len(seen) != 0 {
		t.Errorf("the first replica saw %+v", seen)
	}
	rb := mustJoin(t, b, "b", "s3://media", func(o []postgres.ReplicaInfo) error { seen = o; return nil })
	if diff := cmp.Diff([]postgres.ReplicaInfo{{ID: "a", Media: "s3://media", Since: t0}}, seen); diff != "" {
		t.Errorf("the second replica saw (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a s3://media", "b s3://media"}, replicaIDs(t, a)); diff != "" {
		t.Errorf("Replicas (-want +got):\n%s", diff)
	}
	t.Run("ErrAdmitRefuses", func(t *testing.T) {
		no := errors.New("no")
		if _, err := b.Join(t.Context(), "c", "file:/x", t0, func([]postgres.ReplicaInfo) error { return no }); !errors.Is(err, no) {
			t.Errorf("Join refused by admit = %v", err)
		}
		if diff := cmp.Diff([]string{"a s3://media", "b s3://media"}, replicaIDs(t, a)); diff != "" {
			t.Errorf("a refused replica is listed (-want +got):\n%s", diff)
		}
	})
	t.Run("OKReleased", func(t *testing.T) {
		if err := rb.Release(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a s3://media"}, replicaIDs(t, a)); diff != "" {
			t.Errorf("after b left (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrImportRefused", func(t *testing.T) {
		if _, err := a.LockAlone(t.Context()); err == nil || !strings.Contains(err.Error(), "stop every Herald on it first") {
			t.Errorf("LockAlone beside a replica = %v; want refused", err)
		}
	})
}

// TestReplicaDiesWithItsConnection: a replica whose connection ends (its
// process killed) is no longer listed, and the next replica deletes its
// row as it joins.
func TestReplicaDiesWithItsConnection(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := MustOpenURL(t, url), MustOpenURL(t, url)
	mustJoin(t, a, "a", "s3://m", nil)
	// Kill a's listening connection from outside, as a crash would.
	if _, err := b.DB().ExecContext(t.Context(), `SELECT pg_terminate_backend(l.pid) FROM pg_locks l
		WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.pid <> pg_backend_pid()
		AND l.classid = ((hashtext('herald:replicas:' || current_schema()))::bigint & 4294967295)::oid
		AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(replicaIDs(t, b)) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("a dead replica is still listed: %q", replicaIDs(t, b))
		}
		time.Sleep(50 * time.Millisecond) // the server ends the backend
	}
	var seen []postgres.ReplicaInfo
	mustJoin(t, b, "b", "s3://m", func(o []postgres.ReplicaInfo) error { seen = o; return nil })
	var rows int
	if err := b.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM replicas`).Scan(&rows); err != nil || rows != 1 || len(seen) != 0 {
		t.Errorf("after a died and b joined: %d rows (%v), b saw %+v; want b's row alone", rows, err, seen)
	}
}

// TestNewsBetweenReplicas: news sent by one replica are heard by every
// replica (the sender too), in order, and only in their schema; a replica
// whose connection was lost hears what was sent meanwhile.
func TestNewsBetweenReplicas(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := MustOpenURL(t, url), MustOpenURL(t, url)
	other := MustOpen(t) // another schema: another Herald
	ra, rb, rc := mustJoin(t, a, "a", "m", nil), mustJoin(t, b, "b", "m", nil), mustJoin(t, other, "c", "m", nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	heard := map[string]chan string{"a": make(chan string, 100), "b": make(chan string, 100), "c": make(chan string, 100)}
	for name, r := range map[string]*postgres.Replica{"a": ra, "b": rb, "c": rc} {
		go r.Listen(ctx, func(_ context.Context, p []byte) { heard[name] <- string(p) })
	}
	want := []string{}
	for i := range 5 {
		p := fmt.Sprintf(`{"n":%d}`, i)
		want = append(want, p)
		if err := []*postgres.Replica{ra, rb}[i%2].Send(ctx, []byte(p), t0); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"a", "b"} {
		if diff := cmp.Diff(want, collect(t, heard[name], 5)); diff != "" {
			t.Errorf("%s heard (-want +got):\n%s", name, diff)
		}
	}
	select {
	case p := <-heard["c"]:
		t.Errorf("a replica of another schema heard %s", p)
	case <-time.After(200 * time.Millisecond):
	}
	t.Run("OKAfterReconnecting", func(t *testing.T) {
		if _, err := a.DB().ExecContext(t.Context(), `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN replicas r ON `+
			`l.objid = (r.lock_key::bigint & 4294967295)::oid AND l.classid = ((hashtext('herald:replicas:' || current_schema()))::bigint & 4294967295)::oid `+
			`WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND r.replica_id = 'b'`); err != nil {
			t.Fatal(err)
		}
		if err := ra.Send(ctx, []byte(`{"n":"meanwhile"}`), t0); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{`{"n":"meanwhile"}`}, collect(t, heard["b"], 1)); diff != "" {
			t.Errorf("b after reconnecting (-want +got):\n%s", diff)
		}
		deadline := time.Now().Add(20 * time.Second)
		for !slicesContain(replicaIDs(t, a), "b m") {
			if time.Now().After(deadline) {
				t.Fatalf("b is not listed again after reconnecting: %q", replicaIDs(t, a))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func collect(t *testing.T, c chan string, n int) []string {
	t.Helper()
	var got []string
	for range n {
		select {
		case p := <-c:
			got = append(got, p)
		case <-time.After(20 * time.Second):
			t.Fatalf("heard %q, then nothing", got)
		}
	}
	return got
}

// TestReplicaIDTaken: a second live replica with the same id (two
// processes given one HERALD_REPLICA_ID) is refused, since leases name
// their owner by it; once the first leaves, the id is free again.
func TestReplicaIDTaken(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := MustOpenURL(t, url), MustOpenURL(t, url)
	ra := mustJoin(t, a, "web-1", "s3://media", nil)
	_, err := b.Join(t.Context(), "web-1", "s3://media", t0, nil)
	var he *herald.Error
	if !errors.As(err, &he) || he.Reason != postgres.ReasonReplicaTaken || !strings.Contains(err.Error(), "HERALD_REPLICA_ID") {
		t.Fatalf("Join with a live replica's id = %v; want reason %s", err, postgres.ReasonReplicaTaken)
	}
	ra.Release()
	mustJoin(t, b, "web-1", "s3://media", nil)
}
