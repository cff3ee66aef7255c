package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/bot/console"
	"github.com/heraldhq/herald/commands"
)

// nopDispatcher answers every call with nothing.
type nopDispatcher struct{}

func (nopDispatcher) Dispatch(context.Context, commands.Call) commands.Response {
	return commands.Response{}
}

// fakeAdapter runs run, and records how it ended.
type fakeAdapter struct {
	name     string
	run      func(ctx context.Context) error
	started  chan struct{} // closed when Run starts
	done     chan struct{} // closed when Run returns
	canceled bool          // ctx was done when Run returned
	got      bot.Dispatcher
}

func newFake(name string, run func(ctx context.Context) error) *fakeAdapter {
	return &fakeAdapter{name: name, run: run, started: make(chan struct{}), done: make(chan struct{})}
}

// blocking returns an adapter that serves until ctx is done, then returns nil.
func blocking(name string) *fakeAdapter {
	return newFake(name, func(ctx context.Context) error { <-ctx.Done(); return nil })
}

// returning returns an adapter that returns err once release is closed
// (at once when release is nil).
func returning(name string, release <-chan struct{}, err error) *fakeAdapter {
	return newFake(name, func(ctx context.Context) error {
		if release != nil {
			<-release
		}
		return err
	})
}

func (a *fakeAdapter) Name() string { return a.name }

func (a *fakeAdapter) Run(ctx context.Context, d bot.Dispatcher) error {
	a.got = d
	close(a.started)
	defer close(a.done)
	err := a.run(ctx)
	a.canceled = ctx.Err() != nil
	return err
}

// runRunner runs r in the background and returns its result, failing the
// test if it does not return in time.
func runRunner(t *testing.T, ctx context.Context, r *bot.Runner, during func()) error {
	t.Helper()
	res := make(chan error, 1)
	go func() { res <- r.Run(ctx) }()
	if during != nil {
		during()
	}
	select {
	case err := <-res:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Runner.Run did not return")
		return nil
	}
}

// waitStarted waits for every adapter to start.
func waitStarted(t *testing.T, as ...*fakeAdapter) {
	t.Helper()
	for _, a := range as {
		select {
		case <-a.started:
		case <-time.After(10 * time.Second):
			t.Fatalf("adapter %s never started", a.name)
		}
	}
}

// checkAllDone fails unless every adapter has returned: Run must wait for
// them all.
func checkAllDone(t *testing.T, as ...*fakeAdapter) {
	t.Helper()
	for _, a := range as {
		select {
		case <-a.done:
		default:
			t.Errorf("Runner.Run returned before adapter %s did", a.name)
		}
	}
}

func adapters(as ...*fakeAdapter) []bot.Adapter {
	out := make([]bot.Adapter, len(as))
	for i, a := range as {
		out[i] = a
	}
	return out
}

func TestRunner(t *testing.T) {
	t.Run("OKFirstToStopStopsOthers", func(t *testing.T) {
		release := make(chan struct{})
		first := returning("console", release, nil)
		slack, discord := blocking("slack"), blocking("discord")
		d := nopDispatcher{}
		r := &bot.Runner{Dispatcher: d, Adapters: adapters(slack, first, discord)}
		err := runRunner(t, context.Background(), r, func() {
			waitStarted(t, slack, first, discord)
			close(release)
		})
		if err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
		checkAllDone(t, slack, first, discord)
		if !slack.canceled || !discord.canceled {
			t.Errorf("the other adapters were not stopped through their context")
		}
		for _, a := range []*fakeAdapter{slack, first, discord} {
			if a.got != bot.Dispatcher(d) {
				t.Errorf("adapter %s got dispatcher %v; want the runner's", a.name, a.got)
			}
		}
	})
	t.Run("OKErrStopped", func(t *testing.T) {
		console, slack := returning("console", nil, bot.ErrStopped), blocking("slack")
		err := runRunner(t, context.Background(), &bot.Runner{Dispatcher: nopDispatcher{}, Adapters: adapters(console, slack)}, nil)
		if err != nil {
			t.Errorf("Run = %v; want nil after ErrStopped", err)
		}
		checkAllDone(t, console, slack)
	})
	t.Run("OKErrStoppedWrapped", func(t *testing.T) {
		console := returning("console", nil, fmt.Errorf("quit: %w", bot.ErrStopped))
		err := runRunner(t, context.Background(), &bot.Runner{Adapters: adapters(console, blocking("slack"))}, nil)
		if err != nil {
			t.Errorf("Run = %v; want nil after a wrapped ErrStopped", err)
		}
	})
	t.Run("OKContextCanceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		slack, discord := blocking("slack"), blocking("discord")
		err := runRunner(t, ctx, &bot.Runner{Adapters: adapters(slack, discord)}, func() {
			waitStarted(t, slack, discord)
			cancel()
		})
		if err != nil {
			t.Errorf("Run = %v; want nil on cancel", err)
		}
		checkAllDone(t, slack, discord)
	})
	t.Run("OKContextAlreadyDone", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		slack := blocking("slack")
		if err := runRunner(t, ctx, &bot.Runner{Adapters: adapters(slack)}, nil); err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
		checkAllDone(t, slack)
	})
	t.Run("ErrAdapter", func(t *testing.T) {
		boom := errors.New("socket closed")
		slack, console := returning("slack", nil, boom), blocking("console")
		err := runRunner(t, context.Background(), &bot.Runner{Adapters: adapters(console, slack)}, nil)
		if !errors.Is(err, boom) {
			t.Fatalf("Run = %v; want it to wrap %v", err, boom)
		}
		if got, want := err.Error(), "slack: socket closed"; got != want {
			t.Errorf("Run error = %q; want %q", got, want)
		}
		checkAllDone(t, slack, console)
		if !console.canceled {
			t.Errorf("the console was not stopped")
		}
	})
	t.Run("ErrFirstErrorWins", func(t *testing.T) {
		release := make(chan struct{})
		slack := returning("slack", nil, errors.New("first"))
		// discord fails too, but only once it has been told to stop.
		discord := newFake("discord", func(ctx context.Context) error { <-ctx.Done(); close(release); return errors.New("second") })
		err := runRunner(t, context.Background(), &bot.Runner{Adapters: adapters(slack, discord)}, nil)
		if err == nil || err.Error() != "slack: first" {
			t.Errorf("Run = %v; want the first error", err)
		}
		<-release
	})
	t.Run("OKConsoleQuitStopsAll", func(t *testing.T) {
		var out strings.Builder
		c := &console.Adapter{In: strings.NewReader("help\n/quit\n"), Out: &out}
		slack := blocking("slack")
		err := runRunner(t, context.Background(), &bot.Runner{Dispatcher: nopDispatcher{}, Adapters: []bot.Adapter{c, slack}}, nil)
		if err != nil {
			t.Errorf("Run = %v; want nil after /quit", err)
		}
		checkAllDone(t, slack)
		if !strings.Contains(out.String(), "you> /quit") {
			t.Errorf("console output = %q", out.String())
		}
	})
	t.Run("ErrNoAdapters", func(t *testing.T) {
		err := (&bot.Runner{Dispatcher: nopDispatcher{}}).Run(context.Background())
		if err == nil {
			t.Fatal("Run with no adapters = nil; want an error")
		}
	})
}
