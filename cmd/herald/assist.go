package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/mentions"
)

// detachedTimeout bounds one piece of detached work: an LLM request and
// its retries (3 attempts of HERALD_LLM_TIMEOUT and the waits between).
const detachedTimeout = 3 * time.Minute

// llmConfig returns the drafting help's LLM settings.
func (c Config) llmConfig() assist.Config {
	return assist.Config{BaseURL: c.OpenAIBaseURL, APIKey: c.OpenAIAPIKey, Model: c.LLMModel,
		APIVersion: c.OpenAIAPIVersion, Timeout: c.LLMTimeout}
}

func (c Config) validateLLM(bad func(string, ...any)) {
	if c.OpenAIBaseURL != "" && c.LLMModel == "" {
		bad("HERALD_LLM_MODEL: name the model to use at OPENAI_BASE_URL (e.g. llama3.1 for Ollama; on Azure, the deployment name)")
	}
	if c.OpenAIAPIVersion != "" && c.OpenAIBaseURL == "" {
		bad("OPENAI_API_VERSION: Azure OpenAI needs OPENAI_BASE_URL too, e.g. https://RESOURCE.openai.azure.com/")
	}
}

// wireAssist adds drafting help to the commands: the guidelines (always,
// with their lint on every draft) and the LLM when one is configured.
func (m *Main) wireAssist(drafts *approvals.Service, deps *commands.Deps) *detached {
	var llm *assist.Client
	if cfg := m.Config.llmConfig(); cfg.Configured() {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		cfg.HTTPClient = &http.Client{Transport: tr}
		c, err := assist.NewClient(cfg, m.Clock, m.log)
		if err != nil {
			m.log.Error("drafting help is off: the LLM settings are not usable", "error", err)
		} else {
			llm = c
			m.log.Info("drafting help on", "model", c.Model(), "azure", cfg.IsAzure())
		}
	}
	as := assist.NewService(m.store, llm, m.Clock, m.log, assist.Options{})
	drafts.AddChecker(commands.GuidelinesChecker(as))
	d := &detached{}
	deps.Assist, deps.Go, deps.Announce = as, d.Go, d.Announce
	if llm != nil && deps.Mentions != nil && m.store != nil {
		d.triage = &triager{assist: as, mentions: deps.Mentions, settings: m.store.Settings, run: d.Go, log: m.log}
	}
	return d
}

// triager triages the new mentions of brands that turned triage on
// (`listen triage on`), after the next notifier has shown them: the LLM
// call runs detached, bounded per brand and per process by assist, and its
// result updates the mention's card (an EventUpdated, which is not
// triaged again).
type triager struct {
	next     mentions.Notifier
	assist   *assist.Service
	mentions *mentions.Service
	settings func(ctx context.Context, brandID int64) (mentions.Settings, error)
	run      func(f func(ctx context.Context)) bool
	log      *slog.Logger
}

// Notify implements mentions.Notifier.
func (t *triager) Notify(ctx context.Context, e mentions.Event) error {
	err := t.next.Notify(ctx, e)
	if e.Kind != mentions.EventMention || e.Mention == nil {
		return err
	}
	st, serr := t.settings(ctx, e.Brand.ID)
	if serr != nil || !st.Triage {
		return err
	}
	m, brand := *e.Mention, e.Brand
	in := assist.ReplyInput{Source: strings.Join(m.Sources, ", "), Author: m.Author, URL: m.URL, Title: m.Title, Text: m.Text}
	t.run(func(ctx context.Context) {
		tr, err := t.assist.Triage(ctx, brand, in)
		switch {
		case err != nil:
			t.log.WarnContext(ctx, "triage failed", "brand", brand.Name, "mention_id", m.ID, "code", herald.ErrorCode(err))
		case tr.Skipped:
			t.log.InfoContext(ctx, "triage skipped", "brand", brand.Name, "mention_id", m.ID, "reason", tr.Reason)
		default:
			if _, err := t.mentions.SetTriageResult(ctx, m.ID, tr.Sentiment, tr.Urgency); err != nil {
				t.log.WarnContext(ctx, "triage not recorded", "brand", brand.Name, "mention_id", m.ID, "error", err)
			}
		}
	})
	return err
}

// detached runs work after a platform's acknowledgement, and brings its
// result to chat through the news broadcaster once serving.
type detached struct {
	work     bot.Work
	mu       sync.Mutex
	announce commands.Announce
	triage   *triager // nil without an LLM or listening
}

// triaging returns n, followed by the triage of new mentions when an LLM
// is configured.
func (d *detached) triaging(n mentions.Notifier) mentions.Notifier {
	if d.triage == nil {
		return n
	}
	t := *d.triage
	t.next = n
	return &t
}

// Go implements commands.Deps.Go.
func (d *detached) Go(f func(ctx context.Context)) bool { return d.work.Go(detachedTimeout, f) }

// Announce implements commands.Deps.Announce; news before serving is
// dropped.
func (d *detached) Announce(ctx context.Context, card commands.Card, note commands.Response) {
	d.mu.Lock()
	a := d.announce
	d.mu.Unlock()
	if a != nil {
		a(ctx, card, note)
	}
}

func (d *detached) connect(a commands.Announce) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.announce = a
}

// stop lets nothing new start and waits for the work in flight.
func (d *detached) stop() { d.work.Stop() }
