package discord

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/publish"
)

// Platform is the platform name of Discord users and channels.
const Platform = "discord"

// Lookup answers autocomplete: the brands (*brands.Service answers) and
// drafts (*approvals.Service answers) a user may see.
type Lookup interface {
	Brands(ctx context.Context, actor herald.Actor) ([]brands.Membership, error)
	List(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, f approvals.DraftFilter) ([]approvals.Draft, map[int64]herald.Brand, error)
}

// Options configure the adapter.
type Options struct {
	BotToken   string // the bot's token, without "Bot "
	AppID      string // the application id (registration)
	PublicKey  string // hex; set: interactions come to the HTTP endpoint, else over the gateway
	APIURL     string // REST API base URL; DefaultAPIURL when empty
	HTTPClient *http.Client

	// Commands are the command definitions: they make the /herald
	// command's options and read them back.
	Commands []*commands.Def

	Cards  bot.CardStore
	Events bot.Deduper
	Lookup Lookup // autocomplete of brands, drafts and targets; none when nil
	Clock  herald.Clock
	Log    *slog.Logger

	// AckBudget is how long an interaction may wait for its answer before
	// Herald defers it (Discord allows 3 s for the first answer); 1.5 s
	// when zero.
	AckBudget time.Duration
	// Sleep waits out a 429 (tests inject it); a timer when nil.
	Sleep func(ctx context.Context, d time.Duration) error

	// MediaClient downloads attachments and sends posts with media;
	// bot.NewDownloadClient's when nil (no overall timeout, no body bound).
	MediaClient *http.Client
	// MediaMax, when positive, refuses attachments Discord announces as
	// larger (HERALD_MEDIA_MAX; media.Library bounds them in any case).
	MediaMax int64
	// Media reads stored pictures to attach to cards when Herald has no
	// public links for them; cards list media in words when nil.
	Media MediaSource
	// WhileLeader runs the gateway connection on the replica that leads
	// alone (Discord allows one per bot token unless sharded): it calls f
	// with a context that ends when the lead is lost, again at each lead,
	// until ctx is done. nil: the gateway runs whenever Run does.
	WhileLeader func(ctx context.Context, f func(context.Context) error) error
}

// DefaultAckBudget leaves half of Discord's 3 seconds for the answer to
// travel.
const DefaultAckBudget = 1500 * time.Millisecond

// Adapter connects Herald to one Discord application: interactions over
// the gateway, or on the HTTP endpoint when a public key is set. It also
// shows news about cards (bot.Announcer) and posts to discord:#channel
// targets (publish.Publisher).
type Adapter struct {
	api      api
	rest     *rest
	poster   *bot.Poster
	verifier Verifier
	gateway  bool
	token    string
	appID    string
	http     *http.Client
	commands []*commands.Def
	defs     map[string]*commands.Def
	cards    bot.CardStore
	events   bot.Deduper
	lookup   Lookup
	clock    herald.Clock
	log      *slog.Logger
	budget   time.Duration
	dir      *directory
	files    bot.Downloader // attachments, from Discord's CDN only
	media    MediaSource    // cards' pictures; nil: none attached

	cardLocks keyLocks

	work bot.Work // the dispatcher from Run, and the work after each acknowledgement

	whileLeader func(ctx context.Context, f func(context.Context) error) error
}

var (
	_ bot.Adapter          = (*Adapter)(nil)
	_ bot.Announcer        = (*Adapter)(nil)
	_ publish.Publisher    = (*Adapter)(nil)
	_ publish.Deduplicator = (*Adapter)(nil)
	_ publish.Validator    = (*Adapter)(nil)
)

// New returns an adapter; it connects nothing until Run. It fails on a
// malformed public key or API URL.
func New(o Options) (*Adapter, error) {
	if o.Clock == nil {
		o.Clock = herald.SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.AckBudget <= 0 {
		o.AckBudget = DefaultAckBudget
	}
	client, err := apiClient(o.HTTPClient, o.APIURL)
	if err != nil {
		return nil, err
	}
	a := &Adapter{
		gateway:     o.PublicKey == "",
		whileLeader: o.WhileLeader,
		token:       o.BotToken,
		appID:       o.AppID,
		http:        client,
		commands:    o.Commands,
		defs:        map[string]*commands.Def{},
		cards:       o.Cards,
		events:      o.Events,
		lookup:      o.Lookup,
		clock:       o.Clock,
		log:         o.Log.With("adapter", Platform),
		budget:      o.AckBudget,
		poster:      bot.NewPoster(0, rateLimited), // discordgo paces each route bucket
		files:       downloader(o),
		media:       o.Media,
	}
	if o.Sleep != nil {
		a.poster.Sleep = o.Sleep
	}
	if o.PublicKey != "" {
		key, err := ParsePublicKey(o.PublicKey)
		if err != nil {
			return nil, err
		}
		a.verifier = Verifier{PublicKey: key, Clock: o.Clock}
	}
	for _, d := range o.Commands {
		a.defs[d.Path] = d
	}
	if more := moreDef(o.Commands); more != nil {
		a.defs[more.Path] = more
	}
	a.rest = &rest{token: "Bot " + o.BotToken, client: client, limiter: discordgo.NewRatelimiter(), clock: o.Clock}
	a.api = restAPI{a.rest}
	a.dir = &directory{api: a.api, clock: o.Clock}
	return a, nil
}

// Name implements bot.Adapter.
func (a *Adapter) Name() string { return Platform }

// Run implements bot.Adapter: it connects to the gateway (without a public
// key) or lets the HTTP endpoint dispatch, until ctx is done; then it
// waits for the interactions in flight.
func (a *Adapter) Run(ctx context.Context, d bot.Dispatcher) error {
	a.work.Start(d)
	defer a.work.Stop()
	if a.gateway && a.whileLeader != nil {
		return a.whileLeader(ctx, a.runGateway)
	}
	if a.gateway {
		return a.runGateway(ctx)
	}
	<-ctx.Done()
	return nil
}

// dispatcher waits until Run has started (interactions may reach the HTTP
// endpoint a moment before) and returns its dispatcher, or nil if ctx ends
// first.
func (a *Adapter) dispatcher(ctx context.Context) bot.Dispatcher { return a.work.Dispatcher(ctx) }

// workTimeout bounds the work after an interaction: its token is valid for
// 15 minutes; no answer should take more than a few.
const workTimeout = 5 * time.Minute

// later runs f in the background, detached from the request that asked.
// It reports false when the adapter is stopping and f will not run.
func (a *Adapter) later(f func(ctx context.Context)) bool {
	if !a.work.Go(workTimeout, f) {
		a.log.Warn("discord work arrived while stopping; not handled")
		return false
	}
	return true
}
