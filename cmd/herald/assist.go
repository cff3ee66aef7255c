package main

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands/assistcmd"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
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
		APIVersion: c.OpenAIAPIVersion, Timeout: c.LLMTimeout, Vision: c.LLMVision}
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
func (m *Main) wireAssist(drafts *approvals.Service, deps *kit.Deps) *detached {
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
	drafts.AddChecker(assistcmd.GuidelinesChecker(as))
	d := &detached{timeout: m.Config.detachedTimeout()}
	deps.Assist, deps.Go = as, d.Go
	return d
}

// detached runs work after a platform's acknowledgement; its result
// reaches chat through Deps.Announce (the news broadcaster).
type detached struct {
	timeout time.Duration // of each piece of work
	work    bot.Work
}

// Go implements kit.Deps.Go.
func (d *detached) Go(f func(ctx context.Context)) bool { return d.work.Go(d.timeout, f) }

// stop lets nothing new start and waits for the work in flight.
func (d *detached) stop() { d.work.Stop() }

// triager adapts assist's triage to mentions.Triager, so that neither
// domain package imports the other.
type triager struct{ as *assist.Service }

var _ mentions.Triager = triager{}

// triagerOf returns as's triage as a mentions.Triager; nil without an LLM.
func triagerOf(as *assist.Service) mentions.Triager {
	if as == nil || !as.Enabled() {
		return nil
	}
	return triager{as}
}

// Triage implements mentions.Triager: the mention as the LLM reads it
// (untrusted data), the link without its tracking parameters; a call
// skipped by assist's rate bounds is ok false.
func (t triager) Triage(ctx context.Context, b herald.Brand, m mentions.Mention) (sentiment, urgency string, ok bool, err error) {
	tr, err := t.as.Triage(ctx, b, kit.ReplyInput(m))
	if err != nil || tr.Skipped {
		return "", "", false, err
	}
	return tr.Sentiment, tr.Urgency, true, nil
}
