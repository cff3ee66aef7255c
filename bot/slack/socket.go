package slack

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/gorilla/websocket"
	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/heraldhq/herald/internal/httpx"
)

// runSocket serves Socket Mode until ctx is done. slack-go reconnects on
// Slack's disconnect messages and on read errors; it gives up only on a
// token Slack refuses, which ends Run with that error.
func (a *Adapter) runSocket(ctx context.Context) error {
	sm := socketmode.New(a.client, socketmode.OptionDialer(socketDialer()))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if ctx.Err() != nil || err == nil {
				return nil
			}
			return err
		case evt := <-sm.Events:
			if err := a.socketEvent(sm, evt); err != nil {
				return err
			}
		}
	}
}

// socketDialer opens the Socket Mode websocket as Herald's other clients
// connect (internal/httpx, trusted: Slack's endpoint), without the proxy
// from the environment that slack-go's default dialer takes.
func socketDialer() *websocket.Dialer {
	return &websocket.Dialer{NetDialContext: httpx.Options{Trusted: true}.DialContext,
		HandshakeTimeout: 45 * time.Second, WriteBufferSize: 32 << 10}
}

// socketEvent acknowledges an envelope at once and hands its payload to
// the shared dispatch path.
func (a *Adapter) socketEvent(sm *socketmode.Client, evt socketmode.Event) error {
	a.log.Debug("slack socket mode event", "type", string(evt.Type))
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slackapi.SlashCommand)
		a.ack(sm, evt, nil)
		if ok && a.firstEnvelope(evt) {
			a.slash(sc)
		}
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slackapi.InteractionCallback)
		if !ok {
			a.ack(sm, evt, nil)
			return nil
		}
		if cb.Type == slackapi.InteractionTypeViewSubmission {
			// Its answer may take up to submitBudget: off the event loop,
			// so that the envelopes behind it are acknowledged in time.
			go func() {
				if !a.firstEnvelope(evt) {
					a.ack(sm, evt, nil)
					return
				}
				if resp := a.viewSubmission(cb); resp != nil {
					a.ack(sm, evt, resp)
					return
				}
				a.ack(sm, evt, nil)
			}()
			return nil
		}
		a.ack(sm, evt, nil)
		if cb.Type == slackapi.InteractionTypeBlockActions && a.firstEnvelope(evt) {
			a.blockActions(cb)
		}
	case socketmode.EventTypeEventsAPI:
		a.ack(sm, evt, nil)
		var env eventEnvelope
		if evt.Request != nil && json.Unmarshal(evt.Request.Payload, &env) == nil {
			a.onEvent(env)
		}
	case socketmode.EventTypeInvalidAuth:
		return errors.New("Slack refused the app token (SLACK_APP_TOKEN) or the bot token (SLACK_BOT_TOKEN)")
	case socketmode.EventTypeConnected:
		a.live.Store(true)
		a.dials.Add(1)
		a.log.Info("slack socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError:
		a.live.Store(false)
		a.log.Warn("slack socket mode connection problem; reconnecting")
	case socketmode.EventTypeDisconnect:
		a.live.Store(false)
		a.log.Info("slack asked to reconnect")
	}
	return nil
}

// firstEnvelope reports whether the envelope is seen for the first time:
// Slack sends an envelope it thinks was not acknowledged again, maybe on
// another connection (another replica's: every replica opens its own),
// with the same envelope_id, remembered in the database. When the
// database cannot answer, the envelope is not handled: a command is never
// run twice (Slack shows the user that it failed).
func (a *Adapter) firstEnvelope(evt socketmode.Event) bool {
	if a.events == nil || evt.Request == nil || evt.Request.EnvelopeID == "" {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	first, err := a.events.FirstSeen(ctx, "slack:env:"+evt.Request.EnvelopeID, a.clock.Now())
	switch {
	case err != nil:
		a.log.Error("slack envelope not handled: dedupe failed", "error", err)
	case !first:
		a.log.Info("slack envelope sent again; not run again", "retry_attempt", evt.Request.RetryAttempt)
	}
	return first && err == nil
}

// ack acknowledges an envelope, with an optional payload.
func (a *Adapter) ack(sm *socketmode.Client, evt socketmode.Event, payload any) {
	if evt.Request == nil {
		return
	}
	// Never block the event loop on a connection being replaced.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := sm.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
		a.log.Error("slack ack failed", "error", err)
	}
}
