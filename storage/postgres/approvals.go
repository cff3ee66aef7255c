package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

var _ approvals.Store = (*Store)(nil)

func insertAudit(ctx context.Context, tx *sql.Tx, e approvals.AuditEntry) error {
	var draft any
	if e.DraftID != 0 {
		draft = e.DraftID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (brand_id, draft_id, action, actor_platform, actor_id, actor_name, rev, from_state, to_state, detail, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.BrandID, draft, e.Action, e.Actor.Platform, e.Actor.UserID, e.Actor.Name, e.Rev, string(e.From), string(e.To), e.Detail, ms(e.At))
	return err
}

// CreateDraft implements approvals.Store.
func (s *Store) CreateDraft(ctx context.Context, d *approvals.Draft, e approvals.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO drafts (brand_id, state, version, rev, author_platform, author_id, author_name, targets, publish_at, policy, created_at, updated_at)
			VALUES ($1, $2, 1, 1, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			d.BrandID, string(d.State), d.Author.Platform, d.Author.UserID, d.Author.Name,
			herald.FormatTargets(d.Targets), ms(d.PublishAt), d.Policy, ms(d.CreatedAt), ms(d.UpdatedAt)).Scan(&d.ID)
		if err != nil {
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
	_, err := tx.ExecContext(ctx, `INSERT INTO revisions (draft_id, rev, text, targets, author_platform, author_id, author_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.DraftID, r.Rev, r.Text, herald.FormatTargets(targets), r.Author.Platform, r.Author.UserID, r.Author.Name, ms(r.CreatedAt))
	if err != nil {
		return err
	}
	return insertMedia(ctx, tx, r.DraftID, r.Rev, r.Media)
}

const draftCols = `d.id, d.brand_id, d.state, d.version, d.rev, r.text, d.author_platform, d.author_id, d.author_name, d.targets, d.publish_at, d.policy, d.created_at, d.updated_at`
const draftFrom = ` FROM drafts d JOIN revisions r ON r.draft_id = d.id AND r.rev = d.rev`

func scanDraft(row scanner) (approvals.Draft, error) {
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
	d, err := scanDraft(s.db.QueryRowContext(ctx, `SELECT `+draftCols+draftFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return d, err
	}
	d.Media, err = revisionMedia(ctx, s.db, d.ID, d.Rev)
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
	return queryDrafts(ctx, s.db, q, args...)
}

// CountDrafts implements approvals.Store.
func (s *Store) CountDrafts(ctx context.Context, f approvals.DraftFilter) (int, error) {
	where, args := draftWhere(f)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM drafts d`+where, args...).Scan(&n)
	return n, wrap(err)
}

// draftWhere is the WHERE clause (with its leading space; "" for none) of
// what f selects, and its arguments: lists are arrays (= ANY).
func draftWhere(f approvals.DraftFilter) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(f.BrandIDs) > 0 {
		where = append(where, "d.brand_id = ANY("+arg(f.BrandIDs)+")")
	}
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		where = append(where, "d.state = ANY("+arg(states)+")")
	}
	if f.Author != nil {
		where = append(where, "d.author_platform = "+arg(f.Author.Platform)+" AND d.author_id = "+arg(f.Author.UserID))
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// Revisions implements approvals.Store.
func (s *Store) Revisions(ctx context.Context, draftID int64) ([]approvals.Revision, error) {
	revs, err := queryAll(ctx, s.db, scanRevision, `SELECT `+revisionCols+` FROM revisions WHERE draft_id = $1 ORDER BY rev`, draftID)
	if err != nil {
		return nil, err
	}
	return revs, fillRevisionMedia(ctx, s.db, draftID, revs)
}

const revisionCols = `draft_id, rev, text, author_platform, author_id, author_name, created_at`

func scanRevision(row scanner) (approvals.Revision, error) {
	var r approvals.Revision
	var created int64
	err := row.Scan(&r.DraftID, &r.Rev, &r.Text, &r.Author.Platform, &r.Author.UserID, &r.Author.Name, &created)
	r.CreatedAt = fromMS(created)
	return r, wrap(err)
}

// Approvals implements approvals.Store.
func (s *Store) Approvals(ctx context.Context, draftID int64) ([]approvals.Approval, error) {
	return queryAll(ctx, s.db, func(row scanner) (approvals.Approval, error) {
		var a approvals.Approval
		var role string
		var created int64
		err := row.Scan(&a.DraftID, &a.Rev, &a.Stage, &a.Actor.Platform, &a.Actor.UserID, &a.Actor.Name, &role, &a.Comment, &created)
		a.Role, a.CreatedAt = herald.Role(role), fromMS(created)
		return a, wrap(err)
	}, `SELECT draft_id, rev, stage, platform, user_id, name, role, comment, created_at FROM approvals WHERE draft_id = $1 ORDER BY created_at, seq`, draftID)
}

// ApplyChange implements approvals.Store: a compare-and-set on the draft's
// version, with the revision, approval and audit rows in one transaction.
func (s *Store) ApplyChange(ctx context.Context, c approvals.Change) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return applyChange(ctx, tx, c, "") })
}

// applyChange applies c in tx; its draft UPDATE also requires cond (an
// SQL condition on the drafts row; "" for none). The UPDATE is the
// compare-and-set: under READ COMMITTED a concurrent change of the row
// makes it match nothing (ECONFLICT).
func applyChange(ctx context.Context, tx *sql.Tx, c approvals.Change, cond string) error {
	d := c.Draft
	if cond != "" {
		cond = " AND " + cond
	}
	n, err := affected(tx.ExecContext(ctx, `UPDATE drafts SET state = $1, version = version + 1, rev = $2, targets = $3, publish_at = $4, policy = $5, updated_at = $6
		WHERE id = $7 AND version = $8`+cond,
		string(d.State), d.Rev, herald.FormatTargets(d.Targets), ms(d.PublishAt), d.Policy, ms(d.UpdatedAt), d.ID, d.Version))
	if err != nil {
		return err
	}
	if n == 0 {
		return herald.Errorf(herald.ECONFLICT, "Draft #%d changed meanwhile.", d.ID)
	}
	if c.Revision != nil {
		if err := insertRevision(ctx, tx, *c.Revision, d.Targets); err != nil {
			return err
		}
	}
	if a := c.Approval; a != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (draft_id, rev, stage, platform, user_id, name, role, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
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
	return queryAll(ctx, s.db, scanAudit, `SELECT `+auditCols+` FROM audit WHERE draft_id = $1 ORDER BY id`, draftID)
}

const auditCols = `id, brand_id, draft_id, action, actor_platform, actor_id, actor_name, rev, from_state, to_state, detail, at`

func scanAudit(row scanner) (approvals.AuditEntry, error) {
	var e approvals.AuditEntry
	var draft sql.NullInt64
	var from, to string
	var at int64
	err := row.Scan(&e.ID, &e.BrandID, &draft, &e.Action, &e.Actor.Platform, &e.Actor.UserID, &e.Actor.Name, &e.Rev, &from, &to, &e.Detail, &at)
	e.DraftID, e.From, e.To, e.At = draft.Int64, approvals.State(from), approvals.State(to), fromMS(at)
	return e, wrap(err)
}
