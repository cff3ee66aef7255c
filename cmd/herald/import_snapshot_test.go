package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// storeSnapshot is everything a store answers about its data, read
// through the store interfaces (so SQLite and PostgreSQL compare).
type storeSnapshot struct {
	Brands     []herald.Brand
	Members    map[int64][]brands.Member
	Channels   map[int64][]herald.ChannelRef
	Accounts   []publish.Account
	Calendars  map[int64]string
	Pauses     map[int64]publish.Pause
	PauseAudit map[int64][]approvals.AuditEntry
	Guidelines map[int64]assist.Guidelines
	GuideLog   map[int64][]assist.AuditEntry
	Drafts     []approvals.Draft
	Revisions  map[int64][]approvals.Revision
	Approvals  map[int64][]approvals.Approval
	Audit      map[int64][]approvals.AuditEntry
	Deliveries map[int64][]publish.Delivery
	Uploads    []publish.Upload
	CardRefs   map[int64][]herald.MessageRef
	Watches    []mentions.Watch
	Sources    []mentions.SourceStatus
	Mutes      map[int64][]mentions.Mute
	Settings   map[int64]mentions.Settings
	Mentions   []mentions.Mention
	MAudit     map[int64][]mentions.AuditEntry
	Tally      map[int64]mentions.Tally
}

func snapshotStore(t *testing.T, s store) storeSnapshot {
	t.Helper()
	ctx := t.Context()
	var snap storeSnapshot
	names, err := s.BrandNames(ctx)
	check(t, err)
	for _, n := range names {
		b, err := s.BrandByName(ctx, n)
		check(t, err)
		snap.Brands = append(snap.Brands, b)
	}
	snap.Accounts, err = s.AllAccounts(ctx)
	check(t, err)
	snapshotBrands(t, ctx, s, &snap)
	snap.Drafts, err = s.Drafts(ctx, approvals.DraftFilter{})
	check(t, err)
	snapshotDrafts(t, ctx, s, &snap)
	snap.Watches, err = s.Watches(ctx, 0)
	check(t, err)
	snap.Sources, err = s.Sources(ctx, 0)
	check(t, err)
	snap.MAudit = map[int64][]mentions.AuditEntry{}
	for _, b := range snap.Brands {
		ms, err := s.RecentMentions(ctx, b.ID, time.Unix(0, 0), 1000)
		check(t, err)
		snap.Mentions = append(snap.Mentions, ms...)
		for _, m := range ms {
			snap.MAudit[m.ID], err = s.MentionAudit(ctx, m.ID)
			check(t, err)
		}
	}
	return snap
}

func snapshotBrands(t *testing.T, ctx context.Context, s store, snap *storeSnapshot) {
	t.Helper()
	snap.Members, snap.Channels, snap.Calendars = map[int64][]brands.Member{}, map[int64][]herald.ChannelRef{}, map[int64]string{}
	snap.Pauses, snap.PauseAudit = map[int64]publish.Pause{}, map[int64][]approvals.AuditEntry{}
	snap.Guidelines, snap.GuideLog = map[int64]assist.Guidelines{}, map[int64][]assist.AuditEntry{}
	snap.Mutes, snap.Settings, snap.Tally = map[int64][]mentions.Mute{}, map[int64]mentions.Settings{}, map[int64]mentions.Tally{}
	var err error
	for _, b := range snap.Brands {
		id := b.ID
		snap.Members[id], err = s.Members(ctx, id)
		check(t, err)
		snap.Channels[id], err = s.BrandChannels(ctx, id)
		check(t, err)
		snap.Calendars[id], _ = s.CalendarToken(ctx, id)
		snap.Pauses[id], _ = s.BrandPause(ctx, id)
		snap.PauseAudit[id], err = s.PauseAudit(ctx, id)
		check(t, err)
		snap.Guidelines[id], err = s.Guidelines(ctx, id)
		check(t, err)
		snap.GuideLog[id], err = s.GuidelinesLog(ctx, id)
		check(t, err)
		snap.Mutes[id], err = s.Mutes(ctx, id)
		check(t, err)
		snap.Settings[id], err = s.Settings(ctx, id)
		check(t, err)
		snap.Tally[id], err = s.Tally(ctx, id, time.Unix(0, 0), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 10)
		check(t, err)
	}
}

func snapshotDrafts(t *testing.T, ctx context.Context, s store, snap *storeSnapshot) {
	t.Helper()
	snap.Revisions, snap.Approvals = map[int64][]approvals.Revision{}, map[int64][]approvals.Approval{}
	snap.Audit, snap.Deliveries, snap.CardRefs = map[int64][]approvals.AuditEntry{}, map[int64][]publish.Delivery{}, map[int64][]herald.MessageRef{}
	var err error
	for _, d := range snap.Drafts {
		snap.Revisions[d.ID], err = s.Revisions(ctx, d.ID)
		check(t, err)
		snap.Approvals[d.ID], err = s.Approvals(ctx, d.ID)
		check(t, err)
		snap.Audit[d.ID], err = s.Audit(ctx, d.ID)
		check(t, err)
		snap.Deliveries[d.ID], err = s.Deliveries(ctx, d.ID)
		check(t, err)
		for _, del := range snap.Deliveries[d.ID] {
			ups, err := s.Uploads(ctx, del.DraftID, del.Rev, del.Target)
			check(t, err)
			snap.Uploads = append(snap.Uploads, ups...)
		}
		snap.CardRefs[d.ID], err = s.CardRefs(ctx, "draft:"+strconv.FormatInt(d.ID, 10))
		check(t, err)
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
