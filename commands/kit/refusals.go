package kit

import (
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands/i18n"
)

// translated words, in languages other than English, the domain errors
// whose English Message says all there is (no command to type): in
// English the Message is shown as the domain wrote it.
var translated = map[string]func(l i18n.Lang, f herald.Facts) string{
	brands.ReasonForbidden: forbiddenText,
	brands.ReasonNameInvisible: func(l i18n.Lang, f herald.Facts) string {
		return l.F("A brand name cannot hold control or invisible formatting characters (it has %v); type the name again without it.", f["char"])
	},
	brands.ReasonNameChars: func(l i18n.Lang, f herald.Facts) string {
		if f["char"] == "" || f["char"] == nil {
			return l.T("A brand name cannot be written with these characters; pick plainer ones.")
		}
		return l.F("A brand name cannot hold the character %v; pick plainer ones.", f["char"])
	},
	brands.ReasonNameLookalike: func(l i18n.Lang, f herald.Facts) string {
		return l.F("The name %q looks like the name of an existing brand (letters from another alphabet, look-alike digits, other widths or forms); pick a clearly different name.", f["brand"])
	},
	brands.ReasonNameTaken: func(l i18n.Lang, f herald.Facts) string {
		return l.F("A brand named %q exists already; pick another name.", f["brand"])
	},
	brands.ReasonBadName: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("A brand name has 1 to 64 characters, without quotes, tabs or line breaks, and does not start with a dash.")
	},
	brands.ReasonChannelTaken: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("This channel belongs to another brand; only an admin of that brand can change it.")
	},
	brands.ReasonLastAdmin: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v is the last admin of %v; make someone else admin first.", f["member"], f["brand"])
	},
	brands.ReasonNotMember: func(l i18n.Lang, _ herald.Facts) string { return l.T("You are not a member of this brand.") },
	brands.ReasonBadLang: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Herald speaks English (en) and French (fr); %q is not one of them.", f["lang"])
	},
	approvals.ReasonAlreadyApproved: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Draft #%v is already approved.", f["draft"])
	},
	approvals.ReasonWrongState: func(l i18n.Lang, f herald.Facts) string {
		st, _ := f["state"].(approvals.State)
		a, _ := f["action"].(approvals.Action)
		return l.F("Draft #%v is %s: it cannot be %s now.", f["draft"], StateLabel(l, st), ActionDone(l, a))
	},
	approvals.ReasonOwnDraft: func(l i18n.Lang, f herald.Facts) string {
		if rev, _ := f["rev"].(int); rev > 0 {
			return l.F("You wrote revision %v of draft #%v, so someone else must review it.", rev, f["draft"])
		}
		return l.F("You wrote draft #%v, so someone else must review it.", f["draft"])
	},
	approvals.ReasonApprovedTwice: func(l i18n.Lang, f herald.Facts) string {
		return l.F("You already approved revision %v of draft #%v.", f["rev"], f["draft"])
	},
	approvals.ReasonReviewDone: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Every review stage of draft #%v is complete.", f["draft"])
	},
	approvals.ReasonWrongStage: func(l i18n.Lang, f herald.Facts) string {
		stage, _ := f["stage"].(string)
		role, _ := f["role"].(string)
		roles, _ := f["roles"].([]string)
		return l.F("Draft #%v waits for %s review; only %s can decide at that stage, and you are %s.", f["draft"], StageKind(l, stage), orRoles(l, roles), RoleLabel(l, herald.Role(role)))
	},
	approvals.ReasonNothingChanged: func(l i18n.Lang, f herald.Facts) string {
		if f["what"] == "targets" {
			return l.F("Draft #%v already goes to those targets; nothing changed.", f["draft"])
		}
		return l.F("That is already the text of draft #%v; nothing changed.", f["draft"])
	},
	approvals.ReasonBadPolicy: func(l i18n.Lang, f herald.Facts) string {
		help := l.T("a policy is a list of stages such as \"team:1 client:1\", \"team:2\" or \"none\"; team stages are decided by approvers and admins, client stages by clients")
		switch {
		case f["stage"] == "":
			return l.F("A policy has at most %v stages; %s.", f["max"], help)
		case f["max"] != nil:
			return l.F("%q: the number of approvals must be between 1 and %v; %s.", f["stage"], f["max"], help)
		}
		return l.F("%q is not a stage; %s.", f["stage"], help)
	},
	herald.ReasonBadTarget: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not a target; targets look like slack:#channel, discord:#channel, discord-webhook:NAME, mastodon:NAME, bluesky:NAME, linkedin:NAME, facebook:NAME, instagram:NAME, threads:NAME, x:NAME, telegram:NAME or webhook:NAME.", f["target"])
	},
	herald.ReasonBadRole: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not a role; use one of admin, editor, approver, client, viewer.", f["role"])
	},
	approvals.ReasonControlChar: func(l i18n.Lang, f herald.Facts) string {
		return l.F("The text holds a control character (%v) that no network can show; remove it and send the text again.", f["char"])
	},
	// mastodon.ReasonTooLong (an edge the command layer does not import).
	"mastodon.too_long": func(l i18n.Lang, f herald.Facts) string {
		return l.F("A Mastodon post is limited to %v characters (each link counts as %v); this one has %v.", f["max"], f["url_chars"], f["length"])
	},
}

