package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

var _ mentions.Store = (*Store)(nil)

// sep joins the lists stored in one column.
const sep = "\x1f"

func joinList(xs []string) string { return strings.Join(xs, sep) }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

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

// CreateWatch implements mentions.Store.
func (s *Store) CreateWatch(ctx context.Context, w *mentions.Watch, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO watches (brand_id, query, platform, workspace, channel, created_platform, created_id, created_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, w.BrandID, w.Query, w.Channel.Platform, w.Channel.Workspace, w.Channel.Channel,
			w.CreatedBy.Platform, w.CreatedBy.UserID, w.CreatedBy.Name, ms(w.CreatedAt))
		if err != nil {
			return err
		}
		if w.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		e.Detail = "#" + strconv.FormatInt(w.ID, 10) + " " + e.Detail
		return insertMentionAudit(ctx, tx, e)
	})
}

const watchCols = `id, brand_id, query, platform, workspace, channel, created_platform, created_id, created_name, created_at`

func scanWatch(row interface{ Scan(...any) error }) (mentions.Watch, error) {
	var w mentions.Watch
	var at int64
	err := row.Scan(&w.ID, &w.BrandID, &w.Query, &w.Channel.Platform, &w.Channel.Workspace, &w.Channel.Channel,
		&w.CreatedBy.Platform, &w.CreatedBy.UserID, &w.CreatedBy.Name, &at)
	w.CreatedAt = fromMS(at)
	return w, wrap(err)
}

// Watch implements mentions.Store.
func (s *Store) Watch(ctx context.Context, id int64) (mentions.Watch, error) {
	return scanWatch(s.r.QueryRowContext(ctx, `SELECT `+watchCols+` FROM watches WHERE id = ?`, id))
}

// Watches implements mentions.Store.
func (s *Store) Watches(ctx context.Context, brandID int64) ([]mentions.Watch, error) {
	q := `SELECT ` + watchCols + ` FROM watches WHERE brand_id = ? OR ? = 0 ORDER BY id`
	return queryAll(ctx, s.r, scanWatch, q, brandID, brandID)
}

