package sqlite

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

// nameKey folds a brand name for case-insensitive uniqueness.
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// brandAudit is a brand-level audit row as the audit table keeps it.
func brandAudit(e brands.AuditEntry) approvals.AuditEntry {
	return approvals.AuditEntry{BrandID: e.BrandID, Action: e.Action, Actor: e.Actor, Detail: e.Detail, At: e.At}
}

// CreateBrand implements brands.Store.
func (s *Store) CreateBrand(ctx context.Context, b *herald.Brand, admin brands.Member, e brands.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO brands (name, name_key, timezone, policy, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			b.Name, nameKey(b.Name), b.Timezone, b.Policy, b.Lang, ms(b.CreatedAt))
		if err != nil {
			return err
		}
		if b.ID, err = res.LastInsertId(); err != nil {
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

func scanBrand(row interface{ Scan(...any) error }) (herald.Brand, error) {
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
	return scanBrand(s.r.QueryRowContext(ctx, `SELECT `+brandCols+` FROM brands WHERE id = ?`, id))
}

// BrandByName implements brands.Store.
func (s *Store) BrandByName(ctx context.Context, name string) (herald.Brand, error) {
	return scanBrand(s.r.QueryRowContext(ctx, `SELECT `+brandCols+` FROM brands WHERE name_key = ?`, nameKey(name)))
}

// BrandNames implements brands.Store.
func (s *Store) BrandNames(ctx context.Context) ([]string, error) {
	return queryAll(ctx, s.r, func(row interface{ Scan(...any) error }) (string, error) {
		var n string
		return n, wrap(row.Scan(&n))
	}, `SELECT name FROM brands ORDER BY id`)
}

// UpdateBrand implements brands.Store.
func (s *Store) UpdateBrand(ctx context.Context, b herald.Brand, e brands.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE brands SET name = ?, name_key = ?, timezone = ?, policy = ?, remind_after_ms = ?, lang = ? WHERE id = ?`,
			b.Name, nameKey(b.Name), b.Timezone, b.Policy, remindMS(b.RemindAfter), b.Lang, b.ID)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "brand"); err != nil {
			return err
		}
		return insertAudit(ctx, tx, brandAudit(e))
	})
}

func putMember(ctx context.Context, tx *sql.Tx, m brands.Member) error {
	if m.Role == "" {
		_, err := tx.ExecContext(ctx, `DELETE FROM members WHERE brand_id = ? AND platform = ? AND user_id = ?`, m.BrandID, m.Actor.Platform, m.Actor.UserID)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO members (brand_id, platform, user_id, name, role, added_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (brand_id, platform, user_id) DO UPDATE SET role = excluded.role,
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE members.name END`,
		m.BrandID, m.Actor.Platform, m.Actor.UserID, m.Actor.Name, string(m.Role), ms(m.AddedAt))
	return err
}

// PutMember implements brands.Store. A change that would leave the
// brand without an admin is refused (ECONFLICT) in the same transaction, so
// two admins demoting each other at once cannot both succeed.
func (s *Store) PutMember(ctx context.Context, m brands.Member, e brands.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := putMember(ctx, tx, m); err != nil {
			return err
		}
		var admins int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE brand_id = ? AND role = 'admin'`, m.BrandID).Scan(&admins); err != nil {
			return err
		}
		if admins == 0 {
			return herald.Errorf(herald.ECONFLICT, "A brand keeps at least one admin; make someone else admin first.")
		}
		return insertAudit(ctx, tx, brandAudit(e))
	})
}

const memberCols = `brand_id, platform, user_id, name, role, added_at`

func scanMember(row interface{ Scan(...any) error }) (brands.Member, error) {
	var m brands.Member
	var role string
	var added int64
	err := row.Scan(&m.BrandID, &m.Actor.Platform, &m.Actor.UserID, &m.Actor.Name, &role, &added)
	m.Role, m.AddedAt = herald.Role(role), fromMS(added)
	return m, wrap(err)
}

// Member implements brands.Store.
func (s *Store) Member(ctx context.Context, brandID int64, a herald.Actor) (brands.Member, error) {
	return scanMember(s.r.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE brand_id = ? AND platform = ? AND user_id = ?`, brandID, a.Platform, a.UserID))
}

// Members implements brands.Store.
func (s *Store) Members(ctx context.Context, brandID int64) ([]brands.Member, error) {
	return queryAll(ctx, s.r, scanMember, `SELECT `+memberCols+` FROM members WHERE brand_id = ? ORDER BY added_at, user_id`, brandID)
}

// Memberships implements brands.Store.
func (s *Store) Memberships(ctx context.Context, a herald.Actor) ([]brands.Member, error) {
	return queryAll(ctx, s.r, scanMember, `SELECT `+memberCols+` FROM members WHERE platform = ? AND user_id = ? ORDER BY brand_id`, a.Platform, a.UserID)
}

// SetChannelBrand implements brands.Store.
func (s *Store) SetChannelBrand(ctx context.Context, ch herald.ChannelRef, brandID int64, e brands.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO channel_brands (platform, workspace, channel, brand_id) VALUES (?, ?, ?, ?)
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
	err := s.r.QueryRowContext(ctx, `SELECT brand_id FROM channel_brands WHERE platform = ? AND workspace = ? AND channel = ?`,
		ch.Platform, ch.Workspace, ch.Channel).Scan(&id)
	return id, wrap(err)
}

// BrandChannels implements brands.Store.
func (s *Store) BrandChannels(ctx context.Context, brandID int64) ([]herald.ChannelRef, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT platform, workspace, channel FROM channel_brands WHERE brand_id = ?
		ORDER BY platform, workspace, channel`, brandID)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []herald.ChannelRef
	for rows.Next() {
		var c herald.ChannelRef
		if err := rows.Scan(&c.Platform, &c.Workspace, &c.Channel); err != nil {
			return nil, wrap(err)
		}
		out = append(out, c)
	}
	return out, wrap(rows.Err())
}
