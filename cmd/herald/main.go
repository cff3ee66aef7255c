// Command herald is the Herald chat-ops bot: one binary that serves Slack,
// Discord and the local console from one database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // time zones without the system's zoneinfo (containers)

	"github.com/go-co-op/gocron/v2"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/bot/console"
	"github.com/heraldhq/herald/bot/discord"
	"github.com/heraldhq/herald/bot/slack"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/secret"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/bluesky"
	"github.com/heraldhq/herald/publish/targets/discordwebhook"
	"github.com/heraldhq/herald/publish/targets/mastodon"
	"github.com/heraldhq/herald/publish/targets/webhook"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	m.Interactive = isTerminal(os.Stdin)
	code := m.Main(ctx, os.Args[1:], os.Getenv)
	stop()
	os.Exit(code)
}

// isTerminal reports whether f is a terminal (not merely a character
// device: /dev/null, a container's stdin, is not one).
func isTerminal(f *os.File) bool { return console.IsTerminal(f) }

// Main is the program: configuration, wiring and lifetime. Tests drive it
// like main does.
type Main struct {
	Config      Config
	Command     string   // run, console, migrate, backup, doctor, version
	Args        []string // the command's arguments
	ConsoleUser string
	Ready       bool // healthcheck --ready: ask /readyz

	Stdin       io.Reader
	Stdout      io.Writer
	Stderr      io.Writer
	Interactive bool
	// Lang is the language of the terminal (LANG, LC_ALL, LC_MESSAGES):
	// the console's default, and the command line's words.
	Lang  i18n.Lang
	Clock herald.Clock
	// PollEvery is how often the mention poller looks for due sources
	// (the poller's default when zero); tests shorten it.
	PollEvery time.Duration
	// RefreshEvery is how often connected accounts are kept alive
	// (publish.RefreshTick when zero); tests shorten it.
	RefreshEvery time.Duration
	// Resolver and PublicAddrs are test seams of the guarded client of
	// URLs typed in chat (httpx.Options): the DNS it asks, and the
	// addresses it counts as public (a fake network on loopback). nil in
	// production: the system's resolver, httpx.PublicAddr.
	Resolver    httpx.Resolver
	PublicAddrs func(netip.AddrPort) bool

	// HTTPTimeouts bound how long a client may hold the HTTP server;
	// zero fields take DefaultHTTPTimeouts (tests shorten them).
	HTTPTimeouts HTTPTimeouts

	// HTTPAddr is the address the HTTP server listens on, once Listening
	// is closed.
	HTTPAddr  string
	listening chan struct{}

	flagsGiven []string // the flags set on the command line, by name
	langSet    bool     // LANG, LC_ALL or LC_MESSAGES named a language
	logFile    *os.File // the console's herald.log, closed by Close
	logPath    string

	log         *slog.Logger
	metrics     *metrics
	store       store
	lock        releaser // the database's (store.go), held until Close
	replica     *replica // on PostgreSQL, serving: this process among the replicas (fanout.go)
	inUse       error    // backup, doctor: why they did not migrate
	keys        *secret.Keyring
	http        *http.Server
	lead        *leadership // leader.go
	replicaName string      // replicaID (leader.go)
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Clock: herald.SystemClock{}, Config: DefaultConfig(),
		listening: make(chan struct{})}
}

// Listening is closed once the HTTP server listens (HTTPAddr is set).
func (m *Main) Listening() <-chan struct{} { return m.listening }

// ParseFlags reads the configuration from getenv and the command line.
func (m *Main) ParseFlags(args []string, getenv func(string) string) error {
	m.langFromEnv(getenv)
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	fs := m.flagSet(&cfg)
	if err := fs.Parse(args); err != nil {
		return m.parseError(fs, err, cfg.Database)
	}
	rest := fs.Args()
	m.Command = "run"
	if len(rest) > 0 {
		m.Command, rest = rest[0], rest[1:]
		if err := fs.Parse(rest); err != nil { // flags may follow the command too
			return m.parseError(fs, err, cfg.Database)
		}
		rest = fs.Args()
	}
	fs.Visit(func(f *flag.Flag) { m.flagsGiven = append(m.flagsGiven, f.Name) })
	if slices.Contains(m.flagsGiven, "http-addr") {
		cfg.HTTPAddrSet = true
	}
	m.Args = rest
	m.Config = cfg
	return nil
}

