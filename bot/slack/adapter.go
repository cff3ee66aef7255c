package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/internal/httpx"
)

// Platform is the platform name of Slack users and channels.
const Platform = "slack"

// api is the part of slack-go's Web API client the adapter uses: the seam
// where tests put a fake.
type api interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slackapi.MsgOption) (string, string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slackapi.MsgOption) (string, string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slackapi.MsgOption) (string, error)
	OpenViewContext(ctx context.Context, triggerID string, view slackapi.ModalViewRequest) (*slackapi.ViewResponse, error)
}

// Options configure the adapter.
type Options struct {
	BotToken      string // xoxb-…
	AppToken      string // xapp-…: Socket Mode
	SigningSecret string // HTTP endpoints
	APIURL        string // Web API base URL; Slack's when empty
	HTTPClient    *http.Client

	Cards  bot.CardStore
	Events bot.Deduper
	Clock  herald.Clock
	Log    *slog.Logger

	// PostInterval paces posts per channel; one second when zero.
	PostInterval time.Duration

	// MediaClient downloads uploaded files and uploads posts' media;
	// bot.NewDownloadClient's when nil (no overall timeout, no body bound).
	MediaClient *http.Client
	// MediaMax, when positive, refuses uploads Slack announces as larger
	// (HERALD_MEDIA_MAX; media.Library bounds them in any case).
	MediaMax int64
}

// Adapter connects Herald to one Slack app: Socket Mode when an app token
// is set, the HTTP endpoints when a signing secret is set (both may be).
type Adapter struct {
	api      api
	client   *slackapi.Client
	socket   bool
	verifier Verifier
	clock    herald.Clock // stamps card refs and inbound events
	cards    bot.CardStore
	events   bot.Deduper
	log      *slog.Logger
	poster   *bot.Poster
	http     *http.Client
	files    bot.Downloader // uploaded files, from Slack's files host only
	token    string         // the bot token, for uploads to Slack's files host

	work    bot.Work // the dispatcher from Run, and the work after each acknowledgement
	locales *locales // each user's language (users.info), cached

	live  atomic.Bool  // Socket Mode is connected
	dials atomic.Int64 // Socket Mode connections made
}

var _ bot.Adapter = (*Adapter)(nil)

// New returns an adapter; it connects nothing until Run.
func New(o Options) *Adapter {
	if o.HTTPClient == nil {
		o.HTTPClient = httpx.New(httpx.Options{Trusted: true, Timeout: 30 * time.Second, PerHost: 16})
	}
	if o.Clock == nil {
		o.Clock = herald.SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.PostInterval == 0 {
		o.PostInterval = time.Second
	}
	opts := []slackapi.Option{slackapi.OptionHTTPClient(o.HTTPClient)}
	if o.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(o.AppToken))
	}
	if o.APIURL != "" {
		u := o.APIURL
		if u[len(u)-1] != '/' {
			u += "/"
		}
		opts = append(opts, slackapi.OptionAPIURL(u))
	}
	client := slackapi.New(o.BotToken, opts...)
	log := o.Log.With("adapter", Platform)
	return &Adapter{
		api:      client,
		client:   client,
		socket:   o.AppToken != "",
		verifier: Verifier{Secret: o.SigningSecret, Clock: o.Clock},
		clock:    o.Clock,
		cards:    o.Cards,
		events:   o.Events,
		log:      log,
		poster:   bot.NewPoster(o.PostInterval, retryAfter),
		http:     o.HTTPClient,
		files:    downloader(o),
		token:    o.BotToken,
		locales:  newLocales(o.Clock, LocaleTTL, log, userLocale(client)),
	}
}

// retryAfter reads Slack's rate-limit answer for the poster.
func retryAfter(err error) (time.Duration, bool) {
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}

// Name implements bot.Adapter.
func (a *Adapter) Name() string { return Platform }