// forbiddenText words a refusal of the permission table (brands.Need) in
// l: "Only an admin can give roles, and you are an editor on this brand."
func forbiddenText(l i18n.Lang, f herald.Facts) string {
	a, _ := f["action"].(string)
	role, _ := f["role"].(string)
	roles, _ := f["roles"].([]string)
	what := ActionWords(l, brands.Action(a))
	switch brands.Action(a) {
	case brands.ReadListening, brands.ActOnMentions, brands.ManageListening:
		return l.F("As %s you cannot %s.", RoleLabel(l, herald.Role(role)), what)
	}
	who := orRoles(l, roles)
	if role == "" {
		return l.F("Only %s can %s, and you have no role on this brand.", who, what)
	}
	return l.F("Only %s can %s, and you are %s on this brand.", who, what, RoleLabel(l, herald.Role(role)))
}

// orRoles names roles in l: "editor", "editor or admin", "editor,
// approver or admin".
func orRoles(l i18n.Lang, roles []string) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = RoleLabel(l, herald.Role(r))
	}
	switch len(names) {
	case 0:
		return l.T("nobody")
	case 1:
		return names[0]
	}
	return l.F("%s or %s", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// ActionWords says in l what a guarded action is, after "can".
func ActionWords(l i18n.Lang, a brands.Action) string {
	switch a {
	case brands.UseChannel:
		return l.T("set a channel's brand")
	case brands.GiveRoles:
		return l.T("give roles")
	case brands.SetPolicy:
		return l.T("set the review policy")
	case brands.SetReminders:
		return l.T("set review reminders")
	case brands.SetLanguage:
		return l.T("set the brand's language")
	case brands.SetZone:
		return l.T("change the time zone")
	case brands.WriteDrafts:
		return l.T("write drafts")
	case brands.EditDrafts:
		return l.T("edit drafts")
	case brands.SubmitDrafts:
		return l.T("submit drafts")
	case brands.CancelDrafts:
		return l.T("cancel drafts")
	case brands.ReviewTeam:
		return l.T("decide at a team review stage")
	case brands.ReviewClient:
		return l.T("decide at a client review stage")
	}
	return actionWords2(l, a)
}

func actionWords2(l i18n.Lang, a brands.Action) string {
	switch a {
	case brands.SchedulePosts:
		return l.T("schedule posts")
	case brands.UnschedulePosts:
		return l.T("unschedule posts")
	case brands.PublishPosts:
		return l.T("publish posts")
	case brands.RetryPosts:
		return l.T("retry posts")
	case brands.ConfirmPosts:
		return l.T("mark as published posts")
	case brands.SetUpTargets:
		return l.T("set up targets")
	case brands.RemoveTargets:
		return l.T("remove targets")
	case brands.CalendarLinks:
		return l.T("make calendar links")
	case brands.PausePosts:
		return l.T("pause or resume publishing")
	case brands.ChangeGuidelines:
		return l.T("change the guidelines")
	case brands.AskDrafts:
		return l.T("ask for drafts")
	case brands.WriteReplies:
		return l.T("write reply drafts")
	case brands.ReadListening:
		return l.T("see this brand's listening")
	case brands.ActOnMentions:
		return l.T("act on mentions (admins, editors and approvers can)")
	case brands.ManageListening:
		return l.T("change watches, sources, mutes or listening settings (admins and editors can)")
	}
	return string(a)
}