// parseError is what ParseFlags returns for an error of package flag:
// help asked for (the usage is printed), or a usage error.
func (m *Main) parseError(fs *flag.FlagSet, err error, database string) error {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(m.Stderr, usageText(m.Lang))
		printFlags(m.Stderr, fs, m.Lang)
		return err
	}
	return scrubDatabase(m.flagError(fs, err), database)
}

// flagSet returns herald's flags over cfg. It prints nothing itself:
// ParseFlags says what went wrong once (Main adds a short usage), and -h
// prints the whole usage.
func (m *Main) flagSet(cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("herald", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&cfg.Database, "database", cfg.Database, flagHelp(m.Lang, "database"))
	fs.Lookup("database").DefValue = redactDatabase(cfg.Database) // -h shows it
	fs.StringVar(&cfg.HTTPAddr, "http-addr", cfg.HTTPAddr, flagHelp(m.Lang, "http-addr"))
	fs.StringVar(&cfg.Timezone, "timezone", cfg.Timezone, flagHelp(m.Lang, "timezone"))
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, flagHelp(m.Lang, "log-level"))
	fs.StringVar(&m.ConsoleUser, "as", m.ConsoleUser, flagHelp(m.Lang, "as"))
	fs.BoolVar(&m.Ready, "ready", m.Ready, flagHelp(m.Lang, "ready"))
	return fs
}

// commandRunners maps each subcommand to its implementation.
var commandRunners = map[string]func(*Main, context.Context) error{
	"run":     (*Main).runServe,
	"console": (*Main).runConsole,
	"migrate": (*Main).runMigrate,
	"backup":  (*Main).runBackup,
	"import":  (*Main).runImport,
	"doctor":  (*Main).runDoctor,
	"version": (*Main).runVersion,
	"help":    (*Main).runHelp,

	"healthcheck": (*Main).runHealthcheck,
	"slack":       (*Main).runSlack,
	"discord":     (*Main).runDiscord,
}

// Run runs the command until it ends or ctx is done.
func (m *Main) Run(ctx context.Context) error {
	run, ok := commandRunners[m.Command]
	if !ok {
		return m.unknownCommand(m.Command)
	}
	if m.Command == "version" || m.Command == "slack" || m.Command == "help" || m.Command == "healthcheck" {
		return run(m, ctx)
	}
	if err := m.Config.Validate(); err != nil {
		return scrubDatabase(m.nameFlags(fmt.Errorf("configuration:\n%w", err)), m.Config.Database)
	}
	m.keys, _ = secret.ParseKeys("HERALD_SECRET_KEY", m.Config.SecretKey) // validated above
	m.log = m.logger()
	m.metrics = newMetrics()
	return scrubDatabase(run(m, ctx), m.Config.Database)
}

func (m *Main) logger() *slog.Logger {
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}
	l, ok := level[strings.ToLower(m.Config.LogLevel)]
	var w io.Writer = m.Stderr
	if m.consoleMode() {
		// Keep the terminal for the conversation: the logs go to
		// herald.log beside the database.
		if f := m.consoleLog(); f != nil {
			w = f
		} else if !ok {
			l, ok = slog.LevelWarn, true
		}
		if !ok {
			l = consoleLevel
		}
	} else if !ok {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func (m *Main) consoleMode() bool {
	return m.Command == "console" || (m.Command == "run" && !m.Config.SlackEnabled() && !m.Config.DiscordEnabled())
}

// Close releases what Run opened: the HTTP server, then the database.
func (m *Main) Close() error {
	var errs []error
	if m.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, m.http.Shutdown(ctx))
		cancel()
		m.http = nil
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
		m.store = nil
	}
	if m.lock != nil {
		errs = append(errs, m.lock.Release())
		m.lock = nil
	}
	if m.logFile != nil {
		errs = append(errs, m.logFile.Close())
		m.logFile = nil
	}
	return errors.Join(errs...)
}

