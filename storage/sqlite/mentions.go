package sqlite

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
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

func splitIDs(s string) []int64 {
	if s == "" {
		return nil
	}
	var out []int64
	for _, f := range strings.Split(s, ",") {
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
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.BrandID, mention, string(e.Action), e.Actor.Platform, e.Actor.UserID, e.Actor.Name, string(e.From), string(e.To), e.Detail, ms(e.At))
	return err
}

// MentionKeys implements mentions.Store.
func (s *Store) MentionKeys(ctx context.Context, brandID int64, keys []string) (map[string]int64, error) {
	out := map[string]int64{}
	const chunk = 400 // well under SQLite's bound on variables
	for len(keys) > 0 {
		n := min(len(keys), chunk)
		part := keys[:n]
		keys = keys[n:]
		args := make([]any, 0, n+1)
		args = append(args, brandID)
		for _, k := range part {
			args = append(args, k)
		}
		rows, err := s.r.QueryContext(ctx, `SELECT key, mention_id FROM mention_keys WHERE brand_id = ? AND key IN (?`+strings.Repeat(", ?", n-1)+`)`, args...)
		if err != nil {
			return nil, wrap(err)
		}
		for rows.Next() {
			var k string
			var id int64
			if err := rows.Scan(&k, &id); err != nil {
				rows.Close()
				return nil, wrap(err)
			}
			out[k] = id
		}
		if err := rows.Close(); err != nil {
			return nil, wrap(err)
		}
		if err := rows.Err(); err != nil {
			return nil, wrap(err)
		}
	}
	return out, nil
}

const mentionCols = `id, brand_id, state, version, watch_ids, url, canonical_url, title, text, author, author_url, lang, published, found_at,
	sources, terms, claimer_platform, claimer_id, claimer_name, draft_id, sentiment, urgency, updated_at,
	reply_ref, answered_platform, answered_id, answered_name, answered_at, answer_url`

func scanMention(row interface{ Scan(...any) error }) (mentions.Mention, error) {
	var m mentions.Mention
	var state, watchIDs, sources, terms string
	var published, found, updated, answered int64
	var reply string
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
	return scanMention(s.r.QueryRowContext(ctx, `SELECT `+mentionCols+` FROM mentions WHERE id = ?`, id))
}

// MentionByDraft implements mentions.Store.
func (s *Store) MentionByDraft(ctx context.Context, draftID int64) (mentions.Mention, error) {
	return scanMention(s.r.QueryRowContext(ctx, `SELECT `+mentionCols+` FROM mentions WHERE draft_id = ? AND draft_id != 0 ORDER BY id LIMIT 1`, draftID))
}

// RecentMentions implements mentions.Store.
func (s *Store) RecentMentions(ctx context.Context, brandID int64, since time.Time, limit int) ([]mentions.Mention, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s.r, scanMention, `SELECT `+mentionCols+` FROM mentions WHERE brand_id = ? AND found_at >= ? ORDER BY found_at DESC, id DESC LIMIT ?`,
		brandID, since.UnixMilli(), limit)
}

// MentionPage implements mentions.Store.
func (s *Store) MentionPage(ctx context.Context, brandID int64, since time.Time, after mentions.MentionCursor, limit int) ([]mentions.Mention, error) {
	if after.ID == 0 {
		return s.RecentMentions(ctx, brandID, since, limit)
	}
	at := ms(after.FoundAt)
	return queryAll(ctx, s.r, scanMention, `SELECT `+mentionCols+` FROM mentions WHERE brand_id = ? AND found_at >= ? AND found_at <= ?
		AND (found_at < ? OR id < ?) ORDER BY found_at DESC, id DESC LIMIT ?`, brandID, since.UnixMilli(), at, at, after.ID, limit)
}

// batchStmts are the statements SaveBatch runs many times, prepared once
// per transaction.
type batchStmts struct {
	findKey, insertKey, deleteKey, insertMention, deleteMention, loadLists, updateLists *sql.Stmt

	roll *sqlstore.Rollup // the batch's changes to the rollups
}

