package mentions

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
)

// ReplyRef is what answering a mention on its own network needs, kept
// from the source that read it. Network is "" for sources Herald cannot
// post on (HN, Reddit, RSS, webhooks): their replies are answered by hand.
type ReplyRef struct {
	Network    string `json:"network,omitempty"`    // "mastodon" or "bluesky"
	Instance   string `json:"instance,omitempty"`   // mastodon: base URL of the instance the status was read on
	ID         string `json:"id,omitempty"`         // mastodon: the status id on Instance; bluesky: the post's at:// URI
	Visibility string `json:"visibility,omitempty"` // mastodon: public, unlisted, private or direct
	AuthorID   string `json:"author_id,omitempty"`  // bluesky: the author's DID
}

// Encode is the stored form of r: "" for none, else JSON.
func (r ReplyRef) Encode() string {
	if r == (ReplyRef{}) {
		return ""
	}
	b, _ := json.Marshal(r) // strings only: cannot fail
	return string(b)
}

// DecodeReplyRef reads Encode's form; "" and anything unreadable give none.
func DecodeReplyRef(s string) ReplyRef {
	var r ReplyRef
	if s != "" {
		_ = json.Unmarshal([]byte(s), &r)
	}
	return r
}

// Answer says who answered a mention, when, and where the answer is.
type Answer struct {
	By  herald.Actor
	At  time.Time // zero when unanswered
	URL string    // the published reply; "" when marked answered by hand
}

// actAnswered is the audit action of a mention answered: its reply was
// published, or someone marked it answered after replying by hand.
const actAnswered Action = "answered"

func init() { doneWords[actAnswered] = "marked answered" }

// Answered records that a mention is answered (published reply at url,
// or by hand when url is ""), by actor, and makes it handled. It is for
// Herald's own use after a publication (no permission check); MarkAnswered
// is the person's action. An answered mention is not answered again.
func (s *Service) Answered(ctx context.Context, id int64, actor herald.Actor, url string) (Mention, error) {
	m, err := s.store.Mention(ctx, id)
	if err != nil {
		return Mention{}, notFound(err, "mention", id)
	}
	return s.answer(ctx, m, actor, url)
}

// MarkAnswered records that actor answered the mention by hand, where
// Herald cannot post (Mark as answered); its reply draft, if any, is
// the answer's text.
func (s *Service) MarkAnswered(ctx context.Context, actor herald.Actor, id int64) (Mention, error) {
	m, err := s.store.Mention(ctx, id)
	if err != nil {
		return Mention{}, notFound(err, "mention", id)
	}
	if err := s.requireOn(ctx, actor, m.BrandID, permAct, "mention", id); err != nil {
		return Mention{}, err
	}
	return s.answer(ctx, m, actor, "")
}

func (s *Service) answer(ctx context.Context, m Mention, actor herald.Actor, url string) (Mention, error) {
	if !m.Answer.At.IsZero() {
		return Mention{}, herald.Errorf(herald.ECONFLICT, "Mention #%d was answered already, by %s.", m.ID, m.Answer.By.Display()).
			Because(ReasonAnswered, herald.Facts{"mention": m.ID, "by": m.Answer.By.Display()})
	}
	detail := "by hand"
	if url != "" {
		detail = url
	}
	if m.DraftID != 0 {
		detail = fmt.Sprintf("draft #%d, %s", m.DraftID, detail)
	}
	e := s.audit(m.BrandID, m.ID, actor, actAnswered, detail)
	e.From, e.To = m.State, StateHandled
	m.State = StateHandled
	m.Answer = Answer{By: actor, At: e.At, URL: url}
	if m.Claimer.UserID == "" {
		m.Claimer = actor
	}
	m.UpdatedAt = e.At
	if err := s.store.ApplyMention(ctx, m, e); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return Mention{}, herald.Errorf(herald.ECONFLICT, "Mention #%d changed meanwhile; look at it again.", m.ID).
				Because(ReasonChanged, herald.Facts{"mention": m.ID})
		}
		return Mention{}, err
	}
	m.Version++
	s.notify(ctx, Event{Kind: EventAnswered, Brand: s.brand(ctx, m.BrandID), Mention: &m})
	return m, nil
}

// ByDraft returns the mention whose reply draft is draftID; ENOTFOUND
// when the draft answers none.
func (s *Service) ByDraft(ctx context.Context, draftID int64) (Mention, error) {
	return s.store.MentionByDraft(ctx, draftID)
}