func (m *Main) runServe(ctx context.Context) error {
	if m.consoleMode() {
		return m.runConsole(ctx)
	}
	if _, err := m.openStore(ctx); err != nil {
		return err
	}
	app, err := m.wire()
	if err != nil {
		return err
	}
	var adapters []bot.Adapter
	var routes []route
	if m.Config.SlackEnabled() {
		a := slack.New(slack.Options{
			BotToken: m.Config.SlackBotToken, AppToken: m.Config.SlackAppToken,
			SigningSecret: m.Config.SlackSigningSecret, APIURL: m.Config.SlackAPIURL,
			Cards: m.store, Events: m.store, Clock: m.Clock, Log: m.log, HTTPClient: m.restClient(30 * time.Second),
			MediaMax: m.Config.MediaMax,
		})
		adapters = append(adapters, a)
		if m.Config.SlackSigningSecret != "" {
			routes = append(routes, route{"/slack/", a.Handler()})
		}
	}
	if m.Config.DiscordEnabled() {
		a, err := m.discordAdapter(app)
		if err != nil {
			return err
		}
		adapters = append(adapters, a)
		if m.Config.DiscordPublicKey != "" {
			routes = append(routes, route{"/discord/", a.Handler()})
		}
	}
	app.publishTo(adapters)
	if err := m.startHTTP(routes, app.routes()...); err != nil {
		return fmt.Errorf("HTTP server on %s: %w", m.Config.HTTPAddr, err)
	}
	return m.serve(ctx, app, adapters)
}

// banner is what the console says first, in the language of the person
// at the terminal.
func banner(l i18n.Lang, db string) string {
	return l.F("Herald %s — local console. Data: %s", version, db) + "\n" +
		l.T("No chat platform is configured; README.md shows how to connect Slack or Discord. Posts to chat channels are previewed here.") + "\n"
}

func (m *Main) runConsole(ctx context.Context) error {
	if _, err := m.openStore(ctx); err != nil {
		return err
	}
	adapters := []bot.Adapter{m.consoleAdapter()}
	app, err := m.wire()
	if err != nil {
		return err
	}
	app.publishTo(adapters)
	if err := m.startHTTP(nil, app.routes()...); err != nil {
		fmt.Fprintf(m.Stderr, "herald: the HTTP server is off: %v\n", err)
	}
	text := banner(m.consoleLang(), redactDatabase(m.Config.Database))
	if m.logPath != "" {
		text += m.consoleLang().F("Logs: %s", m.logPath) + "\n" // where the logs go, off the terminal
	}
	io.WriteString(m.Stdout, text)
	return m.serve(ctx, app, adapters)
}

// app is Herald's domain wired to the store, with the command router and
// the news broadcaster that brings cards to the chat adapters.
type app struct {
	brands   *brands.Service
	drafts   *approvals.Service
	publish  *publish.Service
	wake     publish.Waker // signalled by publish, waited on by its scheduler
	mentions *mentions.Service
	listen   *listening
	news     *bot.Broadcaster // meets the adapters in serve
	deps     kit.Deps
	router   *commands.Router
	detached *detached // work after the acknowledgement (drafting help)
	media    mediaParts
	connect  *publish.Connector
}

// publisherKinds names the target kinds each chat adapter publishes to.
// The console previews posts to chat channels while no platform is
// connected.
var publisherKinds = map[string][]string{
	"slack":   {"slack"},
	"discord": {"discord"},
	"console": {"slack", "discord"},
}

// wire builds the services, with the network publishers, and the command
// router. Discord members also hold roles through their Discord roles:
// the adapter puts them in herald.Actor.Groups, which brands reads.
//
// Each part is built after what it needs, so nothing is set once built:
// the waker, then publish (which signals it) and later the scheduler
// (which waits on it); the news broadcaster, then the notifiers and
// drafting help, handed its plain functions; the listening, with its
// notifier; the router. The chat adapters come last (Discord lists the
// router's commands) and meet the broadcaster in serve.
func (m *Main) wire() (*app, error) { return m.wireWith(nil) }

