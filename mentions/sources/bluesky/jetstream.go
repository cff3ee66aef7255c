// Package bluesky finds mentions on Bluesky in two ways: Jetstream, the
// public JSON firehose, streamed over a websocket with a resumable cursor
// (Jetstream, a mentions.Streamer), and the authenticated
// app.bsky.feed.searchPosts of an account's PDS (Search, a mentions.Source).
//
// Items carry ExternalID = at://<did>/app.bsky.feed.post/<rkey>, the
// dedupe key: Jetstream delivers at least once and a resumed stream
// rewinds a few seconds, so the same post may come twice.
package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
)

// Kind is the mentions.Item Source of every item this package makes.
const Kind = "bluesky"

// DefaultJetstreamURL is Bluesky's public Jetstream (v1 subscribe endpoint).
const DefaultJetstreamURL = "wss://jetstream2.us-east.bsky.network/subscribe"

const postCollection = "app.bsky.feed.post"

// JetstreamConfig configures a Jetstream. Zero fields take the defaults.
type JetstreamConfig struct {
	// URL is the subscribe endpoint, ws:// or wss:// (DefaultJetstreamURL).
	// Its query is kept (e.g. wantedDids); wantedCollections and cursor
	// are set by Stream.
	URL string
	// Dialer opens the websocket; nil uses one with a 15 s handshake
	// timeout, dialling through httpx (trusted, no proxy).
	Dialer *websocket.Dialer
	// MaxBatch is how many items make a batch (200).
	MaxBatch int
	// MaxWait is how long events wait before their batch is emitted (1 s).
	MaxWait time.Duration
	// Rewind is how far before a stored cursor a resumed stream starts,
	// as Jetstream advises, so that no event is lost (5 s).
	Rewind time.Duration
	// IdleTimeout ends Stream when no frame came for that long (60 s).
	IdleTimeout time.Duration
	// MaxFrame bounds one websocket frame in bytes (1 MiB).
	MaxFrame int64
	// UserAgent is sent with the handshake (httpx.DefaultUserAgent).
	UserAgent string
	// Logger receives malformed-frame notes (never their content).
	Logger *slog.Logger
	// Clock reads Retry-After dates (herald.SystemClock).
	Clock herald.Clock
}

// Jetstream streams Bluesky posts from Jetstream. It is safe for one Stream
// at a time; Stats may be read concurrently.
type Jetstream struct {
	cfg JetstreamConfig
	url *url.URL

	events    atomic.Uint64
	items     atomic.Uint64
	malformed atomic.Uint64
}

var _ mentions.Streamer = (*Jetstream)(nil)

// JetstreamStats counts what Jetstream has read since it was made.
type JetstreamStats struct {
	Events    uint64 // frames that decoded as Jetstream events
	Items     uint64 // posts that became items
	Malformed uint64 // frames that were skipped as unreadable or invalid
}

// NewJetstream checks cfg and fills its defaults. It returns a herald
// EINVALID error for a URL that is not ws:// or wss://.
func NewJetstream(cfg JetstreamConfig) (*Jetstream, error) {
	if cfg.URL == "" {
		cfg.URL = DefaultJetstreamURL
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return nil, herald.Errorf(herald.EINVALID, "the Jetstream URL must be a ws:// or wss:// URL, such as %s", DefaultJetstreamURL)
	}
	if cfg.Dialer == nil {
		// HERALD_JETSTREAM_URL is the operator's: trusted, no proxy.
		cfg.Dialer = &websocket.Dialer{NetDialContext: httpx.Options{Trusted: true}.DialContext, HandshakeTimeout: 15 * time.Second}
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 200
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = time.Second
	}
	if cfg.Rewind <= 0 {
		cfg.Rewind = 5 * time.Second
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = time.Minute
	}
	if cfg.MaxFrame <= 0 {
		cfg.MaxFrame = 1 << 20
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = httpx.DefaultUserAgent
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = herald.SystemClock{}
	}
	return &Jetstream{cfg: cfg, url: u}, nil
}

// Stats returns the counters.
func (j *Jetstream) Stats() JetstreamStats {
	return JetstreamStats{Events: j.events.Load(), Items: j.items.Load(), Malformed: j.malformed.Load()}
}

