package mentions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions/query"
)

// Bounds applied to what sources give, in characters.
const (
	MaxTitle      = 300
	MaxText       = 5000
	MaxAuthor     = 200
	MaxExternalID = 300
	// MaxWebhookItems bounds one webhook delivery.
	MaxWebhookItems = 100
)

// Why an item produced no mention, besides the spam reasons.
const (
	DropEmpty = "empty" // no title and no text after normalising
)

// Result is what one batch became.
type Result struct {
	Items     int            // items in the batch
	New       int            // new mentions stored
	SeenAgain int            // items that were known mentions (seen on one more source, or again)
	Unmatched int            // items no watch of the brand matched
	Dropped   map[string]int // items dropped, by reason (DropEmpty, DropMuted, DropLang, DropFlood, DropCopies)
	Mentions  []Mention      // the new mentions, as stored
}

// watchIndex is the matcher over every watch of every brand, immutable once
// built: a new one replaces it when watches change.
type watchIndex struct {
	ix      *query.Index
	watches map[int64]Watch
	queries map[int64]*query.Query
	terms   map[int64][]string // each query's Terms, computed once
}

// index returns the current watch index, building it when watches changed.
func (s *Service) index(ctx context.Context) (*watchIndex, error) {
	if wi := s.idx.Load(); wi != nil {
		return wi, nil
	}
	s.idxMu.Lock()
	defer s.idxMu.Unlock()
	if wi := s.idx.Load(); wi != nil {
		return wi, nil
	}
	ws, err := s.store.Watches(ctx, 0)
	if err != nil {
		return nil, err
	}
	wi := &watchIndex{watches: make(map[int64]Watch, len(ws)), queries: make(map[int64]*query.Query, len(ws)), terms: make(map[int64][]string, len(ws))}
	for _, w := range ws {
		q, err := query.Parse(w.Query, Kinds)
		if err != nil {
			s.log.WarnContext(ctx, "stored watch does not parse; skipped", "watch_id", w.ID, "brand_id", w.BrandID, "error", err)
			continue
		}
		wi.watches[w.ID], wi.queries[w.ID], wi.terms[w.ID] = w, q, q.Terms()
	}
	wi.ix = query.NewIndex(wi.queries)
	s.idx.Store(wi)
	return wi, nil
}

// match returns the brand's watches matching it, sorted, and their terms
// (for highlighting: Highlight marks those the text holds). The terms of
// the matching watches are taken whole rather than checked one by one
// against the text: that would fold the text again for every watch, and
// costs more than the matching itself.
func (wi *watchIndex) match(it *Item, brandID int64) ([]int64, []string) {
	var ids []int64
	var terms []string
	qi := it.matchable()
	for _, id := range wi.ix.Match(&qi) {
		if wi.watches[id].BrandID != brandID {
			continue
		}
		ids = append(ids, id)
		for _, t := range wi.terms[id] {
			if !slices.Contains(terms, t) {
				terms = append(terms, t)
			}
		}
	}
	return ids, terms // ascending, as Match gives them
}

