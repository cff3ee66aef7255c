package bot

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
)

// CardStore remembers where each card (by commands.Card.Key) was posted, so
// that a change updates every copy in place, on every platform.
type CardStore interface {
	// SaveCardRef records that the card key is shown at ref since at;
	// saving the same ref again is a no-op.
	SaveCardRef(ctx context.Context, key string, ref herald.MessageRef, at time.Time) error
	// CardRefs lists where the card key is shown, oldest first.
	CardRefs(ctx context.Context, key string) ([]herald.MessageRef, error)
}

// Deduper remembers inbound ids (Slack event ids, Discord interaction
// ids), so that a platform's retry of a request is handled once.
type Deduper interface {
	// FirstSeen records key, received at now, and reports whether it was
	// new (keys are remembered for a day).
	FirstSeen(ctx context.Context, key string, now time.Time) (bool, error)
}
