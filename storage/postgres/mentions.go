package postgres

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/storage/sqlstore"
)

var _ mentions.Store = (*Store)(nil)

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func splitIDs(s string) []int64 {
	var out []int64
	for f := range strings.SplitSeq(s, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func insertMentionAudit(ctx context.Context, tx *sql.Tx, e mentions.AuditEntry) error {
	var mention any
	if e.MentionID != 0 {
		mention = e.MentionID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO mention_audit (brand_id, mention_id, action, actor_platform, actor_id, actor_name, from_state, to_state, detail, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.BrandID, mention, string(e.Action), e.Actor.Platform, e.Actor.UserID, e.Actor.Name, string(e.From), string(e.To), e.Detail, ms(e.At))
	return err
}

// MentionKeys implements mentions.Store: one query, the keys as an array.
func (s *Store) MentionKeys(ctx context.Context, brandID int64, keys []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT key, mention_id FROM mention_keys WHERE brand_id = $1 AND key = ANY($2)`, brandID, keys)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, wrap(err)
		}
		out[k] = id
	}
	return out, wrap(rows.Err())
}

const mentionCols = `id, brand_id, state, version, watch_ids, url, canonical_url, title, text, author, author_url, lang, published, found_at,
	sources, terms, claimer_platform, claimer_id, claimer_name, draft_id, sentiment, urgency, updated_at,
	reply_ref, answered_platform, answered_id, answered_name, answered_at, answer_url`

func scanMention(row scanner) (mentions.Mention, error) {
	var m mentions.Mention
	var state, watchIDs, sources, terms, reply string
	var published, found, updated, answered int64
	err := row.Scan(&m.ID, &m.BrandID, &state, &m.Version, &watchIDs, &m.URL, &m.CanonicalURL, &m.Title, &m.Text, &m.Author, &m.AuthorURL,
		&m.Lang, &published, &found, &sources, &terms, &m.Claimer.Platform, &m.Claimer.UserID, &m.Claimer.Name, &m.DraftID,
		&m.Sentiment, &m.Urgency, &updated, &reply, &m.Answer.By.Platform, &m.Answer.By.UserID, &m.Answer.By.Name, &answered, &m.Answer.URL)
	m.Reply, m.Answer.At = mentions.DecodeReplyRef(reply), fromMS(answered)
	m.State = mentions.State(state)
	m.WatchIDs, m.Sources, m.Terms = splitIDs(watchIDs), sqlstore.SplitList(sources), sqlstore.SplitList(terms)
	m.Published, m.FoundAt, m.UpdatedAt = fromMS(published), fromMS(found), fromMS(updated)
	return m, wrap(err)
}

// Mention implements mentions.Store.
func (s *Store) Mention(ctx context.Context, id int64) (mentions.Mention, error) {
	return scanMention(s.db.QueryRowContext(ctx, `SELECT `+mentionCols+` FROM mentions WHERE id = $1`, id))
}

// MentionByDraft implements mentions.Store.
func (s *Store) MentionByDraft(ctx context.Context, draftID int64) (mentions.Mention, error) {
	return scanMention(s.db.QueryRowContext(ctx, `SELECT `+mentionCols+` FROM mentions WHERE draft_id = $1 AND draft_id <> 0 ORDER BY id LIMIT 1`, draftID))
}

// RecentMentions implements mentions.Store.
func (s *Store) RecentMentions(ctx context.Context, brandID int64, since time.Time, limit int) ([]mentions.Mention, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s.db, scanMention, `SELECT `+mentionCols+` FROM mentions WHERE brand_id = $1 AND found_at >= $2 ORDER BY found_at DESC, id DESC LIMIT $3`,
		brandID, since.UnixMilli(), limit)
}

// MentionPage implements mentions.Store.
func (s *Store) MentionPage(ctx context.Context, brandID int64, since time.Time, after mentions.MentionCursor, limit int) ([]mentions.Mention, error) {
	if after.ID == 0 {
		return s.RecentMentions(ctx, brandID, since, limit)
	}
	at := ms(after.FoundAt)
	return queryAll(ctx, s.db, scanMention, `SELECT `+mentionCols+` FROM mentions WHERE brand_id = $1 AND found_at >= $2 AND found_at <= $3
		AND (found_at < $3 OR id < $4) ORDER BY found_at DESC, id DESC LIMIT $5`, brandID, since.UnixMilli(), at, after.ID, limit)
}

// batch is a SaveBatch transaction with its changes to the rollups.
type batch struct {
	tx   *sql.Tx
	roll *sqlstore.Rollup
}

// union adds to old what add has that it lacks, in order.
func union[T comparable](old, add []T) []T {
	out := slices.Clone(old)
	for _, x := range add {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// merge adds a source label, watch ids, terms and keys to a stored
// mention, and reports whether it gained a source or a watch.
func (b *batch) merge(ctx context.Context, brandID, id int64, keys []string, source string, watchIDs []int64, terms []string, now time.Time) (bool, error) {
	var ws, ss, ts, state string
	var found int64
	if err := b.tx.QueryRowContext(ctx, `SELECT watch_ids, sources, terms, state, found_at FROM mentions WHERE id = $1 FOR UPDATE`, id).Scan(&ws, &ss, &ts, &state, &found); err != nil {
		return false, err
	}
	oldW, oldS, oldT := splitIDs(ws), sqlstore.SplitList(ss), sqlstore.SplitList(ts)
	newW := union(oldW, watchIDs)
	slices.Sort(newW)
	newS := oldS
	if source != "" {
		newS = union(oldS, []string{source})
	}
	newT := union(oldT, terms)
	if len(keys) > 0 {
		if _, err := b.tx.ExecContext(ctx, `INSERT INTO mention_keys (brand_id, key, mention_id) SELECT $1, k, $2 FROM unnest($3::text[]) AS k ON CONFLICT DO NOTHING`, brandID, id, keys); err != nil {
			return false, err
		}
	}
	changed := len(newW) != len(oldW) || len(newS) != len(oldS)
	if len(newS) != len(oldS) {
		b.roll.Count(brandID, found, state, ss, -1)
		b.roll.Count(brandID, found, state, sqlstore.JoinList(newS), 1)
	}
	if !changed && len(newT) == len(oldT) {
		return false, nil
	}
	_, err := b.tx.ExecContext(ctx, `UPDATE mentions SET watch_ids = $1, sources = $2, terms = $3, updated_at = $4 WHERE id = $5`,
		joinIDs(newW), sqlstore.JoinList(newS), sqlstore.JoinList(newT), ms(now), id)
	return changed, err
}

// SaveBatch implements mentions.Store.
func (s *Store) SaveBatch(ctx context.Context, c *mentions.Commit) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		b := &batch{tx: tx, roll: sqlstore.NewRollup()}
		if err := b.insertNews(ctx, c.BrandID, c.New); err != nil {
			return err
		}
		for i := range c.Again {
			a := &c.Again[i]
			var err error
			if a.Changed, err = b.merge(ctx, c.BrandID, a.ID, a.Keys, a.Source, a.WatchIDs, a.Terms, c.At); err != nil {
				return err
			}
		}
		if err := flushRollup(ctx, tx, b.roll); err != nil {
			return err
		}
		if c.Source.Spec.ID == 0 {
			return nil
		}
		if err := setHealth(ctx, tx, c.Source); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sources SET cursor = $1, items_seen = items_seen + $2 WHERE id = $3`, c.Source.Cursor, c.Seen, c.Source.Spec.ID)
		return err
	})
	if err != nil {
		return err
	}
	return s.readBack(ctx, c)
}