// wireWith is wire with the listening's events sent to notify instead of
// the chat when notify is set (benchmarks count them).
func (m *Main) wireWith(notify mentions.Notifier) (*app, error) {
	med, err := m.openMedia()
	if err != nil {
		return nil, err
	}
	bs := brands.NewService(m.store, m.Clock, m.Config.Timezone)
	drafts := approvals.NewService(m.store, bs, m.Clock)
	wake := publish.NewWaker()
	pub := publish.NewWokenService(drafts, bs, publish.Sealed(m.store, m.keys), m.Clock, wake)
	pub.GuardURLs(m.publishOptions()) // checked at `target add` and when dialled
	client := httpx.New(m.publishOptions())
	pub.Register("mastodon", mastodon.New(client, m.Clock, mastodon.WithLogger(m.log)))
	pub.Register("bluesky", bluesky.New(client, m.Clock))
	pub.Register("webhook", webhook.New(client, m.Clock))
	pub.Register("discord-webhook", discordwebhook.New(client, m.Clock))
	drafts.AddChecker(pub)
	listen, err := m.newListening(m.log)
	if err != nil {
		return nil, err
	}
	news := m.newBroadcaster()
	deps := kit.Deps{Brands: bs, Approvals: drafts, Publish: pub, PublicURL: m.Config.PublicURL,
		Clock: m.Clock, Log: m.log, Observe: m.metrics.observeCommand, Announce: news.Announce,
		Show: func(ctx context.Context, c commands.Card, where herald.ChannelRef) {
			news.Show(ctx, bot.Announcement{Card: c, Channel: where, InChannel: true})
		},
		Tell: news.Tell}
	m.wireMediaCommands(&deps, med)                               // issue 15
	deps.Connect = m.connector(pub, kit.NewConnectNotifier(deps)) // target connect (issue 16)
	detached := m.wireAssist(drafts, &deps)                       // drafting help (issue 7)
	if notify == nil {
		notify = mentionNotifier(news)
	}
	ment := m.newMentions(bs, listen, notify, triagerOf(deps.Assist), detached.Go)
	deps.Mentions = ment
	pub.SetReplies(replyContexts{ment}) // a reply draft answers its mention (issue 19)
	return &app{brands: bs, drafts: drafts, publish: pub, wake: wake, mentions: ment, listen: listen, news: news, deps: deps,
		router: handlers.New(deps), detached: detached, media: med, connect: deps.Connect}, nil
}

// publishTo registers the chat adapters that publish to their channels.
// Call it before serving.
func (a *app) publishTo(adapters []bot.Adapter) {
	for _, ad := range adapters {
		if p, ok := ad.(publish.Publisher); ok {
			for _, kind := range publisherKinds[ad.Name()] {
				a.publish.Register(kind, p)
			}
		}
	}
}

// serve runs the adapters, the publishing scheduler and the news
// broadcaster until ctx is done or an adapter stops.
func (m *Main) serve(ctx context.Context, a *app, adapters []bot.Adapter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	news := a.news
	lead := m.leadership()
	sched := publish.NewScheduler(a.publish, kit.NewNotifier(a.router, a.deps, news.Announce), m.log,
		publish.Options{Grace: m.Config.PublishGrace, Wake: a.wake, Media: publishMedia{a.media, m.Clock}.source(),
			Owner: m.replicaID(), LeaseTTL: m.Config.LeaseTTL, Leader: lead.Leader})
	m.metrics.watch(lead, sched)
	poller := mentions.NewPoller(a.mentions, a.listen.open, m.Clock, m.log, mentions.PollerOptions{Every: m.PollEvery})
	digests := mentions.NewDigester(a.mentions)
	retention := mentions.NewPruner(a.mentions)
	var wg sync.WaitGroup
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && ctx.Err() == nil {
				m.log.Error(name+" stopped", "error", err)
			}
		}()
	}
	run("news", func(ctx context.Context) error { news.Run(ctx, adapters); return nil })
	run("leadership", lead.Run)
	run("scheduler", func(ctx context.Context) error { return sched.Run(ctx) })
	// The single jobs run on the leader (leader.go); gocron's elector
	// skips the digest and retention ticks elsewhere.
	run("poller", lead.only("poller", poller.Run))
	run("digests", lead.only("digests", func(ctx context.Context) error { return digests.Run(ctx, gocron.WithDistributedElector(lead)) }))
	run("retention", lead.only("retention", func(ctx context.Context) error { return retention.Run(ctx, gocron.WithDistributedElector(lead)) }))
	run("media sweeper", lead.only("media sweeper", func(ctx context.Context) error { return a.media.Sweeper.Run(ctx, nil) }))
	run("connections", lead.only("token refresh", func(ctx context.Context) error { return publish.NewRefresher(a.connect, m.RefreshEvery).Run(ctx) }))
	r := bot.Runner{Dispatcher: news.Mirror(a.router), Adapters: adapters, Log: m.log}
	err := r.Run(ctx)
	a.detached.stop() // let detached work finish while the news still goes out
	if m.consoleMode() && ctx.Err() == nil {
		m.drain(ctx, sched) // the input ended: finish what is being published
	}
	cancel()
	wg.Wait()
	return err
}

