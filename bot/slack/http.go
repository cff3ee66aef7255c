package slack

import (
	"encoding/json"
	"net/http"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald/bot"
)

// Handler serves Slack's HTTP endpoints: /slack/commands, /slack/events and
// /slack/interactivity. Every request's signature and timestamp are
// checked before anything else; a bad one gets 401 and changes nothing.
// Each request is acknowledged at once; the work continues after. The
// same signed request sent again (a replay within the signature window)
// gets 200 with an empty body and is not run again (bot.Once).
func (a *Adapter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", a.serveCommand)
	mux.HandleFunc("POST /slack/interactivity", a.serveInteraction)
	mux.HandleFunc("POST /slack/events", a.serveEvent)
	return a.verifier.Wrap(bot.Once(a.events, a.clock, replayKey, http.StatusOK, a.log, mux))
}

// replayKey names a verified request by its signature, an HMAC of its
// timestamp and body: the same request sent again has the same one. Hex
// is read in either case, so the key is lower-cased.
func replayKey(r *http.Request) string {
	return "slack:sig:" + strings.ToLower(r.Header.Get(headerSignature))
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	sc, err := slackapi.SlashCommandParse(r)
	if err != nil || sc.UserID == "" || sc.ChannelID == "" {
		http.Error(w, "not a slash command payload", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.slash(sc)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	var cb slackapi.InteractionCallback
	if err := json.Unmarshal([]byte(r.PostFormValue("payload")), &cb); err != nil {
		http.Error(w, "the payload field is not an interaction", http.StatusBadRequest)
		return
	}
	switch cb.Type {
	case slackapi.InteractionTypeViewSubmission:
		if resp := a.viewSubmission(cb); resp != nil {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(resp)
			return
		}
		w.WriteHeader(http.StatusOK)
	case slackapi.InteractionTypeBlockActions:
		w.WriteHeader(http.StatusOK)
		a.blockActions(cb)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// eventEnvelope is the part of an Events API request Herald reads.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type     string `json:"type"`
		Channel  string `json:"channel"`
		User     string `json:"user"`
		TS       string `json:"ts"`
		ThreadTS string `json:"thread_ts"`
	} `json:"event"`
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request) {
	var env eventEnvelope
	if err := json.NewDecoder(r.Body).Decode(&env); err != nil {
		http.Error(w, "not an Events API payload", http.StatusBadRequest)
		return
	}
	switch env.Type {
	case "url_verification":
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(env.Challenge))
		return
	case "event_callback":
		w.WriteHeader(http.StatusOK)
		a.onEvent(env)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// onEvent handles an acknowledged event.
func (a *Adapter) onEvent(env eventEnvelope) {
	if env.Event.Type == "app_mention" {
		a.appMention(mention{eventID: env.EventID, channel: env.Event.Channel, user: env.Event.User, ts: env.Event.TS, thread: env.Event.ThreadTS})
	}
}
