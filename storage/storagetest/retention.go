package storagetest

import (
	"strconv"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

// testPrune: PruneMentions deletes at most limit of a brand's mentions
// found before a time, oldest first, with their dedupe keys, counts them
// out of the tallies, keeps a mention a reply draft is linked to and
// every audit row, and leaves other brands alone.
func testPrune(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	globex := mustBrand(t, s, "Globex", bob)
	day := 24 * time.Hour
	var ids []int64
	for _, b := range []herald.Brand{acme, globex} {
		c := &mentions.Commit{BrandID: b.ID}
		for i := range 6 {
			u := "https://example.com/" + strconv.Itoa(i)
			m := newMention(b, u, "T"+strconv.Itoa(i), "author"+strconv.Itoa(i), "hn")
			m.FoundAt = t0.Add(time.Duration(i) * day)
			c.New = append(c.New, mentions.NewMention{Mention: m, Keys: []string{"url:" + u}})
		}
		if err := s.SaveBatch(ctx, c); err != nil {
			t.Fatal(err)
		}
		if b.ID == acme.ID {
			for _, nm := range c.New {
				ids = append(ids, nm.Mention.ID)
			}
		}
	}
	linked, _ := s.Mention(ctx, ids[1])
	linked.DraftID, linked.UpdatedAt = 77, t1
	e := mentions.AuditEntry{BrandID: acme.ID, MentionID: linked.ID, Action: mentions.Action("link"), Actor: alice, At: t1}
	if err := s.ApplyMention(ctx, linked, e); err != nil {
		t.Fatal(err)
	}
	before := t0.Add(4 * day) // mentions 0..3 are older; 1 is linked
	if n, err := s.PruneMentions(ctx, acme.ID, before, 2); err != nil || n != 2 {
		t.Fatalf("PruneMentions(limit 2) = %d, %v; want 2", n, err)
	}
	if n, err := s.PruneMentions(ctx, acme.ID, before, 10); err != nil || n != 1 {
		t.Fatalf("PruneMentions again = %d, %v; want 1 (mention 3; 1 is linked)", n, err)
	}
	for i, id := range ids {
		_, err := s.Mention(ctx, id)
		if gone := i == 0 || i == 2 || i == 3; gone != (herald.ErrorCode(err) == herald.ENOTFOUND) {
			t.Errorf("mention %d after pruning: %v; want gone=%v", i, err, gone)
		}
	}
	keys, err := s.MentionKeys(ctx, acme.ID, []string{"url:https://example.com/0", "url:https://example.com/1", "url:https://example.com/4"})
	if err != nil || len(keys) != 2 || keys["url:https://example.com/0"] != 0 {
		t.Errorf("MentionKeys after pruning = %v, %v; want the keys of mentions 1 and 4 only", keys, err)
	}
	if n := tallyTotal(t, s, acme.ID, t0, t0.Add(10*day)); n != 3 {
		t.Errorf("Acme's tally after pruning counts %d mentions; want 3", n)
	}
	if n := tallyTotal(t, s, globex.ID, t0, t0.Add(10*day)); n != 6 {
		t.Errorf("Globex's tally counts %d mentions; want its 6 (another brand's pruning leaves it alone)", n)
	}
	if log, err := s.MentionAudit(ctx, linked.ID); err != nil || len(log) != 1 {
		t.Errorf("MentionAudit of the linked mention = %v, %v; want its row", log, err)
	}
}