// drainFor bounds how long the console waits, once its input has ended,
// for the posts under way to finish publishing.
const drainFor = 2 * time.Minute

// drain waits, at most drainFor, for the publishing under way or due now
// to finish, saying so on the console: a piped script that ends with
// `publish 1` gets its post out before Herald stops.
func (m *Main) drain(ctx context.Context, sched *publish.Scheduler) {
	ctx, cancel := context.WithTimeout(ctx, drainFor)
	defer cancel()
	err := sched.Drain(ctx, 100*time.Millisecond, func(n int) {
		fmt.Fprintln(m.Stdout, m.consoleLang().N(n, "Finishing %d post before stopping…", "Finishing %d posts before stopping…"))
	})
	if err != nil {
		m.log.Warn("stopped before publishing finished", "error", err)
	}
}

// routes are the HTTP endpoints of the domain.
func (a *app) routes() []route {
	rs := []route{{"GET /calendar/{file}", calendarHandler(a.publish)}, hooksRoute(a.mentions),
		{"GET " + publish.CallbackPath, callbackHandler(a.connect)}}
	if a.media.Links != nil {
		rs = append(rs, route{"GET /media/{token}", a.media.Links.Handler(a.media.Store)})
	}
	return rs
}

// discordAdapter connects Discord: the HTTP interactions endpoint when
// DISCORD_PUBLIC_KEY is set, else the gateway.
func (m *Main) discordAdapter(a *app) (*discord.Adapter, error) {
	o := discord.Options{
		BotToken: m.Config.DiscordBotToken, AppID: m.Config.DiscordAppID,
		PublicKey: m.Config.DiscordPublicKey, APIURL: m.Config.DiscordAPIURL,
		Commands: a.router.Defs(), Clock: m.Clock, Log: m.log, HTTPClient: m.restClient(20 * time.Second),
		MediaMax: m.Config.MediaMax, WhileLeader: m.leadership().whileLeader("discord gateway"),
	}
	if m.store != nil {
		o.Cards, o.Events, o.Lookup = m.store, m.store, lookup{a.brands, a.drafts}
	}
	if a.media.Store != nil && a.media.Links == nil { // no public links: cards attach their picture
		o.Media = a.media.Store
	}
	d, err := discord.New(o)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	return d, nil
}

// startHTTP serves health, readiness and metrics on HERALD_HTTP_ADDR,
// with the platforms' endpoints (which need it) and the other routes
// (which do without it when it is off).
func (m *Main) startHTTP(platforms []route, other ...route) error {
	m.leadership() // before /readyz reads it
	routes := append(platforms, other...)
	if m.Config.HTTPAddr == "off" {
		if len(platforms) > 0 {
			return errors.New("the platform endpoints need it: set HERALD_HTTP_ADDR")
		}
		return nil
	}
	addr := m.Config.HTTPAddr
	if m.consoleMode() && !m.Config.HTTPAddrSet && strings.HasPrefix(addr, ":") {
		// The console is one person's trial: keep its metrics off the
		// network, unless HERALD_HTTP_ADDR says where (a container's
		// -p 8080:8080 needs :8080).
		addr = "127.0.0.1" + addr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	m.HTTPAddr = ln.Addr().String()
	close(m.listening)
	m.http = m.HTTPTimeouts.server(m.httpHandler(routes...))
	go func() {
		if err := m.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Error("http server stopped", "error", err)
		}
	}()
	m.log.Info("http server listening", "addr", m.HTTPAddr)
	return nil
}
