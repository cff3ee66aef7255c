package publish_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// replyNet is a validNet that, like Bluesky, starts a reply with its
// author's mention.
type replyNet struct{ validNet }

func (replyNet) ReplyText(rt *publish.ReplyTo, text string) string {
	return "@" + rt.Author + " " + text
}

// oneReply makes draft id a reply to rt; other drafts answer nothing.
type oneReply struct {
	id int64
	rt *publish.ReplyTo
}

func (o *oneReply) ReplyTo(_ context.Context, draftID int64) (*publish.ReplyTo, error) {
	if draftID == o.id {
		return o.rt, nil
	}
	return nil, nil
}

// Issue 19 review: a reply draft is checked as its network will post it,
// with the author's mention the publisher adds, so a post that passes
// review does not fail at publish for a length knowable before it. On the
// code as it was, the submission passed and the post failed at publish.
func TestCheckReplyText(t *testing.T) {
	net := newNet()
	net.limit = 20
	e := newEnv(t, config{nets: map[string]publish.Publisher{"bluesky": replyNet{validNet{net}}}})
	replies := &oneReply{}
	e.svc.SetReplies(replies)
	mk := func(text string) approvals.Draft {
		d, err := e.drafts.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Text: text, Targets: mustTargets(t, "bluesky:main")})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	plain := mk("fifteen letters")
	if _, err := e.drafts.Submit(t.Context(), bob, plain.ID); err != nil {
		t.Fatalf("a post that answers nothing: %v", err)
	}
	reply := mk("fifteen letters")
	replies.id, replies.rt = reply.ID, &publish.ReplyTo{Network: "bluesky", Author: "jane.example"}
	_, err := e.drafts.Submit(t.Context(), bob, reply.ID)
	wantCode(t, err, herald.EINVALID, "Submit of the reply")
	wantMessage(t, err, "at most 20 characters")
	fs, err := e.svc.CheckDraftOf(t.Context(), e.brand, reply.ID, reply.Targets, "short")
	if err != nil || len(fs) != 0 {
		t.Errorf("CheckDraftOf a short reply = %+v, %v; want no finding", fs, err)
	}
	if fs, _ := e.drafts.Findings(t.Context(), approvals.View{Draft: reply, Brand: e.brand}); len(fs) != 1 || !strings.Contains(fs[0].Message, "bluesky:main") {
		t.Errorf("the reply's card findings %+v; want the length", fs)
	}
}

// Review of issue 19: a reply draft sent to another network than its
// mention's is posted there as a post of its own, seen by all: the checks
// say so, without blocking. On the code as it was nothing warned.
func TestCheckReplyElsewhere(t *testing.T) {
	net := newNet()
	e := newEnv(t, config{nets: map[string]publish.Publisher{"bluesky": validNet{net}, "webhook": plainNet{net}}})
	replies := &oneReply{id: 7, rt: &publish.ReplyTo{MentionID: 3, Network: "bluesky"}}
	e.svc.SetReplies(replies)
	fs, err := e.svc.CheckDraftOf(t.Context(), e.brand, 7, mustTargets(t, "bluesky:main, webhook:x"), "Thanks")
	if err != nil || len(fs) != 1 || fs[0].Blocking || !strings.Contains(fs[0].Message, "webhook:x: this draft answers mention #3") {
		t.Fatalf("findings %+v, %v; want one warning, on webhook:x", fs, err)
	}
	replies.rt = &publish.ReplyTo{MentionID: 3} // answered by hand: any target posts on its own
	if fs, _ := e.svc.CheckDraftOf(t.Context(), e.brand, 7, mustTargets(t, "webhook:x"), "Thanks"); len(fs) != 1 || fs[0].Blocking {
		t.Errorf("findings %+v; want one warning", fs)
	}
	if fs, _ := e.svc.CheckDraftOf(t.Context(), e.brand, 8, mustTargets(t, "webhook:x"), "Thanks"); len(fs) != 0 {
		t.Errorf("findings on a draft that answers nothing: %+v", fs)
	}
}
