package discord

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// directoryTTL is how long the lists of guilds and channels are kept
// before Discord is asked again.
const directoryTTL = time.Minute

// postable are the channel types Herald posts to: text, announcement and
// thread channels.
var postable = map[int]bool{0: true, 5: true, 10: true, 11: true, 12: true}

// directory knows the bot's guilds and their text channels, to find a
// channel by name, kept for a minute.
type directory struct {
	api   api
	clock herald.Clock

	mu       sync.Mutex
	guilds   []guildInfo
	guildsAt time.Time
	channels map[string]channelList // by guild id
}

type channelList struct {
	list []channelInfo
	at   time.Time
}

func (d *directory) fresh(at time.Time) bool {
	return !at.IsZero() && d.clock.Now().Sub(at) < directoryTTL
}

func (d *directory) allGuilds(ctx context.Context) ([]guildInfo, error) {
	d.mu.Lock()
	if d.fresh(d.guildsAt) {
		defer d.mu.Unlock()
		return d.guilds, nil
	}
	d.mu.Unlock()
	gs, err := d.api.guilds(ctx)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.guilds, d.guildsAt = gs, d.clock.Now()
	d.mu.Unlock()
	return gs, nil
}

// textChannels lists a guild's channels Herald can post to.
func (d *directory) textChannels(ctx context.Context, guildID string) ([]channelInfo, error) {
	d.mu.Lock()
	if c, ok := d.channels[guildID]; ok && d.fresh(c.at) {
		defer d.mu.Unlock()
		return c.list, nil
	}
	d.mu.Unlock()
	all, err := d.api.guildChannels(ctx, guildID)
	if err != nil {
		return nil, err
	}
	var list []channelInfo
	for _, c := range all {
		if postable[c.Type] {
			c.GuildID = guildID
			list = append(list, c)
		}
	}
	d.mu.Lock()
	if d.channels == nil {
		d.channels = map[string]channelList{}
	}
	d.channels[guildID] = channelList{list: list, at: d.clock.Now()}
	d.mu.Unlock()
	return list, nil
}

// resolve finds the channel a target names: "#123…" (an id) or "#name",
// looked up among the text channels of every guild the bot is in. The
// errors are classified for the publish package: a channel that does not
// exist, is not a text channel, or whose name is ambiguous is Rejected;
// failing to ask Discord is Transient (nothing was posted).
func (d *directory) resolve(ctx context.Context, target string) (channelInfo, error) {
	name := strings.TrimPrefix(strings.TrimSpace(target), "#")
	if name == "" {
		return channelInfo{}, publish.Rejectedf("The Discord target %q names no channel; use discord:#channel-name or discord:#channel-id.", target)
	}
	if snowflake(name) {
		c, err := d.api.channel(ctx, name)
		switch statusOf(err) {
		case 0:
		case http.StatusNotFound:
			return channelInfo{}, publish.Rejectedf("Discord has no channel %s that Herald can see.", name)
		case http.StatusForbidden:
			return channelInfo{}, publish.Rejectedf("Herald may not see Discord channel %s: give it the View Channel permission there.", name)
		}
		if err != nil {
			return channelInfo{}, lookupFailed(err)
		}
		if !postable[c.Type] {
			return channelInfo{}, publish.Rejectedf("Discord channel %s is not a text channel Herald can post to.", name)
		}
		return c, nil
	}
	guilds, err := d.allGuilds(ctx)
	if err != nil {
		return channelInfo{}, lookupFailed(err)
	}
	var found []channelInfo
	var where []string
	for _, g := range guilds {
		cs, err := d.textChannels(ctx, g.ID)
		if err != nil {
			return channelInfo{}, lookupFailed(err)
		}
		for _, c := range cs {
			if strings.EqualFold(c.Name, name) {
				found = append(found, c)
				where = append(where, g.Name)
			}
		}
	}
	switch len(found) {
	case 0:
		return channelInfo{}, publish.Rejectedf("No Discord server Herald is in has a text channel named #%s; check the name, or use the channel's id (discord:#123456789012345678).", name)
	case 1:
		return found[0], nil
	}
	slices.Sort(where)
	return channelInfo{}, publish.Rejectedf("#%s names %d Discord channels (in %s); use the channel's id instead (discord:#%s).", name, len(found), strings.Join(where, ", "), found[0].ID)
}

// lookupFailed classifies a failure to ask Discord about channels: a
// refusal (a bad token, a missing permission) stays one; anything else is
// worth trying again, since the post was not sent.
func lookupFailed(err error) error {
	if e := publish.Classify(err); e.Outcome == publish.Rejected {
		return publish.Rejectedf("Discord refused to list channels: %s", e.Message)
	}
	wait, _ := rateLimited(err)
	return publish.TransientError(fmt.Errorf("looking up the Discord channel: %w", err), wait)
}