// DeleteWatch implements mentions.Store.
func (s *Store) DeleteWatch(ctx context.Context, id int64, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM watches WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "watch"); err != nil {
			return err
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

// CreateSource implements mentions.Store.
func (s *Store) CreateSource(ctx context.Context, st *mentions.SourceStatus, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var token any
		if st.Token != "" {
			token = st.Token
		}
		sp := st.Spec
		res, err := tx.ExecContext(ctx, `INSERT INTO sources (brand_id, kind, url, tag, token, cursor, next_poll, created_platform, created_id, created_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, sp.BrandID, sp.Kind, sp.URL, sp.Tag, token, st.Cursor, ms(st.NextPoll),
			st.CreatedBy.Platform, st.CreatedBy.UserID, st.CreatedBy.Name, ms(st.CreatedAt))
		if err != nil {
			return err
		}
		if st.Spec.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		e.Detail = "#" + strconv.FormatInt(st.Spec.ID, 10) + " " + e.Detail
		return insertMentionAudit(ctx, tx, e)
	})
}

const sourceCols = `id, brand_id, kind, url, tag, COALESCE(token, ''), cursor, last_success, last_error, last_error_msg, items_seen, failures, next_poll,
	created_platform, created_id, created_name, created_at`

func scanSource(row interface{ Scan(...any) error }) (mentions.SourceStatus, error) {
	var st mentions.SourceStatus
	var ok, bad, next, created int64
	err := row.Scan(&st.Spec.ID, &st.Spec.BrandID, &st.Spec.Kind, &st.Spec.URL, &st.Spec.Tag, &st.Token, &st.Cursor,
		&ok, &bad, &st.LastErrorMsg, &st.ItemsSeen, &st.Failures, &next,
		&st.CreatedBy.Platform, &st.CreatedBy.UserID, &st.CreatedBy.Name, &created)
	st.LastSuccess, st.LastError, st.NextPoll, st.CreatedAt = fromMS(ok), fromMS(bad), fromMS(next), fromMS(created)
	return st, wrap(err)
}

// Source implements mentions.Store.
func (s *Store) Source(ctx context.Context, id int64) (mentions.SourceStatus, error) {
	return scanSource(s.r.QueryRowContext(ctx, `SELECT `+sourceCols+` FROM sources WHERE id = ?`, id))
}

// SourceByToken implements mentions.Store.
func (s *Store) SourceByToken(ctx context.Context, token string) (mentions.SourceStatus, error) {
	return scanSource(s.r.QueryRowContext(ctx, `SELECT `+sourceCols+` FROM sources WHERE token = ?`, token))
}

// Sources implements mentions.Store.
func (s *Store) Sources(ctx context.Context, brandID int64) ([]mentions.SourceStatus, error) {
	return queryAll(ctx, s.r, scanSource, `SELECT `+sourceCols+` FROM sources WHERE brand_id = ? OR ? = 0 ORDER BY id`, brandID, brandID)
}

// DueSources implements mentions.Store.
func (s *Store) DueSources(ctx context.Context, now time.Time, limit int) ([]mentions.SourceStatus, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s.r, scanSource, `SELECT `+sourceCols+` FROM sources WHERE kind <> 'webhook' AND next_poll <= ? ORDER BY next_poll, id LIMIT ?`, now.UnixMilli(), limit)
}

// DeleteSource implements mentions.Store.
func (s *Store) DeleteSource(ctx context.Context, id int64, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "source"); err != nil {
			return err
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

func setHealth(ctx context.Context, tx *sql.Tx, st mentions.SourceStatus) error {
	_, err := tx.ExecContext(ctx, `UPDATE sources SET last_success = ?, last_error = ?, last_error_msg = ?, failures = ?, next_poll = ? WHERE id = ?`,
		ms(st.LastSuccess), ms(st.LastError), st.LastErrorMsg, st.Failures, ms(st.NextPoll), st.Spec.ID)
	return err
}

// SetSourceHealth implements mentions.Store. A removed source is no error.
func (s *Store) SetSourceHealth(ctx context.Context, st mentions.SourceStatus) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := setHealth(ctx, tx, st); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sources SET items_seen = ? WHERE id = ?`, st.ItemsSeen, st.Spec.ID)
		return err
	})
}

// SetNextPoll implements mentions.Store.
func (s *Store) SetNextPoll(ctx context.Context, id int64, next time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sources SET next_poll = ? WHERE id = ?`, ms(next), id)
		return err
	})
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
	sources, terms, claimer_platform, claimer_id, claimer_name, draft_id, sentiment, urgency, updated_at`

func scanMention(row interface{ Scan(...any) error }) (mentions.Mention, error) {
	var m mentions.Mention
	var state, watchIDs, sources, terms string
	var published, found, updated int64
	err := row.Scan(&m.ID, &m.BrandID, &state, &m.Version, &watchIDs, &m.URL, &m.CanonicalURL, &m.Title, &m.Text, &m.Author, &m.AuthorURL,
		&m.Lang, &published, &found, &sources, &terms, &m.Claimer.Platform, &m.Claimer.UserID, &m.Claimer.Name, &m.DraftID,
		&m.Sentiment, &m.Urgency, &updated)
	m.State = mentions.State(state)
	m.WatchIDs, m.Sources, m.Terms = splitIDs(watchIDs), splitList(sources), splitList(terms)
	m.Published, m.FoundAt, m.UpdatedAt = fromMS(published), fromMS(found), fromMS(updated)
	return m, wrap(err)
}

// Mention implements mentions.Store.
func (s *Store) Mention(ctx context.Context, id int64) (mentions.Mention, error) {
	return scanMention(s.r.QueryRowContext(ctx, `SELECT `+mentionCols+` FROM mentions WHERE id = ?`, id))
}

// RecentMentions implements mentions.Store.
func (s *Store) RecentMentions(ctx context.Context, brandID int64, since time.Time, limit int) ([]mentions.Mention, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s.r, scanMention, `SELECT `+mentionCols+` FROM mentions WHERE brand_id = ? AND found_at >= ? ORDER BY found_at DESC, id DESC LIMIT ?`,
		brandID, since.UnixMilli(), limit)
}

