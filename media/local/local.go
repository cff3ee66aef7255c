// Package local is a media.Store in a directory: each item is a file named
// by its SHA-256, two levels deep (ab/cd/abcd…), written to a temporary name
// and renamed, so a reader never sees half an item.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
)

// Store keeps media in Dir.
type Store struct {
	Dir string
}

var _ media.Store = (*Store)(nil)

// Open makes dir (mode 0700) when it is missing and returns its store.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, herald.Errorf(herald.EUNAVAILABLE, "media directory %s: %v", dir, err)
	}
	return &Store{Dir: dir}, nil
}

func (s *Store) path(sum string) (string, error) {
	if len(sum) != 64 {
		return "", herald.Errorf(herald.EINVALID, "%q is not a SHA-256", sum)
	}
	for _, c := range sum {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", herald.Errorf(herald.EINVALID, "%q is not a SHA-256", sum)
		}
	}
	return filepath.Join(s.Dir, sum[:2], sum[2:4], sum), nil
}

// Put implements media.Store.
func (s *Store) Put(ctx context.Context, sum string, r io.Reader, size int64) error {
	p, err := s.path(sum)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		// Already there: a fresh time tells the sweeper it is wanted again.
		now := time.Now()
		os.Chtimes(p, now, now)
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return herald.Internal(err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return herald.Internal(err)
	}
	defer os.Remove(f.Name())
	n, err := io.Copy(f, r)
	if err == nil && n != size {
		err = fmt.Errorf("wrote %d bytes of %d", n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return herald.Internal(err)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return herald.Internal(err)
	}
	return nil
}

type blob struct {
	*os.File
	size int64
}

func (b blob) Size() int64 { return b.size }

// Open implements media.Store.
func (s *Store) Open(ctx context.Context, sum string) (media.Blob, error) {
	p, err := s.path(sum)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, herald.Errorf(herald.ENOTFOUND, "no media %s", sum)
	}
	if err != nil {
		return nil, herald.Internal(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, herald.Internal(err)
	}
	return blob{File: f, size: st.Size()}, nil
}

// Delete implements media.Store.
func (s *Store) Delete(ctx context.Context, sum string) error {
	p, err := s.path(sum)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return herald.Internal(err)
	}
	return nil
}

// Walk implements media.Store.
func (s *Store) Walk(ctx context.Context, fn func(sum string, stored time.Time) error) error {
	return filepath.WalkDir(s.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || len(d.Name()) != 64 {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		return fn(d.Name(), info.ModTime())
	})
}

// Stored implements media.Stater: the file's modification time, which Put
// refreshes when the bytes are stored again.
func (s *Store) Stored(_ context.Context, sum string) (time.Time, error) {
	p, err := s.path(sum)
	if err != nil {
		return time.Time{}, err
	}
	info, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, herald.Errorf(herald.ENOTFOUND, "no media item %s", sum)
	}
	if err != nil {
		return time.Time{}, herald.Internal(err)
	}
	return info.ModTime(), nil
}

var _ media.Stater = (*Store)(nil)

// Where implements media.Store.
func (s *Store) Where() string {
	dir := s.Dir
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return fmt.Sprintf("media files live in the directory %s; copy it beside the database backup, for example: cp -a %s BACKUP/ (or rsync -a %s/ BACKUP/herald-media/)", dir, dir, dir)
}

// Check writes and removes a probe file: the doctor's proof that the
// directory is writable.
func (s *Store) Check(ctx context.Context) error {
	f, err := os.CreateTemp(s.Dir, ".herald-doctor-*")
	if err != nil {
		return herald.Errorf(herald.EUNAVAILABLE, "media directory %s is not writable: %v", s.Dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
