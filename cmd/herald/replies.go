package main

import (
	"cmp"
	"context"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// replyContexts adapts the listening to publish.Replies: a reply draft's
// conversation is its linked mention, so that neither domain imports the
// other.
type replyContexts struct{ mentions *mentions.Service }

var _ publish.Replies = replyContexts{}

// ReplyTo implements publish.Replies.
func (r replyContexts) ReplyTo(ctx context.Context, draftID int64) (*publish.ReplyTo, error) {
	m, err := r.mentions.ByDraft(ctx, draftID)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rt := &publish.ReplyTo{MentionID: m.ID, Network: m.Reply.Network, URL: cmp.Or(m.URL, m.CanonicalURL), Author: m.Author,
		Instance: m.Reply.Instance, ID: m.Reply.ID, Visibility: m.Reply.Visibility, AuthorID: m.Reply.AuthorID, AnsweredURL: m.Answer.URL}
	if !m.Answer.At.IsZero() {
		rt.AnsweredBy = m.Answer.By.Display()
	}
	return rt, nil
}
