package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/storage/sqlstore"
)

var _ approvals.Store = (*Store)(nil)

func insertAudit(ctx context.Context, tx *sql.Tx, e approvals.AuditEntry) error {
	var draft any
	if e.DraftID != 0 {
		draft = e.DraftID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (brand_id, draft_id, action, actor_platform, actor_id, actor_name, rev, from_state, to_state, detail, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.BrandID, draft, e.Action, e.Actor.Platform, e.Actor.UserID, e.Actor.Name, e.Rev, string(e.From), string(e.To), e.Detail, ms(e.At))
	return err
}

// CreateDraft implements approvals.Store.
func (s *Store) CreateDraft(ctx context.Context, d *approvals.Draft, e approvals.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO drafts (brand_id, state, version, rev, author_platform, author_id, author_name, targets, publish_at, policy, created_at, updated_at)
			VALUES (?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.BrandID, string(d.State), d.Author.Platform, d.Author.UserID, d.Author.Name,
			herald.FormatTargets(d.Targets), ms(d.PublishAt), d.Policy, ms(d.CreatedAt), ms(d.UpdatedAt))
		if err != nil {
			return err
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		d.Version, d.Rev = 1, 1
		rev := approvals.Revision{DraftID: d.ID, Rev: 1, Text: d.Text, Media: d.Media, Author: d.Author, CreatedAt: d.CreatedAt}
		if err := insertRevision(ctx, tx, rev, d.Targets); err != nil {
			return err
		}
		e.DraftID = d.ID
		return insertAudit(ctx, tx, e)
	})
}

// insertRevision stores a revision with its targets and media: a revision
// is the text, its media and where it goes, all immutable once written.
func insertRevision(ctx context.Context, tx *sql.Tx, r approvals.Revision, targets []herald.Target) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO revisions (draft_id, rev, text, targets, author_platform, author_id, author_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.DraftID, r.Rev, r.Text, herald.FormatTargets(targets), r.Author.Platform, r.Author.UserID, r.Author.Name, ms(r.CreatedAt))
	if err != nil {
		return err
	}
	return insertMedia(ctx, tx, r.DraftID, r.Rev, r.Media)
}

const draftCols = `d.id, d.brand_id, d.state, d.version, d.rev, r.text, d.author_platform, d.author_id, d.author_name, d.targets, d.publish_at, d.policy, d.created_at, d.updated_at`
const draftFrom = ` FROM drafts d JOIN revisions r ON r.draft_id = d.id AND r.rev = d.rev`

func scanDraft(row interface{ Scan(...any) error }) (approvals.Draft, error) {
	var d approvals.Draft
	var state, targets string
	var publishAt, created, updated int64
	err := row.Scan(&d.ID, &d.BrandID, &state, &d.Version, &d.Rev, &d.Text, &d.Author.Platform, &d.Author.UserID, &d.Author.Name,
		&targets, &publishAt, &d.Policy, &created, &updated)
	if err != nil {
		return d, wrap(err)
	}
	d.State = approvals.State(state)
	d.PublishAt, d.CreatedAt, d.UpdatedAt = fromMS(publishAt), fromMS(created), fromMS(updated)
	d.Targets, err = herald.ParseTargets(targets)
	return d, wrap(err)
}

// Draft implements approvals.Store.
func (s *Store) Draft(ctx context.Context, id int64) (approvals.Draft, error) {
	d, err := scanDraft(s.r.QueryRowContext(ctx, `SELECT `+draftCols+draftFrom+` WHERE d.id = ?`, id))
	if err != nil {
		return d, err
	}
	d.Media, err = revisionMedia(ctx, s.r, d.ID, d.Rev)
	return d, err
}