// insertNews inserts a batch's new mentions with their keys in a few
// statements (ids drawn first, then one INSERT of all the mentions and
// one of all the keys). A mention one of whose keys is held already
// (another batch stored the same item meanwhile; an INSERT of a key
// another transaction holds waits for it) is merged into the holder
// instead: nm.Merged set, its ID the holder's.
func (b *batch) insertNews(ctx context.Context, brandID int64, news []mentions.NewMention) error {
	if len(news) == 0 {
		return nil
	}
	ids, err := queryAll(ctx, b.tx, func(row scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	}, `SELECT nextval(pg_get_serial_sequence('mentions', 'id')) FROM generate_series(1, $1)`, len(news))
	if err != nil {
		return err
	}
	cols := newMentionColumns(len(news))
	var keys []string
	var keyIDs []int64
	for i := range news {
		nm := &news[i]
		nm.Merged, nm.Changed = false, false
		nm.Mention.ID, nm.Mention.BrandID = ids[i], brandID
		if nm.Mention.State == "" {
			nm.Mention.State = mentions.StateNew
		}
		cols.add(nm.Mention)
		for _, k := range nm.Keys {
			keys, keyIDs = append(keys, k), append(keyIDs, ids[i])
		}
	}
	if _, err := b.tx.ExecContext(ctx, `INSERT INTO mentions (id, brand_id, state, version, watch_ids, url, canonical_url, title, text, author, author_url, lang,
		published, found_at, sources, terms, claimer_platform, claimer_id, claimer_name, draft_id, sentiment, urgency, updated_at, reply_ref)
		SELECT id, $1, state, version, watch_ids, url, canonical_url, title, text, author, author_url, lang, published, found_at, sources, terms,
			claimer_platform, claimer_id, claimer_name, draft_id, sentiment, urgency, updated_at, reply_ref
		FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
			$13::bigint[], $14::bigint[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::bigint[], $21::text[], $22::text[], $23::bigint[], $24::text[])
			AS m(id, state, version, watch_ids, url, canonical_url, title, text, author, author_url, lang, published, found_at, sources, terms,
				claimer_platform, claimer_id, claimer_name, draft_id, sentiment, urgency, updated_at, reply_ref)`,
		append([]any{brandID}, cols.args()...)...); err != nil {
		return err
	}
	inserted, err := queryAll(ctx, b.tx, func(row scanner) (string, error) {
		var k string
		return k, row.Scan(&k)
	}, `INSERT INTO mention_keys (brand_id, key, mention_id) SELECT $1, k, id FROM unnest($2::text[], $3::bigint[]) AS u(k, id)
		ON CONFLICT DO NOTHING RETURNING key`, brandID, keys, keyIDs)
	if err != nil {
		return err
	}
	return b.settleNews(ctx, brandID, news, inserted)
}

