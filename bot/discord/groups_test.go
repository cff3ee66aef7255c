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
