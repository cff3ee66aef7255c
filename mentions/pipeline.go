package mentions

import (
	"context"
	"slices"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions/query"
)

// Result is what one batch became.
type Result struct {
	Items     int            // items in the batch
	New       int            // new mentions stored
	SeenAgain int            // items that were known mentions (seen on one more source, or again)
	Unmatched int            // items no watch of the brand matched
	Dropped   map[string]int // items dropped, by reason: "empty", "muted", "lang", "flood", "copies"
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
// (for highlighting: query.Highlight marks those the text holds). The terms of
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
// normalise → match (the source's brand's watches) → dedupe → filter
// (mutes, languages, spam) → route → store (mentions with the source's
// cursor and health, in one transaction) → relay (after commit; then the
// triage of new mentions, when the brand wants it). ENOTFOUND for an
// unknown source.
func (s *Service) Ingest(ctx context.Context, sourceID int64, b Batch) (Result, error) {
	st, err := s.store.Source(ctx, sourceID)
	if err != nil {
		return Result{}, notFound(err, "source", sourceID)
	}
	return s.ingest(ctx, st, b, time.Time{})
}

// IngestWebhook runs the items pushed to /hooks/mentions/{token} through
// the pipeline and returns how many became new mentions. ENOTFOUND for an
// unknown token; EINVALID for more than maxWebhookItems items.
func (s *Service) IngestWebhook(ctx context.Context, token string, items []Item) (int, error) {
	if token == "" || len(token) > 200 {
		return 0, herald.Errorf(herald.ENOTFOUND, "There is no such webhook.").Because(ReasonNoWebhook, nil)
	}
	st, err := s.store.SourceByToken(ctx, tokenHash(token))
	if err != nil {
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return 0, herald.Errorf(herald.ENOTFOUND, "There is no such webhook.").Because(ReasonNoWebhook, nil)
		}
		return 0, err
	}
	if len(items) > maxWebhookItems {
		return 0, herald.Errorf(herald.EINVALID, "Send at most %d items at once.", maxWebhookItems).
			Because(ReasonTooManyItems, herald.Facts{"max": maxWebhookItems})
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

// batchRun is one batch of one source on its way through the pipeline.
type batchRun struct {
	svc     *Service
	st      SourceStatus
	brandID int64
	label   string // the source's label, as mentions list it
	now     time.Time
	wi      *watchIndex
	res     Result
	commit  *Commit
	// routes returns where a mention of the batch's brand matched by
	// watchIDs goes (the route stage sets it).
	routes   func(ctx context.Context, watchIDs []int64) []herald.ChannelRef
	channels *channelCache // the brand's channels, looked up once
	settings Settings      // the brand's, loaded by filter when a mention is new
}

// ingest is Ingest for a loaded source; next, when not zero, is stored as
// the source's next poll time with the batch. It reads as the pipeline.
func (s *Service) ingest(ctx context.Context, st SourceStatus, b Batch, next time.Time) (Result, error) {
	wi, err := s.index(ctx)
	if err != nil {
		return Result{}, err
	}
	now := s.now()
	r := &batchRun{svc: s, st: st, brandID: st.Spec.BrandID, label: st.Spec.Label(), now: now, wi: wi,
		res:    Result{Items: len(b.Items), Dropped: map[string]int{}},
		commit: &Commit{BrandID: st.Spec.BrandID, Source: st, At: now}}
	items := r.normalise(b.Items)
	matched := r.match(items)
	cands, err := r.dedupe(ctx, matched)
	if err != nil {
		return Result{}, err
	}
	if err := r.filter(ctx, cands); err != nil {
		return Result{}, err
	}
	r.route()
	if err := r.store(ctx, b, next); err != nil {
		return Result{}, err
	}
	r.relay(ctx)
	return r.res, nil
}

// normalise cleans the batch's items (see normalise); those left with
// nothing to read are dropped (dropEmpty).
func (r *batchRun) normalise(items []Item) []Item {
	out := make([]Item, 0, len(items))
	for i := range items {
		it := items[i]
		if !normalise(&it, r.st.Spec) {
			r.res.Dropped[dropEmpty]++
			continue
		}
		out = append(out, it)
	}
	return out
}

// match keeps the items the brand's watches match, as candidates with
// their watches and terms; the others are counted Unmatched.
func (r *batchRun) match(items []Item) []*candidate {
	out := make([]*candidate, 0, len(items))
	for i := range items {
		ids, terms := r.wi.match(&items[i], r.brandID)
		if len(ids) == 0 {
			r.res.Unmatched++
			continue
		}
		out = append(out, &candidate{it: items[i], watchIDs: ids, terms: terms})
	}
	return out
}

// dedupe merges the candidates that share a dedupe key within the batch
// (the first keeps the others' watches and terms), then puts those a
// stored mention holds a key of in the commit as seen again. It returns
// the candidates still new.
func (r *batchRun) dedupe(ctx context.Context, matched []*candidate) ([]*candidate, error) {
	s := r.svc
	cands := make([]*candidate, 0, len(matched))
	byKey := make(map[string]*candidate, 2*len(matched))
	allKeys := make([]string, 0, 2*len(matched))
	for _, m := range matched {
		m.canonical = CanonicalURL(m.it.URL)
		m.keys = keysFor(&m.it, m.canonical)
		if c := firstHolder(byKey, m.keys); c != nil {
			c.watchIDs = union(c.watchIDs, m.watchIDs)
			c.terms = unionStr(c.terms, m.terms)
			r.res.SeenAgain++
			continue
		}
		for _, k := range m.keys {
			byKey[k] = m
		}
		allKeys = append(allKeys, m.keys...)
		cands = append(cands, m)
	}
	if len(cands) == 0 {
		return nil, nil
	}
	known, err := s.store.MentionKeys(ctx, r.brandID, allKeys)
	if err != nil {
		return nil, err
	}
	fresh := cands[:0]
	for _, c := range cands {
		for _, k := range c.keys {
			if id, ok := known[k]; ok {
				c.holder = id
				break
			}
		}
		if c.holder == 0 {
			fresh = append(fresh, c)
			continue
		}
		r.commit.Again = append(r.commit.Again, SeenAgain{ID: c.holder, Keys: c.keys, Source: r.label, WatchIDs: c.watchIDs, Terms: c.terms})
		r.res.SeenAgain++
	}
	return fresh, nil
}

// filter drops the new candidates the brand's mutes and languages, then
// the spam checks, refuse (counted in Dropped by reason), and puts the
// others in the commit as new mentions.
func (r *batchRun) filter(ctx context.Context, cands []*candidate) error {
	s := r.svc
	r.commit.New = make([]NewMention, 0, len(cands))
	if len(cands) == 0 {
		return nil
	}
	mutes, err := s.store.Mutes(ctx, r.brandID)
	if err != nil {
		return err
	}
	if r.settings, err = s.store.Settings(ctx, r.brandID); err != nil {
		return err
	}
	for _, c := range cands {
		if why := staticDrop(&c.it, mutes, r.settings.Langs); why != "" {
			r.res.Dropped[why]++
			continue
		}
		if why := s.spam.Check(r.brandID, &c.it, r.now); why != "" {
			r.res.Dropped[why]++
			continue
		}
		r.commit.New = append(r.commit.New, NewMention{Mention: newMention(r.brandID, &c.it, c, r.label, r.now), Keys: c.keys})
	}
	return nil
}

// route sets where the batch's mentions go: each matching watch's
// channel, plus the brand's channels (see Route). The routes are taken
// at relay from each mention as stored (a mention merged into a known one
// goes where the known one's watches go); the brand's channels are looked
// up once per batch, and only when a mention is relayed.
func (r *batchRun) route() {
	s := r.svc
	r.channels = &channelCache{}
	r.routes = func(ctx context.Context, watchIDs []int64) []herald.ChannelRef {
		return s.routesWith(ctx, r.wi, r.brandID, watchIDs, r.channels)
	}
}

// store writes the batch's mentions with the source's cursor and health
// (and next poll time, when not zero), in one transaction.
func (r *batchRun) store(ctx context.Context, b Batch, next time.Time) error {
	s := r.svc
	src := &r.commit.Source
	if b.Cursor != "" {
		src.Cursor = b.Cursor
	}
	src.LastSuccess, src.Failures = r.now, 0
	r.commit.Seen = int64(len(b.Items))
	if !next.IsZero() {
		src.NextPoll = next
	}
	return s.store.SaveBatch(ctx, r.commit)
}

// relay tells the chat, after commit: a new mention (then starts its
// triage, when the brand wants it), a known one seen on one more source,
// a surge.
func (r *batchRun) relay(ctx context.Context) {
	s := r.svc
	commit := r.commit
	var brand herald.Brand
	if len(commit.New) > 0 || len(commit.Again) > 0 {
		brand = s.brand(ctx, r.brandID)
	}
	event := func(kind string, m Mention) Event {
		return Event{Kind: kind, Brand: brand, Mention: &m, Routes: r.routes(ctx, m.WatchIDs)}
	}
	fresh := make([]Mention, 0, len(commit.New))
	for i := range commit.New {
		nm := &commit.New[i]
		if nm.Merged {
			r.res.SeenAgain++
			if nm.Changed {
				s.notify(ctx, event(EventSeenAgain, nm.Mention))
			}
			continue
		}
		r.res.New++
		fresh = append(fresh, nm.Mention)
		s.notify(ctx, event(EventMention, nm.Mention))
		if r.triageOn() {
			s.triage(ctx, brand, nm.Mention)
		}
	}
	for i := range commit.Again {
		if a := &commit.Again[i]; a.Changed {
			s.notify(ctx, event(EventSeenAgain, a.Mention))
		}
	}
	r.res.Mentions = fresh
	if len(fresh) > 0 {
		s.seedSurge(ctx, r.brandID, r.now)
		for _, sg := range s.surge.Observe(r.brandID, fresh, r.now) {
			s.notify(ctx, s.surgeEvent(ctx, sg, brand, r.channels))
		}
	}
	if n := sumDropped(r.res.Dropped); n > 0 || r.res.New > 0 {
		s.log.DebugContext(ctx, "batch ingested", "source_id", r.st.Spec.ID, "brand_id", r.brandID, "items", r.res.Items,
			"new", r.res.New, "seen_again", r.res.SeenAgain, "unmatched", r.res.Unmatched, "dropped", n)
	}
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
		FoundAt: now, UpdatedAt: now, Sources: []string{label}, Terms: c.terms, Reply: it.Reply,
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
