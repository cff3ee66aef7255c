package discord

import (
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestActorGroups: a guild member acts with their Discord roles as the
// actor's Groups; a user in a DM has none.
func TestActorGroups(t *testing.T) {
	member := &discordgo.Interaction{Member: &discordgo.Member{User: &discordgo.User{ID: "1001", Username: "claire"}, Roles: []string{"2001", "2002"}}}
	a, err := actorOf(member)
	if err != nil || a.UserID != "1001" || !slices.Equal(a.Groups, []string{"2001", "2002"}) {
		t.Errorf("actorOf(member) = %+v, %v; want 1001 with groups 2001, 2002", a, err)
	}
	dm := &discordgo.Interaction{User: &discordgo.User{ID: "1002", Username: "bob"}}
	if a, err := actorOf(dm); err != nil || a.UserID != "1002" || len(a.Groups) != 0 {
		t.Errorf("actorOf(dm) = %+v, %v; want 1002 without groups", a, err)
	}
}

// TestActorLang: the person's language is the interaction's locale (their
// Discord client's), never the guild's; a language Herald does not speak
// is left unknown, so that the brand's applies.
func TestActorLang(t *testing.T) {
	for _, tt := range []struct{ name, locale, guild, want string }{
		{"OKFrench", "fr", "en-US", "fr"},
		{"OKEnglish", "en-GB", "fr", "en"},
		{"OKUnknown", "de", "fr", ""},
		{"OKNone", "", "fr", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"id":"1","application_id":"2","token":"t","type":2,"channel_id":"3","guild_id":"4",` +
				`"locale":"` + tt.locale + `","guild_locale":"` + tt.guild + `",` +
				`"member":{"user":{"id":"1001","username":"claire"}},"data":{"id":"5","name":"herald","type":1}}`
			it, err := parseInteraction([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			a, err := actorOf(it)
			if err != nil || a.Lang != tt.want {
				t.Errorf("actorOf: Lang %q, %v; want %q", a.Lang, err, tt.want)
			}
		})
	}
}
