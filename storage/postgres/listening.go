package postgres

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
		err := tx.QueryRowContext(ctx, `INSERT INTO watches (brand_id, query, platform, workspace, channel, created_platform, created_id, created_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, w.BrandID, w.Query, w.Channel.Platform, w.Channel.Workspace, w.Channel.Channel,
			w.CreatedBy.Platform, w.CreatedBy.UserID, w.CreatedBy.Name, ms(w.CreatedAt)).Scan(&w.ID)
		if err != nil {
			return err
		}
		e.Detail = "#" + strconv.FormatInt(w.ID, 10) + " " + e.Detail
		return insertMentionAudit(ctx, tx, e)
	})
}

const watchCols = `id, brand_id, query, platform, workspace, channel, created_platform, created_id, created_name, created_at`

func scanWatch(row scanner) (mentions.Watch, error) {
	var w mentions.Watch
	var at int64
	err := row.Scan(&w.ID, &w.BrandID, &w.Query, &w.Channel.Platform, &w.Channel.Workspace, &w.Channel.Channel,
		&w.CreatedBy.Platform, &w.CreatedBy.UserID, &w.CreatedBy.Name, &at)
	w.CreatedAt = fromMS(at)
	return w, wrap(err)
}

// Watch implements mentions.Store.
func (s *Store) Watch(ctx context.Context, id int64) (mentions.Watch, error) {
	return scanWatch(s.db.QueryRowContext(ctx, `SELECT `+watchCols+` FROM watches WHERE id = $1`, id))
}

// Watches implements mentions.Store (every brand's when brandID is 0).
func (s *Store) Watches(ctx context.Context, brandID int64) ([]mentions.Watch, error) {
	return queryAll(ctx, s.db, scanWatch, `SELECT `+watchCols+` FROM watches WHERE brand_id = $1 OR $1 = 0 ORDER BY id`, brandID)
}

// deleteAudited deletes what q (with args) selects, ENOTFOUND ("The what
// does not exist.") when nothing, and writes e.
func (s *Store) deleteAudited(ctx context.Context, what string, e mentions.AuditEntry, q string, args ...any) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err := mustAffect(res, err, what); err != nil {
			return err
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

// DeleteWatch implements mentions.Store.
func (s *Store) DeleteWatch(ctx context.Context, id int64, e mentions.AuditEntry) error {
	return s.deleteAudited(ctx, "watch", e, `DELETE FROM watches WHERE id = $1`, id)
}

// CreateSource implements mentions.Store.
func (s *Store) CreateSource(ctx context.Context, st *mentions.SourceStatus, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var token any
		if st.Token != "" {
			token = st.Token
		}
		sp := st.Spec
		err := tx.QueryRowContext(ctx, `INSERT INTO sources (brand_id, kind, url, tag, token, cursor, next_poll, created_platform, created_id, created_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, sp.BrandID, sp.Kind, sp.URL, sp.Tag, token, st.Cursor, ms(st.NextPoll),
			st.CreatedBy.Platform, st.CreatedBy.UserID, st.CreatedBy.Name, ms(st.CreatedAt)).Scan(&st.Spec.ID)
		if err != nil {
			return err
		}
		e.Detail = "#" + strconv.FormatInt(st.Spec.ID, 10) + " " + e.Detail
		return insertMentionAudit(ctx, tx, e)
	})
}

const sourceCols = `id, brand_id, kind, url, tag, COALESCE(token, ''), cursor, last_success, last_error, last_error_msg, items_seen, failures, next_poll,
	created_platform, created_id, created_name, created_at`

func scanSource(row scanner) (mentions.SourceStatus, error) {
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
	return scanSource(s.db.QueryRowContext(ctx, `SELECT `+sourceCols+` FROM sources WHERE id = $1`, id))
}

// SourceByToken implements mentions.Store.
func (s *Store) SourceByToken(ctx context.Context, token string) (mentions.SourceStatus, error) {
	return scanSource(s.db.QueryRowContext(ctx, `SELECT `+sourceCols+` FROM sources WHERE token = $1`, token))
}

// Sources implements mentions.Store (every brand's when brandID is 0).
func (s *Store) Sources(ctx context.Context, brandID int64) ([]mentions.SourceStatus, error) {
	return queryAll(ctx, s.db, scanSource, `SELECT `+sourceCols+` FROM sources WHERE brand_id = $1 OR $1 = 0 ORDER BY id`, brandID)
}

// DueSources implements mentions.Store.
func (s *Store) DueSources(ctx context.Context, now time.Time, limit int) ([]mentions.SourceStatus, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s.db, scanSource, `SELECT `+sourceCols+` FROM sources WHERE kind <> 'webhook' AND next_poll <= $1 ORDER BY next_poll, id LIMIT $2`, now.UnixMilli(), limit)
}

// DeleteSource implements mentions.Store.
func (s *Store) DeleteSource(ctx context.Context, id int64, e mentions.AuditEntry) error {
	return s.deleteAudited(ctx, "source", e, `DELETE FROM sources WHERE id = $1`, id)
}

func setHealth(ctx context.Context, tx *sql.Tx, st mentions.SourceStatus) error {
	_, err := tx.ExecContext(ctx, `UPDATE sources SET last_success = $1, last_error = $2, last_error_msg = $3, failures = $4, next_poll = $5 WHERE id = $6`,
		ms(st.LastSuccess), ms(st.LastError), st.LastErrorMsg, st.Failures, ms(st.NextPoll), st.Spec.ID)
	return err
}

