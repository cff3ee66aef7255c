package mentions

import (
	"context"
	"time"
)

// Store persists watches, sources, mentions, mutes, listening settings and
// the listening audit log. Lookups of missing rows return ENOTFOUND; writes
// that race return ECONFLICT.
type Store interface {
	// CreateWatch stores w, setting w.ID, with its audit row.
	CreateWatch(ctx context.Context, w *Watch, e AuditEntry) error
	Watch(ctx context.Context, id int64) (Watch, error)
	// Watches returns a brand's watches, oldest first; brandID 0 returns
	// every brand's.
	Watches(ctx context.Context, brandID int64) ([]Watch, error)
	DeleteWatch(ctx context.Context, id int64, e AuditEntry) error

	// CreateSource stores s, setting s.Spec.ID; ECONFLICT when the brand
	// has the same source (kind, URL, tag) already.
	CreateSource(ctx context.Context, s *SourceStatus, e AuditEntry) error
	Source(ctx context.Context, id int64) (SourceStatus, error)
	SourceByToken(ctx context.Context, token string) (SourceStatus, error)
	// Sources returns a brand's sources, oldest first; brandID 0 returns
	// every brand's.
	Sources(ctx context.Context, brandID int64) ([]SourceStatus, error)
	// DueSources returns the sources to poll at now (NextPoll <= now),
	// webhooks excluded, most overdue first, at most limit.
	DueSources(ctx context.Context, now time.Time, limit int) ([]SourceStatus, error)
	DeleteSource(ctx context.Context, id int64, e AuditEntry) error
	// SetSourceHealth writes a source's health fields (LastSuccess,
	// LastError, LastErrorMsg, ItemsSeen, Failures, NextPoll), never its
	// cursor. (SaveBatch adds to ItemsSeen rather than writing it.)
	SetSourceHealth(ctx context.Context, s SourceStatus) error
	// SetNextPoll writes a source's next poll time only.
	SetNextPoll(ctx context.Context, id int64, next time.Time) error

	// MentionKeys returns, among keys (an item's dedupe keys), those a mention of the
	// brand holds already, with that mention's id.
	MentionKeys(ctx context.Context, brandID int64, keys []string) (map[string]int64, error)
	// SaveBatch stores what one batch of a source found, in ONE transaction:
	// see Commit.
	SaveBatch(ctx context.Context, c *Commit) error
	Mention(ctx context.Context, id int64) (Mention, error)
	// RecentMentions returns a brand's mentions found at or after since,
	// newest first, at most limit.
	RecentMentions(ctx context.Context, brandID int64, since time.Time, limit int) ([]Mention, error)
	// MentionPage returns a brand's mentions found at or after since that
	// come after the cursor in newest-first order (found time, then id;
	// the zero cursor starts at the newest), newest first, at most limit:
	// a long period read a page at a time.
	MentionPage(ctx context.Context, brandID int64, since time.Time, after MentionCursor, limit int) ([]Mention, error)
	// ApplyMention writes m if the stored version is m.Version (then
	// bumped: m.Version+1 is stored), with its audit row, in one
	// transaction; ECONFLICT when the version differs.
	ApplyMention(ctx context.Context, m Mention, e AuditEntry) error
	// MentionByDraft returns the mention whose reply draft is draftID;
	// ENOTFOUND when none.
	MentionByDraft(ctx context.Context, draftID int64) (Mention, error)
	// SetTriage sets a mention's sentiment and urgency (no version bump:
	// triage is no person's action and must not make a click conflict).
	SetTriage(ctx context.Context, id int64, sentiment, urgency string) error
	// MentionAudit returns a mention's audit rows, oldest first.
	MentionAudit(ctx context.Context, mentionID int64) ([]AuditEntry, error)
	// Tally counts a brand's mentions found in [since, until): per state,
	// per source label, per author as spelt, and reads the newest
	// unhandled ones (new or claimed; newest first, at most top). It
	// ranks nothing: see Tally. With top > 0 it may leave out the authors
	// that cannot rank among the top most frequent once folded
	// (query.NormalizeAuthor): every spelling of the others is there, with
	// its exact count; with top <= 0 every author is.
	Tally(ctx context.Context, brandID int64, since, until time.Time, top int) (Tally, error)

	// PutMute stores a mute; ECONFLICT when it exists.
	PutMute(ctx context.Context, m Mute, e AuditEntry) error
	// DeleteMute removes a mute; ENOTFOUND when there is none.
	DeleteMute(ctx context.Context, m Mute, e AuditEntry) error
	Mutes(ctx context.Context, brandID int64) ([]Mute, error)

	// Settings returns a brand's settings, DefaultSettings when it set none.
	Settings(ctx context.Context, brandID int64) (Settings, error)
	PutSettings(ctx context.Context, s Settings, e AuditEntry) error
	// DigestCandidates returns the settings of every brand that has at
	// least one watch (defaults filled in).
	DigestCandidates(ctx context.Context) ([]Settings, error)
	// KeepSettings returns the settings of every brand (defaults filled
	// in), for retention.
	KeepSettings(ctx context.Context) ([]Settings, error)
	// PruneMentions deletes, in one transaction, at most limit of the
	// brand's mentions found before before, oldest first, that no reply
	// draft is linked to, with the rows that belong to them (their dedupe
	// keys, the references to their cards' copies); their audit rows stay.
	// It returns how many mentions it deleted.
	PruneMentions(ctx context.Context, brandID int64, before time.Time, limit int) (int, error)
	// MarkDigest records that brand's digest for date was sent, if the
	// stored LastDigest is still prev; false when another process did it.
	MarkDigest(ctx context.Context, brandID int64, prev, date string) (bool, error)
}

// MentionCursor is where a MentionPage ends: its last mention's found time
// and id.
type MentionCursor struct {
	FoundAt time.Time
	ID      int64
}

// Commit is what one batch changes: the new mentions, the known mentions
// seen again, and the source's cursor and health, all in one transaction,
// so that a restart neither misses nor repeats items.
type Commit struct {
	BrandID int64
	// Source is the source's row after the batch: its Cursor and health
	// are written with the mentions. Source.Spec.ID 0 writes no source.
	Source SourceStatus
	// At is when the batch was found: the update time of the mentions
	// seen again.
	At time.Time
	// Seen is how many items the batch held: added to the stored
	// ItemsSeen (Source.ItemsSeen is not written, so that batches stored
	// at once, such as two webhook calls, both count).
	Seen int64
	// New are the mentions to insert, each with its dedupe keys. The
	// store checks the keys again inside the transaction: a mention whose
	// key was taken meanwhile is merged into the holder instead (Merged
	// set, ID the holder's).
	New []NewMention
	// Again are known mentions seen on one more source: the store adds
	// Source and watch ids to the stored row and returns it.
	Again []SeenAgain
}

// NewMention is one mention to insert by SaveBatch.
type NewMention struct {
	Mention Mention // ID set by SaveBatch; when Merged, the holder after the change
	Keys    []string
	Merged  bool // set by SaveBatch: the keys belonged to a mention already
	Changed bool // set by SaveBatch when Merged: the holder gained a source or watch
}

// SeenAgain is a known mention seen again on a source by SaveBatch.
type SeenAgain struct {
	ID       int64
	Keys     []string // dedupe keys to add (the item's keys the mention lacked)
	Source   string   // source label to add
	WatchIDs []int64  // watch ids to add
	Terms    []string // matched terms to add
	Mention  Mention  // set by SaveBatch: the stored mention after the change
	Changed  bool     // set by SaveBatch: whether the mention gained a source
}
