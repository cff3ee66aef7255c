package mediatest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
)

// Sum is the hex SHA-256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// unread fails the test when a Put reads it: storing a sum already stored
// must not read the bytes again.
type unread struct{ t *testing.T }

func (u unread) Read([]byte) (int, error) {
	u.t.Error("Put read the bytes of a sum already stored")
	return 0, errors.New("unread")
}

// StoreContract runs the cases every media.Store keeps on stores made by
// open (each case gets an empty one).
func StoreContract(t *testing.T, open func(t *testing.T) media.Store) {
	ctx := context.Background()
	data := bytes.Repeat([]byte("0123456789"), 1000)
	sum := Sum(data)
	put := func(t *testing.T, s media.Store, b []byte) string {
		t.Helper()
		if err := s.Put(ctx, Sum(b), bytes.NewReader(b), int64(len(b))); err != nil {
			t.Fatalf("Put: %v", err)
		}
		return Sum(b)
	}
	t.Run("OKPutOpen", func(t *testing.T) {
		s := open(t)
		put(t, s, data)
		b, err := s.Open(ctx, sum)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		got, err := io.ReadAll(b)
		if err != nil || !bytes.Equal(got, data) || b.Size() != int64(len(data)) {
			t.Errorf("read %d bytes (%v), size %d; want the %d put", len(got), err, b.Size(), len(data))
		}
	})
	t.Run("OKPutTwiceIsNoOp", func(t *testing.T) {
		s := open(t)
		put(t, s, data)
		if err := s.Put(ctx, sum, unread{t}, int64(len(data))); err != nil {
			t.Errorf("second Put: %v", err)
		}
	})
	t.Run("ErrOpenMissing", func(t *testing.T) {
		_, err := open(t).Open(ctx, Sum([]byte("never stored")))
		if herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("Open of a missing sum: %v, want ENOTFOUND", err)
		}
	})
	t.Run("ErrNotASum", func(t *testing.T) {
		s := open(t)
		for _, bad := range []string{"", "../../etc/passwd", sum[:63] + "G", sum + "0"} {
			if _, err := s.Open(ctx, bad); herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("Open(%q): %v, want EINVALID", bad, err)
			}
		}
	})
	t.Run("OKDelete", func(t *testing.T) {
		s := open(t)
		put(t, s, data)
		if err := s.Delete(ctx, sum); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Open(ctx, sum); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("Open after Delete: %v", err)
		}
		if err := s.Delete(ctx, sum); err != nil {
			t.Errorf("Delete of a missing sum: %v", err)
		}
	})
	t.Run("OKWalk", func(t *testing.T) { walkContract(t, open(t), put) })
	t.Run("OKRanges", func(t *testing.T) { rangeContract(t, open(t), data, put) })
	t.Run("OKWhere", func(t *testing.T) {
		if open(t).Where() == "" {
			t.Error("Where says nothing")
		}
	})
}

func walkContract(t *testing.T, s media.Store, put func(*testing.T, media.Store, []byte) string) {
	want := map[string]bool{}
	for i := range 5 {
		want[put(t, s, []byte{byte(i), 1, 2, 3})] = true
	}
	got := map[string]bool{}
	err := s.Walk(context.Background(), func(sum string, stored time.Time) error {
		if stored.IsZero() || time.Since(stored) > time.Hour || time.Until(stored) > time.Hour {
			t.Errorf("%s stored at %v", sum, stored)
		}
		got[sum] = true
		return nil
	})
	if err != nil || len(got) != len(want) {
		t.Fatalf("Walk: %v, %d sums, want %d", err, len(got), len(want))
	}
	for sum := range want {
		if !got[sum] {
			t.Errorf("Walk missed %s", sum)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := s.Walk(context.Background(), func(string, time.Time) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("Walk stopped by fn: %v after %d calls", err, n)
	}
}

// rangeContract seeks in a blob and serves it with http.ServeContent, as
// the media links do.
func rangeContract(t *testing.T, s media.Store, data []byte, put func(*testing.T, media.Store, []byte) string) {
	sum := put(t, s, data)
	b, err := s.Open(context.Background(), sum)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.Seek(1234, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 10)
	if _, err := io.ReadFull(b, part); err != nil || !bytes.Equal(part, data[1234:1244]) {
		t.Errorf("read %q at 1234 (%v), want %q", part, err, data[1234:1244])
	}
	if end, err := b.Seek(0, io.SeekEnd); err != nil || end != int64(len(data)) {
		t.Errorf("Seek to the end: %d, %v", end, err)
	}
	b.Seek(0, io.SeekStart)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("Range", "bytes=9990-")
	http.ServeContent(rec, req, "", time.Time{}, b)
	if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), data[9990:]) {
		t.Errorf("range request: %d %q", rec.Code, rec.Body.Bytes())
	}
}
