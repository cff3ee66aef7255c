package main

import (
	"context"
	"sync"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/internal/httpx"
)

// detachedTimeout bounds one piece of detached work: an LLM call with all
// its attempts and waits (assist.Config.MaxCallDuration, which grows with
// HERALD_LLM_TIMEOUT), then storing the drafts it wrote.
func (c Config) detachedTimeout() time.Duration {
	return c.llmConfig().MaxCallDuration() + 30*time.Second
}

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
		o := m.operatorURLs() // OPENAI_BASE_URL: Ollama on localhost is fine
		o.Timeout = -1        // each call is bounded by assist (Config.MaxCallDuration)
		cfg.HTTPClient = httpx.New(o)
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
	d := &detached{timeout: m.Config.detachedTimeout()}
	deps.Assist, deps.Go, deps.Announce = as, d.Go, d.Announce
	return d
}

// detached runs work after a platform's acknowledgement, and brings its
// result to chat through the news broadcaster once serving.
type detached struct {
	timeout  time.Duration // of each piece of work
	work     bot.Work
	mu       sync.Mutex
	announce commands.Announce
}

// Go implements commands.Deps.Go.
func (d *detached) Go(f func(ctx context.Context)) bool { return d.work.Go(d.timeout, f) }

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
