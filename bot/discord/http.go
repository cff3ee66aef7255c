package discord

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
)

// PathInteractions is where Discord posts interactions when the
// application's Interactions Endpoint URL points at Herald.
const PathInteractions = "/discord/interactions"

// Handler serves the HTTP interactions endpoint, POST /discord/interactions.
// Each request's Ed25519 signature and timestamp are checked before
// anything else (401 when they are wrong), its size is bounded (413), a
// PING gets a PONG, and anything else is acknowledged with 202 at once:
// the answer goes to Discord's callback endpoint from the background, so
// that its follow-ups never race it. The same signed request sent again
// (a replay within the signature window) gets the same 202 and is not run
// again (bot.Once; the interaction id is also remembered, for the gateway).
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathInteractions, a.serveInteraction)
	return a.verifier.Wrap(bot.Once(a.events, a.clock, replayKey, http.StatusAccepted, a.log, mux))
}

// replayKey names a verified request by its Ed25519 signature over its
// timestamp and body (hex read in either case, so lower-cased).
func replayKey(r *http.Request) string {
	return "discord:sig:" + strings.ToLower(r.Header.Get(headerSignature))
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	body, err := io.ReadAll(r.Body) // bounded and verified by the Verifier
	if err != nil {
		http.Error(w, "could not read the request body", http.StatusBadRequest)
		return
	}
	it, err := parseInteraction(body)
	if err != nil {
		http.Error(w, herald.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	if it.Type == discordgo.InteractionPing {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(callback{Type: callbackPong})
		return
	}
	a.receive(it, received)
	w.WriteHeader(http.StatusAccepted)
}
