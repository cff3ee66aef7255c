package discord

import (
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
)

// TestFrench: a French brand's mention card as an embed, and the
// adapter's own words for a French reader.
func TestFrench(t *testing.T) {
	b := herald.Brand{Name: "Acme", Timezone: "UTC", Lang: "fr"}
	m := mentions.Mention{ID: 7, State: mentions.StateNew, Sources: []string{"hn"}, URL: "https://news.example/7",
		Text: "Acme fuit", Terms: []string{"acme"}, Author: "zoe", FoundAt: time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)}
	msg := cardMessage(kit.MentionCard(b, m, i18n.French))
	if got := msg.Embeds[0].Title; got != toneEmoji["warning"]+"Mention n°\u00a07 · Acme · hn" {
		t.Errorf("title %q", got)
	}
	for name, want := range map[string]string{"État": "nouvelle", "Publiée": "lun. 7 déc. 2026 à 9 h 30 UTC", "Lien": "https://news.example/7"} {
		if got := fieldNamed(msg, name); got != want {
			t.Errorf("field %s = %q; want %q", name, got, want)
		}
	}
	msgs := textMessages(commands.Response{ErrCode: herald.EINTERNAL, Ephemeral: true}, i18n.French)
	if len(msgs) != 1 || msgs[0].Content != "⚠️ Un problème est survenu." {
		t.Errorf("French error without words = %+v", msgs)
	}
}