// batchStmts are the statements SaveBatch runs many times, prepared once
// per transaction.
type batchStmts struct {
	findKey, insertKey, deleteKey, insertMention, deleteMention, loadLists, updateLists *sql.Stmt
}

func prepareBatch(ctx context.Context, tx *sql.Tx) (*batchStmts, error) {
	var b batchStmts
	var err error
	prep := func(dst **sql.Stmt, q string) {
		if err == nil {
			*dst, err = tx.PrepareContext(ctx, q)
		}
	}
	prep(&b.findKey, `SELECT mention_id FROM mention_keys WHERE brand_id = ? AND key = ?`)
	prep(&b.insertKey, `INSERT INTO mention_keys (brand_id, key, mention_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`)
	prep(&b.insertMention, `INSERT INTO mentions (brand_id, state, version, watch_ids, url, canonical_url, title, text, author, author_url, lang,
		published, found_at, sources, terms, claimer_platform, claimer_id, claimer_name, draft_id, sentiment, urgency, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	prep(&b.deleteKey, `DELETE FROM mention_keys WHERE brand_id = ? AND key = ?`)
	prep(&b.deleteMention, `DELETE FROM mentions WHERE id = ?`)
	prep(&b.loadLists, `SELECT watch_ids, sources, terms FROM mentions WHERE id = ?`)
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
	var ws, ss, ts string
	if err := b.loadLists.QueryRowContext(ctx, id).Scan(&ws, &ss, &ts); err != nil {
		return false, err
	}
	oldW, oldS, oldT := splitIDs(ws), splitList(ss), splitList(ts)
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
	if !changed && len(newT) == len(oldT) {
		return false, nil
	}
	_, err := b.updateLists.ExecContext(ctx, joinIDs(newW), joinList(newS), joinList(newT), ms(now), id)
	return changed, err
}

// SaveBatch implements mentions.Store.
func (s *Store) SaveBatch(ctx context.Context, c *mentions.Commit) error {
	var merged []int64 // ids to read back after commit
	err := s.tx(ctx, func(tx *sql.Tx) error {
		merged = merged[:0]
		b, err := prepareBatch(ctx, tx)
		if err != nil {
			return err
		}
		defer b.close()
		for i := range c.New {
			nm := &c.New[i]
			m := &nm.Mention
			nm.Merged, nm.Changed = false, false
			m.BrandID = c.BrandID
			if m.State == "" {
				m.State = mentions.StateNew
			}
			res, err := b.insertMention.ExecContext(ctx, c.BrandID, string(m.State), m.Version, joinIDs(m.WatchIDs), m.URL, m.CanonicalURL,
				m.Title, m.Text, m.Author, m.AuthorURL, m.Lang, ms(m.Published), ms(m.FoundAt), joinList(m.Sources), joinList(m.Terms),
				m.Claimer.Platform, m.Claimer.UserID, m.Claimer.Name, m.DraftID, m.Sentiment, m.Urgency, ms(m.UpdatedAt))
			if err != nil {
				return err
			}
			if m.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			// Its keys: one held already (another batch stored the same
			// item meanwhile) makes this mention a duplicate of the holder.
			holder, err := b.claimKeys(ctx, c.BrandID, m.ID, nm.Keys)
			if err != nil {
				return err
			}
			if holder == 0 {
				continue
			}
			if _, err := b.deleteMention.ExecContext(ctx, m.ID); err != nil {
				return err
			}
			var source string
			if len(m.Sources) > 0 {
				source = m.Sources[0]
			}
			changed, err := b.merge(ctx, c.BrandID, holder, nm.Keys, source, m.WatchIDs, m.Terms, m.FoundAt)
			if err != nil {
				return err
			}
			m.ID, nm.Merged, nm.Changed = holder, true, changed
			merged = append(merged, holder)
		}
		for i := range c.Again {
			a := &c.Again[i]
			changed, err := b.merge(ctx, c.BrandID, a.ID, a.Keys, a.Source, a.WatchIDs, a.Terms, time.Now())
			if err != nil {
				return err
			}
			a.Changed = changed
			merged = append(merged, a.ID)
		}
		if c.Source.Spec.ID != 0 {
			if err := setHealth(ctx, tx, c.Source); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE sources SET cursor = ?, items_seen = items_seen + ? WHERE id = ?`, c.Source.Cursor, c.Seen, c.Source.Spec.ID)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Read back the merged mentions (committed: readers see them).
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
		res, err := tx.ExecContext(ctx, `UPDATE mentions SET state = ?, version = version + 1, claimer_platform = ?, claimer_id = ?, claimer_name = ?,
			draft_id = ?, updated_at = ? WHERE id = ? AND version = ?`,
			string(m.State), m.Claimer.Platform, m.Claimer.UserID, m.Claimer.Name, m.DraftID, ms(m.UpdatedAt), m.ID, m.Version)
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

// Summary implements mentions.Store.
func (s *Store) Summary(ctx context.Context, brandID int64, since, until time.Time) (mentions.Summary, error) {
	sum := mentions.Summary{BrandID: brandID, Since: since, Until: until, ByState: map[mentions.State]int{}}
	lo, hi := since.UnixMilli(), until.UnixMilli()
	if until.After(time.UnixMilli(hi)) {
		hi++ // until is exclusive: a mention found in its millisecond but before it counts
	}
	rows, err := s.r.QueryContext(ctx, `SELECT state, sources, author FROM mentions WHERE brand_id = ? AND found_at >= ? AND found_at < ?`, brandID, lo, hi)
	if err != nil {
		return sum, wrap(err)
	}
	bySource, byAuthor := map[string]int{}, map[string]int{}
	names := map[string]string{} // folded author → first spelling seen
	for rows.Next() {
		var state, sources, author string
		if err := rows.Scan(&state, &sources, &author); err != nil {
			rows.Close()
			return sum, wrap(err)
		}
		sum.Total++
		sum.ByState[mentions.State(state)]++
		if mentions.State(state).Unhandled() {
			sum.Unhandled++
		}
		for _, src := range splitList(sources) {
			bySource[src]++
		}
		if author != "" {
			k := mentions.NormalizeAuthor(author)
			if _, ok := names[k]; !ok {
				names[k] = author
			}
			byAuthor[k]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sum, wrap(err)
	}
	sum.BySource = ranking(bySource, nil, 0)
	sum.TopAuthors = ranking(byAuthor, names, mentions.SummaryTop)
	sum.Newest, err = queryAll(ctx, s.r, scanMention, `SELECT `+mentionCols+` FROM mentions WHERE brand_id = ? AND found_at >= ? AND found_at < ?
		AND state IN ('new', 'claimed') ORDER BY found_at DESC, id DESC LIMIT ?`, brandID, lo, hi, mentions.SummaryTop)
	return sum, err
}

// ranking orders counts, most first then by key, at most top (0: all).
func ranking(counts map[string]int, names map[string]string, top int) []mentions.Count {
	out := make([]mentions.Count, 0, len(counts))
	for k, n := range counts {
		if name, ok := names[k]; ok {
			k = name
		}
		out = append(out, mentions.Count{Key: k, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	if top > 0 && len(out) > top {
		out = out[:top]
	}
	return out
}

// PutMute implements mentions.Store.
func (s *Store) PutMute(ctx context.Context, m mentions.Mute, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mutes (brand_id, kind, value, by_platform, by_id, by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			m.BrandID, string(m.Kind), m.Value, m.By.Platform, m.By.UserID, m.By.Name, ms(m.At)); err != nil {
			return err
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

// DeleteMute implements mentions.Store.
func (s *Store) DeleteMute(ctx context.Context, m mentions.Mute, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM mutes WHERE brand_id = ? AND kind = ? AND value = ?`, m.BrandID, string(m.Kind), m.Value)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "mute"); err != nil {
			return err
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

// Mutes implements mentions.Store.
func (s *Store) Mutes(ctx context.Context, brandID int64) ([]mentions.Mute, error) {
	return queryAll(ctx, s.r, func(row interface{ Scan(...any) error }) (mentions.Mute, error) {
		var m mentions.Mute
		var kind string
		var at int64
		err := row.Scan(&m.BrandID, &kind, &m.Value, &m.By.Platform, &m.By.UserID, &m.By.Name, &at)
		m.Kind, m.At = mentions.MuteKind(kind), fromMS(at)
		return m, wrap(err)
	}, `SELECT brand_id, kind, value, by_platform, by_id, by_name, at FROM mutes WHERE brand_id = ? ORDER BY kind, value`, brandID)
}

func scanSettings(row interface{ Scan(...any) error }) (mentions.Settings, error) {
	var st mentions.Settings
	var langs string
	err := row.Scan(&st.BrandID, &langs, &st.DigestAt, &st.Triage, &st.LastDigest)
	if langs != "" {
		st.Langs = strings.Split(langs, ",")
	}
	return st, wrap(err)
}

// Settings implements mentions.Store.
func (s *Store) Settings(ctx context.Context, brandID int64) (mentions.Settings, error) {
	st, err := scanSettings(s.r.QueryRowContext(ctx, `SELECT brand_id, langs, digest_at, triage, last_digest FROM listen_settings WHERE brand_id = ?`, brandID))
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return mentions.DefaultSettings(brandID), nil
	}
	return st, err
}

func putSettings(ctx context.Context, tx *sql.Tx, st mentions.Settings) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO listen_settings (brand_id, langs, digest_at, triage, last_digest) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (brand_id) DO UPDATE SET langs = excluded.langs, digest_at = excluded.digest_at, triage = excluded.triage, last_digest = excluded.last_digest`,
		st.BrandID, strings.Join(st.Langs, ","), st.DigestAt, st.Triage, st.LastDigest)
	return err
}

// PutSettings implements mentions.Store. LastDigest is kept as stored:
// only MarkDigest changes it.
func (s *Store) PutSettings(ctx context.Context, st mentions.Settings, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var last string
		err := tx.QueryRowContext(ctx, `SELECT last_digest FROM listen_settings WHERE brand_id = ?`, st.BrandID).Scan(&last)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		st.LastDigest = last
		if err := putSettings(ctx, tx, st); err != nil {
			return err
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

// DigestCandidates implements mentions.Store.
func (s *Store) DigestCandidates(ctx context.Context) ([]mentions.Settings, error) {
	return queryAll(ctx, s.r, scanSettings, `SELECT b.id, COALESCE(ls.langs, ''), COALESCE(ls.digest_at, '`+mentions.DefaultDigestAt+`'),
		COALESCE(ls.triage, 0), COALESCE(ls.last_digest, '')
		FROM brands b LEFT JOIN listen_settings ls ON ls.brand_id = b.id
		WHERE EXISTS (SELECT 1 FROM watches w WHERE w.brand_id = b.id) ORDER BY b.id`)
}

// MarkDigest implements mentions.Store.
func (s *Store) MarkDigest(ctx context.Context, brandID int64, prev, date string) (bool, error) {
	won := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st, err := scanSettings(tx.QueryRowContext(ctx, `SELECT brand_id, langs, digest_at, triage, last_digest FROM listen_settings WHERE brand_id = ?`, brandID))
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			st, err = mentions.DefaultSettings(brandID), nil
		}
		if err != nil {
			return err
		}
		if st.LastDigest != prev {
			return nil
		}
		st.LastDigest = date
		won = true
		return putSettings(ctx, tx, st)
	})
	return won && err == nil, err
}