// Drafts implements approvals.Store.
func (s *Store) Drafts(ctx context.Context, f approvals.DraftFilter) ([]approvals.Draft, error) {
	where, args := draftWhere(f)
	q := `SELECT ` + draftCols + draftFrom + where
	if f.Soonest {
		q += " ORDER BY d.publish_at, d.id"
	} else {
		q += " ORDER BY d.id DESC"
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return queryDrafts(ctx, s.r, q, args...)
}

// queryDrafts runs q (selecting draftCols from draftFrom) and reads the
// media of every draft's current revision in one more query.
func queryDrafts(ctx context.Context, db querier, q string, args ...any) ([]approvals.Draft, error) {
	ds, err := queryAll(ctx, db, scanDraft, q, args...)
	if err != nil {
		return nil, err
	}
	return ds, fillDraftMedia(ctx, db, ds)
}

// CountDrafts implements approvals.Store.
func (s *Store) CountDrafts(ctx context.Context, f approvals.DraftFilter) (int, error) {
	where, args := draftWhere(f)
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM drafts d`+where, args...).Scan(&n)
	return n, wrap(err)
}

// draftWhere is the WHERE clause (with its leading space; "" for none) of
// what f selects, and its arguments.
func draftWhere(f approvals.DraftFilter) (string, []any) {
	var where []string
	var args []any
	if len(f.BrandIDs) > 0 {
		where = append(where, "d.brand_id IN ("+placeholders(len(f.BrandIDs))+")")
		for _, id := range f.BrandIDs {
			args = append(args, id)
		}
	}
	if len(f.States) > 0 {
		where = append(where, "d.state IN ("+placeholders(len(f.States))+")")
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.Author != nil {
		where = append(where, "d.author_platform = ? AND d.author_id = ?")
		args = append(args, f.Author.Platform, f.Author.UserID)
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Revisions implements approvals.Store.
func (s *Store) Revisions(ctx context.Context, draftID int64) ([]approvals.Revision, error) {
	revs, err := queryAll(ctx, s.r, scanRevision, `SELECT `+revisionCols+` FROM revisions WHERE draft_id = ? ORDER BY rev`, draftID)
	if err != nil {
		return nil, err
	}
	return revs, fillRevisionMedia(ctx, s.r, draftID, revs)
}

const revisionCols = `draft_id, rev, text, author_platform, author_id, author_name, created_at`

func scanRevision(row interface{ Scan(...any) error }) (approvals.Revision, error) {
	var r approvals.Revision
	var created int64
	err := row.Scan(&r.DraftID, &r.Rev, &r.Text, &r.Author.Platform, &r.Author.UserID, &r.Author.Name, &created)
	r.CreatedAt = fromMS(created)
	return r, wrap(err)
}

// Approvals implements approvals.Store.
func (s *Store) Approvals(ctx context.Context, draftID int64) ([]approvals.Approval, error) {
	return queryAll(ctx, s.r, func(row interface{ Scan(...any) error }) (approvals.Approval, error) {
		var a approvals.Approval
		var role string
		var created int64
		err := row.Scan(&a.DraftID, &a.Rev, &a.Stage, &a.Actor.Platform, &a.Actor.UserID, &a.Actor.Name, &role, &a.Comment, &created)
		a.Role, a.CreatedAt = herald.Role(role), fromMS(created)
		return a, wrap(err)
	}, `SELECT draft_id, rev, stage, platform, user_id, name, role, comment, created_at FROM approvals WHERE draft_id = ? ORDER BY created_at, rowid`, draftID)
}

// ApplyChange implements approvals.Store: a compare-and-set on the draft's
// version, with the revision, approval and audit rows in one transaction.
func (s *Store) ApplyChange(ctx context.Context, c approvals.Change) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return applyChange(ctx, tx, c) })
}

func applyChange(ctx context.Context, tx *sql.Tx, c approvals.Change) error {
	return applyChangeIf(ctx, tx, c, "")
}

// applyChangeIf is applyChange whose draft UPDATE also requires cond (an
// SQL condition on the drafts row; "" for none).
func applyChangeIf(ctx context.Context, tx *sql.Tx, c approvals.Change, cond string) error {
	d := c.Draft
	if cond != "" {
		cond = " AND " + cond
	}
	res, err := tx.ExecContext(ctx, `UPDATE drafts SET state = ?, version = version + 1, rev = ?, targets = ?, publish_at = ?, policy = ?, updated_at = ?
		WHERE id = ? AND version = ?`+cond,
		string(d.State), d.Rev, herald.FormatTargets(d.Targets), ms(d.PublishAt), d.Policy, ms(d.UpdatedAt), d.ID, d.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return herald.Errorf(herald.ECONFLICT, "Draft #%d changed meanwhile.", d.ID)
	}
	if c.Revision != nil {
		if err := insertRevision(ctx, tx, *c.Revision, d.Targets); err != nil {
			return err
		}
	}
	if a := c.Approval; a != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (draft_id, rev, stage, platform, user_id, name, role, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.DraftID, a.Rev, a.Stage, a.Actor.Platform, a.Actor.UserID, a.Actor.Name, string(a.Role), a.Comment, ms(a.CreatedAt)); err != nil {
			return err
		}
	}
	for _, e := range c.Audit {
		if err := insertAudit(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// Audit implements approvals.Store.
func (s *Store) Audit(ctx context.Context, draftID int64) ([]approvals.AuditEntry, error) {
	return queryAll(ctx, s.r, scanAudit, `SELECT `+auditCols+` FROM audit WHERE draft_id = ? ORDER BY id`, draftID)
}

const auditCols = `id, brand_id, draft_id, action, actor_platform, actor_id, actor_name, rev, from_state, to_state, detail, at`

func scanAudit(row interface{ Scan(...any) error }) (approvals.AuditEntry, error) {
	var e approvals.AuditEntry
	var draft sql.NullInt64
	var from, to string
	var at int64
	err := row.Scan(&e.ID, &e.BrandID, &draft, &e.Action, &e.Actor.Platform, &e.Actor.UserID, &e.Actor.Name, &e.Rev, &from, &to, &e.Detail, &at)
	e.DraftID, e.From, e.To, e.At = draft.Int64, approvals.State(from), approvals.State(to), fromMS(at)
	return e, wrap(err)
}

// queryAll is sqlstore.QueryAll with this store's error coding.
func queryAll[T any](ctx context.Context, db querier, scan func(sqlstore.Scanner) (T, error), q string, args ...any) ([]T, error) {
	return sqlstore.QueryAll(ctx, db, wrap, scan, q, args...)
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return herald.Errorf(herald.ENOTFOUND, "The %s does not exist.", what)
	}
	return nil
}