// settleNews counts the new mentions whose keys all went in, and merges
// the others into the mentions holding their keys.
func (b *batch) settleNews(ctx context.Context, brandID int64, news []mentions.NewMention, inserted []string) error {
	got := make(map[string]bool, len(inserted))
	for _, k := range inserted {
		got[k] = true
	}
	for i := range news {
		nm := &news[i]
		m := &nm.Mention
		lost := slices.IndexFunc(nm.Keys, func(k string) bool { return !got[k] })
		if lost < 0 {
			b.roll.Mention(brandID, ms(m.FoundAt), string(m.State), sqlstore.JoinList(m.Sources), m.Author, 1)
			continue
		}
		var holder int64
		if err := b.tx.QueryRowContext(ctx, `SELECT mention_id FROM mention_keys WHERE brand_id = $1 AND key = $2`, brandID, nm.Keys[lost]).Scan(&holder); err != nil {
			return err
		}
		if _, err := b.tx.ExecContext(ctx, `DELETE FROM mention_keys WHERE brand_id = $1 AND mention_id = $2`, brandID, m.ID); err != nil {
			return err
		}
		if _, err := b.tx.ExecContext(ctx, `DELETE FROM mentions WHERE id = $1`, m.ID); err != nil {
			return err
		}
		var source string
		if len(m.Sources) > 0 {
			source = m.Sources[0]
		}
		changed, err := b.merge(ctx, brandID, holder, nm.Keys, source, m.WatchIDs, m.Terms, m.FoundAt)
		if err != nil {
			return err
		}
		m.ID, nm.Merged, nm.Changed = holder, true, changed
	}
	return nil
}

// mentionColumns are new mentions column by column, the arrays of
// insertNews's unnest.
type mentionColumns struct {
	ids, versions, published, found, drafts, updated                      []int64
	states, watchIDs, urls, canonical, titles, texts, authors, authorURLs []string
	langs, sources, terms, claimerPlatforms, claimerIDs, claimerNames     []string
	sentiments, urgencies, replies                                        []string
}

func newMentionColumns(n int) *mentionColumns {
	return &mentionColumns{ids: make([]int64, 0, n)}
}

func (c *mentionColumns) add(m mentions.Mention) {
	c.ids, c.versions, c.published = append(c.ids, m.ID), append(c.versions, m.Version), append(c.published, ms(m.Published))
	c.found, c.drafts, c.updated = append(c.found, ms(m.FoundAt)), append(c.drafts, m.DraftID), append(c.updated, ms(m.UpdatedAt))
	c.states, c.watchIDs, c.urls = append(c.states, string(m.State)), append(c.watchIDs, joinIDs(m.WatchIDs)), append(c.urls, m.URL)
	c.canonical, c.titles, c.texts = append(c.canonical, m.CanonicalURL), append(c.titles, m.Title), append(c.texts, m.Text)
	c.authors, c.authorURLs, c.langs = append(c.authors, m.Author), append(c.authorURLs, m.AuthorURL), append(c.langs, m.Lang)
	c.sources, c.terms = append(c.sources, sqlstore.JoinList(m.Sources)), append(c.terms, sqlstore.JoinList(m.Terms))
	c.claimerPlatforms, c.claimerIDs = append(c.claimerPlatforms, m.Claimer.Platform), append(c.claimerIDs, m.Claimer.UserID)
	c.claimerNames, c.sentiments = append(c.claimerNames, m.Claimer.Name), append(c.sentiments, m.Sentiment)
	c.urgencies, c.replies = append(c.urgencies, m.Urgency), append(c.replies, m.Reply.Encode())
}

