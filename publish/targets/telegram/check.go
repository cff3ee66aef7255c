package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// ValidateMedia checks a post's media against what a bot may send: at
// most MaxGroup items; JPEG, PNG or WebP photos up to MaxPhotoSize (width
// and height together at most 10,000 pixels, a ratio up to 20), MP4 or
// QuickTime videos and GIF animations up to MaxFileSize; an album
// (several items) holds photos and videos only.
func (p *Publisher) ValidateMedia(a publish.Account, items []media.Item) error {
	if len(items) > MaxGroup {
		return mediaError(a, fmt.Sprintf("an album holds at most %d items; this post has %d", MaxGroup, len(items)))
	}
	for i, it := range items {
		if why := itemProblem(it, len(items) > 1); why != "" {
			return mediaError(a, fmt.Sprintf("item %d (%s): %s", i+1, it.Name, why))
		}
	}
	return nil
}

// itemProblem says why Telegram would not take it ("" when it would).
func itemProblem(it media.Item, album bool) string {
	switch it.Type {
	case "image/jpeg", "image/png", "image/webp":
		switch {
		case it.Size > MaxPhotoSize:
			return fmt.Sprintf("a photo may weigh %s at most; this one is %s", media.Bytes(MaxPhotoSize), media.Bytes(it.Size))
		case it.Width+it.Height > 10000:
			return "a photo's width and height together may be 10,000 pixels at most"
		case it.Width > 0 && it.Height > 0 && (it.Width > 20*it.Height || it.Height > 20*it.Width):
			return "a photo may be at most 20 times as wide as high, or as high as wide"
		}
	case "image/gif":
		if album {
			return "an album takes photos and videos, not GIF animations; post the GIF alone"
		}
		if it.Size > MaxFileSize {
			return fmt.Sprintf("a bot may send %s at most; this one is %s", media.Bytes(MaxFileSize), media.Bytes(it.Size))
		}
	case "video/mp4", "video/quicktime":
		if it.Size > MaxFileSize {
			return fmt.Sprintf("a bot may send %s at most; this one is %s", media.Bytes(MaxFileSize), media.Bytes(it.Size))
		}
	default:
		return fmt.Sprintf("Telegram posts take photos, videos and GIFs, not %s", it.Type)
	}
	return ""
}

func mediaError(a publish.Account, why string) error {
	t := a.Target.String()
	return herald.Errorf(herald.EINVALID, "Telegram does not take this post's media: %s.", why).
		Because(ReasonMedia, herald.Facts{"target": t, "why": why})
}

// ProbeAccount implements publish.Prober: when a target is added, Herald
// asks Telegram whether the bot can post to the chat: getChat (the chat
// exists and the bot sees it), getMe (the bot's id), then getChatMember
// (the bot's status there: in a channel an administrator allowed to post
// messages; in a group a member that may send messages).
func (p *Publisher) ProbeAccount(ctx context.Context, a publish.Account) error {
	token := p.token(a)
	var c chat
	if err := p.probe(ctx, a, token, "getChat", map[string]string{"chat_id": a.Handle}, &c); err != nil {
		return err
	}
	var me struct {
		ID int64 `json:"id"`
	}
	if err := p.probe(ctx, a, token, "getMe", struct{}{}, &me); err != nil {
		return err
	}
	var member struct {
		Status          string `json:"status"`
		CanPostMessages *bool  `json:"can_post_messages"`
		CanSendMessages *bool  `json:"can_send_messages"`
	}
	params := map[string]string{"chat_id": a.Handle, "user_id": strconv.FormatInt(me.ID, 10)}
	if err := p.probe(ctx, a, token, "getChatMember", params, &member); err != nil {
		return err
	}
	why := ""
	switch {
	case member.Status == "creator":
	case c.Type == "channel" && member.Status != "administrator":
		why = "the bot is not an administrator of the channel; add it as one, allowed to post messages"
	case c.Type == "channel" && member.CanPostMessages != nil && !*member.CanPostMessages:
		why = "the bot is an administrator of the channel without the right to post messages"
	case member.Status == "left" || member.Status == "kicked":
		why = "the bot is not in the chat; add it"
	case member.Status == "restricted" && member.CanSendMessages != nil && !*member.CanSendMessages:
		why = "the bot may not send messages in the chat"
	}
	if why != "" {
		return cannotPost(a, why)
	}
	return nil
}

// probe calls a method for ProbeAccount: a refusal becomes EINVALID with
// Telegram's words, a failure to reach Telegram EUNAVAILABLE.
func (p *Publisher) probe(ctx context.Context, a publish.Account, token, method string, params, out any) error {
	raw, err := p.callJSON(ctx, token, method, params)
	if err != nil {
		e := publish.Classify(err)
		if e.Outcome == publish.Rejected {
			return cannotPost(a, e.Message)
		}
		return herald.Errorf(herald.EUNAVAILABLE, "Herald could not ask Telegram whether the bot can post to %s (%s); try again in a moment.", a.Handle, e.Message)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return herald.Errorf(herald.EUNAVAILABLE, "Telegram's answer to %s is unreadable; try again in a moment.", method)
	}
	return nil
}

func cannotPost(a publish.Account, why string) error {
	t := a.Target.String()
	return herald.Errorf(herald.EINVALID, "The bot cannot post to %s: %s.", a.Handle, why).
		Because(ReasonCannotPost, herald.Facts{"target": t, "chat": a.Handle, "why": why})
}
