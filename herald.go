// Package herald holds the vocabulary shared by every Herald package: actors,
// brands, roles, channels, targets, the coded error type and the clock.
// It imports only the standard library.
package herald

import (
	"context"
	"strings"
	"time"
)

// Clock tells the time. Everything that needs the time takes one, so tests
// can drive it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits d of real time, or until ctx is done (its error then). It is
// the default of the waits that tests replace (a poll, a back-off).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Actor is the chat user who acts: a platform ("slack", "discord",
// "console") and that platform's user id. Name is for display only.
//
// Groups are the platform groups the user acts with (the Discord role ids
// of the member, from the interaction): a brand may grant a role to a group,
// and the user then holds it while acting (see package brands). Groups is
// request data, never stored; an Actor is not comparable with ==, compare
// Key().
type Actor struct {
	Platform string
	UserID   string
	Name     string
	Groups   []string
	// Lang is the language the person reads ("en", "fr"), from the
	// platform's locale or their choice; "" when unknown (the brand's, or
	// English).
	Lang string
}

// Key identifies the actor across platforms, e.g. "slack:U123".
func (a Actor) Key() string { return a.Platform + ":" + a.UserID }

// Display returns the best human name for the actor.
func (a Actor) Display() string {
	if a.Name != "" {
		return a.Name
	}
	return a.UserID
}

// ChannelRef names a chat channel: platform, workspace (Slack team, Discord
// guild, "local" for the console) and channel id.
type ChannelRef struct {
	Platform  string
	Workspace string
	Channel   string
}

// Role is a member's role on a brand.
type Role string

// The roles, from most to least powerful.
const (
	RoleAdmin    Role = "admin"    // manages the brand: roles, policy, everything editors do
	RoleEditor   Role = "editor"   // writes, edits and submits drafts
	RoleApprover Role = "approver" // internal review
	RoleClient   Role = "client"   // client review; sees only its own brand
	RoleViewer   Role = "viewer"   // reads
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleEditor, RoleApprover, RoleClient, RoleViewer}

// ParseRole reads a role name, case-insensitively.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Roles {
		if r == known {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "%q is not a role; use one of admin, editor, approver, client, viewer.", s)
}

// Brand is what an agency manages for a client. Everything else (members,
// drafts, watches, targets) belongs to one brand.
type Brand struct {
	ID       int64
	Name     string
	Timezone string // IANA zone name
	Policy   string // review policy, e.g. "team:1 client:1"; "" means no review
	// RemindAfter is how long a draft may wait in review before its
	// reviewers are reminded: 0 means Herald's default, negative never.
	RemindAfter time.Duration
	// Lang is the language of what the brand's channels see ("en", "fr");
	// "" is English.
	Lang      string
	CreatedAt time.Time
}

// Location returns the brand's time zone, UTC when unknown.
func (b Brand) Location() *time.Location {
	if loc, err := time.LoadLocation(b.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// MessageRef is where a message Herald posted lives: a channel and the
// platform's message id (Slack ts, Discord snowflake).
type MessageRef struct {
	Channel   ChannelRef
	MessageID string
}
