package postgres

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

var _ brands.Store = (*Store)(nil)

// nameKey folds a brand name for case-insensitive uniqueness (as SQLite's
// store does, so imported names keep their keys).
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// brandAudit is a brand-level audit row as the audit table keeps it.
func brandAudit(e brands.AuditEntry) approvals.AuditEntry {
	return approvals.AuditEntry{BrandID: e.BrandID, Action: e.Action, Actor: e.Actor, Detail: e.Detail, At: e.At}
}

// CreateBrand implements brands.Store.
func (s *Store) CreateBrand(ctx context.Context, b *herald.Brand, admin brands.Member, e brands.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO brands (name, name_key, timezone, policy, lang, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			b.Name, nameKey(b.Name), b.Timezone, b.Policy, b.Lang, ms(b.CreatedAt)).Scan(&b.ID)
		if err != nil {
			return err
		}
		admin.BrandID, e.BrandID = b.ID, b.ID
		if err := putMember(ctx, tx, admin); err != nil {
			return err
		}
		return insertAudit(ctx, tx, brandAudit(e))
	})
}

const brandCols = `id, name, timezone, policy, remind_after_ms, lang, created_at`

func scanBrand(row scanner) (herald.Brand, error) {
	var b herald.Brand
	var created, remind int64
	err := row.Scan(&b.ID, &b.Name, &b.Timezone, &b.Policy, &remind, &b.Lang, &created)
	b.CreatedAt = fromMS(created)
	b.RemindAfter = time.Duration(remind) * time.Millisecond
	return b, wrap(err)
}

// remindMS stores a reminder delay in milliseconds; any negative delay
// (never) stays negative.
func remindMS(d time.Duration) int64 {
	if d < 0 {
		return min(d.Milliseconds(), -1)
	}
	return d.Milliseconds()
}

// Brand implements brands.Store.
func (s *Store) Brand(ctx context.Context, id int64) (herald.Brand, error) {
	return scanBrand(s.db.QueryRowContext(ctx, `SELECT `+brandCols+` FROM brands WHERE id = $1`, id))
}

// BrandByName implements brands.Store.
func (s *Store) BrandByName(ctx context.Context, name string) (herald.Brand, error) {
	return scanBrand(s.db.QueryRowContext(ctx, `SELECT `+brandCols+` FROM brands WHERE name_key = $1`, nameKey(name)))
}

// BrandNames implements brands.Store.
func (s *Store) BrandNames(ctx context.Context) ([]string, error) {
	return queryAll(ctx, s.db, func(row scanner) (string, error) {
		var n string
		return n, wrap(row.Scan(&n))
	}, `SELECT name FROM brands ORDER BY id`)
}

// UpdateBrand implements brands.Store.
func (s *Store) UpdateBrand(ctx context.Context, b herald.Brand, e brands.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE brands SET name = $1, name_key = $2, timezone = $3, policy = $4, remind_after_ms = $5, lang = $6 WHERE id = $7`,
			b.Name, nameKey(b.Name), b.Timezone, b.Policy, remindMS(b.RemindAfter), b.Lang, b.ID)
		if err := mustAffect(res, err, "brand"); err != nil {
			return err
		}
		return insertAudit(ctx, tx, brandAudit(e))
	})
}

func putMember(ctx context.Context, tx *sql.Tx, m brands.Member) error {
	if m.Role == "" {
		_, err := tx.ExecContext(ctx, `DELETE FROM members WHERE brand_id = $1 AND platform = $2 AND user_id = $3`, m.BrandID, m.Actor.Platform, m.Actor.UserID)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO members (brand_id, platform, user_id, name, role, added_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (brand_id, platform, user_id) DO UPDATE SET role = excluded.role,
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE members.name END`,
		m.BrandID, m.Actor.Platform, m.Actor.UserID, m.Actor.Name, string(m.Role), ms(m.AddedAt))
	return err
}

// PutMember implements brands.Store. A change that would leave the brand
// without an admin is refused (ECONFLICT) in the same transaction; the
// brand's row is locked first, so two admins demoting each other at once
// take turns and the second sees the first's change.
func (s *Store) PutMember(ctx context.Context, m brands.Member, e brands.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM brands WHERE id = $1 FOR NO KEY UPDATE`, m.BrandID); err != nil {
			return err
		}
		if err := putMember(ctx, tx, m); err != nil {
			return err
		}
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE brand_id = $1 AND role = 'admin'`, m.BrandID).Scan(&admins); err != nil {
			return err
		}
		if admins == 0 {
			return herald.Errorf(herald.ECONFLICT, "A brand keeps at least one admin; make someone else admin first.")
		}
		return insertAudit(ctx, tx, brandAudit(e))
	})
}

const memberCols = `brand_id, platform, user_id, name, role, added_at`

func scanMember(row scanner) (brands.Member, error) {
	var m brands.Member
	var role string
	var added int64
	err := row.Scan(&m.BrandID, &m.Actor.Platform, &m.Actor.UserID, &m.Actor.Name, &role, &added)
	m.Role, m.AddedAt = herald.Role(role), fromMS(added)
	return m, wrap(err)
}

// Member implements brands.Store.
func (s *Store) Member(ctx context.Context, brandID int64, a herald.Actor) (brands.Member, error) {
	return scanMember(s.db.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE brand_id = $1 AND platform = $2 AND user_id = $3`, brandID, a.Platform, a.UserID))
}

// Members implements brands.Store.
func (s *Store) Members(ctx context.Context, brandID int64) ([]brands.Member, error) {
	return queryAll(ctx, s.db, scanMember, `SELECT `+memberCols+` FROM members WHERE brand_id = $1 ORDER BY added_at, user_id`, brandID)
}

// Memberships implements brands.Store.
func (s *Store) Memberships(ctx context.Context, a herald.Actor) ([]brands.Member, error) {
	return queryAll(ctx, s.db, scanMember, `SELECT `+memberCols+` FROM members WHERE platform = $1 AND user_id = $2 ORDER BY brand_id`, a.Platform, a.UserID)
}

// SetChannelBrand implements brands.Store.
func (s *Store) SetChannelBrand(ctx context.Context, ch herald.ChannelRef, brandID int64, e brands.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO channel_brands (platform, workspace, channel, brand_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (platform, workspace, channel) DO UPDATE SET brand_id = excluded.brand_id`,
			ch.Platform, ch.Workspace, ch.Channel, brandID)
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, brandAudit(e))
	})
}

// ChannelBrand implements brands.Store.
func (s *Store) ChannelBrand(ctx context.Context, ch herald.ChannelRef) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT brand_id FROM channel_brands WHERE platform = $1 AND workspace = $2 AND channel = $3`,
		ch.Platform, ch.Workspace, ch.Channel).Scan(&id)
	return id, wrap(err)
}

// BrandChannels implements brands.Store.
func (s *Store) BrandChannels(ctx context.Context, brandID int64) ([]herald.ChannelRef, error) {
	return queryAll(ctx, s.db, func(row scanner) (herald.ChannelRef, error) {
		var c herald.ChannelRef
		return c, wrap(row.Scan(&c.Platform, &c.Workspace, &c.Channel))
	}, `SELECT platform, workspace, channel FROM channel_brands WHERE brand_id = $1 ORDER BY platform, workspace, channel`, brandID)
}