// Terms returns the words and phrases the brand's watches look for, for
// the sources that search (Request.Terms).
func (s *Service) Terms(ctx context.Context, brandID int64) ([]string, error) {
	wi, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for id, w := range wi.watches {
		if w.BrandID != brandID {
			continue
		}
		for _, t := range wi.terms[id] {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// Ingest runs one batch of a configured source through the pipeline:
// normalise → match (the source's brand's watches) → dedupe → spam →
// route → store (mentions with the source's cursor and health, in one
// transaction) → relay (after commit). ENOTFOUND for an unknown source.
func (s *Service) Ingest(ctx context.Context, sourceID int64, b Batch) (Result, error) {
	st, err := s.store.Source(ctx, sourceID)
	if err != nil {
		return Result{}, notFound(err, "source", sourceID)
	}
	return s.ingest(ctx, st, b, time.Time{})
}

// IngestWebhook runs the items pushed to /hooks/mentions/{token} through
// the pipeline and returns how many became new mentions. ENOTFOUND for an
// unknown token; EINVALID for more than MaxWebhookItems items.
func (s *Service) IngestWebhook(ctx context.Context, token string, items []Item) (int, error) {
	if token == "" || len(token) > 200 {
		return 0, herald.Errorf(herald.ENOTFOUND, "There is no such webhook.")
	}
	st, err := s.store.SourceByToken(ctx, TokenHash(token))
	if err != nil {
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return 0, herald.Errorf(herald.ENOTFOUND, "There is no such webhook.")
		}
		return 0, err
	}
	if len(items) > MaxWebhookItems {
		return 0, herald.Errorf(herald.EINVALID, "Send at most %d items at once.", MaxWebhookItems)
	}
	res, err := s.ingest(ctx, st, Batch{Items: items}, time.Time{})
	return res.New, err
}

// candidate is an item on its way through the pipeline.
type candidate struct {
	it        Item
	canonical string
	keys      []string
	watchIDs  []int64
	terms     []string
	holder    int64 // the known mention holding one of its keys
}

// ingest is Ingest for a loaded source; next, when not zero, is stored as
// the source's next poll time with the batch.
func (s *Service) ingest(ctx context.Context, st SourceStatus, b Batch, next time.Time) (Result, error) {
	now := s.now()
	res := Result{Items: len(b.Items), Dropped: map[string]int{}}
	brandID := st.Spec.BrandID
	wi, err := s.index(ctx)
	if err != nil {
		return Result{}, err
	}
	label := st.Spec.Label()

	// Normalise, match and dedupe within the batch.
	cands := make([]*candidate, 0, len(b.Items))
	byKey := make(map[string]*candidate, 2*len(b.Items))
	allKeys := make([]string, 0, 2*len(b.Items))
	for i := range b.Items {
		it := b.Items[i]
		if !normalise(&it, st.Spec) {
			res.Dropped[DropEmpty]++
			continue
		}
		ids, terms := wi.match(&it, brandID)
		if len(ids) == 0 {
			res.Unmatched++
			continue
		}
		canonical := CanonicalURL(it.URL)
		keys := keysFor(&it, canonical)
		if c := firstHolder(byKey, keys); c != nil {
			c.watchIDs = union(c.watchIDs, ids)
			c.terms = unionStr(c.terms, terms)
			res.SeenAgain++
			continue
		}
		c := &candidate{it: it, canonical: canonical, keys: keys, watchIDs: ids, terms: terms}
		for _, k := range keys {
			byKey[k] = c
		}
		allKeys = append(allKeys, keys...)
		cands = append(cands, c)
	}

	// Dedupe against the stored mentions, then filter spam.
	commit := &Commit{BrandID: brandID, Source: st, At: now, New: make([]NewMention, 0, len(cands))}
	if len(cands) > 0 {
		known, err := s.store.MentionKeys(ctx, brandID, allKeys)
		if err != nil {
			return Result{}, err
		}
		var mutes []Mute
		var settings Settings
		loaded := false
		for _, c := range cands {
			for _, k := range c.keys {
				if id, ok := known[k]; ok {
					c.holder = id
					break
				}
			}
			if c.holder != 0 {
				commit.Again = append(commit.Again, SeenAgain{ID: c.holder, Keys: c.keys, Source: label, WatchIDs: c.watchIDs, Terms: c.terms})
				res.SeenAgain++
				continue
			}
			if !loaded {
				if mutes, err = s.store.Mutes(ctx, brandID); err != nil {
					return Result{}, err
				}
				if settings, err = s.store.Settings(ctx, brandID); err != nil {
					return Result{}, err
				}
				loaded = true
			}
			if why := Static(&c.it, mutes, settings.Langs); why != "" {
				res.Dropped[why]++
				continue
			}
			if why := s.spam.Check(brandID, &c.it, now); why != "" {
				res.Dropped[why]++
				continue
			}
			commit.New = append(commit.New, NewMention{Mention: newMention(brandID, &c.it, c, label, now), Keys: c.keys})
		}
	}

	// Store the mentions with the source's cursor and health.
	src := &commit.Source
	if b.Cursor != "" {
		src.Cursor = b.Cursor
	}
	src.LastSuccess, src.Failures = now, 0
	commit.Seen = int64(len(b.Items))
	if !next.IsZero() {
		src.NextPoll = next
	}
	if err := s.store.SaveBatch(ctx, commit); err != nil {
		return Result{}, err
	}

	// Relay, after commit.
	var brand herald.Brand
	if len(commit.New) > 0 || len(commit.Again) > 0 {
		brand = s.brand(ctx, brandID)
	}
	channels := &channelCache{}
	fresh := make([]Mention, 0, len(commit.New))
	for i := range commit.New {
		nm := &commit.New[i]
		m := nm.Mention
		if nm.Merged {
			res.SeenAgain++
			if nm.Changed {
				s.notify(ctx, Event{Kind: EventSeenAgain, Brand: brand, Mention: &m, Routes: s.routesWith(ctx, wi, m.BrandID, m.WatchIDs, channels)})
			}
			continue
		}
		res.New++
		fresh = append(fresh, m)
		s.notify(ctx, Event{Kind: EventMention, Brand: brand, Mention: &m, Routes: s.routesWith(ctx, wi, m.BrandID, m.WatchIDs, channels)})
	}
	for i := range commit.Again {
		a := &commit.Again[i]
		if a.Changed {
			m := a.Mention
			s.notify(ctx, Event{Kind: EventSeenAgain, Brand: brand, Mention: &m, Routes: s.routesWith(ctx, wi, m.BrandID, m.WatchIDs, channels)})
		}
	}
	res.Mentions = fresh
	if len(fresh) > 0 {
		s.seedSurge(ctx, brandID, now)
		for _, sg := range s.surge.Observe(brandID, fresh, now) {
			s.notify(ctx, s.surgeEvent(ctx, sg, brand, channels))
		}
	}
	if n := sumDropped(res.Dropped); n > 0 || res.New > 0 {
		s.log.DebugContext(ctx, "batch ingested", "source_id", st.Spec.ID, "brand_id", brandID, "items", res.Items,
			"new", res.New, "seen_again", res.SeenAgain, "unmatched", res.Unmatched, "dropped", n)
	}
	return res, nil
}

func sumDropped(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func newMention(brandID int64, it *Item, c *candidate, label string, now time.Time) Mention {
	return Mention{
		BrandID: brandID, State: StateNew, WatchIDs: c.watchIDs,
		URL: it.URL, CanonicalURL: c.canonical, Title: it.Title, Text: it.Text,
		Author: it.Author, AuthorURL: it.AuthorURL, Lang: it.Lang, Published: it.Published,
		FoundAt: now, UpdatedAt: now, Sources: []string{label}, Terms: c.terms,
	}
}

func firstHolder(byKey map[string]*candidate, keys []string) *candidate {
	for _, k := range keys {
		if c, ok := byKey[k]; ok {
			return c
		}
	}
	return nil
}

func union(a, b []int64) []int64 {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	slices.Sort(a)
	return a
}

func unionStr(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

// normalise cleans an item in place: valid UTF-8 without control
// characters, trimmed, lengths bounded, links kept only when http(s), the
// language reduced to a lowercase tag. It reports false when nothing is
// left to read.
func normalise(it *Item, spec Spec) bool {
	it.Source, it.SourceID = spec.Kind, spec.ID
	it.ExternalID = externalID(oneLine(it.ExternalID))
	it.URL = WebURL(oneLine(it.URL))
	it.AuthorURL = WebURL(oneLine(it.AuthorURL))
	it.Title = clip(oneLine(it.Title), MaxTitle)
	it.Text = clip(cleanText(it.Text), MaxText)
	it.Author = clip(oneLine(it.Author), MaxAuthor)
	it.Lang = PrimaryLang(it.Lang)
	if !it.Published.IsZero() {
		it.Published = it.Published.UTC()
	}
	return it.Title != "" || it.Text != ""
}

// externalID keeps an item's id as its dedupe key: one longer than
// MaxExternalID is replaced by its SHA-256, never cut, so that two long
// ids sharing a prefix stay two items.
func externalID(id string) string {
	if len(id) <= MaxExternalID {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// cleanText makes s valid UTF-8, drops control characters but newlines and
// tabs, collapses runs of blank lines, and trims.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, func(r rune) bool {
		return (unicode.IsControl(r) && r != '\n' && r != '\t') || r == '\u2028' || r == '\u2029'
	}) >= 0 {
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\r':
				return -1
			case r == '\u2028' || r == '\u2029':
				return '\n'
			case unicode.IsControl(r) && r != '\n' && r != '\t':
				return -1
			}
			return r
		}, s)
	}
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(s)
}

