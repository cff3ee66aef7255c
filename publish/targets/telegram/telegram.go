// Package telegram publishes posts to Telegram channels and groups through
// the Bot API: sendMessage for text, sendPhoto, sendVideo and
// sendAnimation for one picture or video (its bytes uploaded as
// multipart/form-data, streamed), sendMediaGroup for several
// (attach://name). Herald sends no parse_mode, so nothing in a post is
// read as formatting, and leaves link previews as Telegram shows them by
// default.
//
// Telegram has no OAuth: a target names the chat (@channelusername or a
// numeric chat id such as -1001234567890) and the bot, added to it as an
// administrator, posts there; the operator's TELEGRAM_BOT_TOKEN, or a
// token given with the target.
//
// The Bot API takes no idempotency key and a bot cannot read a channel's
// history: after an ambiguous outcome a person decides (unconfirmed).
package telegram

import (
	"cmp"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// APIURL is the Bot API's base URL.
const APIURL = "https://api.telegram.org"

// The Bot API's limits on a post, in UTF-16 code units (as Telegram
// counts text, "after entities parsing"; with no parse_mode the text is
// sent as typed).
const (
	MaxText    = 4096 // sendMessage's text
	MaxCaption = 1024 // a photo's, video's or album's caption
)

// Limits on media a bot uploads (multipart/form-data).
const (
	MaxPhotoSize = 10 << 20 // a photo
	MaxFileSize  = 50 << 20 // a video or an animation
	MaxGroup     = 10       // items of an album (sendMediaGroup)
)

// Reasons of the refusals, with their facts.
const (
	ReasonTooLong        = "telegram.too_long"         // "max", "length"
	ReasonCaptionTooLong = "telegram.caption_too_long" // "max", "length"
	ReasonBadChat        = "telegram.bad_chat"         // "target", "chat"
	ReasonNoToken        = "telegram.no_token"         // "target"
	ReasonBadToken       = "telegram.bad_token"        // "target"
	ReasonMedia          = "telegram.media"            // "target", "why"
	ReasonCannotPost     = "telegram.cannot_post"      // "target", "chat", "why"
)

// Options configure a Publisher.
type Options struct {
	APIURL string       // the Bot API's base URL (APIURL)
	Token  string       // the operator's bot token (TELEGRAM_BOT_TOKEN); an account's Secret overrides it
	Client *http.Client // the operator's trusted httpx client
	Clock  herald.Clock
}

var (
	_ publish.Publisher  = (*Publisher)(nil)
	_ publish.Validator  = (*Publisher)(nil)
	_ publish.Configurer = (*Publisher)(nil)
	_ publish.Normalizer = (*Publisher)(nil)
	_ publish.Prober     = (*Publisher)(nil)
)

// Publisher posts to Telegram chats. It is safe for concurrent use.
type Publisher struct{ o Options }

// New returns a Publisher.
func New(o Options) *Publisher {
	o.APIURL = strings.TrimSuffix(cmp.Or(o.APIURL, APIURL), "/")
	if o.Client == nil {
		o.Client = httpx.New(httpx.Options{Trusted: true, Timeout: 2 * time.Minute})
	}
	o.Clock = cmp.Or[herald.Clock](o.Clock, herald.SystemClock{})
	return &Publisher{o}
}

// Length counts text as Telegram does: UTF-16 code units.
func Length(text string) int { return len(utf16.Encode([]rune(text))) }

// Validate implements publish.Validator: at most MaxText.
func (p *Publisher) Validate(_ publish.Account, text string) error {
	if n := Length(text); n > MaxText {
		return herald.Errorf(herald.EINVALID, "Telegram takes at most %d characters in a message; this text has %d.", MaxText, n).
			Because(ReasonTooLong, herald.Facts{"max": MaxText, "length": n})
	}
	return nil
}

// ValidateCaption refuses a text too long to be the caption of a post
// with media (MaxCaption).
func ValidateCaption(text string) error {
	if n := Length(text); n > MaxCaption {
		return herald.Errorf(herald.EINVALID, "Telegram takes at most %d characters under a picture or video; this text has %d.", MaxCaption, n).
			Because(ReasonCaptionTooLong, herald.Facts{"max": MaxCaption, "length": n})
	}
	return nil
}

var (
	channelName = regexp.MustCompile(`^@[A-Za-z][A-Za-z0-9_]{3,31}$`)
	chatID      = regexp.MustCompile(`^-?[1-9][0-9]{0,18}$`)
	botToken    = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{30,64}$`)
)

// NormalizeAccount implements publish.Normalizer: the chat is typed
// where other targets take their URL (target add telegram:NAME @channel);
// it is kept as the account's Handle, with its @ for a channel name.
func (p *Publisher) NormalizeAccount(a publish.Account) publish.Account {
	chat := strings.TrimSpace(a.Handle)
	if chat == "" {
		chat = strings.TrimSpace(a.URL)
		if rest, ok := strings.CutPrefix(chat, "https://t.me/"); ok && channelName.MatchString("@"+rest) {
			chat = "@" + rest
		}
	}
	if chat != "" && !chatID.MatchString(chat) && !strings.HasPrefix(chat, "@") {
		chat = "@" + chat
	}
	a.Handle, a.URL = chat, ""
	a.Secret = strings.TrimSpace(a.Secret)
	return a
}

// CheckAccount implements publish.Configurer, without a network call: a
// public channel's @username (5 to 32 letters, digits and underscores,
// starting with a letter) or a numeric chat id, and a bot token (the
// account's, or the operator's).
func (p *Publisher) CheckAccount(a publish.Account) error {
	t := a.Target.String()
	if !channelName.MatchString(a.Handle) && !chatID.MatchString(a.Handle) {
		return herald.Errorf(herald.EINVALID, "%s needs the chat it posts to: a channel's @username (5 to 32 letters, digits or underscores) or a numeric chat id such as -1001234567890; %q is neither.", t, a.Handle).
			Because(ReasonBadChat, herald.Facts{"target": t, "chat": a.Handle})
	}
	switch {
	case a.Secret != "" && !botToken.MatchString(a.Secret):
		return herald.Errorf(herald.EINVALID, "%s: the secret must be a bot token as BotFather gives it (digits, a colon, then letters, digits, - or _).", t).
			Because(ReasonBadToken, herald.Facts{"target": t})
	case a.Secret == "" && p.o.Token == "":
		return herald.Errorf(herald.EINVALID, "%s needs a bot token: give the target its own secret, or the operator sets TELEGRAM_BOT_TOKEN.", t).
			Because(ReasonNoToken, herald.Facts{"target": t})
	}
	return nil
}

// token is the bot token an account posts with.
func (p *Publisher) token(a publish.Account) string {
	if a.Secret != "" {
		return a.Secret
	}
	return p.o.Token
}

// MessageURL is the link of a message in a public channel or group
// (t.me/username/id); "" for a chat without a username.
func MessageURL(username string, id int64) string {
	username = strings.TrimPrefix(username, "@")
	if username == "" || id == 0 {
		return ""
	}
	return "https://t.me/" + username + "/" + strconv.FormatInt(id, 10)
}
