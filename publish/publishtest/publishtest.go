// Package publishtest holds what tests of publishing targets share: media
// added as Herald adds them (through a media.Library, so location metadata
// is stripped), posts carrying them, and a record of the uploads a
// publisher makes, as the delivery would keep them.
package publishtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish"
)

// Store is a media.Store in memory.
type Store struct {
	mu sync.Mutex
	m  map[string][]byte
}

var _ media.Store = (*Store)(nil)

// Put implements media.Store.
func (s *Store) Put(_ context.Context, sum string, r io.Reader, size int64) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if int64(len(b)) != size {
		return fmt.Errorf("read %d bytes, want %d", len(b), size)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[sum] = b
	return nil
}

type blob struct{ *bytes.Reader }

func (blob) Close() error { return nil }

// Open implements media.Store.
func (s *Store) Open(_ context.Context, sum string) (media.Blob, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[sum]
	if !ok {
		return nil, herald.Errorf(herald.ENOTFOUND, "no media %s", sum)
	}
	return blob{bytes.NewReader(b)}, nil
}

// Bytes returns the bytes stored under sum.
func (s *Store) Bytes(sum string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[sum]
}

// Delete implements media.Store.
func (s *Store) Delete(_ context.Context, sum string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, sum)
	return nil
}

// Walk implements media.Store.
func (s *Store) Walk(_ context.Context, fn func(string, time.Time) error) error {
	s.mu.Lock()
	sums := make([]string, 0, len(s.m))
	for k := range s.m {
		sums = append(sums, k)
	}
	s.mu.Unlock()
	sort.Strings(sums)
	for _, k := range sums {
		if err := fn(k, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// Where implements media.Store.
func (s *Store) Where() string { return "in memory" }

// Library is a media library over a Store in memory.
func Library() (*media.Library, *Store) {
	st := &Store{}
	return &media.Library{Store: st}, st
}

// Add adds b to lib as name, with alt text alt, as Herald would.
func Add(tb testing.TB, lib *media.Library, name string, b []byte, alt string) media.Item {
	tb.Helper()
	it, err := lib.Add(context.Background(), name, bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("Add(%s): %v", name, err)
	}
	it.Alt = alt
	return it
}

// Photos adds a w×h JPEG photo taken with its location (GPS EXIF and other
// metadata, which Add strips) and a PNG logo with metadata of its own, as
// Herald would, with alt texts; it fails when the photo did not carry the
// metadata, so a check that none reached a network proves something.
func Photos(tb testing.TB, lib *media.Library, w, h int) (photo, logo media.Item) {
	tb.Helper()
	raw := mediatest.JPEG(tb, w, h, 1)
	if len(mediatest.Leaks("image/jpeg", raw)) == 0 {
		tb.Fatal("the test JPEG carries no metadata: a check that none was sent would prove nothing")
	}
	photo = Add(tb, lib, "photo.jpg", raw, "A crowd at the store opening")
	logo = Add(tb, lib, "logo.png", mediatest.PNG(tb, 30, 20, 0), "")
	return photo, logo
}

// Uploads keeps the uploads a publisher records, as the delivery would.
type Uploads struct {
	mu  sync.Mutex
	ups []publish.Upload
}

// Record is a publish.Post's Record.
func (u *Uploads) Record(_ context.Context, up publish.Upload) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.ups = append(u.ups, up)
	return nil
}

// List returns the uploads recorded, in order.
func (u *Uploads) List() []publish.Upload {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]publish.Upload(nil), u.ups...)
}

// Valid returns the recorded uploads as a later attempt gets them
// (Post.Uploads): the last of each item, by SHA-256.
func (u *Uploads) Valid() map[string]publish.Upload {
	out := map[string]publish.Upload{}
	for _, up := range u.List() {
		out[up.SHA256] = up
	}
	return out
}

// WithMedia returns p with items read from st, recording uploads in rec.
func WithMedia(p publish.Post, st media.Store, rec *Uploads, items ...media.Item) publish.Post {
	for _, it := range items {
		p.Media = append(p.Media, publish.Media{Item: it, Link: "https://herald.example/media/" + it.SHA256[:16],
			Open: func(ctx context.Context) (media.Blob, error) { return st.Open(ctx, it.SHA256) }})
	}
	p.Record = rec.Record
	return p
}
