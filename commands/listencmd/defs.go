package listencmd

import (
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
)

var mentionIDParam = commands.Param{Name: "id", Kind: commands.ID, Required: true, Help: "the mention's number"}

// listenDefs are the listening commands: watches, sources, mentions,
// mutes and the brand's listening settings; none without listening.
func (h *handlers) listenDefs() []*commands.Def {
	if h.Mentions == nil {
		return nil
	}
	var defs []*commands.Def
	for _, family := range [][]*commands.Def{h.watchDefs(), h.sourceDefs(), h.mentionDefs(), h.muteDefs(), h.settingDefs(), h.mentionActDefs()} {
		defs = append(defs, family...)
	}
	return defs
}

// watchDefs are the watches: queries whose mentions come to a channel.
func (h *handlers) watchDefs() []*commands.Def {
	queryParam := commands.Param{Name: "query", Kind: commands.Text, Required: true, Help: `a query, e.g. acme OR "acme corp" -job lang:fr`}
	return []*commands.Def{
		{
			Path:    "watch add",
			Summary: "Watch the web for a query; its mentions come to this channel (or --channel).",
			Params: []commands.Param{queryParam,
				{Name: "channel", Kind: commands.String, Flag: true, Help: "the channel its mentions go to, mentioned with #"}, kit.BrandFlag},
			Examples: []string{`watch add acme OR "acme corp" -job`, `watch add "acme" lang:fr --channel #veille`},
			Handler:  h.watchAdd,
		},
		{
			Path:     "watch list",
			Summary:  "List the brand's watches.",
			Params:   []commands.Param{kit.BrandFlag},
			Examples: []string{"watch list"},
			Handler:  h.watchList,
		},
		{
			Path:     "watch rm",
			Summary:  "Stop a watch.",
			Params:   []commands.Param{{Name: "id", Kind: commands.Int, Required: true, Help: "the watch's number (watch list)"}},
			Examples: []string{"watch rm 3"},
			Handler:  h.watchRm,
		},
		{
			Path:     "watch test",
			Summary:  "Try a query over the brand's recent mentions, without saving it.",
			Params:   []commands.Param{queryParam, kit.BrandFlag},
			Examples: []string{`watch test acme -job`},
			Handler:  h.watchTest,
		},
	}
}

// sourceDefs are the sources: where mentions come from.
func (h *handlers) sourceDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:    "source add",
			Summary: "Add where mentions come from: rss URL, hn, reddit, mastodon INSTANCE #tag, bluesky, webhook.",
			Params: []commands.Param{
				{Name: "kind", Kind: commands.Choice, Required: true, Choices: mentions.Kinds, Help: "the kind of source"},
				{Name: "url", Kind: commands.String, Help: "rss: the feed's URL; mastodon: the instance, e.g. mastodon.social"},
				{Name: "tag", Kind: commands.String, Help: "mastodon: the hashtag to follow, e.g. #acme"},
				kit.BrandFlag,
			},
			Examples: []string{"source add rss https://www.google.com/alerts/feeds/123/456", "source add hn", "source add mastodon mastodon.social #acme", "source add webhook"},
			Handler:  h.sourceAdd,
		},
		{
			Path:     "source list",
			Summary:  "List the brand's sources and their health: last success, last error, items seen.",
			Params:   []commands.Param{kit.BrandFlag},
			Examples: []string{"source list"},
			Handler:  h.sourceList,
		},
		{
			Path:     "source rm",
			Summary:  "Remove a source.",
			Params:   []commands.Param{{Name: "id", Kind: commands.Int, Required: true, Help: "the source's number (source list)"}},
			Examples: []string{"source rm 2"},
			Handler:  h.sourceRm,
		},
	}
}

