package discord

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// showCard updates every Discord copy of the card and posts it in channel
// when it is not shown there yet. It returns the id of the card's message
// in channel. A copy that cannot be updated elsewhere is logged; the one
// in channel must succeed (never a second copy in one channel).
func (a *Adapter) showCard(ctx context.Context, channel herald.ChannelRef, c commands.Card) (string, error) {
	defer a.cardLocks.lock(c.Key)()
	msg := cardMessage(c)
	refs, err := a.cardRefs(ctx, c.Key)
	if err != nil {
		return "", err
	}
	here := ""
	for _, ref := range refs {
		err := a.editCard(ctx, ref, msg)
		if ref.Channel == channel && here == "" {
			if err != nil {
				return "", err
			}
			here = ref.MessageID
		}
		if err != nil {
			a.log.WarnContext(ctx, "discord card update failed", "card", c.Key, "channel", ref.Channel.Channel, "error", err)
		}
	}
	if here != "" {
		return here, nil
	}
	return a.postCard(ctx, channel, c.Key, msg)
}

// cardRefs lists the Discord copies of a card.
func (a *Adapter) cardRefs(ctx context.Context, key string) ([]herald.MessageRef, error) {
	if key == "" || a.cards == nil {
		return nil, nil
	}
	refs, err := a.cards.CardRefs(ctx, key)
	if err != nil {
		return nil, err
	}
	out := refs[:0:0]
	for _, r := range refs {
		if r.Channel.Platform == Platform {
			out = append(out, r)
		}
	}
	return out, nil
}

func (a *Adapter) editCard(ctx context.Context, ref herald.MessageRef, msg message) error {
	return a.poster.Do(ctx, "channel:"+ref.Channel.Channel, func(ctx context.Context) error {
		_, err := a.sendCard(ctx, ref.Channel.Channel, ref.MessageID, msg)
		return err
	})
}

// postCard posts a card in channel and remembers where.
func (a *Adapter) postCard(ctx context.Context, channel herald.ChannelRef, key string, msg message) (string, error) {
	var id string
	err := a.poster.Do(ctx, "channel:"+channel.Channel, func(ctx context.Context) error {
		var err error
		id, err = a.sendCard(ctx, channel.Channel, "", msg)
		return err
	})
	if err != nil || key == "" || a.cards == nil {
		return id, err
	}
	return id, a.cards.SaveCardRef(ctx, key, herald.MessageRef{Channel: channel, MessageID: id}, a.clock.Now())
}

// post sends a message to a channel, in order with the channel's other
// posts, waiting out rate limits.
func (a *Adapter) post(ctx context.Context, channelID string, msg message) (string, error) {
	var id string
	err := a.poster.Do(ctx, "channel:"+channelID, func(ctx context.Context) error {
		var err error
		id, err = a.api.send(ctx, channelID, msg)
		return err
	})
	return id, err
}

// Announce implements bot.Announcer: it updates every Discord copy of the
// card; when there is none it posts the card in ann.Channel if that
// channel is on Discord (and otherwise does nothing). The note, when it
// has text or cards, goes under the card's first Discord copy: its text as
// replies to the card, its cards shown in that channel.
func (a *Adapter) Announce(ctx context.Context, ann bot.Announcement) error {
	if ann.To != nil {
		return a.tell(ctx, ann)
	}
	first, shown, err := a.announceCard(ctx, ann)
	if !shown || err != nil && first.MessageID == "" {
		return err
	}
	errs := []error{err}
	msgs := textMessages(ann.Note, i18n.English) // a note has its words (the brand's); the brand's language is not known here
	if len(msgs) > 0 {
		msgs[0] = withMentions(msgs[0], ann.Note.Mentions)
	}
	for _, m := range msgs {
		m.ReplyTo = first.MessageID
		if _, err := a.post(ctx, first.Channel.Channel, m); err != nil {
			errs = append(errs, err)
			break
		}
	}
	for _, c := range ann.Note.Cards {
		if _, err := a.showCard(ctx, first.Channel, c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// tell shows a card to one Discord person alone: Discord has no
// ephemeral message outside an interaction's answer, so it goes to them
// as a direct message, whose buttons work like any other.
func (a *Adapter) tell(ctx context.Context, ann bot.Announcement) error {
	if ann.To.Platform != Platform || !snowflake(ann.To.UserID) {
		return nil
	}
	ch, err := a.api.dm(ctx, ann.To.UserID)
	if err != nil {
		return err
	}
	_, err = a.post(ctx, ch, cardMessage(ann.Card))
	return err
}

// withMentions starts m with the mentions of the Discord users and roles
// among actors, and allows exactly those to be pinged.
func withMentions(m message, actors []herald.Actor) message {
	var ping strings.Builder
	for _, a := range actors {
		if a.Platform != Platform {
			continue
		}
		if role, ok := strings.CutPrefix(a.UserID, "role-"); ok && snowflake(role) {
			fmt.Fprintf(&ping, "<@&%s> ", role)
			m.Roles = append(m.Roles, role)
		} else if snowflake(a.UserID) {
			fmt.Fprintf(&ping, "<@%s> ", a.UserID)
			m.Users = append(m.Users, a.UserID)
		}
	}
	m.Content = ping.String() + m.Content
	return m
}

// announceCard updates the card's Discord copies, or posts it in
// ann.Channel when it has none there. It returns the first copy, and
// whether the card is shown on Discord at all.
func (a *Adapter) announceCard(ctx context.Context, ann bot.Announcement) (herald.MessageRef, bool, error) {
	defer a.cardLocks.lock(ann.Card.Key)()
	refs, err := a.cardRefs(ctx, ann.Card.Key)
	if err != nil {
		return herald.MessageRef{}, false, err
	}
	msg := cardMessage(ann.Card)
	if ann.InChannel && ann.Channel.Platform == Platform && !slices.ContainsFunc(refs, func(r herald.MessageRef) bool { return r.Channel == ann.Channel }) {
		// A copy of its own in this channel; the others are updated.
		var errs []error
		for _, ref := range refs {
			errs = append(errs, a.editCard(ctx, ref, msg))
		}
		id, err := a.postCard(ctx, ann.Channel, ann.Card.Key, msg)
		return herald.MessageRef{Channel: ann.Channel, MessageID: id}, true, errors.Join(append(errs, err)...)
	}
	if len(refs) == 0 {
		if ann.Channel.Platform != Platform || ann.Channel.Channel == "" {
			return herald.MessageRef{}, false, nil
		}
		id, err := a.postCard(ctx, ann.Channel, ann.Card.Key, msg)
		return herald.MessageRef{Channel: ann.Channel, MessageID: id}, true, err
	}
	var errs []error
	for _, ref := range refs {
		if err := a.editCard(ctx, ref, msg); err != nil {
			errs = append(errs, err)
		}
	}
	return refs[0], true, errors.Join(errs...)
}

// keyLocks serialises the work on each card, so that two changes at once
// never post two copies of it in one channel, and copies are edited in the
// order of the changes.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	mu    sync.Mutex
	users int
}

// lock locks key ("" locks nothing) and returns its unlock.
func (k *keyLocks) lock(key string) func() {
	if key == "" {
		return func() {}
	}
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
