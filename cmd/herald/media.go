package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/s3"
)

// mediaParts are the media pieces built once in wire, for every part that
// needs them: the commands add through the Library, the publish scheduler
// and the adapters read the Store, the publishers and cards link through
// Links (nil unless HERALD_PUBLIC_URL is set), the sweeper removes orphans.
type mediaParts struct {
	Store   media.Store
	Library *media.Library
	Links   *media.Links
	Sweeper *media.Sweeper
}

// parseSize reads a byte count: digits alone, or with a unit KB, MB, GB
// (powers of 1000) or KiB, MiB, GiB (powers of 1024), spaces allowed.
func parseSize(v string) (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	units := []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<50)/mult {
		return 0, errors.New("not a size")
	}
	return n * mult, nil
}

// mediaDir returns the directory of a file: media store: HERALD_MEDIA's,
// or herald-media beside the database file by default. ok is false for
// other stores.
func (c Config) mediaDir() (dir string, ok bool) {
	if c.Media == "" {
		db, _ := c.SQLitePath()
		return filepath.Join(filepath.Dir(db), "herald-media"), true
	}
	if d, ok := strings.CutPrefix(c.Media, "file:"); ok {
		return d, true
	}
	return "", false
}

func (c Config) validateMedia(bad func(string, ...any)) {
	if c.MediaMax <= 0 {
		bad("HERALD_MEDIA_MAX: give a positive size such as 100MB")
	}
	if dir, ok := c.mediaDir(); ok {
		if dir == "" {
			bad("HERALD_MEDIA: give a directory after file:, e.g. file:/data/herald-media")
		}
		return
	}
	if !strings.HasPrefix(c.Media, "s3://") {
		bad("HERALD_MEDIA: %q is neither file:DIR nor s3://BUCKET/PREFIX", c.Media)
		return
	}
	if _, err := s3.ParseURL(c.Media); err != nil {
		bad("HERALD_MEDIA: %v", err)
	}
	if (c.AWSAccessKeyID == "") != (c.AWSSecretAccessKey == "") {
		bad("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both (the bucket's access key) or neither (anonymous)")
	}
	if c.MediaMax > maxSinglePut {
		bad("HERALD_MEDIA_MAX: at most 5GiB with an s3:// media store (one PUT per item)")
	}
}

// maxSinglePut is the largest object S3 takes in one PUT.
const maxSinglePut = 5 << 30

// checker is a store that can prove it is reachable and writable.
type checker interface {
	Check(ctx context.Context) error
}

// openMediaStore opens the store HERALD_MEDIA names: a directory (made
// with mode 0700 when missing) or a bucket reached through the guarded
// client's transport (an endpoint the operator configured: private
// addresses allowed, no proxy from the environment).
func (m *Main) openMediaStore() (media.Store, error) {
	if dir, ok := m.Config.mediaDir(); ok {
		return local.Open(dir)
	}
	cfg, err := s3.ParseURL(m.Config.Media)
	if err != nil {
		return nil, fmt.Errorf("HERALD_MEDIA: %w", err)
	}
	client := httpx.New(httpx.Options{Trusted: true, Timeout: -1, MaxBody: 1 << 40, PerHost: 16, UserAgent: httpx.UserAgent(version)})
	return s3.New(cfg, s3.Credentials{AccessKeyID: m.Config.AWSAccessKeyID, SecretAccessKey: m.Config.AWSSecretAccessKey}, client.Transport)
}

// openMedia builds the media store, library, links and sweeper (the
// database tells it which items revisions refer to).
func (m *Main) openMedia() (mediaParts, error) {
	var p mediaParts
	st, err := m.openMediaStore()
	if err != nil {
		return p, err
	}
	p.Store = st
	p.Library = &media.Library{Store: st, Max: m.Config.MediaMax}
	if m.Config.PublicURL != "" {
		key, err := m.linkKey()
		if err != nil {
			return p, err
		}
		p.Links = media.NewLinks(m.Config.PublicURL, key, m.Clock)
	}
	p.Sweeper = &media.Sweeper{Store: st, Refs: m.store, Clock: m.Clock, Log: m.log}
	return p, nil
}

// linkKey is the key signing media links: derived from HERALD_SECRET_KEY
// when it is set, else 32 random bytes kept in a file beside the database
// (DB.media-link-key, mode 0600), made on first use.
func (m *Main) linkKey() ([]byte, error) {
	if k := m.keys.Derive("media links"); k != nil {
		return k, nil
	}
	db, _ := m.Config.SQLitePath()
	path := db + ".media-link-key"
	b, err := os.ReadFile(path)
	if err == nil && len(b) == 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("media link key %s: %w", path, err)
	}
	b = make([]byte, 32)
	rand.Read(b)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("media link key %s: %w", path, err)
	}
	return b, nil
}

// mediaReport says where media live and how to copy them (backup), or
// whether the store is writable (doctor).
func (m *Main) mediaReport(ctx context.Context, check bool) error {
	st, err := m.openMediaStore()
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	if !check {
		fmt.Fprintf(m.Stdout, "Media are not in this backup: %s\n", st.Where())
		return nil
	}
	if c, ok := st.(checker); ok {
		if err := c.Check(ctx); err != nil {
			return err // its words name the media store already
		}
	}
	fmt.Fprintf(m.Stdout, "media: ok, writable (%s; at most %s per item)\n", st.Where(), media.Bytes(m.Config.MediaMax))
	return nil
}

// cardLinkTTL is how long the link of a picture on a card works: cards
// stay in channels, and are refreshed whenever their draft changes.
const cardLinkTTL = 7 * 24 * time.Hour

// wireMediaCommands gives the commands the media library (media add,
// alt, rm, move, list, and files coming with draft), the guarded client
// that downloads typed links (https only, private addresses refused,
// unless HERALD_ALLOW_PRIVATE_SOURCES; bodies up to HERALD_MEDIA_MAX) and, with
// HERALD_PUBLIC_URL, the signed links of the pictures cards show.
func (m *Main) wireMediaCommands(deps *kit.Deps, p mediaParts) {
	deps.Media = p.Library
	o := m.chatURLs()
	o.MaxBody, o.Timeout = m.Config.MediaMax+1, 10*time.Minute
	deps.MediaClient = httpx.New(o)
	deps.MediaHTTP = m.Config.AllowPrivateSources
	if p.Links != nil {
		deps.MediaLink = func(it media.Item) string { return p.Links.Link(it, cardLinkTTL) }
	}
}