// Run implements bot.Adapter: it serves Socket Mode (when configured) and
// lets the HTTP endpoints dispatch, until ctx is done; then it waits for
// the answers in flight.
func (a *Adapter) Run(ctx context.Context, d bot.Dispatcher) error {
	a.work.Start(d)
	defer a.work.Stop()
	if a.socket {
		return a.runSocket(ctx)
	}
	<-ctx.Done()
	return nil
}

// connected reports whether Socket Mode is connected.
func (a *Adapter) connected() bool { return a.live.Load() }

// dispatcher waits until Run has started (requests may arrive on the HTTP
// server a moment before) and returns its dispatcher, or nil if ctx ends
// first.
func (a *Adapter) dispatcher(ctx context.Context) bot.Dispatcher { return a.work.Dispatcher(ctx) }

// inbound is one user action from Slack, whatever the transport.
type inbound struct {
	actor       herald.Actor
	channel     herald.ChannelRef
	text        string // the command line to run, in Slack's markup (Markup reads it)
	responseURL string // where ephemeral answers go ("" for view submissions)
	triggerID   string // to open a form
}

// later runs f after the acknowledgement, detached from the request.
func (a *Adapter) later(f func(ctx context.Context)) {
	if !a.work.Go(2*time.Minute, f) {
		a.log.Warn("slack request arrived while stopping; not handled")
	}
}

// handle runs a command and delivers its response.
func (a *Adapter) handle(ctx context.Context, in inbound) {
	d := a.dispatcher(ctx)
	if d == nil {
		a.log.Error("slack request dropped: the adapter did not start in time")
		return
	}
	in.actor.Lang = a.locales.lang(ctx, in.actor.UserID)
	resp := d.Dispatch(ctx, commands.Call{Actor: in.actor, Channel: in.channel, Text: in.text, Markup: Markup})
	a.deliverLogged(ctx, in, resp)
}

// deliverLogged delivers resp; when a public answer cannot be posted (a
// DM, a private channel without the bot), the actor still gets it, alone.
func (a *Adapter) deliverLogged(ctx context.Context, in inbound, resp commands.Response) {
	err := a.deliver(ctx, in, resp)
	if err == nil {
		return
	}
	a.log.ErrorContext(ctx, "slack delivery failed", "channel", in.channel.Channel, "error", redact(err))
	if resp.Ephemeral {
		return
	}
	resp.Ephemeral = true
	resp.Text = strings.TrimSpace(resp.Text + "\n(Herald could not post this in the channel; invite it with `/invite @herald`.)")
	if err := a.ephemeral(ctx, in, resp); err != nil {
		a.log.ErrorContext(ctx, "slack delivery failed twice", "channel", in.channel.Channel, "error", redact(err))
	}
}

// redact drops URLs from an error (a response_url is a credential for 30
// minutes and must not reach the logs).
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// deliver shows a response: a form as a modal, an ephemeral answer to the
// actor only, public cards updated in place wherever they are shown (or
// posted here), and the text in the card's thread.
func (a *Adapter) deliver(ctx context.Context, in inbound, resp commands.Response) error {
	if resp.Form != nil {
		return a.openForm(ctx, in, resp.Form, resp.Lang)
	}
	if resp.Ephemeral || len(resp.Cards) == 0 && resp.ErrCode != "" {
		return a.ephemeral(ctx, in, resp)
	}
	var thread string
	for _, c := range resp.Cards {
		ts, err := a.showCard(ctx, in.channel, c)
		if err != nil {
			return err
		}
		if thread == "" {
			thread = ts
		}
	}
	if resp.Text == "" {
		return nil
	}
	fallback, blocks := Message(commands.Response{Text: resp.Text}, i18n.Lang(in.actor.Lang)) // a command's answer: no words of the adapter but "… (N more)"
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(fallback, false), slackapi.MsgOptionBlocks(blocks...)}
	if thread != "" {
		opts = append(opts, slackapi.MsgOptionTS(thread))
	}
	return a.post(ctx, in.channel.Channel, opts...)
}