func prepareBatch(ctx context.Context, tx *sql.Tx) (*batchStmts, error) {
	b := batchStmts{roll: sqlstore.NewRollup()}
	var err error
	prep := func(dst **sql.Stmt, q string) {
		if err == nil {
			*dst, err = tx.PrepareContext(ctx, q)
		}
	}
	prep(&b.findKey, `SELECT mention_id FROM mention_keys WHERE brand_id = ? AND key = ?`)
	prep(&b.insertKey, `INSERT INTO mention_keys (brand_id, key, mention_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`)
	prep(&b.insertMention, `INSERT INTO mentions (brand_id, state, version, watch_ids, url, canonical_url, title, text, author, author_url, lang,
		published, found_at, sources, terms, claimer_platform, claimer_id, claimer_name, draft_id, sentiment, urgency, updated_at, reply_ref)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	prep(&b.deleteKey, `DELETE FROM mention_keys WHERE brand_id = ? AND key = ?`)
	prep(&b.deleteMention, `DELETE FROM mentions WHERE id = ?`)
	prep(&b.loadLists, `SELECT watch_ids, sources, terms, state, found_at FROM mentions WHERE id = ?`)
	prep(&b.updateLists, `UPDATE mentions SET watch_ids = ?, sources = ?, terms = ?, updated_at = ? WHERE id = ?`)
	return &b, err
}

func (b *batchStmts) close() {
	for _, st := range []*sql.Stmt{b.findKey, b.insertKey, b.deleteKey, b.insertMention, b.deleteMention, b.loadLists, b.updateLists} {
		if st != nil {
			st.Close()
		}
	}
}

// claimKeys gives keys to mention id. When one is held by another
// mention already, it takes back those it gave and returns the holder;
// else 0.
func (b *batchStmts) claimKeys(ctx context.Context, brandID, id int64, keys []string) (int64, error) {
	for i, k := range keys {
		res, err := b.insertKey.ExecContext(ctx, brandID, k, id)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		if n == 1 {
			continue
		}
		var holder int64
		if err := b.findKey.QueryRowContext(ctx, brandID, k).Scan(&holder); err != nil {
			return 0, err
		}
		for _, given := range keys[:i] {
			if _, err := b.deleteKey.ExecContext(ctx, brandID, given); err != nil {
				return 0, err
			}
		}
		return holder, nil
	}
	return 0, nil
}

// merge adds a source label, watch ids, terms and keys to a stored
// mention, and reports whether it gained a source or a watch.
func (b *batchStmts) merge(ctx context.Context, brandID, id int64, keys []string, source string, watchIDs []int64, terms []string, now time.Time) (bool, error) {
	var ws, ss, ts, state string
	var found int64
	if err := b.loadLists.QueryRowContext(ctx, id).Scan(&ws, &ss, &ts, &state, &found); err != nil {
		return false, err
	}
	oldW, oldS, oldT := splitIDs(ws), sqlstore.SplitList(ss), sqlstore.SplitList(ts)
	newW, newS, newT := slices.Clone(oldW), slices.Clone(oldS), slices.Clone(oldT)
	for _, w := range watchIDs {
		if !slices.Contains(newW, w) {
			newW = append(newW, w)
		}
	}
	slices.Sort(newW)
	if source != "" && !slices.Contains(newS, source) {
		newS = append(newS, source)
	}
	for _, t := range terms {
		if !slices.Contains(newT, t) {
			newT = append(newT, t)
		}
	}
	for _, k := range keys {
		if _, err := b.insertKey.ExecContext(ctx, brandID, k, id); err != nil {
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
	_, err := b.updateLists.ExecContext(ctx, joinIDs(newW), sqlstore.JoinList(newS), sqlstore.JoinList(newT), ms(now), id)
	return changed, err
}

// SaveBatch implements mentions.Store.
func (s *Store) SaveBatch(ctx context.Context, c *mentions.Commit) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		b, err := prepareBatch(ctx, tx)
		if err != nil {
			return err
		}
		defer b.close()
		for i := range c.New {
			if err := b.insertNew(ctx, c.BrandID, &c.New[i]); err != nil {
				return err
			}
		}
		for i := range c.Again {
			a := &c.Again[i]
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
		_, err = tx.ExecContext(ctx, `UPDATE sources SET cursor = ?, items_seen = items_seen + ? WHERE id = ?`, c.Source.Cursor, c.Seen, c.Source.Spec.ID)
		return err
	})
	if err != nil {
		return err
	}
	return s.readBack(ctx, c)
}

// insertNew inserts one new mention with its keys. When one of its keys is
// held already (another batch stored the same item meanwhile), the mention
// is merged into the holder instead: nm.Merged set, its ID the holder's.
func (b *batchStmts) insertNew(ctx context.Context, brandID int64, nm *mentions.NewMention) error {
	m := &nm.Mention
	nm.Merged, nm.Changed = false, false
	m.BrandID = brandID
	if m.State == "" {
		m.State = mentions.StateNew
	}
	res, err := b.insertMention.ExecContext(ctx, brandID, string(m.State), m.Version, joinIDs(m.WatchIDs), m.URL, m.CanonicalURL,
		m.Title, m.Text, m.Author, m.AuthorURL, m.Lang, ms(m.Published), ms(m.FoundAt), sqlstore.JoinList(m.Sources), sqlstore.JoinList(m.Terms),
		m.Claimer.Platform, m.Claimer.UserID, m.Claimer.Name, m.DraftID, m.Sentiment, m.Urgency, ms(m.UpdatedAt), m.Reply.Encode())
	if err != nil {
		return err
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	holder, err := b.claimKeys(ctx, brandID, m.ID, nm.Keys)
	if err != nil {
		return err
	}
	if holder == 0 {
		b.roll.Mention(brandID, ms(m.FoundAt), string(m.State), sqlstore.JoinList(m.Sources), m.Author, 1)
		return nil
	}
	if _, err := b.deleteMention.ExecContext(ctx, m.ID); err != nil {
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
	return nil
}

// readBack reads the merged mentions of a committed batch (readers see
// them) into it.
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

// ApplyMention implements mentions.Store.
func (s *Store) ApplyMention(ctx context.Context, m mentions.Mention, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var was, sources string
		var found, brandID int64
		err := tx.QueryRowContext(ctx, `SELECT state, sources, found_at, brand_id FROM mentions WHERE id = ? AND version = ?`, m.ID, m.Version).
			Scan(&was, &sources, &found, &brandID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE mentions SET state = ?, version = version + 1, claimer_platform = ?, claimer_id = ?, claimer_name = ?,
			draft_id = ?, updated_at = ?, answered_platform = ?, answered_id = ?, answered_name = ?, answered_at = ?, answer_url = ?
			WHERE id = ? AND version = ?`,
			string(m.State), m.Claimer.Platform, m.Claimer.UserID, m.Claimer.Name, m.DraftID, ms(m.UpdatedAt),
			m.Answer.By.Platform, m.Answer.By.UserID, m.Answer.By.Name, ms(m.Answer.At), m.Answer.URL, m.ID, m.Version)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM mentions WHERE id = ?`, m.ID).Scan(&one); err != nil {
				return err // ENOTFOUND
			}
			return herald.Errorf(herald.ECONFLICT, "Mention #%d changed meanwhile.", m.ID)
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
		res, err := tx.ExecContext(ctx, `UPDATE mentions SET sentiment = ?, urgency = ? WHERE id = ?`, sentiment, urgency, id)
		if err != nil {
			return err
		}
		return mustAffect(res, "mention")
	})
}

func scanMentionAudit(row interface{ Scan(...any) error }) (mentions.AuditEntry, error) {
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
	return queryAll(ctx, s.r, scanMentionAudit, `SELECT id, brand_id, mention_id, action, actor_platform, actor_id, actor_name, from_state, to_state, detail, at
		FROM mention_audit WHERE mention_id = ? ORDER BY id`, mentionID)
}
