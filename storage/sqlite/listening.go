package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

// The listening's configuration: watches, sources, mutes and settings.
// (Mentions themselves are in mentions.go.)

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
	var keepDays int64
	err := row.Scan(&st.BrandID, &langs, &st.DigestAt, &st.Triage, &st.LastDigest, &keepDays)
	st.Keep = time.Duration(keepDays) * 24 * time.Hour
	if langs != "" {
		st.Langs = strings.Split(langs, ",")
	}
	return st, wrap(err)
}

// Settings implements mentions.Store.
func (s *Store) Settings(ctx context.Context, brandID int64) (mentions.Settings, error) {
	st, err := scanSettings(s.r.QueryRowContext(ctx, `SELECT brand_id, langs, digest_at, triage, last_digest, keep_days FROM listen_settings WHERE brand_id = ?`, brandID))
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return mentions.DefaultSettings(brandID), nil
	}
	return st, err
}

func putSettings(ctx context.Context, tx *sql.Tx, st mentions.Settings) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO listen_settings (brand_id, langs, digest_at, triage, last_digest, keep_days) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (brand_id) DO UPDATE SET langs = excluded.langs, digest_at = excluded.digest_at, triage = excluded.triage,
		last_digest = excluded.last_digest, keep_days = excluded.keep_days`,
		st.BrandID, strings.Join(st.Langs, ","), st.DigestAt, st.Triage, st.LastDigest, int64(max(st.Keep, 0)/(24*time.Hour)))
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
		COALESCE(ls.triage, 0), COALESCE(ls.last_digest, ''), `+settingsKeepDays+`
		FROM brands b LEFT JOIN listen_settings ls ON ls.brand_id = b.id
		WHERE EXISTS (SELECT 1 FROM watches w WHERE w.brand_id = b.id) ORDER BY b.id`)
}

// MarkDigest implements mentions.Store.
func (s *Store) MarkDigest(ctx context.Context, brandID int64, prev, date string) (bool, error) {
	won := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st, err := scanSettings(tx.QueryRowContext(ctx, `SELECT brand_id, langs, digest_at, triage, last_digest, keep_days FROM listen_settings WHERE brand_id = ?`, brandID))
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