func (a *Adapter) post(ctx context.Context, channel string, opts ...slackapi.MsgOption) error {
	return a.poster.Do(ctx, channel, func(ctx context.Context) error {
		_, _, err := a.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
}

// showCard updates every Slack copy of the card, posting it in channel if
// it is not shown there yet. It returns the card's message ts in channel.
func (a *Adapter) showCard(ctx context.Context, channel herald.ChannelRef, c commands.Card) (string, error) {
	fallback, blocks := Message(commands.Response{Cards: []commands.Card{c}}, i18n.English) // a card has its words; the brand's language is not known here
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(fallback, false), slackapi.MsgOptionBlocks(blocks...)}
	var refs []herald.MessageRef
	if c.Key != "" && a.cards != nil {
		var err error
		if refs, err = a.cards.CardRefs(ctx, c.Key); err != nil {
			return "", err
		}
	}
	here := ""
	for _, ref := range refs {
		if ref.Channel.Platform != Platform {
			continue
		}
		err := a.poster.Do(ctx, ref.Channel.Channel, func(ctx context.Context) error {
			_, _, _, err := a.api.UpdateMessageContext(ctx, ref.Channel.Channel, ref.MessageID, opts...)
			return err
		})
		if ref.Channel == channel && here == "" {
			if err != nil { // never a second copy in the same channel
				return "", err
			}
			here = ref.MessageID
		}
		if err != nil {
			a.log.WarnContext(ctx, "card update failed", "card", c.Key, "channel", ref.Channel.Channel, "error", err)
		}
	}
	if here != "" {
		return here, nil
	}
	err := a.poster.Do(ctx, channel.Channel, func(ctx context.Context) error {
		_, ts, err := a.api.PostMessageContext(ctx, channel.Channel, opts...)
		here = ts
		return err
	})
	if err != nil || c.Key == "" || a.cards == nil {
		return here, err
	}
	return here, a.cards.SaveCardRef(ctx, c.Key, herald.MessageRef{Channel: channel, MessageID: here}, a.clock.Now())
}

// ephemeral answers the actor only: through the response_url when there
// is one, else chat.postEphemeral.
func (a *Adapter) ephemeral(ctx context.Context, in inbound, resp commands.Response) error {
	fallback, blocks := Message(resp, i18n.Lang(in.actor.Lang)) // seen by the actor alone
	if in.responseURL != "" {
		msg := &slackapi.WebhookMessage{Text: fallback, ResponseType: slackapi.ResponseTypeEphemeral, Blocks: &slackapi.Blocks{BlockSet: blocks}}
		return slackapi.PostWebhookCustomHTTPContext(ctx, in.responseURL, a.http, msg)
	}
	return a.poster.Do(ctx, in.channel.Channel, func(ctx context.Context) error {
		_, err := a.api.PostEphemeralContext(ctx, in.channel.Channel, in.actor.UserID, slackapi.MsgOptionText(fallback, false), slackapi.MsgOptionBlocks(blocks...))
		return err
	})
}

// openForm opens a modal; the trigger is only valid for 3 seconds, so this
// runs first thing after the acknowledgement.
func (a *Adapter) openForm(ctx context.Context, in inbound, f *commands.Form, l i18n.Lang) error {
	view, err := Modal(f, FormMeta{Command: f.Command, Fields: f.Fields, Channel: in.channel.Channel, Lang: l})
	if err != nil {
		return err
	}
	return a.openView(ctx, in, view)
}

func (a *Adapter) openView(ctx context.Context, in inbound, view slackapi.ModalViewRequest) error {
	if in.triggerID == "" {
		return errors.New("no trigger id to open a form")
	}
	_, err := a.api.OpenViewContext(ctx, in.triggerID, view)
	return err
}

func actorOf(userID, name string) herald.Actor {
	return herald.Actor{Platform: Platform, UserID: userID, Name: name}
}

// channelOf names a Slack channel. Slack channel ids are unique across
// workspaces, and a Slack Connect channel has one id for every
// organisation in it, while the team id of a request is the actor's own
// team. So the channel id alone names the channel: a client from another
// organisation acts on the brand of the shared channel like anyone else.
func channelOf(channel string) herald.ChannelRef {
	return herald.ChannelRef{Platform: Platform, Channel: channel}
}
