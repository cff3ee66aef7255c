// Package publish sends approved posts to their targets, on schedule and
// exactly once as far as each network allows. The Scheduler claims due
// posts from storage, records each attempt durably before the network call,
// and brings the outcome back to chat. Publishers, one per target kind,
// speak to the networks; they live in publish/targets/X and in the chat
// adapters.
package publish

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
)

// Post is one approved revision of a draft going to one target.
type Post struct {
	DraftID int64
	Rev     int
	Brand   herald.Brand
	Target  herald.Target
	Account Account // the target's configured account; empty for chat channels
	Text    string
	// Media are the approved revision's pictures and videos, in order.
	Media []Media
	// Uploads are the media of this delivery that earlier attempts
	// uploaded and the network still keeps, by SHA-256 (Uploaded).
	Uploads map[string]Upload
	// Record stores an upload on the delivery (RecordUpload); nil records
	// nothing.
	Record func(ctx context.Context, u Upload) error
	// Key is the idempotency key: deterministic, the same for every attempt
	// at this post on this target. Publishers send it wherever the network
	// honours one.
	Key string
	// Due is when the post was scheduled to go out.
	Due time.Time
	// ReplyTo, when set, is the conversation the post answers (a reply
	// draft's mention).
	ReplyTo *ReplyTo
}

// Media is one picture or video of a post, with the means to read it.
type Media struct {
	media.Item
	// Open streams the item's bytes.
	Open func(ctx context.Context) (media.Blob, error)
	// Link is a signed, expiring URL of the item for networks that fetch
	// media themselves; "" when Herald has no public address.
	Link string
	// Expires is when Link stops working.
	Expires time.Time
}

// Account is a target's configuration for one brand, set by an admin
// (`target add`). Secrets are never shown back in chat.
type Account struct {
	BrandID int64
	Target  herald.Target
	URL     string // instance, PDS, webhook or endpoint URL
	Handle  string // account handle where the network needs one (Bluesky), or the id a connected account posts as
	Secret  string // access token, app password or signing secret
	// Conn is the connection of an account connected through its
	// network's authorization page (target connect); zero otherwise.
	Conn Connection
}

// Receipt is what a network answered to a delivered post.
type Receipt struct {
	ID  string // the network's id of the post: status id, at:// URI, message id
	URL string // a link people can open; may be empty
}

// Publisher sends posts to one kind of target. Publish returns an *Error
// saying whether a failure is transient, a clear refusal or ambiguous; any
// other error is treated as ambiguous (the post may have arrived).
type Publisher interface {
	Publish(ctx context.Context, p Post) (Receipt, error)
}

// Deduplicator is a Publisher whose network honours Post.Key: sending the
// same key again within the window makes no second post, so an attempt cut
// short by a crash may be sent again with its key.
type Deduplicator interface {
	// KeyWindow is how long the network remembers a key; Forever when the
	// key is part of the post itself (a Bluesky record key).
	KeyWindow() time.Duration
}

// Forever is a KeyWindow that never expires.
const Forever = time.Duration(1<<63 - 1)

// Checker is a Publisher that can look at the destination to learn
// whether a post whose outcome is unknown arrived.
type Checker interface {
	// Check reports whether the post with p.Key is at its destination, and
	// its receipt when it is.
	Check(ctx context.Context, p Post) (Receipt, bool, error)
}

// Validator is a Publisher that knows its network's limits (length,
// graphemes), so a post never fails at publish time for something knowable
// before it is approved.
type Validator interface {
	// Validate returns an EINVALID *herald.Error naming the limit when text
	// cannot be posted to the target.
	Validate(a Account, text string) error
}

// ReplyTexter is a Publisher that adds to the text of a reply (the
// author's mention): ReplyText is the text it posts answering rt, so the
// checks before review count what it adds.
type ReplyTexter interface {
	ReplyText(rt *ReplyTo, text string) string
}

// Configurer is a Publisher whose target needs an account (`target add`);
// chat channels need none.
type Configurer interface {
	// CheckAccount validates an account before it is stored: an EINVALID
	// error names what is missing or wrong. It makes no network call.
	CheckAccount(a Account) error
}

// Normalizer is a Configurer whose target names its account in its own
// way (a Telegram chat where others give a URL): NormalizeAccount returns
// the account as it is checked and stored.
type Normalizer interface {
	NormalizeAccount(a Account) Account
}

// Prober is a Configurer that asks its network, when a target is added,
// whether the account can post (a Telegram bot an administrator of its
// channel): an EINVALID error says why not, EUNAVAILABLE that the network
// could not be asked.
type Prober interface {
	ProbeAccount(ctx context.Context, a Account) error
}
