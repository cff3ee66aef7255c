// Package bot joins chat adapters to the command router: each adapter
// translates its platform's traffic into commands.Calls and renders the
// Responses back.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
)

// Dispatcher runs one command call. *commands.Router is one.
type Dispatcher interface {
	Dispatch(ctx context.Context, c commands.Call) commands.Response
}

// Adapter connects one chat platform. Run serves until ctx is done (then it
// returns nil) or the adapter cannot go on.
type Adapter interface {
	Name() string
	Run(ctx context.Context, d Dispatcher) error
}

// Runner runs adapters side by side.
type Runner struct {
	Dispatcher Dispatcher
	Adapters   []Adapter
	Log        *slog.Logger
}

// ErrStopped is returned by an adapter that ended by the user's wish (the
// console's /quit): the runner then stops the others.
var ErrStopped = errors.New("stopped")

// Run runs every adapter until ctx is done or one of them returns. The
// first adapter to return stops the others; its error (nil for a clean
// stop) is returned.
func (r *Runner) Run(ctx context.Context) error {
	if len(r.Adapters) == 0 {
		return errors.New("bot: no adapter to run")
	}
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(r.Adapters))
	var wg sync.WaitGroup
	for _, a := range r.Adapters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Info("adapter started", "adapter", a.Name())
			err := a.Run(ctx, r.Dispatcher)
			log.Info("adapter stopped", "adapter", a.Name())
			if err != nil && !errors.Is(err, ErrStopped) {
				err = fmt.Errorf("%s: %w", a.Name(), err)
			}
			errs <- err
		}()
	}
	var first error
	select {
	case first = <-errs:
	case <-ctx.Done():
	}
	cancel()
	wg.Wait()
	if errors.Is(first, ErrStopped) {
		return nil
	}
	return first
}

// Announcer is an adapter that can show news without a command to answer:
// the scheduler's results, a reminder. Announce updates every copy of
// a.Card shown on the adapter's platform (found by Card.Key in the
// CardStore) and posts a.Note, when set, in the card's thread (or under the
// card's first copy). A card not shown on the platform is posted in
// a.Channel when that channel is on the platform; otherwise nothing is
// posted there and Announce returns nil.
type Announcer interface {
	Announce(ctx context.Context, a Announcement) error
}

// Announcement is news about one card.
type Announcement struct {
	Card    commands.Card
	Note    commands.Response // posted in the card's thread when its Text or Cards are set
	Channel herald.ChannelRef // where to post the card when it is shown nowhere on the platform
	// InChannel posts the card in Channel even when it is shown elsewhere
	// on the platform (a mention routed to several channels): each copy
	// is then updated in place like any other.
	InChannel bool
	// To, when set, is the one person the card is for: it is shown to
	// them alone (an ephemeral message in Channel, or a direct message),
	// on their platform only, and never copied or updated elsewhere.
	To *herald.Actor
}