// mentionDefs are the the summary of a brand's mentions and the commands on one mention
// (its state changes are mentionActDefs).
func (h *handlers) mentionDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:    "mentions",
			Summary: "Summary of the brand's mentions: volume, sources, top authors, unhandled ones.",
			Params: []commands.Param{{Name: "period", Kind: commands.Choice, Choices: []string{"today", "week"}, Help: "today (the default) or the last 7 days"},
				kit.BrandFlag},
			Examples: []string{"mentions", "mentions week"},
			Handler:  h.mentionsSummary,
		},
		{
			Path:     "mention show",
			Extra:    true,
			Summary:  "Show a mention's card and its history.",
			Params:   []commands.Param{mentionIDParam},
			Examples: []string{"mention show 7"},
			Handler:  h.mentionShow,
		},
		{
			Path:    "mention reply",
			Extra:   true,
			Summary: "Start a reply draft to a mention, linked to it (suggested by the LLM when one is set up).",
			Params: []commands.Param{mentionIDParam, {Name: "text", Kind: commands.Text, Help: "the reply; without it Herald suggests one (or asks)"},
				{Name: "to", Kind: commands.Targets, Flag: true, Help: "where to post it; by default the brand's account on the mention's network"}},
			Examples: []string{"mention reply 7", `mention reply 7 "Thanks for the kind words!" --to mastodon:acme`},
			Handler:  h.mentionReply,
		},
		{
			Path:     "mention answered",
			Extra:    true,
			Summary:  "Mark a mention answered after replying by hand where Herald cannot post.",
			Params:   []commands.Param{mentionIDParam},
			Examples: []string{"mention answered 7"},
			Handler:  h.mentionAnswered,
		},
		{
			Path:     "mention mute",
			Extra:    true,
			Summary:  "Mute a mention's author for its brand, and ignore the mention.",
			Params:   []commands.Param{mentionIDParam},
			Examples: []string{"mention mute 7"},
			Handler:  h.mentionMute,
		},
	}
}

// muteDefs are the mutes: authors and domains whose mentions are dropped.
func (h *handlers) muteDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:    "mute",
			Extra:   true,
			Summary: "Mute an author or a domain: their mentions are dropped.",
			Params: []commands.Param{
				{Name: "kind", Kind: commands.Choice, Required: true, Choices: []string{"author", "domain"}, Help: "author or domain"},
				{Name: "value", Kind: commands.String, Required: true, Help: "the author as the source shows it, or a domain"},
				kit.BrandFlag,
			},
			Examples: []string{"mute author spambot42", "mute domain spam.example"},
			Handler:  h.mute(true),
		},
		{
			Path:    "unmute",
			Extra:   true,
			Summary: "Lift a mute.",
			Params: []commands.Param{
				{Name: "kind", Kind: commands.Choice, Required: true, Choices: []string{"author", "domain"}, Help: "author or domain"},
				{Name: "value", Kind: commands.String, Required: true, Help: "the muted author or domain"},
				kit.BrandFlag,
			},
			Examples: []string{"unmute author spambot42"},
			Handler:  h.mute(false),
		},
		{
			Path:     "mutes",
			Extra:    true,
			Summary:  "List the brand's muted authors and domains.",
			Params:   []commands.Param{kit.BrandFlag},
			Examples: []string{"mutes"},
			Handler:  h.mutes,
		},
	}
}

// settingDefs are the the brand's listening settings.
func (h *handlers) settingDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:    "listen",
			Extra:   true,
			Summary: "Show or set the brand's listening: languages kept, digest time, LLM triage, how long mentions are kept.",
			Params: []commands.Param{
				{Name: "setting", Kind: commands.Choice, Choices: []string{"langs", "digest", "triage", "keep"}, Help: "what to set"},
				{Name: "value", Kind: commands.String, Help: "langs: fr,en or all; digest: 09:00 or off; triage: on or off; keep: 90d or forever"},
				kit.BrandFlag,
			},
			Examples: []string{"listen", "listen langs fr,en", "listen digest 08:30", "listen triage on", "listen keep 90d"},
			Handler:  h.listen,
		},
	}
}

// mentionActDefs are the state changes of a mention: claim, done,
// ignore, reopen.
func (h *handlers) mentionActDefs() []*commands.Def {
	var defs []*commands.Def
	for _, a := range []struct {
		act     mentions.Action
		summary string
	}{
		{mentions.ActClaim, "Claim a mention: you answer it."},
		{mentions.ActDone, "Mark a mention handled."},
		{mentions.ActIgnore, "Ignore a mention."},
		{mentions.ActReopen, "Reopen a mention (or give back a claimed one)."},
	} {
		defs = append(defs, &commands.Def{
			Path:     "mention " + string(a.act),
			Extra:    true,
			Summary:  a.summary,
			Params:   []commands.Param{mentionIDParam},
			Examples: []string{"mention " + string(a.act) + " 7"},
			Handler:  h.mentionAct(a.act),
		})
	}
	return defs
}