// subscribeURL is the URL to dial for cursor: the configured one with
// wantedCollections=app.bsky.feed.post and, when resuming, cursor =
// the stored time_us minus Rewind. A cursor that is not a positive
// number is ignored (the stream starts live) and reported false.
func (j *Jetstream) subscribeURL(cursor string) (string, bool) {
	u := *j.url
	q := u.Query()
	q.Set("wantedCollections", postCollection)
	q.Del("cursor")
	ok := true
	if cursor != "" {
		us, err := strconv.ParseInt(cursor, 10, 64)
		if err == nil && us > 0 {
			q.Set("cursor", strconv.FormatInt(max(us-j.cfg.Rewind.Microseconds(), 1), 10))
		} else {
			ok = false
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), ok
}

// decoded is one frame's worth: the event's time and its item, if any.
type decoded struct {
	timeUS int64
	item   mentions.Item
	isItem bool
}

// Stream connects to Jetstream and emits batches of posts (at most
// MaxBatch items, or what came within MaxWait) with the cursor after them
// (the last event's time_us, decimal); a batch may have no items when only
// deletes and other events came, so the cursor still advances. It returns
// ctx's error when ctx ends, emit's error when emit fails, and a
// *httpx.Error when the connection cannot be made or fails (what
// was read before a failure is emitted first); the caller reconnects with
// backoff. Malformed frames are skipped and counted, never fatal.
func (j *Jetstream) Stream(ctx context.Context, cursor string, emit func(context.Context, mentions.Batch) error) error {
	target, ok := j.subscribeURL(cursor)
	if !ok {
		j.cfg.Logger.Warn("bluesky jetstream: ignoring an unreadable cursor; starting live", "cursor_len", len(cursor))
	}
	header := http.Header{"User-Agent": {j.cfg.UserAgent}}
	conn, resp, err := j.cfg.Dialer.DialContext(ctx, target, header)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return dialError(resp, err, j.cfg.Clock.Now())
	}
	defer conn.Close()
	conn.SetReadLimit(j.cfg.MaxFrame)
	stop := context.AfterFunc(ctx, func() { conn.Close() }) // unblocks the reader
	defer stop()

	frames := make(chan decoded, 512)
	done := make(chan struct{})
	defer close(done)
	var readErr error // set by the reader before it closes frames
	go func() {
		defer close(frames)
		readErr = j.read(conn, frames, done)
	}()

	var (
		items   []mentions.Item
		last    int64 // time_us of the newest event read
		pending bool  // events read since the last emit
		timer   = time.NewTimer(j.cfg.MaxWait)
	)
	timer.Stop()
	defer timer.Stop()
	flush := func() error {
		if !pending {
			return nil
		}
		b := mentions.Batch{Items: items, Cursor: strconv.FormatInt(last, 10)}
		items, pending = nil, false
		timer.Stop()
		return emit(ctx, b)
	}
	for {
		select {
		case d, open := <-frames:
			if !open {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err := flush(); err != nil {
					return err
				}
				return &httpx.Error{Err: fmt.Errorf("the Jetstream connection ended: %w", readErr)}
			}
			if !pending {
				timer.Reset(j.cfg.MaxWait)
			}
			pending = true
			last = max(last, d.timeUS)
			if d.isItem {
				items = append(items, d.item)
				if len(items) >= j.cfg.MaxBatch {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		case <-timer.C:
			if err := flush(); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// read decodes frames from conn onto out until the connection fails or
// done closes, and returns why it stopped.
func (j *Jetstream) read(conn *websocket.Conn, out chan<- decoded, done <-chan struct{}) error {
	for {
		if err := conn.SetReadDeadline(time.Now().Add(j.cfg.IdleTimeout)); err != nil {
			return err
		}
		typ, frame, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		if typ != websocket.TextMessage {
			j.malformed.Add(1)
			j.cfg.Logger.Debug("bluesky jetstream: skipped a non-text frame", "frame_type", typ, "frame_len", len(frame))
			continue
		}
		ev, err := decodeEvent(frame)
		if err != nil {
			j.malformed.Add(1)
			j.cfg.Logger.Debug("bluesky jetstream: skipped a malformed frame", "frame_len", len(frame), "reason", err.Error())
			continue
		}
		j.events.Add(1)
		d := decoded{timeUS: ev.timeUS}
		if ev.post {
			d.item, d.isItem = ev.item, true
			j.items.Add(1)
		}
		select {
		case out <- d:
		case <-done:
			return nil
		}
	}
}

// dialError describes a failed handshake: with the status and the
// Retry-After the server answered, if it answered.
func dialError(resp *http.Response, err error, now time.Time) error {
	if resp == nil {
		return &httpx.Error{Err: fmt.Errorf("could not connect to Jetstream: %w", err)}
	}
	return &httpx.Error{
		Status:     resp.StatusCode,
		RetryAfter: retryAfter(resp.Header, now),
		Err:        fmt.Errorf("Jetstream refused the connection: %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)),
	}
}

// errNoTime is a frame without its time_us: without it the cursor cannot
// advance, so the frame is not trusted.
var errNoTime = errors.New("no time_us")

// event is the part of a Jetstream event Herald reads.
type event struct {
	timeUS int64
	post   bool // a new post: item is set
	item   mentions.Item
}

// wireEvent is a Jetstream v1 event as decoded for a frame that may be a
// new post: the record's three fields are read in the same pass.
type wireEvent struct {
	DID    string `json:"did"`
	TimeUS int64  `json:"time_us"`
	Kind   string `json:"kind"`
	Commit *struct {
		Operation  string      `json:"operation"`
		Collection string      `json:"collection"`
		RKey       string      `json:"rkey"`
		Record     *postRecord `json:"record"`
	} `json:"commit"`
}

// wireHeader is the same event without its record, for frames that cannot
// be a new post: encoding/json skips the rest without building it.
type wireHeader struct {
	TimeUS int64  `json:"time_us"`
	Kind   string `json:"kind"`
	Commit *struct {
		Operation  string `json:"operation"`
		Collection string `json:"collection"`
	} `json:"commit"`
}

// postRecord is the part of an app.bsky.feed.post record Herald reads.
type postRecord struct {
	Text      string   `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs"`
}

// decodeEvent reads one Jetstream frame. Only the creation of an
// app.bsky.feed.post becomes an item; other events (deletes, updates,
// identity, account) only carry their time. It returns an error for a
// frame that is not a Jetstream event or whose post is not valid.
//
// It is on the hot path (every event of the network's posts): a frame
// without the bytes "create" cannot be a new post and is decoded into a
// small header only; the rest are decoded once, into small structs, with
// no maps and no second pass over the record.
func decodeEvent(frame []byte) (event, error) {
	if !bytes.Contains(frame, []byte(`"create"`)) {
		var h wireHeader
		if err := json.Unmarshal(frame, &h); err != nil {
			return event{}, fmt.Errorf("not a JSON event: %w", err)
		}
		if h.TimeUS <= 0 {
			return event{}, errNoTime
		}
		if h.Kind != "commit" || h.Commit == nil || h.Commit.Operation != "create" || h.Commit.Collection != postCollection {
			return event{timeUS: h.TimeUS}, nil
		}
		// "create" spelt with escapes: decode it in full below.
	}
	var w wireEvent
	if err := json.Unmarshal(frame, &w); err != nil {
		return event{}, fmt.Errorf("not a JSON event: %w", err)
	}
	if w.TimeUS <= 0 {
		return event{}, errNoTime
	}
	ev := event{timeUS: w.TimeUS}
	if w.Kind != "commit" || w.Commit == nil || w.Commit.Operation != "create" || w.Commit.Collection != postCollection {
		return ev, nil
	}
	if !validDID(w.DID) {
		return event{}, errors.New("a post with an invalid did")
	}
	if !validRKey(w.Commit.RKey) {
		return event{}, errors.New("a post with an invalid rkey")
	}
	rec := w.Commit.Record
	if rec == nil {
		return event{}, errors.New("a post without its record")
	}
	ev.post = true
	ev.item = postItem(w.DID, w.Commit.RKey, w.DID, *rec, published(rec.CreatedAt, w.TimeUS))
	return ev, nil
}

// postItem is the item of the post did/rkey (both valid), whichever way
// it came: its at:// URI as ExternalID, its bsky.app links, the record's
// text and first language.
func postItem(did, rkey, author string, rec postRecord, published time.Time) mentions.Item {
	it := mentions.Item{
		Source:     Kind,
		ExternalID: "at://" + did + "/" + postCollection + "/" + rkey,
		URL:        "https://bsky.app/profile/" + did + "/post/" + rkey,
		Text:       rec.Text,
		Author:     author,
		AuthorURL:  "https://bsky.app/profile/" + did,
		Published:  published,
		Reply:      mentions.ReplyRef{Network: Kind, ID: "at://" + did + "/" + postCollection + "/" + rkey, AuthorID: did},
	}
	if len(rec.Langs) > 0 {
		it.Lang = web.PrimaryLang(rec.Langs[0])
	}
	return it
}

// published reads a record's createdAt, falling back to the event's time
// when it is missing or unreadable.
func published(createdAt string, timeUS int64) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, createdAt); err == nil {
		return t.UTC()
	}
	return time.UnixMicro(timeUS).UTC()
}

// validDID checks the DID syntax of the atproto spec: did:method:id with
// a lower-case method and an id of [A-Za-z0-9._:%-], at most 2 KB.
func validDID(s string) bool {
	if len(s) > 2048 || !strings.HasPrefix(s, "did:") {
		return false
	}
	method, id, ok := strings.Cut(s[4:], ":")
	if !ok || method == "" || id == "" || id[len(id)-1] == ':' || id[len(id)-1] == '%' {
		return false
	}
	for i := 0; i < len(method); i++ {
		if c := method[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '%' || c == '-') {
			return false
		}
	}
	return true
}

// validRKey checks the record-key syntax: 1 to 512 of [A-Za-z0-9._:~-],
// not "." or "..".
func validRKey(s string) bool {
	if s == "" || len(s) > 512 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '~' || c == '-') {
			return false
		}
	}
	return true
}
