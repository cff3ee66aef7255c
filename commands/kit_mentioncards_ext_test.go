package commands

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

// newButtonsHandlers returns handlers over the real command set with the
// listening commands (no store: mentionButtons only asks the router).
func newButtonsHandlers(t *testing.T) *handlers {
	t.Helper()
	svc := mentions.NewService(nil, nil, herald.SystemClock{}, mentions.Options{})
	return &handlers{router: New(Deps{Mentions: svc})}
}

func TestMentionButtons(t *testing.T) {
	h := newButtonsHandlers(t)
	claim := Button{Label: "Claim", Command: "mention claim 7", Style: "primary"}
	done := Button{Label: "Done", Command: "mention done 7"}
	ignore := Button{Label: "Ignore", Command: "mention ignore 7"}
	reopen := Button{Label: "Reopen", Command: "mention reopen 7"}
	reply := Button{Label: "Draft reply", Command: "mention reply 7"}
	mute := Button{Label: "Mute author", Command: "mention mute 7", Style: "danger"}
	replyDraft := Button{Label: "Reply draft", Command: "show 12"}
	tests := []struct {
		name string
		m    mentions.Mention
		want []Button
	}{
		{name: "OKNew", m: mentions.Mention{ID: 7, State: mentions.StateNew, Author: "zoe"}, want: []Button{claim, done, ignore, reply, mute}},
		{name: "OKNewNoAuthor", m: mentions.Mention{ID: 7, State: mentions.StateNew}, want: []Button{claim, done, ignore, reply}},
		{name: "OKClaimed", m: mentions.Mention{ID: 7, State: mentions.StateClaimed, Author: "zoe"}, want: []Button{done, ignore, reopen, reply, mute}},
		{name: "OKHandled", m: mentions.Mention{ID: 7, State: mentions.StateHandled, Author: "zoe"}, want: []Button{reopen}},
		{name: "OKIgnored", m: mentions.Mention{ID: 7, State: mentions.StateIgnored, Author: "zoe"}, want: []Button{reopen}},
		{name: "OKClaimedWithDraft", m: mentions.Mention{ID: 7, State: mentions.StateClaimed, Author: "zoe", DraftID: 12}, want: []Button{done, ignore, reopen, mute, replyDraft}},
		{name: "OKHandledWithDraft", m: mentions.Mention{ID: 7, State: mentions.StateHandled, DraftID: 12}, want: []Button{reopen, replyDraft}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.router.offered(mentionButtons(tt.m))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("buttons (-want +got):\n%s", diff)
			}
			// Every button runs a command that parses, as the one who clicks.
			for _, b := range got {
				if _, _, err := h.router.Parse(herald.Actor{Platform: "slack", UserID: "U1"}, b.Command); err != nil {
					t.Errorf("button %q runs %q, which does not parse: %v", b.Label, b.Command, err)
				}
			}
		})
	}
	t.Run("OKOnlyRegisteredCommands", func(t *testing.T) {
		bare := NewRouter()
		if got := bare.offered(mentionButtons(mentions.Mention{ID: 7, State: mentions.StateNew, Author: "zoe", DraftID: 3})); len(got) != 0 {
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
			if got := triage(m); got != tt.want {
				t.Errorf("triage = %q; want %q", got, tt.want)
			}
			c := h.router.Offer(mentionCard(herald.Brand{Name: "Acme"}, m))
			has := slices.ContainsFunc(c.Fields, func(f Field) bool { return f.Label == "Triage" && f.Value == tt.want })
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
	c := h.router.Offer(mentionCard(herald.Brand{Name: "Acme"}, mentions.Mention{ID: 1, State: mentions.StateNew, Text: "acme", Author: "[x](https://phish.example)"}))
	i := slices.IndexFunc(c.Fields, func(f Field) bool { return f.Label == "Author" })
	if i < 0 || !c.Fields[i].Verbatim || c.Fields[i].Value != "[x](https://phish.example)" {
		t.Errorf("card fields %+v; want the author, verbatim", c.Fields)
	}
}
