package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist/assisttest"
	"github.com/heraldhq/herald/storage/sqlite"
)

// TestConsoleDraftingHelp drives drafting help end to end through Main and
// the console: guidelines, then `ai` against a fake OpenAI-compatible
// server; the variants become drafts, shown on the updated card, and the
// lint runs on them.
func TestConsoleDraftingHelp(t *testing.T) {
	llm := assisttest.New(t, assisttest.Answer{Content: "Sure! Here they are:\n```json\n" +
		assisttest.Variants("Lyon opens Monday, coffee on us #ad", "Monday 9:00: our Lyon store opens #ad", "Cheap coffee in Lyon on Monday") + "\n```"})
	db := filepath.Join(t.TempDir(), "herald.db")
	key := filepath.Join(t.TempDir(), "openai-key")
	if err := os.WriteFile(key, []byte("sk-from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off",
		"OPENAI_BASE_URL": llm.URL(), "OPENAI_API_KEY_FILE": key, "HERALD_LLM_MODEL": "llama3.1"})
	c.send("brand add Acme", "Brand Acme created")
	c.send(`guidelines set ban=cheap require=#ad max.mastodon=500 tone="warm, no jargon"`, "alice updated the guidelines of Acme")
	c.send("guidelines show", "As rules: `guidelines set")
	out := c.send(`ai "our Lyon store opens Monday, free coffee" --to mastodon:main`, "variants drafted")
	for _, want := range []string{"Drafting… (our Lyon store opens Monday, free coffee)", "news from Herald", "3 variants drafted · Acme",
		"Draft #1: “Lyon opens Monday, coffee on us #ad”", "Draft #3", "The brand's guidelines ban “cheap”"} {
		if !strings.Contains(out, want) {
			t.Errorf("the console lacks %q:\n%s", want, out)
		}
	}
	c.send("submit 3", "Draft #3 cannot go to review yet")
	c.stop()

	reqs := llm.Requests()
	if len(reqs) != 1 || reqs[0].Model != "llama3.1" || !strings.Contains(reqs[0].Messages[0].Content, "Never use these words or phrases: cheap") {
		t.Errorf("LLM requests = %d; want one for llama3.1 with the guidelines", len(reqs))
	}
	if auth := llm.Headers()[0].Get("Authorization"); auth != "Bearer sk-from-a-file" {
		t.Errorf("Authorization = %q; want the key from OPENAI_API_KEY_FILE", auth)
	}
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for id := int64(1); id <= 3; id++ {
		d, err := s.Draft(t.Context(), id)
		if err != nil || d.State != approvals.StateDraft || d.Author.UserID != "alice" {
			t.Errorf("draft #%d = %+v, %v; want alice's, in state draft", id, d, err)
		}
	}
	if strings.Contains(c.out.String(), "sk-from-a-file") {
		t.Error("the API key shows in the output or logs")
	}
}

// TestConsoleWithoutLLM: without an LLM, the guidelines work and `ai`
// says how to configure one.
func TestConsoleWithoutLLM(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off"})
	c.send("brand add Acme", "Brand Acme created")
	c.send("guidelines set emoji=none", "Emoji: none")
	c.send(`ai "a post"`, "Drafting help needs an LLM: set OPENAI_BASE_URL")
	c.send(`draft "Hello 🎉"`, "The brand uses no emoji")
}

func TestLLMConfig(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c, err := LoadConfig(envOf(map[string]string{"OPENAI_BASE_URL": "https://acme.openai.azure.com/", "HERALD_LLM_MODEL": "gpt4o-prod",
			"OPENAI_API_VERSION": "2024-10-21", "HERALD_LLM_TIMEOUT": "45s", "OPENAI_API_KEY": "azkey", "HERALD_LLM_VISION": "true"}))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		lc := c.llmConfig()
		if !lc.IsAzure() || lc.APIVersion != "2024-10-21" || lc.Timeout != 45*time.Second || lc.Model != "gpt4o-prod" || lc.APIKey != "azkey" || !lc.Vision {
			t.Errorf("llmConfig = %+v", lc)
		}
		// Detached work outlasts every attempt of 45 s (4: 3, and one
		// without structured output) and the waits between.
		if d := c.detachedTimeout(); d < 4*45*time.Second+2*8*time.Second {
			t.Errorf("detachedTimeout = %s; want room for every attempt", d)
		}
	})
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"ErrModelMissing", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1"}, "HERALD_LLM_MODEL: name the model"},
		{"ErrAPIVersionAlone", map[string]string{"OPENAI_API_VERSION": "2024-10-21"}, "OPENAI_API_VERSION: Azure OpenAI needs OPENAI_BASE_URL"},
		{"ErrBaseURL", map[string]string{"OPENAI_BASE_URL": "localhost:11434", "HERALD_LLM_MODEL": "m"}, "OPENAI_BASE_URL"},
		{"ErrTimeout", map[string]string{"HERALD_LLM_TIMEOUT": "soon"}, "HERALD_LLM_TIMEOUT"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(envOf(tt.env))
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("config %v: %v; want an error naming %q", tt.env, err, tt.want)
			}
		})
	}
}