// args are the arrays in the order of insertNews's unnest.
func (c *mentionColumns) args() []any {
	return []any{c.ids, c.states, c.versions, c.watchIDs, c.urls, c.canonical, c.titles, c.texts, c.authors, c.authorURLs, c.langs,
		c.published, c.found, c.sources, c.terms, c.claimerPlatforms, c.claimerIDs, c.claimerNames, c.drafts, c.sentiments, c.urgencies, c.updated, c.replies}
}

// readBack reads the merged mentions of a committed batch into it.
func (s *Store) readBack(ctx context.Context, c *mentions.Commit) error {
	var err error
	for i := range c.New {
		if nm := &c.New[i]; nm.Merged {
			if nm.Mention, err = s.Mention(ctx, nm.Mention.ID); err != nil {
				return err
			}
		}
	}
	for i := range c.Again {
		if c.Again[i].Mention, err = s.Mention(ctx, c.Again[i].ID); err != nil {
			return err
		}
	}
	return nil
}

// ApplyMention implements mentions.Store: a compare-and-set on the
// mention's version (its row locked while read), the rollups and the
// audit row in one transaction.
func (s *Store) ApplyMention(ctx context.Context, m mentions.Mention, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var was, sources string
		var found, brandID, version int64
		err := tx.QueryRowContext(ctx, `SELECT state, sources, found_at, brand_id, version FROM mentions WHERE id = $1 FOR UPDATE`, m.ID).
			Scan(&was, &sources, &found, &brandID, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return herald.Errorf(herald.ENOTFOUND, "Mention #%d does not exist.", m.ID)
		}
		if err != nil {
			return err
		}
		if version != m.Version {
			return herald.Errorf(herald.ECONFLICT, "Mention #%d changed meanwhile.", m.ID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mentions SET state = $1, version = version + 1, claimer_platform = $2, claimer_id = $3, claimer_name = $4,
			draft_id = $5, updated_at = $6, answered_platform = $7, answered_id = $8, answered_name = $9, answered_at = $10, answer_url = $11
			WHERE id = $12`,
			string(m.State), m.Claimer.Platform, m.Claimer.UserID, m.Claimer.Name, m.DraftID, ms(m.UpdatedAt),
			m.Answer.By.Platform, m.Answer.By.UserID, m.Answer.By.Name, ms(m.Answer.At), m.Answer.URL, m.ID); err != nil {
			return err
		}
		if was != string(m.State) {
			r := sqlstore.NewRollup()
			r.Count(brandID, found, was, sources, -1)
			r.Count(brandID, found, string(m.State), sources, 1)
			if err := flushRollup(ctx, tx, r); err != nil {
				return err
			}
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

// SetTriage implements mentions.Store.
func (s *Store) SetTriage(ctx context.Context, id int64, sentiment, urgency string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mentions SET sentiment = $1, urgency = $2 WHERE id = $3`, sentiment, urgency, id)
		return mustAffect(res, err, "mention")
	})
}

func scanMentionAudit(row scanner) (mentions.AuditEntry, error) {
	var e mentions.AuditEntry
	var mention sql.NullInt64
	var action, from, to string
	var at int64
	err := row.Scan(&e.ID, &e.BrandID, &mention, &action, &e.Actor.Platform, &e.Actor.UserID, &e.Actor.Name, &from, &to, &e.Detail, &at)
	e.MentionID, e.Action, e.From, e.To, e.At = mention.Int64, mentions.Action(action), mentions.State(from), mentions.State(to), fromMS(at)
	return e, wrap(err)
}

// MentionAudit implements mentions.Store.
func (s *Store) MentionAudit(ctx context.Context, mentionID int64) ([]mentions.AuditEntry, error) {
	return queryAll(ctx, s.db, scanMentionAudit, `SELECT id, brand_id, mention_id, action, actor_platform, actor_id, actor_name, from_state, to_state, detail, at
		FROM mention_audit WHERE mention_id = $1 ORDER BY id`, mentionID)
}
