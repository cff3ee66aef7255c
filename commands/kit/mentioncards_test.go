package kit_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
)

// newButtonsHandlers returns handlers over the real command set with the
// listening commands (no store: mentionButtons only asks the router).
func newButtonsHandlers(t *testing.T) *kit.Base {
	t.Helper()
	svc := mentions.NewService(nil, nil, herald.SystemClock{}, mentions.Options{})
	return &kit.Base{Router: handlers.New(kit.Deps{Mentions: svc})}
}

func TestMentionButtons(t *testing.T) {
	h := newButtonsHandlers(t)
	claim := commands.Button{Label: "Claim", Command: "mention claim 7", Style: "primary"}
	done := commands.Button{Label: "Done", Command: "mention done 7"}
	ignore := commands.Button{Label: "Ignore", Command: "mention ignore 7"}
	reopen := commands.Button{Label: "Reopen", Command: "mention reopen 7"}
	reply := commands.Button{Label: "Draft reply", Command: "mention reply 7"}
	mute := commands.Button{Label: "Mute author", Command: "mention mute 7", Style: "danger"}
	replyDraft := commands.Button{Label: "Reply draft", Command: "show 12"}
	tests := []struct {
		name string
		m    mentions.Mention
		want []commands.Button
	}{
		{name: "OKNew", m: mentions.Mention{ID: 7, State: mentions.StateNew, Author: "zoe"}, want: []commands.Button{claim, done, ignore, reply, mute}},
		{name: "OKNewNoAuthor", m: mentions.Mention{ID: 7, State: mentions.StateNew}, want: []commands.Button{claim, done, ignore, reply}},
		{name: "OKClaimed", m: mentions.Mention{ID: 7, State: mentions.StateClaimed, Author: "zoe"}, want: []commands.Button{done, ignore, reopen, reply, mute}},
		{name: "OKHandled", m: mentions.Mention{ID: 7, State: mentions.StateHandled, Author: "zoe"}, want: []commands.Button{reopen}},
		{name: "OKIgnored", m: mentions.Mention{ID: 7, State: mentions.StateIgnored, Author: "zoe"}, want: []commands.Button{reopen}},
		{name: "OKClaimedWithDraft", m: mentions.Mention{ID: 7, State: mentions.StateClaimed, Author: "zoe", DraftID: 12}, want: []commands.Button{done, ignore, reopen, mute, replyDraft}},
		{name: "OKHandledWithDraft", m: mentions.Mention{ID: 7, State: mentions.StateHandled, DraftID: 12}, want: []commands.Button{reopen, replyDraft}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.Router.Offer(commands.Card{Buttons: kit.MentionButtons(tt.m, i18n.English)}).Buttons
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("buttons (-want +got):\n%s", diff)
			}
			// Every button runs a command that parses, as the one who clicks.
			for _, b := range got {
				if _, _, err := h.Router.Parse(herald.Actor{Platform: "slack", UserID: "U1"}, b.Command); err != nil {
					t.Errorf("button %q runs %q, which does not parse: %v", b.Label, b.Command, err)
				}
			}
		})
	}
	t.Run("OKOnlyRegisteredCommands", func(t *testing.T) {
		bare := commands.NewRouter()
		if got := bare.Offer(commands.Card{Buttons: kit.MentionButtons(mentions.Mention{ID: 7, State: mentions.StateNew, Author: "zoe", DraftID: 3}, i18n.English)}).Buttons; len(got) != 0 {
			t.Errorf("a router without the listening commands got buttons %+v", got)
		}
	})
}

func TestTriage(t *testing.T) {
	tests := []struct {
		name, sentiment, urgency, want string
	}{
		{"OKBoth", "negative", "high", "negative · high urgency"},
		{"OKSentimentOnly", "positive", "", "positive"},
		{"OKUrgencyOnly", "", "low", "low urgency"},
		{"OKNone", "", "", ""},
	}
	h := newButtonsHandlers(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mentions.Mention{ID: 1, State: mentions.StateNew, Text: "acme", Sentiment: tt.sentiment, Urgency: tt.urgency}
			if got := kit.Triage(m, i18n.English); got != tt.want {
				t.Errorf("triage = %q; want %q", got, tt.want)
			}
			c := h.Router.Offer(kit.MentionCard(herald.Brand{Name: "Acme"}, m, i18n.English))
			has := slices.ContainsFunc(c.Fields, func(f commands.Field) bool { return f.Label == "Triage" && f.Value == tt.want })
			if has != (tt.want != "") {
				t.Errorf("card fields %+v; want Triage %q", c.Fields, tt.want)
			}
		})
	}
}

// TestMentionCardVerbatimAuthor: the author comes from the web, so the
// card marks it Verbatim for the adapters to show as text.
func TestMentionCardVerbatimAuthor(t *testing.T) {
	h := newButtonsHandlers(t)
	c := h.Router.Offer(kit.MentionCard(herald.Brand{Name: "Acme"}, mentions.Mention{ID: 1, State: mentions.StateNew, Text: "acme", Author: "[x](https://phish.example)"}, i18n.English))
	i := slices.IndexFunc(c.Fields, func(f commands.Field) bool { return f.Label == "Author" })
	if i < 0 || !c.Fields[i].Verbatim || c.Fields[i].Value != "[x](https://phish.example)" {
		t.Errorf("card fields %+v; want the author, verbatim", c.Fields)
	}
}
