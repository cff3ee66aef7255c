package discord

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/heraldhq/herald/internal/httpx"
)

// The gateway close codes after which connecting again cannot help.
var fatalClose = map[int]string{
	4004: "Discord refused the bot token (DISCORD_BOT_TOKEN)",
	4010: "invalid shard",
	4011: "sharding required: this Herald serves too many guilds for one connection",
	4012: "invalid gateway API version",
	4013: "invalid intents",
	4014: "disallowed intents: enable them in the Developer Portal (Bot page)",
}

// interactionCreate is the gateway event that carries an interaction.
const interactionCreate = "INTERACTION_CREATE"

// gatewayIntents are the events Herald asks for. Interactions arrive
// whatever the intents; Guilds keeps the session's guild list current.
const gatewayIntents = discordgo.IntentsGuilds

// gatewayDialer opens the gateway websocket as Herald's other clients
// connect (internal/httpx, trusted: Discord's endpoint), without the proxy
// from the environment that discordgo's default dialer takes.
func gatewayDialer() *websocket.Dialer {
	return &websocket.Dialer{NetDialContext: httpx.Options{Trusted: true}.DialContext, HandshakeTimeout: 45 * time.Second}
}

// runGateway receives interactions over the gateway until ctx is done.
// discordgo reconnects and resumes after a connection drops; a first
// connection that fails is tried again with backoff, unless Discord
// refused the token or the intents.
func (a *Adapter) runGateway(ctx context.Context) error {
	s, err := discordgo.New("Bot " + a.token)
	if err != nil {
		return err
	}
	s.Client = a.http
	s.Dialer = gatewayDialer()
	s.Identify.Intents = gatewayIntents
	s.LogLevel = discordgo.LogError
	// Interactions are read from the raw event by the same parser as the
	// HTTP endpoint's (parseInteraction), not from discordgo's
	// InteractionCreate, which is empty when a component type is new to
	// discordgo.
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		if e.Type != interactionCreate {
			return
		}
		it, err := parseInteraction(e.RawData)
		if err != nil {
			a.log.Info("discord interaction refused", "error", err)
			return
		}
		a.receive(it, time.Now())
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Connect) { a.log.Info("discord gateway connected") })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		a.log.Warn("discord gateway disconnected; reconnecting")
	})
	backoff := time.Second
	for {
		err := s.Open()
		if err == nil {
			break
		}
		if msg, fatal := gatewayFatal(err); fatal {
			return errors.New(msg)
		}
		a.log.Warn("discord gateway connection failed; trying again", "error", err, "retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
	<-ctx.Done()
	if err := s.Close(); err != nil {
		a.log.Warn("discord gateway close", "error", err)
	}
	return nil
}

// gatewayFatal reports whether err means connecting again cannot help: a
// token Discord refuses (401 on the REST lookup, close 4004) or settings
// it rejects.
func gatewayFatal(err error) (string, bool) {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		if msg, ok := fatalClose[ce.Code]; ok {
			return fmt.Sprintf("discord gateway: %s (close code %d)", msg, ce.Code), true
		}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == 401 {
		return "discord gateway: Discord refused the bot token (DISCORD_BOT_TOKEN)", true
	}
	return "", false
}
