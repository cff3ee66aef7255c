package herald

import (
	"strings"
)

// Target is where a post goes, e.g. "slack:#launch" or "mastodon:main".
type Target struct {
	Kind string // slack, discord, discord-webhook, mastodon, bluesky, webhook, linkedin, x, telegram
	Name string // channel (with its #) or the configured account name
}

// String returns the target as users type it.
func (t Target) String() string { return t.Kind + ":" + t.Name }

// targetKinds maps each kind to whether its name is a chat channel.
var targetKinds = map[string]bool{
	"slack":           true,
	"discord":         true,
	"discord-webhook": false,
	"mastodon":        false,
	"bluesky":         false,
	"webhook":         false,
	"linkedin":        false,
	"x":               false,
	"telegram":        false,
	"facebook":        false,
	"instagram":       false,
	"threads":         false,
}

const targetHelp = "targets look like slack:#channel, discord:#channel, discord-webhook:NAME, mastodon:NAME, bluesky:NAME, linkedin:NAME, facebook:NAME, instagram:NAME, threads:NAME, x:NAME, telegram:NAME or webhook:NAME"

// ParseTarget reads one target.
func ParseTarget(s string) (Target, error) {
	kind, name, ok := strings.Cut(strings.TrimSpace(s), ":")
	kind = strings.ToLower(kind)
	channel, known := targetKinds[kind]
	if !ok || !known || name == "" {
		return Target{}, Errorf(EINVALID, "%q is not a target; %s.", s, targetHelp)
	}
	if channel && !strings.HasPrefix(name, "#") {
		name = "#" + name
	}
	if strings.ContainsAny(name, " \t\n,") || len(name) > 100 || (channel && len(name) < 2) {
		return Target{}, Errorf(EINVALID, "%q is not a target; %s.", s, targetHelp)
	}
	return Target{Kind: kind, Name: name}, nil
}

// ParseTargets reads a comma- or space-separated list of targets, dropping
// duplicates and keeping the order given.
func ParseTargets(s string) ([]Target, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	var out []Target
	seen := map[Target]bool{}
	for _, f := range fields {
		t, err := ParseTarget(f)
		if err != nil {
			return nil, err
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// FormatTargets joins targets as users type them.
func FormatTargets(ts []Target) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}
