package publish

import (
	"context"
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
)

// ReplyTo is the conversation a post answers: the mention its draft was
// written for, as the listening found it. The domain fills it from the
// draft's linked mention (see Replies); a Publisher whose network is the
// mention's posts the reply there, others ignore it. The idempotency key
// does not depend on it.
type ReplyTo struct {
	MentionID int64
	Network   string // "mastodon", "bluesky"; "" where Herald cannot post (answered by hand)
	URL       string // the mention's link, for people and for a Mastodon search
	Author    string // the author's handle as the source showed it
	// Mastodon: the instance the status was read on (base URL), its id
	// there, and its visibility (public, unlisted, private, direct).
	Instance   string
	ID         string // Mastodon: the status id on Instance; Bluesky: the post's at:// URI
	Visibility string
	AuthorID   string // Bluesky: the author's DID
	// Answered is set once the mention is answered: by whom, and the link
	// to the answer ("" when marked by hand).
	AnsweredBy  string
	AnsweredURL string
}

// Manual reports whether Herald cannot post the reply itself: the
// mention is on a network it does not publish to (HN, Reddit, RSS, a
// webhook), so a person answers there and marks it answered.
func (r *ReplyTo) Manual() bool { return r != nil && r.Network == "" }

// Replies finds the conversation a draft answers; nil (and no error) when
// the draft answers none. The wiring implements it over the listening.
type Replies interface {
	ReplyTo(ctx context.Context, draftID int64) (*ReplyTo, error)
}

// SetReplies gives the service where reply drafts find their mention.
// Call it before serving; without it no post is a reply.
func (s *Service) SetReplies(r Replies) { s.replies = r }

// replyTo is the reply context of draftID, nil when none.
func (s *Service) replyTo(ctx context.Context, draftID int64) (*ReplyTo, error) {
	if s.replies == nil {
		return nil, nil
	}
	return s.replies.ReplyTo(ctx, draftID)
}

// ReplyTarget is the brand's target on network (its first configured
// account of that kind), for a reply draft to start with; false when the
// brand has none.
func (s *Service) ReplyTarget(ctx context.Context, brandID int64, network string) (herald.Target, bool, error) {
	if network == "" {
		return herald.Target{}, false, nil
	}
	as, err := s.store.Accounts(ctx, brandID)
	if err != nil {
		return herald.Target{}, false, err
	}
	for _, a := range as {
		if strings.EqualFold(a.Target.Kind, network) {
			return a.Target, true, nil
		}
	}
	return herald.Target{}, false, nil
}

// ReasonNoReplyTarget is the Reason of NoReplyTarget; Facts: "draft",
// "brand", "network" ("" where Herald cannot post), "mention".
const ReasonNoReplyTarget = "publish.no_reply_target"

// NoReplyTarget says why reply draft draftID starts without a target:
// the brand has no account on the mention's network, or Herald cannot
// post on that network at all (then a person answers by hand). It is a
// note, not a refusal: the draft is made.
func NoReplyTarget(draftID, mentionID int64, brand, network string) error {
	msg := fmt.Sprintf("Draft #%d has no target: %s has no %s account set up.", draftID, brand, network)
	if network == "" {
		msg = fmt.Sprintf("Draft #%d has no target: Herald cannot post where mention #%d was found, so once approved its card holds the text to copy and a way to mark the mention answered.", draftID, mentionID)
	}
	return herald.Errorf(herald.EINVALID, "%s", msg).
		Because(ReasonNoReplyTarget, herald.Facts{"draft": draftID, "brand": brand, "network": network, "mention": mentionID})
}