// SetSourceHealth implements mentions.Store. A removed source is no error.
func (s *Store) SetSourceHealth(ctx context.Context, st mentions.SourceStatus) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := setHealth(ctx, tx, st); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sources SET items_seen = $1 WHERE id = $2`, st.ItemsSeen, st.Spec.ID)
		return err
	})
}

// SetNextPoll implements mentions.Store.
func (s *Store) SetNextPoll(ctx context.Context, id int64, next time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sources SET next_poll = $1 WHERE id = $2`, ms(next), id)
	return wrap(err)
}

// PutMute implements mentions.Store.
func (s *Store) PutMute(ctx context.Context, m mentions.Mute, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mutes (brand_id, kind, value, by_platform, by_id, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			m.BrandID, string(m.Kind), m.Value, m.By.Platform, m.By.UserID, m.By.Name, ms(m.At)); err != nil {
			return err
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

// DeleteMute implements mentions.Store.
func (s *Store) DeleteMute(ctx context.Context, m mentions.Mute, e mentions.AuditEntry) error {
	return s.deleteAudited(ctx, "mute", e, `DELETE FROM mutes WHERE brand_id = $1 AND kind = $2 AND value = $3`, m.BrandID, string(m.Kind), m.Value)
}

// Mutes implements mentions.Store.
func (s *Store) Mutes(ctx context.Context, brandID int64) ([]mentions.Mute, error) {
	return queryAll(ctx, s.db, func(row scanner) (mentions.Mute, error) {
		var m mentions.Mute
		var kind string
		var at int64
		err := row.Scan(&m.BrandID, &kind, &m.Value, &m.By.Platform, &m.By.UserID, &m.By.Name, &at)
		m.Kind, m.At = mentions.MuteKind(kind), fromMS(at)
		return m, wrap(err)
	}, `SELECT brand_id, kind, value, by_platform, by_id, by_name, at FROM mutes WHERE brand_id = $1 ORDER BY kind, value`, brandID)
}

// settingsCols reads a brand's settings in a query of brands b LEFT JOIN
// listen_settings ls: the defaults for a brand without a row.
var settingsCols = `b.id, COALESCE(ls.langs, ''), COALESCE(ls.digest_at, '` + mentions.DefaultDigestAt + `'),
	COALESCE(ls.triage, 0) <> 0, COALESCE(ls.last_digest, ''), COALESCE(ls.keep_days, ` + strconv.Itoa(int(mentions.DefaultKeep/(24*time.Hour))) + `)`

const settingsFrom = ` FROM brands b LEFT JOIN listen_settings ls ON ls.brand_id = b.id`

func scanSettings(row scanner) (mentions.Settings, error) {
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
	st, err := scanSettings(s.db.QueryRowContext(ctx, `SELECT `+settingsCols+settingsFrom+` WHERE b.id = $1`, brandID))
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return mentions.DefaultSettings(brandID), nil
	}
	return st, err
}

func triage(on bool) int {
	if on {
		return 1
	}
	return 0
}

// PutSettings implements mentions.Store. LastDigest is kept as stored:
// only MarkDigest changes it (the upsert leaves it alone).
func (s *Store) PutSettings(ctx context.Context, st mentions.Settings, e mentions.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO listen_settings (brand_id, langs, digest_at, triage, keep_days) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (brand_id) DO UPDATE SET langs = excluded.langs, digest_at = excluded.digest_at, triage = excluded.triage, keep_days = excluded.keep_days`,
			st.BrandID, strings.Join(st.Langs, ","), st.DigestAt, triage(st.Triage), int64(max(st.Keep, 0)/(24*time.Hour)))
		if err != nil {
			return err
		}
		return insertMentionAudit(ctx, tx, e)
	})
}

// DigestCandidates implements mentions.Store.
func (s *Store) DigestCandidates(ctx context.Context) ([]mentions.Settings, error) {
	return queryAll(ctx, s.db, scanSettings, `SELECT `+settingsCols+settingsFrom+`
		WHERE EXISTS (SELECT 1 FROM watches w WHERE w.brand_id = b.id) ORDER BY b.id`)
}

// MarkDigest implements mentions.Store: a conditional write, so of two
// processes marking the same digest one wins.
func (s *Store) MarkDigest(ctx context.Context, brandID int64, prev, date string) (bool, error) {
	won := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		d := mentions.DefaultSettings(brandID)
		if _, err := tx.ExecContext(ctx, `INSERT INTO listen_settings (brand_id, langs, digest_at, triage, keep_days) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (brand_id) DO NOTHING`, brandID, strings.Join(d.Langs, ","), d.DigestAt, triage(d.Triage), int64(max(d.Keep, 0)/(24*time.Hour))); err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE listen_settings SET last_digest = $1 WHERE brand_id = $2 AND last_digest = $3`, date, brandID, prev))
		won = n == 1
		return err
	})
	return won && err == nil, err
}

// KeepSettings implements mentions.Store.
func (s *Store) KeepSettings(ctx context.Context) ([]mentions.Settings, error) {
	return queryAll(ctx, s.db, scanSettings, `SELECT `+settingsCols+settingsFrom+` ORDER BY b.id`)
}