// oneLine makes s valid UTF-8 on one line, spaces collapsed, trimmed.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) && r != ' ' }) < 0 && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// clip bounds s to n characters, ending with "…" when cut.
func clip(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// channelCache holds a brand's channels for one batch.
type channelCache struct {
	brand int64
	chans []herald.ChannelRef
	ok    bool
}

// routes returns where a mention of the brand matched by watchIDs goes.
func (s *Service) routes(ctx context.Context, brandID int64, watchIDs []int64, cc *channelCache) []herald.ChannelRef {
	wi, err := s.index(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "no watch index for routing", "brand_id", brandID, "error", err)
		wi = &watchIndex{}
	}
	if cc == nil {
		cc = &channelCache{}
	}
	return s.routesWith(ctx, wi, brandID, watchIDs, cc)
}

func (s *Service) routesWith(ctx context.Context, wi *watchIndex, brandID int64, watchIDs []int64, cc *channelCache) []herald.ChannelRef {
	var watchChans []herald.ChannelRef
	for _, id := range watchIDs {
		if w, ok := wi.watches[id]; ok {
			watchChans = append(watchChans, w.Channel)
		}
	}
	if !cc.ok || cc.brand != brandID {
		cc.brand, cc.chans, cc.ok = brandID, nil, true
		if s.opt.Channels != nil {
			chans, err := s.opt.Channels.BrandChannels(ctx, brandID)
			if err != nil {
				s.log.WarnContext(ctx, "brand channels unknown; routing to watch channels only", "brand_id", brandID, "error", err)
			}
			cc.chans = chans
		}
	}
	return Route(watchChans, cc.chans)
}

// Route decides where a mention goes: each matching watch's channel, plus
// the brand's channels on the platforms no watch channel covers, without
// duplicates, in that order.
func Route(watchChans, brandChans []herald.ChannelRef) []herald.ChannelRef {
	var out []herald.ChannelRef
	covered := map[string]bool{}
	for _, c := range watchChans {
		if c.Platform == "" || c.Channel == "" || slices.Contains(out, c) {
			continue
		}
		out = append(out, c)
		covered[c.Platform] = true
	}
	for _, c := range brandChans {
		if c.Platform == "" || c.Channel == "" || covered[c.Platform] || slices.Contains(out, c) {
			continue
		}
		out = append(out, c)
	}
	return out
}
